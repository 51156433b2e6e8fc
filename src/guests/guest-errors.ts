import { AppError } from '../errors';
import type { GuestProblem } from './guest';

interface ProblemPage {
  status: number;
  code: string;
  title: string;
  message: string;
  hint?: string;
  headers?: Record<string, string>;
}

/** docs/product.md §9: one friendly page, with its HTTP status, for each reason a guest cannot get in. */
const PAGES: Record<GuestProblem | 'not-in-session', ProblemPage> = {
  'unknown-link': {
    status: 404,
    code: 'LINK_NOT_VALID',
    title: 'This link is no longer valid',
    message: 'The guest link you opened does not work. It may have been mistyped, deleted, or replaced.',
    hint: 'Ask the person who shared it with you for a new link.',
  },
  'link-invalid': {
    status: 410,
    code: 'LINK_NOT_VALID',
    title: 'This link is no longer valid',
    message: 'The guest link has expired, reached its limit of uses, or was deleted by the session’s owner.',
    hint: 'Ask the person who shared it with you for a new link.',
  },
  'guest-access-off': {
    status: 403,
    code: 'GUEST_ACCESS_OFF',
    title: 'Guest access is turned off',
    message: 'The owner of this session turned off guest access, so guests cannot join right now.',
    hint: 'If you expected to join, ask the person who invited you to turn guest access back on.',
  },
  'room-unavailable': {
    status: 410,
    code: 'ROOM_UNAVAILABLE',
    title: 'This session is no longer available',
    message: 'The session this link belongs to has been removed or is no longer offered.',
  },
  declined: {
    status: 403,
    code: 'REQUEST_DECLINED',
    title: 'Your request to join was declined',
    message: 'A moderator of this session declined your request to join.',
    hint: 'If you think this was a mistake, contact the person who invited you.',
  },
  removed: {
    status: 403,
    code: 'REMOVED',
    title: 'You were removed from this session',
    message: 'A moderator removed you from this session.',
    hint: 'To ask to join again, open the guest link you were given: a moderator will have to let you in.',
  },
  'invitee-removed': {
    status: 403,
    code: 'REMOVED',
    title: 'You were removed from this session',
    message: 'A moderator removed you from this session.',
    hint: 'To ask to join again, open your invitation link: a moderator will have to let you in.',
  },
  'invitation-revoked': {
    status: 403,
    code: 'INVITATION_REVOKED',
    title: 'Your invitation was withdrawn',
    message: 'The person who invited you withdrew this invitation, so it no longer opens the session.',
    hint: 'If you think this was a mistake, contact the person who invited you.',
  },
  'lobby-full': {
    status: 503,
    code: 'LOBBY_FULL',
    title: 'The lobby is full',
    message: 'Too many guests are waiting to join this session right now.',
    hint: 'Please try again in a few minutes.',
    headers: { 'Retry-After': '60' },
  },
  'not-in-session': {
    status: 403,
    code: 'NOT_IN_SESSION',
    title: 'You are not in this session',
    message: 'Your browser holds no guest pass for this session, or it has expired.',
    hint: 'Open the guest link you were given to join.',
  },
};

/** A guest who cannot get in; rendered as the matching message page. */
export class GuestProblemError extends AppError {
  constructor(readonly problem: GuestProblem | 'not-in-session') {
    const page = PAGES[problem];
    super(page.status, page.code, page.message, {
      title: page.title,
      headers: page.headers,
      locals: { hint: page.hint },
    });
  }
}

/** A guest form that did not come from our own page (CSRF double-submit check failed). */
export class CsrfError extends AppError {
  constructor() {
    super(403, 'CSRF_FAILED', 'This form has expired or was not sent from Guestlink’s own page.', {
      title: 'Please try again',
      locals: { hint: 'Go back, reload the page and send the form again.' },
    });
  }
}
