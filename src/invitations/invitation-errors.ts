import { AppError, ConflictError, ValidationError } from '../errors';
import { GUEST_MESSAGE_VIEW } from '../guests/guest-errors';
import { text } from '../i18n/translator';
import { MAX_ACTIVE_INVITATIONS } from './invitation';

export class InvitationLimitError extends ConflictError {
  constructor(active: number) {
    super('INVITATION_LIMIT', text('invitations:errors.limit', { active, max: MAX_ACTIVE_INVITATIONS }), {
      field: 'people',
    });
  }
}

/** Addresses named in the message, at most; the rest are counted. */
const NAMED_MAX = 5;

/**
 * Addresses that already have an invitation that still works (neither revoked nor expired: an
 * expired one is replaced). The message offers what the window shows on that row: Resend only
 * when email is configured, Copy link otherwise, and Revoke.
 */
export class AlreadyInvitedError extends ValidationError {
  constructor(emails: string[], emailConfigured: boolean) {
    const names = emails.slice(0, NAMED_MAX).join(', ');
    const email = emailConfigured ? 'on' : 'off';
    super(
      emails.length > NAMED_MAX
        ? text('invitations:errors.alreadyInvitedMore', { names, more: emails.length - NAMED_MAX, email })
        : text('invitations:errors.alreadyInvited', { names, count: emails.length, email }),
      'people',
    );
  }
}

export class EmailNotConfiguredError extends ConflictError {
  constructor() {
    super('EMAIL_NOT_CONFIGURED', text('invitations:errors.emailNotConfigured'));
  }
}

export class InvitationRevokedError extends ConflictError {
  constructor() {
    super('INVITATION_REVOKED', text('invitations:errors.revoked'));
  }
}

/** Resend and Change role: an expired link is dead, a new invitation is the way on. */
export class InvitationExpiredError extends ConflictError {
  constructor() {
    super('INVITATION_EXPIRED', text('invitations:errors.expired'));
  }
}

type InviteePage = 'claimed-elsewhere' | 'expired';

/** The invitee's side: why the personal link does not let this browser in. */
export class InviteeProblemError extends AppError {
  constructor(
    readonly problem: InviteePage,
    inviterName: string | null = null,
  ) {
    const inviter = inviterName ? { inviter: inviterName } : undefined;
    const pages = {
      'claimed-elsewhere': {
        status: 409,
        code: 'INVITATION_IN_USE',
        title: text('invitee:inUse.title'),
        message: inviter ? text('invitee:inUse.messageNamed', inviter) : text('invitee:inUse.message'),
        hint: undefined,
      },
      expired: {
        status: 410,
        code: 'INVITATION_EXPIRED',
        title: text('invitee:expired.title'),
        message: text('invitee:expired.message'),
        hint: inviter ? text('invitee:expired.hintNamed', inviter) : text('invitee:expired.hint'),
      },
    } as const;
    const page = pages[problem];
    // The guests' message page: the hint in the reader's words, and the language picker.
    super(page.status, page.code, page.message, {
      title: page.title,
      view: GUEST_MESSAGE_VIEW,
      locals: { hint: page.hint },
    });
  }
}
