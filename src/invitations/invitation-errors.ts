import { AppError, ConflictError, ValidationError } from '../errors';
import { MAX_ACTIVE_INVITATIONS } from './invitation';

export class InvitationLimitError extends ConflictError {
  constructor(active: number) {
    super(
      'INVITATION_LIMIT',
      `This session already has ${active} active invitations; at most ${MAX_ACTIVE_INVITATIONS}. Revoke some to invite more.`,
      { field: 'people' },
    );
  }
}

/** Addresses that already have an invitation (not revoked) in the room. */
export class AlreadyInvitedError extends ValidationError {
  constructor(emails: string[]) {
    const named = emails.slice(0, 5).join(', ') + (emails.length > 5 ? ` and ${emails.length - 5} more` : '');
    super(
      `${named} already ${emails.length === 1 ? 'has' : 'have'} an invitation in this session: use Resend, or Revoke it first.`,
      'people',
    );
  }
}

export class EmailNotConfiguredError extends ConflictError {
  constructor() {
    super(
      'EMAIL_NOT_CONFIGURED',
      'Email is not configured on this server (SMTP_URL): copy the link and send it yourself.',
    );
  }
}

export class InvitationRevokedError extends ConflictError {
  constructor() {
    super('INVITATION_REVOKED', 'This invitation was revoked. Invite the person again to send a new link.');
  }
}

type InviteePage = 'claimed-elsewhere' | 'expired';

/** The invitee's side: why the personal link does not let this browser in. */
export class InviteeProblemError extends AppError {
  constructor(
    readonly problem: InviteePage,
    inviterName: string | null = null,
  ) {
    const who = inviterName ?? 'the person who invited you';
    const pages = {
      'claimed-elsewhere': {
        status: 409,
        code: 'INVITATION_IN_USE',
        title: 'This invitation link is already in use',
        message: `This invitation link is already in use on another device. Ask ${who} to send you a new invitation.`,
      },
      expired: {
        status: 410,
        code: 'INVITATION_EXPIRED',
        title: 'This invitation has expired',
        message: 'The invitation you opened has expired, so it no longer opens the session.',
      },
    } as const;
    const page = pages[problem];
    super(page.status, page.code, page.message, {
      title: page.title,
      locals: { hint: problem === 'expired' ? `Ask ${who} to send you a new invitation.` : undefined },
    });
  }
}
