import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ROOM_ROLES } from '../rooms/room-role';
import { PRESET_NAMES } from './presets';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Endpoints must be https, except on the local machine where development LMSs run on http. */
const endpointUrl = z
  .string()
  .trim()
  .url('must be a URL')
  .refine((value) => {
    // zod runs this even when .url() already failed; that failure is the one to report.
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
  }, 'must be an https:// URL (http:// is only accepted for localhost)');

export const platformSettingsSchema = z
  .object({
    modules: z
      .object({
        invitetomedia: z.boolean(),
        mediapage: z.boolean(),
      })
      .strict()
      .default({ invitetomedia: true, mediapage: true }),
    roleMap: z.record(z.string().trim().min(1), z.enum(ROOM_ROLES)).optional(),
    linkCreators: z.enum(['hosts', 'hosts-and-moderators']).default('hosts-and-moderators'),
    lobbyDefault: z.boolean().default(true),
    guestLogRetentionDays: z.number().int().min(1).max(3650).default(90),
  })
  .strict();

export type PlatformSettings = z.infer<typeof platformSettingsSchema>;

export const platformRegistrationSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120),
    /**
     * Which LMS this is, for wording that differs per LMS (platform-words.ts). Set by
     * `platforms add <preset>`; absent in files written before it existed.
     */
    preset: z.enum(PRESET_NAMES).optional(),
    issuer: z.string().trim().url('must be a URL'),
    clientId: z.string().trim().min(1, 'must not be empty').max(255),
    authEndpoint: endpointUrl,
    tokenEndpoint: endpointUrl,
    jwksUrl: endpointUrl,
    deploymentIds: z
      .array(z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'))
      .min(1, 'must list at least one deployment id')
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a deployment id'),
    settings: platformSettingsSchema.default(() => platformSettingsSchema.parse({})),
  })
  .strict();

export type PlatformRegistration = z.infer<typeof platformRegistrationSchema>;

export const platformRegistrationListSchema = z
  .array(platformRegistrationSchema)
  .superRefine((registrations, ctx) => {
    const seen = new Map<string, number>();
    registrations.forEach((registration, index) => {
      const key = `${registration.issuer} ${registration.clientId}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'clientId'],
          message: `repeats the issuer and client id of entry [${first}]; list every deployment id in one entry`,
        });
      }
      seen.set(key, index);
    });
  });

/** A stable id for a registration, the same on every instance that reads the same file. */
export function platformIdFor(issuer: string, clientId: string): string {
  return createHash('sha256').update(`${issuer}\n${clientId}`).digest('hex').slice(0, 20);
}

/** The registration plus its derived id: what the rest of the tool works with. */
export interface Platform extends PlatformRegistration {
  id: string;
}

export function toPlatform(registration: PlatformRegistration): Platform {
  return { ...registration, id: platformIdFor(registration.issuer, registration.clientId) };
}

export function guestAccessModulesEnabled(settings: PlatformSettings): boolean {
  return settings.modules.invitetomedia && settings.modules.mediapage;
}
