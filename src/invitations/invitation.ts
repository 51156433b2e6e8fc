import { z } from 'zod';
import { INVITE_ROLES, type InviteRole } from '../rooms/room-role';
import { hasForbiddenCharacters } from '../text';

/**
 * Invite users (docs/product.md §13): personal invitations to one room's live session, each
 * with a role. Pure rules: what an invitation is, its status, and what the Invite users window
 * may send. The stores keep the limits under concurrency; the service applies the rest.
 */

/** Invitations that still work (not revoked, not expired) in one room, at most. */
export const MAX_ACTIVE_INVITATIONS = 500;
/** People in one Invite request (one paste), at most: one window's worth, one mail batch. */
export const MAX_PEOPLE_PER_REQUEST = 100;
export const INVITEE_NAME_MAX = 80;
export const INVITEE_EMAIL_MAX = 254;
/** How far ahead an expiry or a start time may be set. */
export const INVITATION_DAYS_MAX = 365;
/** The pasted list, in characters, before it is read line by line. */
export const PEOPLE_TEXT_MAX = 64_000;

export const INVITATION_STATUSES = ['not-opened', 'joined', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** not-configured: SMTP_URL is unset, so the link is for copying; nothing was tried. */
export const EMAIL_STATUSES = ['not-sent', 'sent', 'failed', 'not-configured'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export interface Invitation {
  id: string;
  roomId: string;
  name: string;
  email: string;
  role: InviteRole;
  /** The random seed the personal link's token is derived from with the app secret. */
  tokenSeed: string;
  expiresAt: Date | null;
  /** When the session starts, if the inviter said: the email and the room page show it. */
  startsAt: Date | null;
  createdAt: Date;
  createdBy: string;
  createdByName: string | null;
  /** The first browser that confirmed the email; that browser alone may use the link. */
  claimedAt: Date | null;
  /** The invitee's visit (guest_visits), made when the link was claimed. */
  visitId: string | null;
  lastJoinedAt: Date | null;
  revokedAt: Date | null;
  revokedByName: string | null;
  emailStatus: EmailStatus;
  /** Why the last send failed, in words for the window ("The mail server refused …"). */
  emailError: string | null;
  emailSentAt: Date | null;
}

export interface Person {
  name: string;
  email: string;
}

/** The same address, however it was typed: invitations are unique per room by this key. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function invitationStatus(
  invitation: Pick<Invitation, 'revokedAt' | 'expiresAt' | 'claimedAt'>,
  now: Date,
): InvitationStatus {
  if (invitation.revokedAt) return 'revoked';
  if (invitation.expiresAt && invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  return invitation.claimedAt ? 'joined' : 'not-opened';
}

/** Counts toward MAX_ACTIVE_INVITATIONS: neither revoked nor expired. */
export function isActive(invitation: Pick<Invitation, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return !invitation.revokedAt && !(invitation.expiresAt && invitation.expiresAt.getTime() <= now.getTime());
}

const lineBreakOrControl = 'Remove line breaks and other control characters.';

const inviteeName = z
  .string()
  // Before spaces are collapsed: a line break in a name is refused, never turned into a space.
  // Tabs are spreadsheet columns' separators, so they become spaces.
  .refine((value) => !hasForbiddenCharacters(value.replace(/\t/g, ' ')), lineBreakOrControl)
  .transform((value) => value.normalize('NFC').trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .max(INVITEE_NAME_MAX, `Names can have at most ${INVITEE_NAME_MAX} characters.`)
      .refine((value) => !hasForbiddenCharacters(value), lineBreakOrControl),
  );

const inviteeEmail = z
  .string()
  .refine((value) => !hasForbiddenCharacters(value), 'Email addresses cannot contain line breaks.')
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter an email address.')
      .max(INVITEE_EMAIL_MAX, `Email addresses can have at most ${INVITEE_EMAIL_MAX} characters.`)
      .pipe(z.email({ message: 'Enter email addresses like name@example.com.' })),
  );

/** A person as the window's rows (or an API client) send them. */
export const personInput = z.object({ name: z.string().optional(), email: z.string() }).strict();

/** The part of an address before the @, as a stand-in name: "ada.lovelace". */
function nameFromEmail(email: string): string {
  return email.slice(0, email.lastIndexOf('@'));
}

export type PeopleResult = { ok: true; people: Person[] } | { ok: false; message: string };

/**
 * One line, in the forms people paste from a mail client or a spreadsheet:
 * `Ada Lovelace <ada@example.com>`, `"Lovelace, Ada" <ada@example.com>`, `ada@example.com`,
 * `Ada Lovelace, ada@example.com`, `Ada Lovelace<TAB>ada@example.com`.
 */
export function splitPersonLine(line: string): { name: string; email: string } {
  const angle = /^(.*?)<([^<>]*)>\s*$/.exec(line);
  if (angle) return { name: angle[1]!.trim().replace(/^"(.*)"$/, '$1'), email: angle[2]! };
  const separated = /^(.*)[\t,;]\s*([^\t,;]*@[^\t,;]*)$/.exec(line);
  if (separated) return { name: separated[1]!.trim().replace(/^"(.*)"$/, '$1'), email: separated[2]! };
  return { name: '', email: line };
}

/**
 * The people of one Invite request, from pasted lines or rows: every name and address
 * checked, no address twice, at most MAX_PEOPLE_PER_REQUEST. The message names the line.
 */
export function readPeople(input: string | Array<z.infer<typeof personInput>>): PeopleResult {
  const rows =
    typeof input === 'string'
      ? input
          .split(/\r\n|\r|\n/)
          .map((line, index) => ({ line: index + 1, ...splitPersonLine(line.trim()), blank: !line.trim() }))
          .filter((row) => !row.blank)
      : input.map((row, index) => ({
          line: index + 1,
          name: row.name ?? '',
          email: row.email,
          blank: false,
        }));
  if (rows.length === 0) return { ok: false, message: 'Enter at least one name and email address.' };
  if (rows.length > MAX_PEOPLE_PER_REQUEST)
    return {
      ok: false,
      message: `Invite at most ${MAX_PEOPLE_PER_REQUEST} people at a time (this list has ${rows.length.toLocaleString('en-US')}).`,
    };
  const people: Person[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const where = typeof input === 'string' ? `Line ${row.line}` : `Person ${row.line}`;
    const email = inviteeEmail.safeParse(row.email);
    if (!email.success) return { ok: false, message: `${where}: ${email.error.issues[0]!.message}` };
    const name = inviteeName.safeParse(row.name);
    if (!name.success) return { ok: false, message: `${where}: ${name.error.issues[0]!.message}` };
    const key = emailKey(email.data);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return { ok: false, message: `${where}: ${email.data} is already on line ${earlier} of this list.` };
    seen.set(key, row.line);
    people.push({ name: name.data || nameFromEmail(email.data), email: email.data });
  }
  return { ok: true, people };
}

const futureTime = (field: string) =>
  z.iso
    .datetime({ offset: true, message: `${field} must be a date and time like 2026-12-01T14:00:00Z.` })
    .transform((value) => new Date(value))
    .nullable()
    .optional();

/** POST /api/rooms/:roomId/invitations. `people` is checked by readPeople. */
export const createInvitationsInput = z
  .object({
    people: z.union([
      z
        .string()
        .max(
          PEOPLE_TEXT_MAX,
          `The list can have at most ${PEOPLE_TEXT_MAX.toLocaleString('en-US')} characters.`,
        ),
      z.array(personInput).max(MAX_PEOPLE_PER_REQUEST * 50),
    ]),
    role: z.enum(INVITE_ROLES, { message: 'Choose a role: viewer, speaker or moderator.' }),
    expiresAt: futureTime('Expires'),
    startsAt: futureTime('Starts'),
    /** Send the emails now (when email is configured); false only creates the links. */
    send: z.boolean().optional(),
  })
  .strict();

export type CreateInvitationsInput = z.infer<typeof createInvitationsInput>;

/** An expiry must be in the future and within INVITATION_DAYS_MAX; a start time within it too. */
export function timeProblem(
  field: 'expiresAt' | 'startsAt',
  value: Date | null | undefined,
  now: Date,
): string | null {
  if (!value) return null;
  const label = field === 'expiresAt' ? 'Expires' : 'Starts';
  if (field === 'expiresAt' && value.getTime() <= now.getTime()) return `${label} must be in the future.`;
  if (value.getTime() - now.getTime() > INVITATION_DAYS_MAX * 86_400_000)
    return `${label} must be within ${INVITATION_DAYS_MAX} days from now.`;
  return null;
}

export const changeRoleInput = z
  .object({ role: z.enum(INVITE_ROLES, { message: 'Choose a role: viewer, speaker or moderator.' }) })
  .strict();

export const inviteesWaitInput = z
  .object({ inviteesWait: z.boolean({ message: 'inviteesWait must be true or false.' }) })
  .strict();

/** The invitee's confirmation form on the personal link's page. */
export const confirmEmailForm = z.object({
  email: z
    .string({ message: 'Enter the email address your invitation was sent to.' })
    .trim()
    .min(1, 'Enter the email address your invitation was sent to.')
    .max(INVITEE_EMAIL_MAX, `Use at most ${INVITEE_EMAIL_MAX} characters.`),
});
