import type { GuestVisit } from '../guests/guest';
import type { GuestStore } from '../guests/guest.store';
import type { WaitingPageUpdate } from '../guests/waiting-page';
import type { LiveEvent, LiveEventChannel } from '../live/live-events';
import type { Logger } from '../logger';
import type { RoomEvent, RoomEventChannel } from '../rooms/room-events';

/** Told a visit's new status; while it still waits, what changed on its waiting page. */
type VisitWatcher = (status: GuestVisit['status'] | 'gone', update?: WaitingPageUpdate) => void;
type RoomWatcher = () => void;

interface RoomWatchers {
  visits: Map<string, Set<VisitWatcher>>;
  moderators: Set<RoomWatcher>;
  /** Visit ids named by events since the last flush; null: a room-wide change, re-read them all and the room. */
  pending: Set<string> | null;
  moderatorsPending: boolean;
  /** A host or moderator joined or left the live stage: waiting pages re-read presence. */
  presencePending: boolean;
  timer: NodeJS.Timeout | null;
}

/**
 * Whether a host or moderator is on a room's live stage, and the live channel that says
 * when that may have changed (any instance's stage joins and departures).
 */
export interface ModeratorPresence {
  events: LiveEventChannel;
  moderatorPresent(roomId: string): Promise<boolean>;
}

/** Live events that may change whether a host or moderator is in the room. */
function changesPresence(event: LiveEvent): boolean {
  if (event.type === 'ended') return true;
  if (event.type !== 'joined' && event.type !== 'departed') return false;
  return event.participant.baseRole === 'host' || event.participant.baseRole === 'moderator';
}

/** How long events for one room are gathered before listeners are told: a surge of joins becomes one read. */
const COALESCE_MS = 40;

/**
 * This instance's open lobby streams (waiting guests, moderators' panels), fed by the
 * event channel that every instance shares. Reads the changed visits once per room
 * and burst, however many streams wait on them.
 */
export class LobbyHub {
  private readonly rooms = new Map<string, RoomWatchers>();
  private unsubscribe: (() => Promise<void>) | null = null;
  private unsubscribeLive: (() => Promise<void>) | null = null;

  constructor(
    private readonly events: RoomEventChannel,
    private readonly store: GuestStore,
    private readonly logger: Logger,
    /** Told of every event, from any instance: caches of room state drop that room. */
    private readonly onRoomChanged: (roomId: string) => void = () => undefined,
    private readonly presence: ModeratorPresence | null = null,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.events.subscribe((event) => this.receive(event));
    if (this.presence)
      this.unsubscribeLive = await this.presence.events.subscribe((event) => this.receiveLive(event));
  }

  async stop(): Promise<void> {
    for (const room of this.rooms.values()) if (room.timer) clearTimeout(room.timer);
    this.rooms.clear();
    await this.unsubscribe?.();
    await this.unsubscribeLive?.();
  }

  /** Rooms, visits and moderators watched now, and flushes pending: all 0 once every stream closed. */
  get usage(): { rooms: number; visits: number; moderators: number; timers: number } {
    let visits = 0;
    let moderators = 0;
    let timers = 0;
    for (const room of this.rooms.values()) {
      for (const watchers of room.visits.values()) visits += watchers.size;
      moderators += room.moderators.size;
      if (room.timer) timers += 1;
    }
    return { rooms: this.rooms.size, visits, moderators, timers };
  }

  watchVisit(roomId: string, visitId: string, watcher: VisitWatcher): () => void {
    const room = this.room(roomId);
    const watchers = room.visits.get(visitId) ?? new Set();
    watchers.add(watcher);
    room.visits.set(visitId, watchers);
    return () => {
      watchers.delete(watcher);
      if (watchers.size === 0) room.visits.delete(visitId);
      this.forgetIfIdle(roomId, room);
    };
  }

  watchRoom(roomId: string, watcher: RoomWatcher): () => void {
    const room = this.room(roomId);
    room.moderators.add(watcher);
    return () => {
      room.moderators.delete(watcher);
      this.forgetIfIdle(roomId, room);
    };
  }

  private room(roomId: string): RoomWatchers {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = {
        visits: new Map(),
        moderators: new Set(),
        pending: new Set(),
        moderatorsPending: false,
        presencePending: false,
        timer: null,
      };
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private forgetIfIdle(roomId: string, room: RoomWatchers): void {
    if (room.visits.size === 0 && room.moderators.size === 0 && !room.timer) this.rooms.delete(roomId);
  }

  private receive(event: RoomEvent): void {
    this.onRoomChanged(event.roomId);
    const room = this.rooms.get(event.roomId);
    if (!room) return;
    room.moderatorsPending = room.moderators.size > 0;
    if (!event.visitIds) room.pending = null;
    else if (room.pending) for (const id of event.visitIds) if (room.visits.has(id)) room.pending.add(id);
    room.timer ??= setTimeout(() => void this.flush(event.roomId, room), COALESCE_MS);
  }

  /** Only waiting pages care who is on the stage; moderators' panels do not. */
  private receiveLive(event: LiveEvent): void {
    if (!changesPresence(event)) return;
    const room = this.rooms.get(event.roomId);
    if (!room || room.visits.size === 0) return;
    room.presencePending = true;
    room.timer ??= setTimeout(() => void this.flush(event.roomId, room), COALESCE_MS);
  }

  private async flush(roomId: string, room: RoomWatchers): Promise<void> {
    room.timer = null;
    const roomWide = room.pending === null;
    const presence = room.presencePending && this.presence !== null;
    const ids = room.pending && !presence ? [...room.pending] : [...room.visits.keys()];
    const notifyModerators = room.moderatorsPending;
    room.pending = new Set();
    room.moderatorsPending = false;
    room.presencePending = false;
    if (notifyModerators) for (const watcher of room.moderators) watcher();
    // The last watcher may have left while the timer ran: nothing may keep the room then.
    if (ids.length === 0) return this.forgetIfIdle(roomId, room);
    try {
      // One read per room and burst, however many waiting pages it serves.
      const [reads, moderatorPresent] = await Promise.all([
        this.store.waitingPageReads(roomId, ids, roomWide),
        presence ? this.presence!.moderatorPresent(roomId) : undefined,
      ]);
      for (const id of ids) {
        const visit = reads.visits.get(id);
        const status = visit?.status ?? 'gone';
        const update: WaitingPageUpdate = { privateMessage: visit?.privateMessage ?? null };
        if (reads.lobbyMessage !== undefined) update.lobbyMessage = reads.lobbyMessage;
        if (moderatorPresent !== undefined) update.moderatorPresent = moderatorPresent;
        for (const watcher of room.visits.get(id) ?? [])
          if (status === 'waiting') watcher(status, update);
          else watcher(status);
      }
    } catch (error) {
      this.logger.warn({ err: error, roomId }, 'Reading visit statuses for lobby streams failed');
    }
    this.forgetIfIdle(roomId, room);
  }
}
