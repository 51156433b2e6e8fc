import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors';
import { GuestAccessService, type ManageMenuItem } from '../guest-access/guest-access.service';
import type { GuestLinkTokens } from '../guest-access/guest-link-token';
import type { LiveService } from '../live/live.service';
import type { Logger } from '../logger';
import { actorOf, type RoomAccess } from '../lti/room-access.service';
import type { Mailer, SendOutcome } from '../mail/mailer';
import { sendBatch } from '../mail/send-batch';
import { publishRoomChange, type RoomEventChannel } from '../rooms/room-events';
import { text, type Translator } from '../i18n/translator';
import { failureInWords, storedFailure } from '../mail/send-failure';
import type { InviteRole } from '../rooms/room-role';
import {
  emailKey,
  invitationStatus,
  MAX_ACTIVE_INVITATIONS,
  readPeople,
  timesProblem,
  type CreateInvitationsInput,
  type EmailStatus,
  type Invitation,
  type InvitationStatus,
} from './invitation';
import {
  AlreadyInvitedError,
  EmailNotConfiguredError,
  InvitationExpiredError,
  InvitationLimitError,
  InvitationRevokedError,
} from './invitation-errors';
import type { InvitationStore, NewInvitation } from './invitation.store';
import { composeInvitationEmail, ROLE_NAMES } from './invitation-email';
import type { SendLimits } from '../mail/send-limits';

/** Messages sent at once for one request: a batch of 100 takes a few rounds, not 100 connections. */
const SEND_CONCURRENCY = 4;

export interface InvitationView {
  id: string;
  name: string;
  email: string;
  role: InviteRole;
  roleLabel: string;
  status: InvitationStatus;
  /** The personal link; null once revoked or expired (it opens nothing). */
  url: string | null;
  createdAt: string;
  expiresAt: string | null;
  startsAt: string | null;
  lastJoinedAt: string | null;
  invitedByName: string | null;
  emailStatus: EmailStatus;
  emailError: string | null;
  emailSentAt: string | null;
}

export interface InvitationsView {
  emailConfigured: boolean;
  inviteesWait: boolean;
  maxActive: typeof MAX_ACTIVE_INVITATIONS;
  /** Active in the room (counted by the store, whatever the list holds). */
  active: number;
  /** All the room's invitations; more than `invitations` holds when older ones are left out. */
  total: number;
  invitations: InvitationView[];
}

export interface CreatedInvitations {
  invitations: InvitationView[];
  sent: number;
  failed: number;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Hosts' and moderators' Invite users window (the invitee's side is InviteeService). */
export class InvitationService {
  constructor(
    private readonly store: InvitationStore,
    private readonly tokens: GuestLinkTokens,
    private readonly mailer: Mailer,
    /** Invitation emails per room and per user, per hour, and the time a request's emails may take. */
    private readonly sendLimits: Pick<SendLimits, 'reserve' | 'batchDeadlineMs'>,
    private readonly live: Pick<LiveService, 'endVisitConnection'>,
    private readonly events: RoomEventChannel,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The "Invite users" menu item: the same people and conditions as Manage guest access. */
  menuItem(access: RoomAccess): ManageMenuItem {
    return GuestAccessService.menuItem(access);
  }

  private authorize(access: RoomAccess): void {
    GuestAccessService.authorize(access, {
      moderators: text('invitations:errors.onlyHostInvites'),
      everyone: text('invitations:errors.onlyModeratorsInvite'),
    });
  }

  /** `reader`: the inviter's language, for role names and send failures in the answer. */
  async list(access: RoomAccess, reader: Translator): Promise<InvitationsView> {
    this.authorize(access);
    const [invitations, counts] = await Promise.all([
      this.store.list(access.room.id),
      this.store.counts(access.room.id),
    ]);
    return {
      emailConfigured: this.mailer.configured,
      inviteesWait: access.room.inviteesWait,
      maxActive: MAX_ACTIVE_INVITATIONS,
      active: counts.active,
      // Read apart from the list: a row made in between still counts as shown.
      total: Math.max(counts.total, invitations.length),
      invitations: invitations.map((invitation) => this.view(invitation, reader)),
    };
  }

  /** The emails are written in input.locale, else the inviter's own language (reader's). */
  async create(
    access: RoomAccess,
    input: CreateInvitationsInput,
    reader: Translator,
  ): Promise<CreatedInvitations> {
    this.authorize(access);
    const read = readPeople(input.people);
    if (!read.ok) throw new ValidationError(read.message, 'people');
    const times = timesProblem(input, this.now());
    if (times) throw new ValidationError(times.message, times.field);
    const sending = input.send !== false && this.mailer.configured;
    const roomId = access.room.id;
    const actor = actorOf(access);
    // The budget first: a batch it cannot cover creates nothing and spends nothing.
    const giveBack = sending ? await this.reserve(access, read.people.length) : () => {};
    const fresh: NewInvitation[] = read.people.map((person) => {
      const token = this.tokens.mint();
      return {
        id: randomUUID(),
        name: person.name,
        email: person.email,
        emailKey: emailKey(person.email),
        role: input.role,
        tokenSeed: token.seed,
        tokenHash: token.hash,
        expiresAt: input.expiresAt ?? null,
        startsAt: input.startsAt ?? null,
        locale: input.locale ?? reader.locale,
        // Stored as it ends: with no mail server there is nothing to record afterwards.
        emailStatus: this.mailer.configured ? 'not-sent' : 'not-configured',
      };
    });
    let result;
    try {
      result = await this.store.create(roomId, fresh, actor, MAX_ACTIVE_INVITATIONS);
    } catch (error) {
      giveBack(fresh.length);
      throw error;
    }
    if (!result.ok) {
      giveBack(fresh.length);
      switch (result.reason) {
        case 'limit':
          throw new InvitationLimitError(result.active);
        case 'duplicate':
          throw new AlreadyInvitedError(result.emails, this.mailer.configured);
        case 'no-room':
          throw new NotFoundError(text('invitations:errors.roomGone'));
      }
    }
    let created = result.invitations;
    if (sending) {
      created = await this.send(access, created, giveBack, input.timeZone);
    }
    return {
      invitations: created.map((invitation) => this.view(invitation, reader)),
      sent: created.filter((invitation) => invitation.emailStatus === 'sent').length,
      failed: created.filter((invitation) => invitation.emailStatus === 'failed').length,
    };
  }

  async changeRole(
    access: RoomAccess,
    invitationId: string,
    role: InviteRole,
    reader: Translator,
  ): Promise<InvitationView> {
    this.authorize(access);
    const roomId = access.room.id;
    const result = await this.store.setRole(roomId, invitationId, role, actorOf(access));
    if (!result) throw await this.whyNotChanged(roomId, invitationId);
    const visitId = result.invitation.visitId;
    if (result.changed && visitId) {
      // The invitee's page reloads itself and reconnects with the new role's rights.
      await this.live.endVisitConnection(roomId, visitId, 'role-changed');
      publishRoomChange(this.events, this.logger, roomId, [visitId]);
    }
    return this.view(result.invitation, reader);
  }

  /** Sends again in the invitation's own language; times in `timeZone` (the inviter's), else UTC. */
  async resend(
    access: RoomAccess,
    invitationId: string,
    reader: Translator,
    timeZone?: string,
  ): Promise<InvitationView> {
    this.authorize(access);
    if (!this.mailer.configured) throw new EmailNotConfiguredError();
    const roomId = access.room.id;
    const invitation = await this.store.find(roomId, invitationId);
    if (!invitation) throw new NotFoundError(text('invitations:errors.notFound'));
    if (invitation.revokedAt) throw new InvitationRevokedError();
    // Before the budget is touched: an expired link would be emailed dead.
    if (invitationStatus(invitation, this.now()) === 'expired') throw new InvitationExpiredError();
    const giveBack = await this.reserve(access, 1);
    const [sent] = await this.send(access, [invitation], giveBack, timeZone);
    return this.view(sent!, reader);
  }

  async revoke(access: RoomAccess, invitationId: string, reader: Translator): Promise<InvitationView> {
    this.authorize(access);
    const roomId = access.room.id;
    const result = await this.store.revoke(roomId, invitationId, actorOf(access));
    if (!result) throw new NotFoundError(text('invitations:errors.notFound'));
    const visitId = result.endedVisitId;
    if (visitId) {
      // Out of the live room at once; a waiting page hears of it through the room event.
      await this.live.endVisitConnection(roomId, visitId, 'revoked');
      publishRoomChange(this.events, this.logger, roomId, [visitId]);
    }
    return this.view(result.invitation, reader);
  }

  async setInviteesWait(access: RoomAccess, wait: boolean): Promise<{ inviteesWait: boolean }> {
    this.authorize(access);
    const result = await this.store.setInviteesWait(access.room.id, wait, actorOf(access));
    if (result === null) throw new NotFoundError(text('invitations:errors.roomGone'));
    return { inviteesWait: result };
  }

  /** Reserves `count` emails from the room's and the user's budgets (429 if either cannot). */
  private async reserve(access: RoomAccess, count: number): Promise<(unsent: number) => void> {
    const user = `${access.launch.platformId}:${access.launch.userId}`;
    const reservation = await this.sendLimits.reserve(access.room.id, user, count);
    if (!reservation.ok) throw reservation.error;
    return reservation.giveBack;
  }

  /**
   * Sends the invitations' emails within the batch's deadline (mail/send-batch.ts) and records
   * each outcome, audited as the user who sends; each one not sent gives its budget back.
   */
  private async send(
    access: RoomAccess,
    invitations: Invitation[],
    giveBack: (unsent: number) => void,
    timeZone: string | undefined,
  ): Promise<Invitation[]> {
    const actor = actorOf(access);
    const compose = (invitation: Invitation) =>
      composeInvitationEmail({
        locale: invitation.locale,
        timeZone,
        invitee: { name: invitation.name, email: invitation.email },
        role: invitation.role,
        courseTitle: access.room.contextTitle,
        sessionTitle: access.room.title,
        inviterName: invitation.createdByName ?? access.launch.userName,
        url: this.tokens.urlOf(invitation.tokenSeed),
        expiresAt: invitation.expiresAt,
        startsAt: invitation.startsAt,
      });
    // Each message's budget is settled once its outcome is known (spent if sent, else given
    // back); if the batch breaks (sendBatch throws), those never settled are given back too.
    let settled = 0;
    const record = async (invitation: Invitation, outcome: SendOutcome): Promise<Invitation> => {
      settled += 1;
      if (!outcome.ok) giveBack(1);
      // Addresses and links stay out of the log: the invitation's id names it.
      this.logger.info(
        { roomId: invitation.roomId, invitationId: invitation.id, sent: outcome.ok },
        outcome.ok ? 'Invitation email sent' : 'Invitation email failed',
      );
      const recorded = await this.store.recordEmail(
        invitation.id,
        outcome.ok
          ? { status: 'sent', at: this.now() }
          : { status: 'failed', error: outcome.text ? storedFailure(outcome.text) : outcome.reason },
        actor,
      );
      return recorded ?? invitation;
    };
    try {
      return await sendBatch(this.mailer, invitations, compose, record, {
        concurrency: SEND_CONCURRENCY,
        deadlineMs: this.sendLimits.batchDeadlineMs,
      });
    } catch (error) {
      giveBack(invitations.length - settled);
      throw error;
    }
  }

  /** The store changes only an invitation that still works: which of the other cases it was. */
  private async whyNotChanged(roomId: string, invitationId: string): Promise<Error> {
    const invitation = await this.store.find(roomId, invitationId);
    if (!invitation) return new NotFoundError(text('invitations:errors.notFound'));
    return invitation.revokedAt ? new InvitationRevokedError() : new InvitationExpiredError();
  }

  private view(invitation: Invitation, reader: Translator): InvitationView {
    const status = invitationStatus(invitation, this.now());
    return {
      id: invitation.id,
      name: invitation.name,
      email: invitation.email,
      role: invitation.role,
      roleLabel: reader.t(ROLE_NAMES[invitation.role]),
      status,
      // A revoked or expired link opens nothing: nothing to copy.
      url: status === 'revoked' || status === 'expired' ? null : this.tokens.urlOf(invitation.tokenSeed),
      createdAt: invitation.createdAt.toISOString(),
      expiresAt: iso(invitation.expiresAt),
      startsAt: iso(invitation.startsAt),
      lastJoinedAt: iso(invitation.lastJoinedAt),
      invitedByName: invitation.createdByName,
      emailStatus: invitation.emailStatus,
      emailError: failureInWords(invitation.emailError, reader),
      emailSentAt: iso(invitation.emailSentAt),
    };
  }
}
