import { AppError } from '../errors';
import { text, type LocalizedText } from '../i18n/translator';
import type { GuestProblem } from './guest';

interface ProblemPage {
  status: number;
  code: string;
  title: LocalizedText;
  message: LocalizedText;
  hint?: LocalizedText;
  headers?: Record<string, string>;
}

/** The guests' own message page: the generic one's text, a hint, and the language picker. */
export const GUEST_MESSAGE_VIEW = 'guests/message';

/** docs/product.md §9: one friendly page, with its HTTP status, for each reason a guest cannot get in. */
const PAGES: Record<GuestProblem | 'not-in-session', ProblemPage> = {
  'unknown-link': {
    status: 404,
    code: 'LINK_NOT_VALID',
    title: text('guest:problem.linkNotValid.title'),
    message: text('guest:problem.unknownLink.message'),
    hint: text('guest:problem.askForNewLink.hint'),
  },
  'link-invalid': {
    status: 410,
    code: 'LINK_NOT_VALID',
    title: text('guest:problem.linkNotValid.title'),
    message: text('guest:problem.linkInvalid.message'),
    hint: text('guest:problem.askForNewLink.hint'),
  },
  'guest-access-off': {
    status: 403,
    code: 'GUEST_ACCESS_OFF',
    title: text('guest:problem.guestAccessOff.title'),
    message: text('guest:problem.guestAccessOff.message'),
    hint: text('guest:problem.guestAccessOff.hint'),
  },
  'room-unavailable': {
    status: 410,
    code: 'ROOM_UNAVAILABLE',
    title: text('guest:problem.roomUnavailable.title'),
    message: text('guest:problem.roomUnavailable.message'),
  },
  declined: {
    status: 403,
    code: 'REQUEST_DECLINED',
    title: text('guest:problem.declined.title'),
    message: text('guest:problem.declined.message'),
    hint: text('guest:problem.mistake.hint'),
  },
  removed: {
    status: 403,
    code: 'REMOVED',
    title: text('guest:problem.removed.title'),
    message: text('guest:problem.removed.message'),
    hint: text('guest:problem.removed.hint'),
  },
  'invitee-removed': {
    status: 403,
    code: 'REMOVED',
    title: text('guest:problem.removed.title'),
    message: text('guest:problem.removed.message'),
    hint: text('guest:problem.inviteeRemoved.hint'),
  },
  'invitation-revoked': {
    status: 403,
    code: 'INVITATION_REVOKED',
    title: text('guest:problem.invitationRevoked.title'),
    message: text('guest:problem.invitationRevoked.message'),
    hint: text('guest:problem.mistake.hint'),
  },
  'invitation-expired': {
    status: 410,
    code: 'INVITATION_EXPIRED',
    title: text('invitee:expired.title'),
    message: text('invitee:expired.message'),
    hint: text('invitee:expired.hint'),
  },
  'lobby-full': {
    status: 503,
    code: 'LOBBY_FULL',
    title: text('guest:problem.lobbyFull.title'),
    message: text('guest:problem.lobbyFull.message'),
    hint: text('guest:problem.lobbyFull.hint'),
    headers: { 'Retry-After': '60' },
  },
  'not-in-session': {
    status: 403,
    code: 'NOT_IN_SESSION',
    title: text('guest:problem.notInSession.title'),
    message: text('guest:problem.notInSession.message'),
    hint: text('guest:problem.notInSession.hint'),
  },
};

/** A guest who cannot get in; rendered as the matching message page, in the guest's language. */
export class GuestProblemError extends AppError {
  constructor(readonly problem: GuestProblem | 'not-in-session') {
    const page = PAGES[problem];
    super(page.status, page.code, page.message, {
      title: page.title,
      headers: page.headers,
      view: GUEST_MESSAGE_VIEW,
      locals: { hint: page.hint },
    });
  }
}

/** A guest form that did not come from our own page (CSRF double-submit check failed). */
export class CsrfError extends AppError {
  constructor() {
    super(403, 'CSRF_FAILED', text('guest:csrf.message'), {
      title: text('guest:csrf.title'),
      view: GUEST_MESSAGE_VIEW,
      locals: { hint: text('guest:csrf.hint') },
    });
  }
}
