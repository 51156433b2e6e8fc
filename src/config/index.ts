import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { StartupError } from '../errors';
import { liveConfigFrom, liveEnvShape, type LiveConfig } from './live-config';
import { mailConfigFrom, mailEnvShape, type MailConfig } from './mail-config';
import { platformsFilePath } from '../paths';
import {
  platformSettingsSchema,
  type PlatformRegistration,
  type PlatformSettings,
} from '../platforms/platform';
import { readPlatformsFile } from '../platforms/platforms-file';
import { describeIssues } from '../validation';

/**
 * The one reader of process.env. Everything the tool can be told from outside is
 * validated here at start, and a bad value stops the process with its name.
 */

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | null } // null: in memory (tests)
  | { kind: 'postgres'; url: string }
  | { kind: 'mongodb'; url: string };

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** Where browsers and LMSs reach the tool, without a trailing slash. */
  publicUrl: string;
  isHttps: boolean;
  dataDir: string;
  database: DatabaseConfig;
  /** Signs ltiks and guest sessions, encrypts ltijs's keys. */
  appSecret: string;
  platformsFile: string;
  platforms: PlatformRegistration[];
  /** express's "trust proxy": false, a hop count or proxy addresses (never true: see TRUST_PROXY). */
  trustProxy: false | number | string;
  sandboxEnabled: boolean;
  /**
   * Where browsers reach the sandbox LMS (its pages, auth endpoint, storage frame): PUBLIC_URL
   * by default; another site (e.g. http://localhost:3000 for a tool at http://127.0.0.1:3000)
   * makes it frame the tool cross-site, as a real LMS does.
   */
  sandboxUrl: string;
  /** Settings of the sandbox's own registration (modules, role map, who creates links, …). */
  sandboxSettings: PlatformSettings;
  logLevel: string;
  lti: { clockSkewSeconds: number };
  databaseConnectTimeoutMs: number;
  /** How long /readyz reports a write that failed for a full or read-only storage. */
  storageFaultWindowSeconds: number;
  /** Requests per minute the public guest routes accept (rate limits). */
  guestLimits: {
    joinsPerIpPerMinute: number;
    joinsPerLinkPerMinute: number;
    pagesPerIpPerMinute: number;
    /** Guests that may wait in one room's lobby at once. */
    waitingPerRoom: number;
  };
  /** The live session: which engine carries the media, and its settings. */
  live: LiveConfig;
  /** Live-update streams (server-sent events) this instance holds open: caps and lifetimes. */
  streams: StreamLimitsConfig;
  /** Invitation emails: the SMTP server (or none), the sender, the sending limits. */
  mail: MailConfig;
}

export interface StreamLimitsConfig {
  perGuestPass: number;
  /** Per launched user (platform and user id), across their tabs and rooms. */
  perUser: number;
  perAddress: number;
  total: number;
  /** Lobby and waiting-page streams end after this long; the browser reconnects at once. */
  maxLifetimeSeconds: number;
  /** The live stage's streams: reconnecting re-creates the participant, so only past any class. */
  liveMaxLifetimeSeconds: number;
}

const booleanWords: Record<string, boolean> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
};

/** An absolute http(s) address without query or fragment, such as PUBLIC_URL. */
function baseUrl() {
  return z
    .string()
    .refine((value) => {
      try {
        const url = new URL(value);
        return /^https?:$/.test(url.protocol) && value.startsWith(`${url.protocol}//`);
      } catch {
        return false;
      }
    }, 'must be an absolute http:// or https:// URL')
    .refine((value) => !/[?#]/.test(value), 'must not contain a query string or fragment')
    .optional();
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce
    .number({ message: 'must be a whole number between 1 and 65535' })
    .int('must be a whole number between 1 and 65535')
    .min(1, 'must be a whole number between 1 and 65535')
    .max(65535, 'must be a whole number between 1 and 65535')
    .default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: baseUrl(),
  SANDBOX_URL: baseUrl(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must start with postgres:// or postgresql://')
    .optional(),
  MONGODB_URI: z
    .string()
    .refine((value) => /^mongodb(\+srv)?:\/\//.test(value), 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  PLATFORMS_FILE: z.string().min(1).optional(),
  TRUST_PROXY: z
    .string()
    // "true" would believe any client's X-Forwarded-For, so every per-address limit could be dodged.
    .refine(
      (value) => !/^(true|yes)$/i.test(value),
      'must not be true: that trusts any client’s X-Forwarded-For and defeats the per-address limits. ' +
        'Set the number of proxies in front of Guestlink (1 for one reverse proxy) or their addresses ' +
        '(e.g. loopback, or 10.0.0.0/8)',
    )
    .regex(
      /^(true|yes|false|no|\d+|loopback|linklocal|uniquelocal|[0-9a-fA-F:./]+)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F:./]+))*$/i,
      'must be false, a number of proxy hops, or a comma-separated list of proxy addresses',
    )
    .optional(),
  SANDBOX: z.enum(['auto', 'on', 'off', 'force']).default('auto'),
  SANDBOX_SETTINGS: z
    .string()
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of platform settings' });
        return z.NEVER;
      }
    })
    .pipe(platformSettingsSchema)
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LTI_CLOCK_SKEW_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds between 0 and 300' })
    .int('must be a whole number of seconds between 0 and 300')
    .min(0, 'must be a whole number of seconds between 0 and 300')
    .max(300, 'must be a whole number of seconds between 0 and 300')
    .default(60),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  READYZ_STORAGE_FAULT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  GUEST_JOINS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  GUEST_JOINS_PER_LINK_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  GUEST_PAGES_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  LOBBY_CAPACITY: z.coerce.number().int().min(1).max(100_000).default(1000),
  STREAMS_PER_GUEST_PASS: z.coerce.number().int().min(1).max(1_000_000).default(4),
  STREAMS_PER_USER: z.coerce.number().int().min(1).max(1_000_000).default(10),
  STREAMS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  STREAMS_TOTAL: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  STREAM_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1800),
  LIVE_STREAM_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(1).max(604_800).default(43_200),
  ...liveEnvShape,
  ...mailEnvShape,
});

/** express's "trust proxy": off, a hop count, or addresses; never true (refused above). */
function parseTrustProxy(value: string | undefined): false | number | string {
  if (value === undefined || booleanWords[value.toLowerCase()] === false) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function sandboxEnabled(mode: 'auto' | 'on' | 'off' | 'force', env: Config['env']): boolean {
  if (mode === 'off') return false;
  if (mode === 'force') return true;
  // "on" and "auto" never turn the sandbox on in production: only "force" does.
  return env !== 'production';
}

function databaseConfig(
  databaseUrl: string | undefined,
  mongodbUri: string | undefined,
  dataDir: string,
): DatabaseConfig {
  if (databaseUrl) return { kind: 'postgres', url: databaseUrl };
  if (mongodbUri) return { kind: 'mongodb', url: mongodbUri };
  return { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') };
}

/** Reads the app secret for development from DATA_DIR, creating it on first start. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'app-secret.key');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(48).toString('base64url');
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

/**
 * Reads `.env` (in the working directory) into env, as `node --env-file` would: variables
 * already set win, and a missing file is fine. .env.example tells people to copy it there.
 */
export function loadDotEnv(file = path.resolve('.env'), env: NodeJS.ProcessEnv = process.env): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StartupError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined) env[name] = value;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new StartupError(
      `Invalid configuration:\n${describeIssues(parsed.error)
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  }
  const vars = parsed.data;
  const publicUrl = (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, '');
  const dataDir = path.resolve(vars.DATA_DIR);

  if (vars.DATABASE_URL && vars.MONGODB_URI) {
    throw new StartupError(
      'Invalid configuration:\n  DATABASE_URL and MONGODB_URI: set only one of them (PostgreSQL or MongoDB), not both',
    );
  }
  if (vars.NODE_ENV === 'production' && !vars.APP_SECRET) {
    throw new StartupError(
      'Invalid configuration:\n  APP_SECRET: is required in production (at least 32 random characters, e.g. `openssl rand -base64 48`)',
    );
  }
  const live = liveConfigFrom(vars);
  if (Array.isArray(live)) {
    throw new StartupError(`Invalid configuration:\n${live.map((line) => `  ${line}`).join('\n')}`);
  }
  const appSecret = vars.APP_SECRET ?? developmentSecret(dataDir);
  const platformsFile = platformsFilePath(vars.PLATFORMS_FILE);

  return {
    env: vars.NODE_ENV,
    port: vars.PORT,
    host: vars.HOST,
    publicUrl,
    isHttps: publicUrl.startsWith('https://'),
    dataDir,
    database: databaseConfig(vars.DATABASE_URL, vars.MONGODB_URI, dataDir),
    appSecret,
    platformsFile,
    platforms: readPlatformsFile(platformsFile),
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    sandboxEnabled: sandboxEnabled(vars.SANDBOX, vars.NODE_ENV),
    sandboxUrl: (vars.SANDBOX_URL ?? publicUrl).replace(/\/+$/, ''),
    sandboxSettings: vars.SANDBOX_SETTINGS ?? platformSettingsSchema.parse({ guestLogRetentionDays: 30 }),
    logLevel: vars.LOG_LEVEL ?? (vars.NODE_ENV === 'test' ? 'silent' : 'info'),
    lti: { clockSkewSeconds: vars.LTI_CLOCK_SKEW_SECONDS },
    databaseConnectTimeoutMs: vars.DB_CONNECT_TIMEOUT_MS,
    storageFaultWindowSeconds: vars.READYZ_STORAGE_FAULT_SECONDS,
    guestLimits: {
      joinsPerIpPerMinute: vars.GUEST_JOINS_PER_IP_PER_MINUTE,
      joinsPerLinkPerMinute: vars.GUEST_JOINS_PER_LINK_PER_MINUTE,
      pagesPerIpPerMinute: vars.GUEST_PAGES_PER_IP_PER_MINUTE,
      waitingPerRoom: vars.LOBBY_CAPACITY,
    },
    live,
    streams: {
      perGuestPass: vars.STREAMS_PER_GUEST_PASS,
      perUser: vars.STREAMS_PER_USER,
      perAddress: vars.STREAMS_PER_ADDRESS,
      total: vars.STREAMS_TOTAL,
      maxLifetimeSeconds: vars.STREAM_MAX_LIFETIME_SECONDS,
      liveMaxLifetimeSeconds: vars.LIVE_STREAM_MAX_LIFETIME_SECONDS,
    },
    mail: mailConfigFrom(vars, publicUrl),
  };
}

/** The database URL with its password removed, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
