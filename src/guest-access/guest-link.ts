import { z } from 'zod';
import { text, translator, type LocalizedText, type Translator } from '../i18n/translator';
import { hasForbiddenCharacters } from '../text';
import { zodMessage } from '../validation';

/** docs/product.md §5: the limits of the Create new link window. */
export const MAX_LINKS_PER_ROOM = 3;
/** The places a room's live links occupy; stores hold each in at most one live link. */
export const LINK_SLOTS: readonly number[] = Array.from(
  { length: MAX_LINKS_PER_ROOM },
  (_unused, index) => index + 1,
);
export const LINK_NAME_MAX = 80;
export const CLICK_LIMIT_MAX = 100_000;
export const DURATION_DAYS_MAX = 365;

export const LINK_STATUSES = ['active', 'expired', 'used-up', 'inactive'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export interface GuestLink {
  id: string;
  roomId: string;
  name: string;
  /** The random seed the link's secret token is derived from with the app secret. */
  tokenSeed: string;
  clickLimit: number | null;
  clicksUsed: number;
  expiresAt: Date | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: Date;
}

/** Case- and space-insensitive: "Guest Speakers" and "guest speakers " are the same name in a room. */
export function linkNameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Every message says what is allowed, not only what is wrong ("Duration must be at least 1 day.").
 * The window's script says the same before sending (public/js/guest-access.js), from the same keys.
 */
const clickLimit = z
  .number({ message: zodMessage('guestAccess:js.errors.clicksWhole', { max: CLICK_LIMIT_MAX }) })
  .int(zodMessage('guestAccess:js.errors.clicksWhole', { max: CLICK_LIMIT_MAX }))
  .min(1, zodMessage('guestAccess:js.errors.clicksMin'))
  .max(CLICK_LIMIT_MAX, zodMessage('guestAccess:js.errors.clicksMax', { max: CLICK_LIMIT_MAX }));
const durationDays = z
  .number({ message: zodMessage('guestAccess:js.errors.durationWhole', { max: DURATION_DAYS_MAX }) })
  .int(zodMessage('guestAccess:js.errors.durationWhole', { max: DURATION_DAYS_MAX }))
  .min(1, zodMessage('guestAccess:js.errors.durationMin'))
  .max(DURATION_DAYS_MAX, zodMessage('guestAccess:js.errors.durationMax', { max: DURATION_DAYS_MAX }));

const linkName = z
  .string({ message: zodMessage('guestAccess:js.errors.nameRequired') })
  .transform((value) => value.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, zodMessage('guestAccess:js.errors.nameRequired'))
      .max(LINK_NAME_MAX, zodMessage('guestAccess:js.errors.nameTooLong', { max: LINK_NAME_MAX }))
      .refine(
        (value) => !hasForbiddenCharacters(value),
        zodMessage('guestAccess:errors.nameControlCharacters'),
      ),
  );

export const createLinkInput = z
  .object({
    name: linkName,
    clicks: clickLimit.nullish(),
    durationDays: durationDays.nullish(),
  })
  .strict();

export type CreateLinkInput = z.infer<typeof createLinkInput>;

/**
 * An edit names only what changes: a field left out keeps its value, null clears a limit
 * ("no limit", "never expires"). A new duration counts from the moment of the edit, as
 * someone extending a link expects ("7 more days"), not from the link's creation.
 */
export const editLinkInput = z
  .object({
    name: linkName.optional(),
    clicks: clickLimit.nullable().optional(),
    durationDays: durationDays.nullable().optional(),
  })
  .strict()
  .refine(
    (input) => Object.values(input).some((value) => value !== undefined),
    zodMessage('guestAccess:errors.editNothing'),
  );

export type EditLinkInput = z.infer<typeof editLinkInput>;

/** Guests who got in stay counted: a limit below them would be broken the moment it is saved. */
export function clicksBelowUsedMessage(clicksUsed: number): LocalizedText {
  return text('guestAccess:js.errors.clicksBelowUsed', { used: clicksUsed });
}

/** Whether a new click limit leaves room for the clicks already used; null: no limit. */
export function limitCoversUsed(clickLimit: number | null, clicksUsed: number): boolean {
  return clickLimit === null || clickLimit >= clicksUsed;
}

/** An edit's audit details: the link, and each changed field before and after. */
export function editAuditDetails(before: GuestLink, after: GuestLink): Record<string, unknown> {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  if (before.name !== after.name) changed.name = { from: before.name, to: after.name };
  if (before.clickLimit !== after.clickLimit)
    changed.clickLimit = { from: before.clickLimit, to: after.clickLimit };
  if (before.expiresAt?.getTime() !== after.expiresAt?.getTime())
    changed.expiresAt = { from: before.expiresAt, to: after.expiresAt };
  return { linkId: after.id, linkName: after.name, clicksUsed: after.clicksUsed, changed };
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function expiryFor(createdAt: Date, durationDays: number | null | undefined): Date | null {
  return durationDays ? new Date(createdAt.getTime() + durationDays * DAY_MS) : null;
}

export function isExpired(link: Pick<GuestLink, 'expiresAt'>, now: Date): boolean {
  return link.expiresAt !== null && link.expiresAt.getTime() <= now.getTime();
}

export function isUsedUp(link: Pick<GuestLink, 'clickLimit' | 'clicksUsed'>): boolean {
  return link.clickLimit !== null && link.clicksUsed >= link.clickLimit;
}

/**
 * A link's standing. Expiry and a reached limit are permanent and shown first;
 * "inactive" is the reversible state while guest access is off (or its modules are).
 */
export function linkStatus(
  link: Pick<GuestLink, 'expiresAt' | 'clickLimit' | 'clicksUsed'>,
  guestAccessOn: boolean,
  now: Date,
): LinkStatus {
  if (isExpired(link, now)) return 'expired';
  if (isUsedUp(link)) return 'used-up';
  return guestAccessOn ? 'active' : 'inactive';
}

/** The read-only group that represents one link's guests on the room's settings page. */
export function guestAccessGroupName(
  link: Pick<GuestLink, 'name'>,
  i18n: Translator = translator('en'),
): string {
  return i18n.t('media:settings.groupName', { name: link.name });
}

/** The window's count line, as its script writes it: "No links added" / "1 link" / "2 links" / "3 links". */
export function linkCountText(count: number): string {
  return translator('en').t('guestAccess:js.count', { count });
}
