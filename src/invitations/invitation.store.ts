import type { Locale } from '../i18n/locales';
import type { AccessState, GuestVisit } from '../guests/guest';
import type { Actor, InviteRole } from '../rooms/room-role';
import type { EmailStatus, Invitation } from './invitation';

/** A new invitation as the service prepares it (ids and token made by the service). */
export interface NewInvitation {
  id: string;
  name: string;
  email: string;
  /** emailKey(email): unique among the room's invitations that still work (see create). */
  emailKey: string;
  role: InviteRole;
  /** The language the email is written in (the inviter's choice); English when not given. */
  locale?: Locale;
  tokenSeed: string;
  tokenHash: string;
  expiresAt: Date | null;
  startsAt: Date | null;
  /** Stored with it: not-configured when no email can be sent (nothing to record afterwards). */
  emailStatus?: Extract<EmailStatus, 'not-sent' | 'not-configured'>;
}

export type CreateInvitationsResult =
  | { ok: true; invitations: Invitation[] }
  /** The room would hold more than `limit` active invitations; `active` is how many it has. */
  | { ok: false; reason: 'limit'; active: number }
  /** These addresses already have an invitation in the room that still works. */
  | { ok: false; reason: 'duplicate'; emails: string[] }
  | { ok: false; reason: 'no-room' };

/**
 * A personal link as its page needs it: the invitation, its room and what decides whether it
 * still lets anyone in (AccessState's link fields stand for the invitation: `linkDeleted` is
 * "revoked", `linkExpiresAt` its expiry; `guestAccessEnabled` is always true, because the
 * guest-link switch is about guest links only).
 */
export interface InvitationEntry extends AccessState {
  invitation: Invitation;
  /** The hash of the browser secret that claimed the link; null while unclaimed. */
  claimHash: string | null;
  roomTitle: string;
  contextTitle: string | null;
  /** Invitees wait in the lobby in this room (and the lobby is on). */
  inviteesWait: boolean;
}

export interface ClaimRequest {
  tokenHash: string;
  /** sha256 of the random secret the claiming browser keeps in its cookie. */
  claimHash: string;
  /** emailKey of what the invitee typed. */
  emailKey: string;
  /** The visit to create for the invitee (id chosen by the service). */
  visitId: string;
}

/**
 * claimed-elsewhere: another browser claimed it first (also the answer for every loser of a
 * race: exactly one claim wins); email-mismatch: nothing is changed or told.
 */
export type ClaimResult =
  | { ok: true; invitation: Invitation; visit: GuestVisit }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'claimed-elsewhere' | 'email-mismatch' };

export type EnterResult =
  | { ok: true; invitation: Invitation; visit: GuestVisit }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'claimed-elsewhere' };

export type EmailOutcome =
  | { status: Extract<EmailStatus, 'sent'>; at: Date }
  | { status: Extract<EmailStatus, 'failed'>; error: string }
  | { status: Extract<EmailStatus, 'not-configured'> };

/**
 * A send's audit event, the same on every backend: sent or failed (with the reason, as kept
 * with the invitation), to whom; none when nothing was tried (no mail server configured).
 */
export function sendAudit(
  invitation: { id: string; email: string },
  outcome: EmailOutcome,
): { action: 'invitation.sent' | 'invitation.send-failed'; details: Record<string, unknown> } | null {
  if (outcome.status === 'not-configured') return null;
  const details = { invitationId: invitation.id, email: invitation.email };
  return outcome.status === 'sent'
    ? { action: 'invitation.sent', details }
    : { action: 'invitation.send-failed', details: { ...details, reason: outcome.error.slice(0, 500) } };
}

export interface InvitationStore {
  /**
   * All or nothing, under the room's lock: refuses a batch that would take the room beyond
   * `limit` active invitations or repeats an address that already has an invitation there
   * that still works; records each in the audit log (`invitation.created`). An address's
   * expired invitation is replaced in the same step: it stays, expired, but no longer holds the
   * address (`invitation.replaced`, with the new invitation's id); its visit is left as it is.
   */
  create(
    roomId: string,
    invitations: NewInvitation[],
    actor: Actor,
    limit: number,
  ): Promise<CreateInvitationsResult>;
  /**
   * The room's invitations, newest first: every active one, then revoked and expired ones up to
   * INVITATIONS_LISTED_MAX in all, so whatever still works can always be managed.
   */
  list(roomId: string): Promise<Invitation[]>;
  /** How many invitations the room has: active (neither revoked nor expired) and in all. */
  counts(roomId: string): Promise<{ active: number; total: number }>;
  find(roomId: string, invitationId: string): Promise<Invitation | null>;
  /** By the personal link's token hash, with the room's state. */
  findEntry(tokenHash: string): Promise<InvitationEntry | null>;
  /**
   * Changes the role (audited `invitation.role-changed` with from and to); unchanged roles
   * change and record nothing. Null: no such invitation in the room, revoked or expired
   * (checked in the same atomic step as the change).
   */
  setRole(
    roomId: string,
    invitationId: string,
    role: InviteRole,
    actor: Actor,
  ): Promise<{ invitation: Invitation; changed: boolean } | null>;
  /**
   * Revokes (audited `invitation.revoked`), atomically ending the invitee's visit if it is
   * waiting or admitted (status removed, reason invitation-revoked). Revoking twice is a
   * no-op. Null: no such invitation in the room.
   */
  revoke(
    roomId: string,
    invitationId: string,
    actor: Actor,
  ): Promise<{ invitation: Invitation; endedVisitId: string | null } | null>;
  /**
   * The first confirmation wins: in one atomic step checks the invitation (revoked, expired,
   * the email), marks it claimed by this browser and records the invitee's visit — admitted,
   * or waiting when the room makes invitees wait and its lobby is on. Sets lastJoinedAt.
   */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * The claiming browser comes back (its secret's hash matches): re-opens the invitee's visit
   * when it was left (admitted, or waiting as in claim); a waiting or admitted visit stays as
   * it is; a visit the guest log's retention removed is replaced by a new one, as at the claim.
   * Sets lastJoinedAt on every return (the retention of the visit counts from it).
   */
  enter(tokenHash: string, claimHash: string): Promise<EnterResult>;
  /**
   * Records a send's outcome, audited with `actor` (who created or resent the invitation):
   * `invitation.sent`, or `invitation.send-failed` with the reason; `not-configured` (nothing
   * was tried) is not audited.
   */
  recordEmail(invitationId: string, outcome: EmailOutcome, actor: Actor): Promise<Invitation | null>;
  /** The room's "invitees wait in the lobby" setting, audited. Null: no such room. */
  setInviteesWait(roomId: string, wait: boolean, actor: Actor): Promise<boolean | null>;
}
