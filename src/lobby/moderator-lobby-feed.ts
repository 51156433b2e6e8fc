import type { EventStream } from '../http/sse';
import type { Logger } from '../logger';
import type { RoomAccessService } from '../lti/room-access.service';
import type { Room } from '../rooms/room';
import type { LobbyHub } from './lobby-hub';
import type { LobbyModerator, LobbyService, LobbyView } from './lobby.service';

export interface LobbySubscriber {
  /**
   * Who this stream is for, checked again against the room as just read: a launch (no read of
   * its own) or an invited moderator (their visit, read again). Throws when they may no longer
   * see the lobby.
   */
  authorize(room: Room | null): LobbyModerator | Promise<LobbyModerator>;
  send(view: LobbyView): void;
  /** This person may no longer see the lobby (the room changed hands, the feature went off, a revoke). */
  end(): void;
}

interface RoomFeed {
  subscribers: Set<LobbySubscriber>;
  unwatch: () => void;
  reading: boolean;
  /** A change arrived during a read: read once more when it ends. */
  stale: boolean;
}

/**
 * The moderators' lobby streams of this instance, one feed per room: on each change the
 * room and its waiting guests are read once, and every moderator's view is made from that
 * read (each still checked against their own launch, or an invited moderator's visit). Before, every open stream read the
 * room again, so one change cost as many reads as there were moderator tabs.
 */
export class ModeratorLobbyFeed {
  private readonly feeds = new Map<string, RoomFeed>();

  constructor(
    private readonly hub: LobbyHub,
    private readonly rooms: RoomAccessService,
    private readonly lobby: LobbyService,
    private readonly logger: Logger,
  ) {}

  /** Rooms and subscribers followed now (both 0 once every stream has closed). */
  get usage(): { rooms: number; subscribers: number } {
    let subscribers = 0;
    for (const feed of this.feeds.values()) subscribers += feed.subscribers.size;
    return { rooms: this.feeds.size, subscribers };
  }

  /**
   * A moderator's lobby stream: the lobby as it is now, then every change while `authorize`
   * (checked again on each) still lets them see it.
   */
  async serve(
    open: () => EventStream,
    moderator: LobbyModerator,
    authorize: LobbySubscriber['authorize'],
  ): Promise<void> {
    const current = await this.lobby.view(moderator);
    const stream = open();
    const unsubscribe = this.subscribe(moderator.room.id, {
      authorize,
      send: (view) => stream.send('lobby', view),
      end: () => stream.close(),
    });
    stream.onClose(unsubscribe);
    stream.send('lobby', current);
  }

  subscribe(roomId: string, subscriber: LobbySubscriber): () => void {
    let feed = this.feeds.get(roomId);
    if (!feed) {
      const created: RoomFeed = {
        subscribers: new Set(),
        unwatch: () => undefined,
        reading: false,
        stale: false,
      };
      created.unwatch = this.hub.watchRoom(roomId, () => void this.refresh(roomId, created));
      this.feeds.set(roomId, created);
      feed = created;
    }
    const joined = feed;
    joined.subscribers.add(subscriber);
    return () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size > 0 || this.feeds.get(roomId) !== joined) return;
      joined.unwatch();
      this.feeds.delete(roomId);
    };
  }

  private async refresh(roomId: string, feed: RoomFeed): Promise<void> {
    if (feed.reading) {
      feed.stale = true;
      return;
    }
    feed.reading = true;
    try {
      do {
        feed.stale = false;
        const [room, waiting] = await Promise.all([
          this.rooms.findRoom(roomId),
          this.lobby.waitingIn(roomId),
        ]);
        for (const subscriber of [...feed.subscribers]) {
          let view: LobbyView;
          try {
            view = this.lobby.viewOf(await subscriber.authorize(room), waiting);
          } catch {
            subscriber.end();
            continue;
          }
          subscriber.send(view);
        }
      } while (feed.stale && feed.subscribers.size > 0);
    } catch (error) {
      // The panels keep their stream; their periodic reload shows the change meanwhile.
      this.logger.warn({ err: error, roomId }, 'Reading the lobby for moderators’ streams failed');
    } finally {
      feed.reading = false;
    }
  }
}
