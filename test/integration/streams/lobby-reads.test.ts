import { SQL_BACKENDS } from '../../helpers/databases';
import { joinAs, roomWithLink } from '../../helpers/guests';
import type { Launch } from '../../helpers/lti-launch';
import { openSse } from '../../helpers/sse';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import type { Storage } from '../../../src/storage';

/** Calls per room id of the wrapped store methods. */
type ReadCounts = Map<string, number>;

/** The real store with `methods` counted per first argument (the room id); nothing else changes. */
function counting<T extends object>(store: T, methods: string[], counts: ReadCounts): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || !methods.includes(String(property))) return value;
      return (...args: unknown[]) => {
        const key = `${String(property)}:${String(args[0])}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const MODERATOR_TABS = 12;

describe.each(SQL_BACKENDS)('moderators’ lobby streams on %s', (backend) => {
  let server: TestServer;
  const reads: ReadCounts = new Map();

  beforeAll(async () => {
    server = await startTestServer({
      backend,
      env: { STREAMS_PER_USER: String(MODERATOR_TABS * 2) },
      wrapStorage: (storage: Storage) => ({
        ...storage,
        rooms: counting(storage.rooms, ['findById'], reads),
        guests: counting(storage.guests, ['listWaiting'], reads),
      }),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it(`reads the room and its lobby once per change for ${MODERATOR_TABS} open streams, and each gets it`, async () => {
    const { host, link } = await roomWithLink(server);
    const cookie = (launch: Launch) =>
      launch.agent.jar
        .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
        .toString();
    const streams = Array.from({ length: MODERATOR_TABS }, () =>
      openSse(`${server.url}/api/rooms/${host.roomId}/lobby/events`, {
        Authorization: `Bearer ${host.ltik}`,
        Cookie: cookie(host),
      }),
    );
    for (const stream of streams) await stream.next((event) => event.event === 'lobby');
    // Earlier changes (the set-up's) have been delivered; count from here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    reads.clear();

    await joinAs(server, link.path, { name: 'Counted Guest' });
    for (const stream of streams)
      await stream.next((event) =>
        (event.data as { waiting: Array<{ name: string }> }).waiting.some(
          (guest) => guest.name === 'Counted Guest',
        ),
      );
    expect(reads.get(`listWaiting:${host.roomId}`)).toBe(1);
    expect(reads.get(`findById:${host.roomId}`)).toBe(1);

    for (const stream of streams) stream.close();
    const deadline = Date.now() + 3000;
    while (server.runtime.lobbyHub.usage.rooms > 0 || server.runtime.streams.usage.open > 0) {
      if (Date.now() > deadline) throw new Error(JSON.stringify(server.runtime.lobbyHub.usage));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
