import { hasRoomId } from '../../../src/events/event-channel';
import { ROOM_EVENTS_CHANNEL, type RoomEvent } from '../../../src/rooms/room-events';
import { ThrottledRoomEvents } from '../../../src/rooms/throttled-room-events';
import { PgEventChannel } from '../../../src/storage/postgres/event-channel.pg';
import { openTestDatabase, type TestDatabase } from '../../helpers/databases';

// Long enough that "at once" and "at the window's end" cannot be confused on a busy machine.
const WINDOW_MS = 600;

const until = async (condition: () => boolean, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** The throttle in front of the real LISTEN/NOTIFY channel (PGlite). */
describe('lobby events during a surge', () => {
  let database: TestDatabase;
  let events: ThrottledRoomEvents;
  const received: Array<RoomEvent & { at: number }> = [];
  let unsubscribe: () => Promise<void>;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    events = new ThrottledRoomEvents(
      new PgEventChannel<RoomEvent>(database.sql, ROOM_EVENTS_CHANNEL, hasRoomId),
      WINDOW_MS,
    );
    unsubscribe = await events.subscribe((event) => received.push({ ...event, at: Date.now() }));
  });

  afterAll(async () => {
    await unsubscribe();
    await database.close();
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('sends a lone change at once and a burst as few events naming every visit', async () => {
    const started = Date.now();
    await events.publish({ roomId: 'surge', visitIds: ['v0'] });
    await until(() => received.length === 1);
    expect(received[0]!.at - started).toBeLessThan(WINDOW_MS / 2);

    const burst = Array.from({ length: 30 }, (_unused, index) =>
      events.publish({ roomId: 'surge', visitIds: [`v${index + 1}`] }),
    );
    // Another room is not held back by this room's burst.
    await events.publish({ roomId: 'quiet', visitIds: ['q1'] });
    await Promise.all(burst);
    await until(() => received.some((event) => event.visitIds?.includes('v30')));

    const surge = received.filter((event) => event.roomId === 'surge');
    expect(surge.length).toBeLessThanOrEqual(2);
    expect(new Set(surge.flatMap((event) => event.visitIds ?? []))).toEqual(
      new Set(['v0', ...Array.from({ length: 30 }, (_unused, index) => `v${index + 1}`)]),
    );
    const quiet = received.find((event) => event.roomId === 'quiet');
    expect(quiet).toMatchObject({ visitIds: ['q1'] });
    // The burst waited for its window; the other room's event did not.
    expect(quiet!.at).toBeLessThan(surge[surge.length - 1]!.at);
    expect(surge[surge.length - 1]!.at - started).toBeGreaterThanOrEqual(WINDOW_MS - 50);
  });

  it('turns a merge with a "re-read everything" event into one, and flushes what waits', async () => {
    await events.publish({ roomId: 'mixed', visitIds: ['a'] });
    const pending = [
      events.publish({ roomId: 'mixed', visitIds: ['b'] }),
      events.publish({ roomId: 'mixed' }),
      events.publish({ roomId: 'mixed', visitIds: ['c'] }),
    ];
    await events.flush();
    await Promise.all(pending);
    await until(() => received.length === 2);
    expect(received.map(({ roomId, visitIds }) => ({ roomId, visitIds }))).toEqual([
      { roomId: 'mixed', visitIds: ['a'] },
      { roomId: 'mixed', visitIds: undefined },
    ]);
  });
});
