import type { OutgoingMail } from '../mail/mailer';
import type { Invitation } from './invitation';

/** What an invitation's email says (subject, text and HTML), from the mail piece. */
export interface InvitationMailFacts {
  invitation: Invitation;
  url: string;
  roomTitle: string;
  courseTitle: string | null;
  inviterName: string | null;
}

export type InvitationMailComposer = (facts: InvitationMailFacts) => OutgoingMail;

/**
 * The sending limits, per room and per user. `take` reserves all `count` messages or none;
 * messages that were not accepted by the mail server are given back.
 */
export interface SendBudget {
  take(
    roomId: string,
    userId: string,
    count: number,
  ): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
  giveBack(roomId: string, userId: string, count: number): Promise<void>;
}
