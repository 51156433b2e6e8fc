import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isWellFormedToken, tokenHash, type GuestLinkTokens } from '../guest-access/guest-link-token';
import { accessProblem, type GuestVisit } from '../guests/guest';
import { GuestProblemError } from '../guests/guest-errors';
import type { Locale } from '../i18n/locales';
import type { Logger } from '../logger';
import { publishRoomChange, type RoomEventChannel } from '../rooms/room-events';
import { emailKey, invitationStatus, type Invitation } from './invitation';
import { InviteeProblemError } from './invitation-errors';
import type { InvitationEntry, InvitationStore } from './invitation.store';

/** A personal link that lets this browser in: the invitee's visit and where the page goes next. */
export interface InviteeEntered {
  invitation: Invitation;
  visit: GuestVisit;
}

export type ClaimOutcome =
  ({ ok: true; browserSecret: string } & InviteeEntered) | { ok: false; reason: 'email-mismatch' };

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The invitee's side of Invite users: the personal link's state, the confirmation that claims
 * it for the first browser, and the way back in for that browser. No login: the link's token
 * and the claiming browser's secret are all there is.
 */
export class InviteeService {
  constructor(
    private readonly store: InvitationStore,
    private readonly tokens: GuestLinkTokens,
    private readonly events: RoomEventChannel,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The personal link of an invitation, for the invitee's "You left" page. */
  async personalLink(roomId: string, invitationId: string): Promise<string | null> {
    const invitation = await this.store.find(roomId, invitationId);
    return invitation && !invitation.revokedAt ? this.tokens.urlOf(invitation.tokenSeed) : null;
  }

  /**
   * The personal link's state, if it may still let someone in: unknown, revoked, expired and
   * the room's own problems (gone, modules off, wrong type) are message pages. Claims nothing.
   * `found` hears the invitation's language as soon as the link is known.
   */
  async entry(token: string, found?: (locale: Locale) => void): Promise<InvitationEntry> {
    if (!isWellFormedToken(token)) throw new GuestProblemError('unknown-link');
    const entry = await this.store.findEntry(tokenHash(token));
    if (!entry) throw new GuestProblemError('unknown-link');
    // Before any refusal: its page may speak the invitation's language.
    found?.(entry.invitation.locale);
    if (entry.invitation.revokedAt) throw new GuestProblemError('invitation-revoked');
    const now = this.now();
    if (invitationStatus(entry.invitation, now) === 'expired')
      throw new InviteeProblemError('expired', entry.invitation.createdByName);
    const problem = accessProblem({ ...entry, linkDeleted: false, linkExpiresAt: null }, now);
    if (problem) throw new GuestProblemError(problem);
    return entry;
  }

  /** Whether this browser's secret (its claim cookie) is the one that claimed the link. */
  static claimedBy(entry: InvitationEntry, browserSecret: string | undefined): boolean {
    return !!browserSecret && entry.claimHash !== null && sha256(browserSecret) === entry.claimHash;
  }

  /** The first confirmation with the invited email claims the link for this browser. */
  async claim(token: string, email: string): Promise<ClaimOutcome> {
    const browserSecret = randomBytes(32).toString('base64url');
    const result = await this.store.claim({
      tokenHash: tokenHash(token),
      claimHash: sha256(browserSecret),
      emailKey: emailKey(email),
      visitId: randomUUID(),
    });
    if (!result.ok) {
      if (result.reason === 'email-mismatch') return { ok: false, reason: 'email-mismatch' };
      throw await this.refusal(token, result.reason);
    }
    this.logger.info(
      { roomId: result.invitation.roomId, invitationId: result.invitation.id, visitId: result.visit.id },
      'Invitation claimed',
    );
    publishRoomChange(this.events, this.logger, result.visit.roomId, [result.visit.id]);
    return { ok: true, browserSecret, invitation: result.invitation, visit: result.visit };
  }

  /** The claiming browser opens its link again: straight back in (its visit re-opened if left). */
  async enter(token: string, browserSecret: string): Promise<InviteeEntered> {
    const result = await this.store.enter(tokenHash(token), sha256(browserSecret));
    if (!result.ok) throw await this.refusal(token, result.reason);
    publishRoomChange(this.events, this.logger, result.visit.roomId, [result.visit.id]);
    return { invitation: result.invitation, visit: result.visit };
  }

  private async refusal(
    token: string,
    reason: 'unknown' | 'revoked' | 'expired' | 'claimed-elsewhere',
  ): Promise<Error> {
    if (reason === 'unknown') return new GuestProblemError('unknown-link');
    if (reason === 'revoked') return new GuestProblemError('invitation-revoked');
    const entry = await this.store.findEntry(tokenHash(token));
    const inviter = entry?.invitation.createdByName ?? null;
    return new InviteeProblemError(reason === 'expired' ? 'expired' : 'claimed-elsewhere', inviter);
  }
}
