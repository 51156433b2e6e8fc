import { z } from 'zod';
import { LOCALES, type Locale } from '../i18n/locales';
import { text, type LocalizedText, type MessageValues } from '../i18n/translator';
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
/**
 * Invitations the window lists, at most: every active one (at most MAX_ACTIVE_INVITATIONS),
 * then the newest revoked and expired ones up to this many in all.
 */
export const INVITATIONS_LISTED_MAX = 1000;
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
  /** The language its email is written in; the invitee's pages fall back to it. */
  locale: Locale;
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
  /**
   * Why the last send failed ("The mail server refused …"): a message of the invitations
   * catalog as JSON (see send-failure.ts), so the window shows it in each reader's language;
   * older rows hold English words.
   */
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

/**
 * Zod messages here are catalog keys, written whole; their values, where the message has
 * any, are this module's limits. issueText makes one a LocalizedText.
 */
const ISSUE_VALUES: Record<string, MessageValues> = {
  'invitations:errors.nameTooLong': { max: INVITEE_NAME_MAX },
  'invitations:errors.emailTooLong': { max: INVITEE_EMAIL_MAX },
  'invitations:errors.listTooLong': { max: PEOPLE_TEXT_MAX },
  'invitee:errors.emailTooLong': { max: INVITEE_EMAIL_MAX },
};

/** A zod issue's message as catalog text; a message zod wrote itself (a wrong type) as "not valid". */
export function issueText(message: string, values: MessageValues = {}): LocalizedText {
  if (!/^(invitations|invitee):errors\.[A-Za-z]+$/.test(message))
    return text('invitations:errors.invalidField');
  return text(message, { ...ISSUE_VALUES[message], ...values });
}

const lineBreakOrControl = 'invitations:errors.controlCharacters';

const inviteeName = z
  .string()
  // Before spaces are collapsed: a line break in a name is refused, never turned into a space.
  // Tabs are spreadsheet columns' separators, so they become spaces.
  .refine((value) => !hasForbiddenCharacters(value.replace(/\t/g, ' ')), lineBreakOrControl)
  .transform((value) => value.normalize('NFC').trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .max(INVITEE_NAME_MAX, 'invitations:errors.nameTooLong')
      .refine((value) => !hasForbiddenCharacters(value), lineBreakOrControl),
  );

const inviteeEmail = z
  .string()
  .refine((value) => !hasForbiddenCharacters(value), 'invitations:errors.emailLineBreaks')
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, 'invitations:errors.emailMissing')
      .max(INVITEE_EMAIL_MAX, 'invitations:errors.emailTooLong')
      .pipe(z.email({ message: 'invitations:errors.emailInvalid' })),
  );

/** A person as the window's rows (or an API client) send them. */
export const personInput = z.object({ name: z.string().optional(), email: z.string() }).strict();

/**
 * The part of an address before the @, as a stand-in name: "ada.lovelace". A local part may be
 * 64 characters and more (whatever the mail server accepts), a name INVITEE_NAME_MAX: it is cut
 * there, never inside a character (UTF-16 length, as the name schema and MongoDB count it).
 */
export function nameFromEmail(email: string): string {
  let name = '';
  for (const character of email.slice(0, email.lastIndexOf('@'))) {
    if (name.length + character.length > INVITEE_NAME_MAX) break;
    name += character;
  }
  return name;
}

export type PeopleResult = { ok: true; people: Person[] } | { ok: false; message: LocalizedText };

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
  if (rows.length === 0) return { ok: false, message: text('invitations:js.enterPeople') };
  if (rows.length > MAX_PEOPLE_PER_REQUEST)
    return {
      ok: false,
      message: text('invitations:errors.tooManyPeople', { max: MAX_PEOPLE_PER_REQUEST, count: rows.length }),
    };
  const people: Person[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const where = { where: typeof input === 'string' ? 'line' : 'person', number: row.line };
    const email = inviteeEmail.safeParse(row.email);
    if (!email.success) return { ok: false, message: issueText(email.error.issues[0]!.message, where) };
    const name = inviteeName.safeParse(row.name);
    if (!name.success) return { ok: false, message: issueText(name.error.issues[0]!.message, where) };
    const key = emailKey(email.data);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return {
        ok: false,
        message: text('invitations:errors.emailTwice', { ...where, email: email.data, earlier }),
      };
    seen.set(key, row.line);
    people.push({ name: name.data || nameFromEmail(email.data), email: email.data });
  }
  return { ok: true, people };
}

const futureTime = (message: 'invitations:errors.expiresFormat' | 'invitations:errors.startsFormat') =>
  z.iso
    .datetime({ offset: true, message })
    .transform((value) => new Date(value))
    .nullable()
    .optional();

/** POST /api/rooms/:roomId/invitations. `people` is checked by readPeople. */
export const createInvitationsInput = z
  .object({
    people: z.union([
      z.string().max(PEOPLE_TEXT_MAX, 'invitations:errors.listTooLong'),
      z.array(personInput).max(MAX_PEOPLE_PER_REQUEST * 50),
    ]),
    role: z.enum(INVITE_ROLES, { message: 'invitations:errors.roleChoice' }),
    expiresAt: futureTime('invitations:errors.expiresFormat'),
    startsAt: futureTime('invitations:errors.startsFormat'),
    /** Send the emails now (when email is configured); false only creates the links. */
    send: z.boolean({ message: 'invitations:errors.sendFlag' }).optional(),
    /** The language the emails are written in; the inviter's own when not given. */
    locale: z.enum(LOCALES, { message: 'invitations:errors.locale' }).optional(),
    /**
     * The inviter's time zone (their browser's), for the times in the email. One this runtime
     * does not know is not refused: the times are then in UTC, and say so.
     */
    timeZone: z
      .string({ message: 'invitations:errors.timeZone' })
      .max(100, 'invitations:errors.timeZone')
      .optional()
      .transform((zone) => (zone && isTimeZone(zone) ? zone : undefined)),
  })
  .strict();

export type CreateInvitationsInput = z.infer<typeof createInvitationsInput>;

/** An expiry must be in the future and within INVITATION_DAYS_MAX; a start time within it too. */
export function timeProblem(
  field: 'expiresAt' | 'startsAt',
  value: Date | null | undefined,
  now: Date,
): LocalizedText | null {
  if (!value) return null;
  if (field === 'expiresAt' && value.getTime() <= now.getTime())
    return text('invitations:errors.expiresPast');
  if (value.getTime() - now.getTime() > INVITATION_DAYS_MAX * 86_400_000)
    return field === 'expiresAt'
      ? text('invitations:errors.expiresTooFar', { days: INVITATION_DAYS_MAX })
      : text('invitations:errors.startsTooFar', { days: INVITATION_DAYS_MAX });
  return null;
}

/**
 * Both times together: each as timeProblem says, and the session must start before the
 * invitation expires (links that stop working before it starts help nobody). A start time in
 * the past is accepted: people are invited to sessions already under way, with their real start.
 */
export function timesProblem(
  times: { expiresAt?: Date | null; startsAt?: Date | null },
  now: Date,
): { field: 'expiresAt' | 'startsAt'; message: LocalizedText } | null {
  for (const field of ['expiresAt', 'startsAt'] as const) {
    const message = timeProblem(field, times[field], now);
    if (message) return { field, message };
  }
  if (times.startsAt && times.expiresAt && times.startsAt.getTime() >= times.expiresAt.getTime())
    return { field: 'startsAt', message: text('invitations:errors.startsAfterExpiry') };
  return null;
}

let timeZones: ReadonlySet<string> | undefined;

/** An IANA time zone this runtime knows (the inviter's browser sends its own), or UTC. */
export function isTimeZone(value: string): boolean {
  timeZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return value === 'UTC' || value === 'Etc/UTC' || timeZones.has(value);
}

export const changeRoleInput = z
  .object({ role: z.enum(INVITE_ROLES, { message: 'invitations:errors.roleChoice' }) })
  .strict();

export const inviteesWaitInput = z
  .object({ inviteesWait: z.boolean({ message: 'invitations:errors.inviteesWait' }) })
  .strict();

/** The invitee's confirmation form on the personal link's page. */
export const confirmEmailForm = z.object({
  email: z
    .string({ message: 'invitee:errors.emailMissing' })
    .trim()
    .min(1, 'invitee:errors.emailMissing')
    .max(INVITEE_EMAIL_MAX, 'invitee:errors.emailTooLong'),
});
