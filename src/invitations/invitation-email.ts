import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { headerText } from '../mail/header-text';
import type { OutgoingMail } from '../mail/mailer';
import { VIEWS_DIR } from '../paths';
import { INVITE_ROLE_LABELS, type InviteRole } from '../rooms/room-role';
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
}

export const ROLE_ABILITIES: Record<InviteRole, string> = {
  viewer: 'You can watch, listen and raise your hand.',
  speaker:
    'You can watch, listen and raise your hand, and also turn on your camera and microphone and share your screen.',
  moderator:
    'You can watch, listen and raise your hand, use your camera, microphone and screen, and also let people in from the lobby and manage the room (mute or remove participants, invite them to speak).',
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

/** "Monday 7 December 2026, 17:00 UTC (2026-12-07T17:00:00Z)": readable, and exact for any time zone. */
export function utcTime(date: Date): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${UTC_DATE.format(date).replace(',', '')}, ${iso.slice(11, 16)} UTC (${iso})`;
}

function quoted(title: string): string {
  return `“${title}”`;
}

export function composeInvitationEmail(input: InvitationEmailInput): OutgoingMail {
  const inviteeName = headerText(input.invitee.name);
  const session = headerText(input.sessionTitle) || 'the live session';
  const course = input.courseTitle ? headerText(input.courseTitle) : '';
  const inviter = input.inviterName ? headerText(input.inviterName) : '';
  const roleLabel = INVITE_ROLE_LABELS[input.role];
  const abilities = ROLE_ABILITIES[input.role];
  const startsAt = input.startsAt ? utcTime(input.startsAt) : null;
  const expiresAt = input.expiresAt ? utcTime(input.expiresAt) : null;

  const who = inviter ? `${inviter} invited you` : 'You are invited';
  const subject = truncateCodePoints(
    `${who} to ${quoted(session)}${course ? ` (${course})` : ''}`,
    SUBJECT_MAX,
  );
  const invitation = `${who} to the live session ${quoted(session)}${course ? ` of the course ${course}` : ''}.`;
  const personal =
    `This link is personal: the first browser that confirms your email address (${headerText(input.invitee.email)}) ` +
    'keeps it, and it works only there. Do not forward this email.';

  const text = [
    inviteeName ? `Hello ${inviteeName},` : 'Hello,',
    '',
    invitation,
    '',
    `Your role: ${roleLabel}. ${abilities}`,
    ...(startsAt ? [`Starts: ${startsAt}`] : []),
    ...(expiresAt ? [`The link expires: ${expiresAt}`] : []),
    '',
    'Join the session:',
    input.url,
    '',
    personal,
    '',
    '— Guestlink',
    '',
  ].join('\n');

  const html = template({
    inviteeName,
    invitation,
    roleLabel,
    abilities,
    startsAt,
    expiresAt,
    url: input.url,
    personal,
    subject,
  });

  return { to: { name: inviteeName, address: input.invitee.email }, subject, text, html };
}
