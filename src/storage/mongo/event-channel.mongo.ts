import { Schema, Types, type Connection, type Model, type mongo } from 'mongoose';
import type { EventChannel, EventGuard } from '../../events/event-channel';
import type { RoomEvent } from '../../rooms/room-events';
import type { Logger } from '../../logger';

/**
 * One collection carries every channel's events. Lobby events keep their original shape
 * (roomId, visitIds) and no topic; other channels' events are a JSON string under `data`
 * with their channel's name as `topic` (JSON, because their keys need not be field names
 * MongoDB accepts).
 */
interface EventDoc {
  _id: Types.ObjectId;
  roomId: string;
  visitIds?: string[];
  topic?: string;
  data?: string;
  /** Server time of the insert ($currentDate): one clock for every instance. */
  at: Date;
}

const COLLECTION = 'lobby_events';
export const POLL_INTERVAL_MS = 250;
/** How far back each poll looks: covers writes that become visible out of order. */
const POLL_WINDOW_MS = 2000;
const RESTART_DELAY_MS = 1000;
/** Longest subscribe() waits for the first stream to open before going on regardless. */
const READY_TIMEOUT_MS = 5000;
/** ChangeStreamHistoryLost, ChangeStreamFatalError: the resume token can never be used again. */
const UNRESUMABLE = new Set([286, 280]);

const eventSchema = new Schema<EventDoc>(
  {
    roomId: { type: String, required: true },
    visitIds: { type: [String], default: undefined },
    topic: { type: String },
    data: { type: String },
    at: Date,
  },
  { versionKey: false },
);
// Events are only news for a moment: the server drops them after a minute, which keeps
// the collection (and each poll) small.
eventSchema.index({ at: 1 }, { expireAfterSeconds: 60 });

export type EventModel = Model<EventDoc>;

export function eventModel(connection: Connection): EventModel {
  return connection.model<EventDoc>('RoomEvent', eventSchema, COLLECTION);
}

/** How one channel's events are written to and read from the shared collection. */
export interface MongoEventCodec<Event> {
  /** Null for the lobby channel (documents without a topic). */
  topic: string | null;
  toDoc(event: Event): Pick<EventDoc, 'roomId' | 'visitIds' | 'data'>;
  fromDoc(doc: Pick<EventDoc, 'roomId' | 'visitIds' | 'data'>): Event | null;
}

export const lobbyEventCodec: MongoEventCodec<RoomEvent> = {
  topic: null,
  toDoc: (event) => ({ roomId: event.roomId, ...(event.visitIds ? { visitIds: event.visitIds } : {}) }),
  fromDoc: (doc) => {
    if (typeof doc.roomId !== 'string') return null;
    return doc.visitIds ? { roomId: doc.roomId, visitIds: [...doc.visitIds] } : { roomId: doc.roomId };
  },
};

/** A channel whose events are JSON under `data`, checked by the feature's guard when read. */
export function jsonEventCodec<Event extends { roomId: string }>(
  topic: string,
  isEvent: EventGuard<Event>,
): MongoEventCodec<Event> {
  return {
    topic,
    toDoc: (event) => ({ roomId: event.roomId, data: JSON.stringify(event) }),
    fromDoc: (doc) => {
      if (typeof doc.data !== 'string') return null;
      try {
        const event = JSON.parse(doc.data) as unknown;
        return isEvent(event) ? event : null;
      } catch {
        return null;
      }
    },
  };
}

type Handler<Event> = (event: Event) => void;

/** `hello` (MongoDB 4.4.2+), or the older `isMaster` with the same answer. */
async function serverHello(
  connection: Connection,
): Promise<{ setName?: unknown; msg?: unknown; localTime?: unknown }> {
  const admin = connection.db!.admin();
  try {
    return await admin.command({ hello: 1 });
  } catch {
    return admin.command({ isMaster: 1 });
  }
}

/**
 * One channel's events through the shared lobby_events collection: a change stream where
 * the server is a replica set (change streams need its oplog), otherwise polling.
 */
export class MongoEventChannel<Event> implements EventChannel<Event> {
  private readonly stops = new Set<() => Promise<void>>();
  /** Selects this channel's documents: its topic, or no topic for the lobby's. */
  private readonly topicFilter: { $exists: false } | string;

  constructor(
    private readonly connection: Connection,
    private readonly events: EventModel,
    private readonly logger: Logger,
    private readonly codec: MongoEventCodec<Event>,
  ) {
    this.topicFilter = codec.topic ?? { $exists: false };
  }

  async publish(event: Event): Promise<void> {
    await this.events.updateOne(
      { _id: new Types.ObjectId() },
      {
        $set: { ...this.codec.toDoc(event), ...(this.codec.topic ? { topic: this.codec.topic } : {}) },
        $currentDate: { at: true },
      },
      { upsert: true },
    );
  }

  async subscribe(handler: Handler<Event>): Promise<() => Promise<void>> {
    const hello = await serverHello(this.connection);
    // A mongos ("isdbgrid") has no setName but serves change streams over its shards.
    const streams = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
    const stop = streams
      ? await this.watch(handler, typeof hello.setName === 'string' ? hello.setName : 'mongos')
      : this.poll(handler, hello.localTime instanceof Date ? hello.localTime : new Date());
    const unsubscribe = async () => {
      this.stops.delete(unsubscribe);
      await stop();
    };
    this.stops.add(unsubscribe);
    return unsubscribe;
  }

  /** Ends every subscription (on close). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.stops].map((stop) => stop()));
  }

  /** Resolves once the first stream's cursor is open (or failed): events published after that are seen. */
  private async watch(handler: Handler<Event>, setName: string): Promise<() => Promise<void>> {
    this.logger.info(
      { replicaSet: setName, channel: this.codec.topic ?? 'lobby' },
      'Events: MongoDB change streams on lobby_events',
    );
    let stream: mongo.ChangeStream<EventDoc, mongo.ChangeStreamInsertDocument<EventDoc>> | null = null;
    let resumeAfter: mongo.ResumeToken | undefined;
    let stopped = false;
    let restart: NodeJS.Timeout | undefined;
    let opened: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      opened = resolve;
      setTimeout(resolve, READY_TIMEOUT_MS).unref();
    });
    const open = () => {
      if (stopped) return;
      stream = this.connection
        .db!.collection<EventDoc>(COLLECTION)
        .watch<EventDoc, mongo.ChangeStreamInsertDocument<EventDoc>>(
          [{ $match: { operationType: 'insert', 'fullDocument.topic': this.topicFilter } }],
          resumeAfter ? { startAfter: resumeAfter } : {},
        );
      // The driver sends the aggregate that starts the stream only after this call
      // returns, and inserts before its answer are missed. That answer's (empty) batch
      // carries a postBatchResumeToken (servers 4.0.7+), announced as resumeTokenChanged;
      // the ChangeStream does not re-emit the cursor's own 'init'.
      stream.once('resumeTokenChanged', () => opened());
      stream.on('change', (change) => {
        opened();
        resumeAfter = change._id;
        const event = this.codec.fromDoc(change.fullDocument);
        if (event) handler(event);
      });
      // The driver resumes by itself after transient errors; an error here is final for
      // this stream (say, a long outage): reopen it from the last event seen.
      stream.on('error', (error: Error) => {
        this.logger.warn({ err: error.message }, 'Event stream failed; reopening');
        opened();
        // A token whose history is gone would fail every reopen: start from now instead.
        if (UNRESUMABLE.has((error as { code?: unknown }).code as number)) resumeAfter = undefined;
        const failed = stream;
        stream = null;
        void failed?.close().catch(() => undefined);
        restart = setTimeout(open, RESTART_DELAY_MS);
        restart.unref();
      });
    };
    open();
    await ready;
    return async () => {
      stopped = true;
      clearTimeout(restart);
      await stream?.close().catch(() => undefined);
    };
  }

  private poll(handler: Handler<Event>, since: Date): () => Promise<void> {
    this.logger.warn(
      { intervalMs: POLL_INTERVAL_MS },
      'Events: MongoDB is not a replica set, so change streams are unavailable; polling lobby_events instead (run a replica set, even a single node, for instant updates)',
    );
    let newest = since.getTime();
    const seen = new Map<string, number>();
    let busy = false;
    let failing = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const docs = await this.events
          .find({ at: { $gt: new Date(newest - POLL_WINDOW_MS) }, topic: this.topicFilter })
          .sort({ at: 1, _id: 1 })
          .lean<EventDoc[]>();
        failing = false;
        for (const doc of docs) {
          const id = doc._id.toHexString();
          const at = doc.at.getTime();
          // `<`: an event in the very millisecond of `since` may be ours; a repeat is harmless.
          if (at < since.getTime() || seen.has(id)) continue;
          seen.set(id, at);
          newest = Math.max(newest, at);
          const event = this.codec.fromDoc(doc);
          if (event) handler(event);
        }
        for (const [id, at] of seen) if (at < newest - 2 * POLL_WINDOW_MS) seen.delete(id);
      } catch (error) {
        if (!failing) this.logger.warn({ err: (error as Error).message }, 'Polling events failed');
        failing = true;
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), POLL_INTERVAL_MS);
    timer.unref();
    return async () => {
      clearInterval(timer);
    };
  }
}
