import { ForbiddenError, NotFoundError } from '../errors';
import { text } from '../i18n/translator';
import { assertGuestFeatureAvailable, guestFeatureAvailable } from '../guest-access/guest-access.service';
import { waitingTime } from '../guests/guest';
import type { GuestLogEntry, GuestStore, VisitContext, WaitingVisit } from '../guests/guest.store';
import type { Logger } from '../logger';
import { actorOf, type RoomAccess } from '../lti/room-access.service';
import type { LobbyNote, Room } from '../rooms/room';
import { publishRoomChange, type RoomEventChannel } from '../rooms/room-events';
import { atLeast, INVITE_ROLE_LABELS, type Actor } from '../rooms/room-role';
import { NotWaitingError } from './lobby-errors';
import { withActorLabels } from './guest-log';

export interface WaitingGuestView {
  id: string;
  name: string;
  email: string;
  /** The guest link's name, or for an invited person "Invited · <role>" (English: the panel words it from inviteRole). */
  linkName: string;
  /** Came by invitation (Invite users), not through a guest link. */
  invited: boolean;
  /** The invitation's role, for the panel to name in the moderator's language ("Invited · Speaker"). */
  inviteRole: WaitingVisit['inviteRole'];
  waitingSince: string;
  /** "3 min": for API readers, not people; the panel words the wait from waitingSince in its reader's language. */
  waitingTime: string;
  /** The latest private message sent to this guest. */
  privateMessage: LobbyNote | null;
}

export interface LobbyView {
  lobbyEnabled: boolean;
  /** Shown to every waiting guest. */
  lobbyMessage: LobbyNote | null;
  waiting: WaitingGuestView[];
}

/**
 * Someone allowed to run a room's lobby now, checked for this request: a launched host or
 * moderator (`moderatorOf`) or an invited moderator inside the room (`invitedModerator`).
 * Every method below takes one, so both kinds share one service.
 */
export interface LobbyModerator {
  room: Room;
  actor: Actor;
}

/** The moderators' side of the lobby: who waits, admit, deny, admit all, deny all, the lobby setting, the log. */
export class LobbyService {
  constructor(
    private readonly store: GuestStore,
    private readonly events: RoomEventChannel,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Hosts and every moderator, whatever the link-creation setting: admitting is a moderator's job. */
  moderatorOf(access: RoomAccess): LobbyModerator {
    if (!atLeast(access.role, 'moderator')) throw new ForbiddenError(text('lobby:errors.moderatorsOnly'));
    assertGuestFeatureAvailable(access);
    return { room: access.room, actor: actorOf(access) };
  }

  /**
   * An invited moderator, from their visit as just read and checked (GuestService.visit: not
   * ended, modules on, room type, room available) and their room: only while their invitation's
   * role is moderator now and they are inside (admitted), so a revoke or a new role acts at once.
   */
  invitedModerator(context: VisitContext, room: Room): LobbyModerator {
    if (
      context.invitee?.role !== 'moderator' ||
      context.visit.status !== 'admitted' ||
      room.id !== context.visit.roomId
    )
      throw new ForbiddenError(text('lobby:errors.moderatorsOnly'));
    return { room, actor: { userId: `invitee:${context.invitee.invitationId}`, name: context.visit.name } };
  }

  static available(access: RoomAccess): boolean {
    return atLeast(access.role, 'moderator') && guestFeatureAvailable(access);
  }

  async view(
    moderator: LobbyModerator,
    changed: Partial<Pick<LobbyView, 'lobbyEnabled' | 'lobbyMessage'>> = {},
  ): Promise<LobbyView> {
    const { room } = moderator;
    return {
      lobbyEnabled: changed.lobbyEnabled ?? room.lobbyEnabled,
      lobbyMessage: changed.lobbyMessage !== undefined ? changed.lobbyMessage : room.lobbyMessage,
      waiting: this.waitingViews(await this.store.listWaiting(room.id)),
    };
  }

  /** The lobby as `moderator` sees it, from visits already read (one read for all moderators). */
  viewOf(moderator: LobbyModerator, waiting: WaitingVisit[]): LobbyView {
    return {
      lobbyEnabled: moderator.room.lobbyEnabled,
      lobbyMessage: moderator.room.lobbyMessage,
      waiting: this.waitingViews(waiting),
    };
  }

  /** The room's waiting visits, unchecked: callers check each reader with viewOf. */
  waitingIn(roomId: string): Promise<WaitingVisit[]> {
    return this.store.listWaiting(roomId);
  }

  waitingViews(visits: WaitingVisit[]): WaitingGuestView[] {
    const now = this.now();
    return visits.map((visit) => ({
      id: visit.id,
      name: visit.name,
      email: visit.email,
      linkName: visit.invitationId ? invitedLabel(visit) : visit.linkName,
      invited: visit.invitationId !== null,
      inviteRole: visit.invitationId ? visit.inviteRole : null,
      waitingSince: visit.createdAt.toISOString(),
      waitingTime: waitingTime(visit.createdAt, now),
      privateMessage: visit.privateMessage,
    }));
  }

  async decide(
    moderator: LobbyModerator,
    visitId: string,
    status: 'admitted' | 'denied',
  ): Promise<{ id: string; status: string }> {
    const visit = await this.store.decide(moderator.room.id, visitId, status, moderator.actor);
    if (!visit) throw new NotWaitingError();
    this.publish(moderator.room.id, [visit.id]);
    return { id: visit.id, status: visit.status };
  }

  async admitAll(moderator: LobbyModerator): Promise<{ admitted: number }> {
    const admitted = await this.store.admitAll(moderator.room.id, moderator.actor);
    if (admitted.length > 0) this.publish(moderator.room.id, admitted);
    return { admitted: admitted.length };
  }

  async denyAll(moderator: LobbyModerator): Promise<{ denied: number }> {
    const denied = await this.store.denyAll(moderator.room.id, moderator.actor);
    if (denied.length > 0)
      this.publish(
        moderator.room.id,
        denied.map((visit) => visit.id),
      );
    return { denied: denied.length };
  }

  async setLobbyEnabled(moderator: LobbyModerator, enabled: boolean): Promise<LobbyView> {
    const result = await this.store.setLobbyEnabled(moderator.room.id, enabled, moderator.actor);
    // Every change, so other moderators' panels show the new setting too.
    if (result) this.publish(moderator.room.id, result.admitted);
    return this.view(moderator, { lobbyEnabled: enabled });
  }

  /** Sets (text) or clears (null) the message every waiting guest sees. */
  async setLobbyMessage(moderator: LobbyModerator, note: string | null): Promise<LobbyView> {
    const result = await this.store.setLobbyMessage(moderator.room.id, note, moderator.actor);
    if (!result) throw new NotFoundError(text('lobby:errors.roomGone'));
    // No visit ids: a change of the room itself, which every waiting page re-reads once.
    if (result.changed) publishRoomChange(this.events, this.logger, moderator.room.id);
    return this.view(moderator, { lobbyMessage: result.message });
  }

  /** A message only this waiting guest sees (the latest replaces the one before). */
  async sendPrivateMessage(
    moderator: LobbyModerator,
    visitId: string,
    note: string,
  ): Promise<{ id: string; privateMessage: LobbyNote | null }> {
    const result = await this.store.sendPrivateMessage(moderator.room.id, visitId, note);
    if (!result.ok) {
      if (result.reason === 'not-found') throw new NotFoundError(text('lobby:errors.noSuchGuest'));
      throw new NotWaitingError();
    }
    this.publish(moderator.room.id, [visitId]);
    return { id: visitId, privateMessage: result.visit.privateMessage };
  }

  async guestLog(moderator: LobbyModerator): Promise<GuestLogEntry[]> {
    const entries = await this.store.guestLog(moderator.room.id);
    return entries.map((entry) => withActorLabels(entry, moderator.room.platformId));
  }

  private publish(roomId: string, visitIds: string[]): void {
    publishRoomChange(this.events, this.logger, roomId, visitIds);
  }
}

/** How the lobby panel names an invited person's visit instead of a link: "Invited · Speaker". */
function invitedLabel(visit: WaitingVisit): string {
  return visit.inviteRole ? `Invited · ${INVITE_ROLE_LABELS[visit.inviteRole]}` : 'Invited';
}
