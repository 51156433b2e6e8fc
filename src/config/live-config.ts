import { z } from 'zod';

export const ROOM_ENGINES = ['builtin', 'janus'] as const;
export type EngineName = (typeof ROOM_ENGINES)[number];

/** An RTCIceServer as browsers take it (ICE_SERVERS). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** How many people one room holds with the built-in engine unless told otherwise (bench/README.md). */
export const DEFAULT_BUILTIN_CAP = 4;

export interface JanusConfig {
  /** The Janus HTTP API, e.g. http://127.0.0.1:8088/janus: only Guestlink talks to it. */
  url: string;
  /** The VideoRoom plugin's admin_key: lets Guestlink create rooms. */
  adminKey: string;
  /** Janus core's api_secret, when Janus is configured with one. */
  apiSecret: string | null;
  /** Most people presenting at once in one room. */
  maxPublishers: number;
}

export interface LiveConfig {
  engine: EngineName;
  iceServers: IceServer[];
  /** A TURN server sharing a secret with Guestlink (coturn's use-auth-secret): credentials per page. */
  turn: { urls: string[]; secret: string } | null;
  /** Participants per room with the built-in engine (hosts and moderators aside). */
  builtinCap: number;
  /** Participants per room with Janus; null: no cap but the server's. */
  janusCap: number | null;
  janus: JanusConfig | null;
}

const iceUrl = z
  .string()
  .regex(
    /^(stun|stuns|turn|turns):[^\s]+$/,
    'each ICE server URL must start with stun:, stuns:, turn: or turns:',
  );

const iceServers = z.array(
  z
    .object({
      urls: z.union([iceUrl, z.array(iceUrl).min(1)]),
      username: z.string().optional(),
      credential: z.string().optional(),
    })
    .strict(),
);

const whole = (min: number, max: number) =>
  z.coerce
    .number({ message: `must be a whole number between ${min} and ${max}` })
    .int(`must be a whole number between ${min} and ${max}`)
    .min(min, `must be a whole number between ${min} and ${max}`)
    .max(max, `must be a whole number between ${min} and ${max}`);

/** The environment variables of the live session, validated with the rest (src/config/index.ts). */
export const liveEnvShape = {
  ROOM_ENGINE: z.enum(ROOM_ENGINES, { message: 'must be builtin or janus' }).default('builtin'),
  ICE_SERVERS: z
    .string()
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of ICE servers' });
        return z.NEVER;
      }
    })
    .pipe(iceServers)
    .optional(),
  TURN_URLS: z
    .string()
    .transform((value) => value.split(',').map((url) => url.trim()))
    .pipe(
      z.array(z.string().regex(/^turns?:[^\s]+$/, 'each TURN URL must start with turn: or turns:')).min(1),
    )
    .optional(),
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters long').optional(),
  BUILTIN_MAX_PARTICIPANTS: whole(2, 50).default(DEFAULT_BUILTIN_CAP),
  JANUS_URL: z
    .string()
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value), 'must be an http:// or https:// URL')
    .optional(),
  JANUS_ADMIN_KEY: z.string().min(8, 'must be at least 8 characters long').optional(),
  JANUS_API_SECRET: z.string().min(1).optional(),
  JANUS_MAX_PARTICIPANTS: whole(2, 100_000).optional(),
  JANUS_MAX_PUBLISHERS: whole(1, 100).default(16),
};

type LiveEnv = z.infer<z.ZodObject<typeof liveEnvShape>>;

/** Problems a valid value can still have with the others: named like the schema's. */
export function liveConfigFrom(vars: LiveEnv): LiveConfig | string[] {
  const problems: string[] = [];
  if (vars.ROOM_ENGINE === 'janus') {
    if (!vars.JANUS_URL)
      problems.push('JANUS_URL: is required with ROOM_ENGINE=janus (e.g. http://127.0.0.1:8088/janus)');
    if (!vars.JANUS_ADMIN_KEY)
      problems.push(
        'JANUS_ADMIN_KEY: is required with ROOM_ENGINE=janus (the admin_key of janus.plugin.videoroom.jcfg)',
      );
  }
  if (Boolean(vars.TURN_URLS) !== Boolean(vars.TURN_SECRET))
    problems.push(
      'TURN_URLS and TURN_SECRET: set both (the TURN server and its static-auth-secret), or neither',
    );
  if (problems.length > 0) return problems;
  return {
    engine: vars.ROOM_ENGINE,
    iceServers: vars.ICE_SERVERS ?? [],
    turn: vars.TURN_URLS && vars.TURN_SECRET ? { urls: vars.TURN_URLS, secret: vars.TURN_SECRET } : null,
    builtinCap: vars.BUILTIN_MAX_PARTICIPANTS,
    janusCap: vars.JANUS_MAX_PARTICIPANTS ?? null,
    janus:
      vars.ROOM_ENGINE === 'janus'
        ? {
            url: vars.JANUS_URL!.replace(/\/+$/, ''),
            adminKey: vars.JANUS_ADMIN_KEY!,
            apiSecret: vars.JANUS_API_SECRET ?? null,
            maxPublishers: vars.JANUS_MAX_PUBLISHERS,
          }
        : null,
  };
}
