import { ForbiddenError, NotFoundError } from '../errors';
import { assertGuestFeatureAvailable, guestFeatureAvailable } from '../guest-access/guest-access.service';
import { waitingTime, type GuestVisit } from '../guests/guest';
import type { GuestLogEntry, GuestStore } from '../guests/guest.store';
import type { Logger } from '../logger';
import { actorOf, type RoomAccess } from '../lti/room-access.service';
import type { LobbyNote } from '../rooms/room';
import { publishRoomChange, type RoomEventChannel } from '../rooms/room-events';
import { atLeast } from '../rooms/room-role';
import { NotWaitingError } from './lobby-errors';

export interface WaitingGuestView {
  id: string;
  name: string;
  email: string;
  linkName: string;
  waitingSince: string;
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

/** The moderators' side of the lobby: who waits, admit, deny, admit all, deny all, the lobby setting, the log. */
export class LobbyService {
  constructor(
    private readonly store: GuestStore,
    private readonly events: RoomEventChannel,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Hosts and every moderator, whatever the link-creation setting: admitting is a moderator's job. */
  authorize(access: RoomAccess): void {
    if (!atLeast(access.role, 'moderator'))
      throw new ForbiddenError('Only hosts and moderators can manage the lobby.');
    assertGuestFeatureAvailable(access);
  }

  static available(access: RoomAccess): boolean {
    return atLeast(access.role, 'moderator') && guestFeatureAvailable(access);
  }

  async view(
    access: RoomAccess,
    changed: Partial<Pick<LobbyView, 'lobbyEnabled' | 'lobbyMessage'>> = {},
  ): Promise<LobbyView> {
    this.authorize(access);
    return {
      lobbyEnabled: changed.lobbyEnabled ?? access.room.lobbyEnabled,
      lobbyMessage: changed.lobbyMessage !== undefined ? changed.lobbyMessage : access.room.lobbyMessage,
      waiting: this.waitingViews(await this.store.listWaiting(access.room.id)),
    };
  }

  /** The lobby as `access` may see it, from visits already read (one read for all moderators). */
  viewOf(access: RoomAccess, waiting: GuestVisit[]): LobbyView {
    this.authorize(access);
    return {
      lobbyEnabled: access.room.lobbyEnabled,
      lobbyMessage: access.room.lobbyMessage,
      waiting: this.waitingViews(waiting),
    };
  }

  /** The room's waiting visits, unchecked: callers check each reader with viewOf. */
  waitingIn(roomId: string): Promise<GuestVisit[]> {
    return this.store.listWaiting(roomId);
  }

  waitingViews(visits: GuestVisit[]): WaitingGuestView[] {
    const now = this.now();
    return visits.map((visit) => ({
      id: visit.id,
      name: visit.name,
      email: visit.email,
      linkName: visit.linkName,
      waitingSince: visit.createdAt.toISOString(),
      waitingTime: waitingTime(visit.createdAt, now),
      privateMessage: visit.privateMessage,
    }));
  }

  async decide(
    access: RoomAccess,
    visitId: string,
    status: 'admitted' | 'denied',
  ): Promise<{ id: string; status: string }> {
    this.authorize(access);
    const visit = await this.store.decide(access.room.id, visitId, status, actorOf(access));
    if (!visit) throw new NotWaitingError();
    this.publish(access.room.id, [visit.id]);
    return { id: visit.id, status: visit.status };
  }

  async admitAll(access: RoomAccess): Promise<{ admitted: number }> {
    this.authorize(access);
    const admitted = await this.store.admitAll(access.room.id, actorOf(access));
    if (admitted.length > 0) this.publish(access.room.id, admitted);
    return { admitted: admitted.length };
  }

  async denyAll(access: RoomAccess): Promise<{ denied: number }> {
    this.authorize(access);
    const denied = await this.store.denyAll(access.room.id, actorOf(access));
    if (denied.length > 0)
      this.publish(
        access.room.id,
        denied.map((visit) => visit.id),
      );
    return { denied: denied.length };
  }

  async setLobbyEnabled(access: RoomAccess, enabled: boolean): Promise<LobbyView> {
    this.authorize(access);
    const result = await this.store.setLobbyEnabled(access.room.id, enabled, actorOf(access));
    // Every change, so other moderators' panels show the new setting too.
    if (result) this.publish(access.room.id, result.admitted);
    return this.view(access, { lobbyEnabled: enabled });
  }

  /** Sets (text) or clears (null) the message every waiting guest sees. */
  async setLobbyMessage(access: RoomAccess, text: string | null): Promise<LobbyView> {
    this.authorize(access);
    const result = await this.store.setLobbyMessage(access.room.id, text, actorOf(access));
    if (!result) throw new NotFoundError('This room no longer exists.');
    // No visit ids: a change of the room itself, which every waiting page re-reads once.
    if (result.changed) publishRoomChange(this.events, this.logger, access.room.id);
    return this.view(access, { lobbyMessage: result.message });
  }

  /** A message only this waiting guest sees (the latest replaces the one before). */
  async sendPrivateMessage(
    access: RoomAccess,
    visitId: string,
    text: string,
  ): Promise<{ id: string; privateMessage: LobbyNote | null }> {
    this.authorize(access);
    const result = await this.store.sendPrivateMessage(access.room.id, visitId, text);
    if (!result.ok) {
      if (result.reason === 'not-found') throw new NotFoundError('There is no such guest in this room.');
      throw new NotWaitingError();
    }
    this.publish(access.room.id, [visitId]);
    return { id: visitId, privateMessage: result.visit.privateMessage };
  }

  async guestLog(access: RoomAccess): Promise<GuestLogEntry[]> {
    this.authorize(access);
    return this.store.guestLog(access.room.id);
  }

  private publish(roomId: string, visitIds: string[]): void {
    publishRoomChange(this.events, this.logger, roomId, visitIds);
  }
}
