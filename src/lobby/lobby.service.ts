import { ForbiddenError } from '../errors';
import { assertGuestFeatureAvailable, guestFeatureAvailable } from '../guest-access/guest-access.service';
import { waitingTime, type GuestVisit } from '../guests/guest';
import type { GuestLogEntry, GuestStore } from '../guests/guest.store';
import type { Logger } from '../logger';
import { actorOf, type RoomAccess } from '../lti/room-access.service';
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
}

export interface LobbyView {
  lobbyEnabled: boolean;
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

  async view(access: RoomAccess, lobbyEnabled = access.room.lobbyEnabled): Promise<LobbyView> {
    this.authorize(access);
    return { lobbyEnabled, waiting: this.waitingViews(await this.store.listWaiting(access.room.id)) };
  }

  /** The lobby as `access` may see it, from visits already read (one read for all moderators). */
  viewOf(access: RoomAccess, waiting: GuestVisit[]): LobbyView {
    this.authorize(access);
    return { lobbyEnabled: access.room.lobbyEnabled, waiting: this.waitingViews(waiting) };
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
    return this.view(access, enabled);
  }

  async guestLog(access: RoomAccess): Promise<GuestLogEntry[]> {
    this.authorize(access);
    return this.store.guestLog(access.room.id);
  }

  private publish(roomId: string, visitIds: string[]): void {
    publishRoomChange(this.events, this.logger, roomId, visitIds);
  }
}
