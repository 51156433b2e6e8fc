import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { headerText } from '../mail/header-text';
import type { OutgoingMail } from '../mail/mailer';
import { VIEWS_DIR } from '../paths';
import { translator, type Locale, type Translator } from '../i18n';
import type { InviteRole } from '../rooms/room-role';
import { truncateCodePoints } from '../text';

/**
 * The invitation email (Invite users): who invited whom to which session of which course, the
 * role and what it lets them do, the personal link, and when it starts and stops working.
 * Titles and names come from the LMS and from the pasted list, so every value is made one line
 * (headerText) before it is used, and the HTML part escapes it (views/emails/invitation.ejs).
 */

export interface InvitationEmailInput {
  invitee: { name: string; email: string };
  role: InviteRole;
  /** The course (LTI context) title; null when the launch did not say. */
  courseTitle: string | null;
  /** The live session: the room's title. */
  sessionTitle: string;
  inviterName: string | null;
  /** The personal link, PUBLIC_URL/i/<token>. */
  url: string;
  expiresAt: Date | null;
  startsAt: Date | null;
  /** The language it is written in (the invitation's); English when not given. */
  locale?: Locale;
  /** The inviter's time zone for the times (IANA, checked by the caller); UTC when not given. */
  timeZone?: string;
}

/** What each role lets the invitee do: said in the email and on the confirmation page. */
export const ROLE_ABILITIES: Record<InviteRole, string> = {
  viewer: 'email:abilities.viewer',
  speaker: 'email:abilities.speaker',
  moderator: 'email:abilities.moderator',
};

/** The role's name, in the reader's language. */
export const ROLE_NAMES: Record<InviteRole, string> = {
  viewer: 'invitations:js.role.viewer',
  speaker: 'invitations:js.role.speaker',
  moderator: 'invitations:js.role.moderator',
};

/** A subject stays readable in a mailbox list; titles are already shortened at launch. */
const SUBJECT_MAX = 200;

const template = ejs.compile(fs.readFileSync(path.join(VIEWS_DIR, 'emails', 'invitation.ejs'), 'utf8'));

const UTC_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

const isoOf = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** "Monday 7 December 2026, 17:00 UTC (2026-12-07T17:00:00Z)": readable, and exact for any time zone. */
export function utcTime(date: Date): string {
  const iso = isoOf(date);
  return `${UTC_DATE.format(date).replace(',', '')}, ${iso.slice(11, 16)} UTC (${iso})`;
}

/**
 * A time in the email's language and the inviter's time zone, the zone named and the exact
 * instant after it: "Montag, 7. Dezember 2026 um 18:00 Uhr (Mitteleuropäische Normalzeit; …)".
 * English in UTC is utcTime's wording.
 */
export function emailTime(date: Date, i18n: Translator, timeZone = 'UTC'): string {
  if (i18n.locale === 'en' && timeZone === 'UTC') return utcTime(date);
  const english = i18n.locale === 'en';
  const dateText = english
    ? new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
      })
        .format(date)
        .replace(',', '')
    : i18n.formatDate(date, { timeZone, dateStyle: 'full' });
  const timeText = english
    ? new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(date)
    : i18n.formatDate(date, { timeZone, timeStyle: 'short' });
  const zone =
    timeZone === 'UTC'
      ? 'UTC'
      : (new Intl.DateTimeFormat(i18n.locale, { timeZone, timeZoneName: 'long' })
          .formatToParts(date)
          .find((part) => part.type === 'timeZoneName')?.value ?? timeZone);
  return i18n.t('email:time', { date: dateText, time: timeText, zone, iso: isoOf(date) });
}

export function composeInvitationEmail(input: InvitationEmailInput): OutgoingMail {
  const i18n = translator(input.locale ?? 'en');
  const t = i18n.t;
  const inviteeName = headerText(input.invitee.name);
  const session = headerText(input.sessionTitle) || t('email:sessionUntitled');
  const course = input.courseTitle ? headerText(input.courseTitle) : '';
  const inviter = input.inviterName ? headerText(input.inviterName) : '';
  const roleLabel = t(ROLE_NAMES[input.role]);
  const abilities = t(ROLE_ABILITIES[input.role]);
  const when = (date: Date) => emailTime(date, i18n, input.timeZone);
  const startsAt = input.startsAt ? t('email:starts', { time: when(input.startsAt) }) : null;
  const expiresAt = input.expiresAt ? t('email:expires', { time: when(input.expiresAt) }) : null;

  const values = { inviter, session, course };
  const subject = truncateCodePoints(
    inviter
      ? course
        ? t('email:subject.byInviterCourse', values)
        : t('email:subject.byInviter', values)
      : course
        ? t('email:subject.anonymousCourse', values)
        : t('email:subject.anonymous', values),
    SUBJECT_MAX,
  );
  const invitation = inviter
    ? course
      ? t('email:body.byInviterCourse', values)
      : t('email:body.byInviter', values)
    : course
      ? t('email:body.anonymousCourse', values)
      : t('email:body.anonymous', values);
  const personal = t('email:personal', { email: headerText(input.invitee.email) });
  const greeting = inviteeName
    ? t('email:greeting.named', { name: inviteeName })
    : t('email:greeting.anonymous');
  const role = t('email:role', { role: roleLabel });

  const text = [
    greeting,
    '',
    invitation,
    '',
    `${role} ${abilities}`,
    ...(startsAt ? [startsAt] : []),
    ...(expiresAt ? [expiresAt] : []),
    '',
    t('email:joinText'),
    input.url,
    '',
    personal,
    '',
    '— Guestlink',
    '',
  ].join('\n');

  const html = template({
    t,
    tHtml: i18n.html,
    lang: i18n.locale,
    dir: i18n.dir,
    greeting,
    invitation,
    role,
    abilities,
    startsAt,
    expiresAt,
    url: input.url,
    personal,
    subject,
  });

  return { to: { name: inviteeName, address: input.invitee.email }, subject, text, html };
}
