import { joinAs, roomWithLink } from '../../helpers/guests';
import { openLaunched } from '../../helpers/live';
import type { Launch } from '../../helpers/lti-launch';
import { openSse, passCookie } from '../../helpers/sse';
import { startTestServer, type TestServer } from '../../helpers/test-server';

type Stream = ReturnType<typeof openSse>;

const cookiesOf = (launch: Launch) =>
  launch.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toString();

function lobbyStream(server: TestServer, launch: Launch, localAddress?: string): Stream {
  return openSse(
    `${server.url}/api/rooms/${launch.roomId}/lobby/events`,
    { Cookie: cookiesOf(launch), Authorization: `Bearer ${launch.ltik}` },
    { localAddress },
  );
}

/** A guest waiting in the lobby: the Cookie header of their pass. */
async function waitingGuest(server: TestServer, linkPath: string, name: string): Promise<string> {
  const guest = await joinAs(server, linkPath, { name, email: `${name.replace(/\W/g, '')}@example.org` });
  expect(guest.response.headers.location).toMatch(/\/waiting$/);
  return passCookie(guest.response.headers['set-cookie']);
}

function waitingStream(server: TestServer, roomId: string, cookie: string, localAddress?: string): Stream {
  return openSse(`${server.url}/guest/rooms/${roomId}/events`, { Cookie: cookie }, { localAddress });
}

async function accepted(stream: Stream): Promise<Stream> {
  expect(await stream.answered()).toBe(200);
  return stream;
}

/** The refusal's status, code, message and Retry-After, once its body has arrived. */
async function refusalOf(stream: Stream) {
  const status = await stream.answered();
  await until(() => stream.ended());
  return { status, retryAfter: stream.headers()['retry-after'], ...stream.refusal()!.error };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('The condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Everything this instance keeps for open streams; all zero once they have closed. */
function leftovers(server: TestServer) {
  return {
    streams: server.runtime.streams.usage,
    lobby: server.runtime.lobbyHub.usage,
    live: server.runtime.liveHub.connectionCount,
  };
}

const NOTHING_LEFT = {
  streams: { open: 0, keys: 0 },
  lobby: { rooms: 0, visits: 0, moderators: 0, timers: 0 },
  live: 0,
};

async function closeAll(server: TestServer, streams: Stream[]): Promise<void> {
  for (const stream of streams) stream.close();
  await until(() => JSON.stringify(leftovers(server)) === JSON.stringify(NOTHING_LEFT));
}

describe('caps on live-update streams', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: {
        STREAMS_PER_GUEST_PASS: '2',
        STREAMS_PER_USER: '3',
        STREAMS_PER_ADDRESS: '4',
        STREAMS_TOTAL: '5',
      },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('refuses a guest pass its third stream with a 429 naming the limit, and refusals take no slot', async () => {
    const { host, link } = await roomWithLink(server);
    const cookie = await waitingGuest(server, link.path, 'Tab Opener');
    const open = [
      await accepted(waitingStream(server, host.roomId, cookie)),
      await accepted(waitingStream(server, host.roomId, cookie)),
    ];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const refused = await refusalOf(waitingStream(server, host.roomId, cookie));
      expect(refused).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS', retryAfter: '30' });
      expect(refused.message).toMatch(/guest pass already has 2 live-update streams open/);
    }
    expect(server.runtime.streams.usage.open).toBe(2);

    // A tab that vanishes (its connection torn down, no goodbye) gives its slot back.
    open.shift()!.close();
    await until(() => server.runtime.streams.usage.open === 1);
    const again = await accepted(waitingStream(server, host.roomId, cookie));
    await again.next((event) => (event.data as { status: string }).status === 'waiting');
    await closeAll(server, [...open, again]);
  });

  it('counts a launched user’s lobby and live stage streams together', async () => {
    const { host } = await roomWithLink(server);
    const open = [];
    for (let tab = 0; tab < 3; tab += 1) open.push(await accepted(lobbyStream(server, host)));
    const lobbyRefused = await refusalOf(lobbyStream(server, host));
    expect(lobbyRefused).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS', retryAfter: '30' });
    expect(lobbyRefused.message).toMatch(/Your account already has 3 live-update streams open/);
    const liveRefused = await refusalOf(openLaunched(server, host));
    expect(liveRefused).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS' });
    // Nothing was recorded for the refused stage connection.
    const [participants] = await server.sql.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM live_participants WHERE room_id = $1',
      [host.roomId],
    );
    expect(participants!.count).toBe(0);

    open.pop()!.close();
    await until(() => server.runtime.streams.usage.open === 2);
    const live = await accepted(openLaunched(server, host));
    await live.next((event) => event.event === 'welcome');
    await closeAll(server, [...open, live]);
  });

  it('caps one address across guest passes (429), and the instance in total (503)', async () => {
    const { host, link } = await roomWithLink(server);
    const passes = [];
    for (let guest = 0; guest < 3; guest += 1)
      passes.push(await waitingGuest(server, link.path, `NAT ${guest}`));
    const open = [
      await accepted(waitingStream(server, host.roomId, passes[0]!)),
      await accepted(waitingStream(server, host.roomId, passes[0]!)),
      await accepted(waitingStream(server, host.roomId, passes[1]!)),
      await accepted(waitingStream(server, host.roomId, passes[1]!)),
    ];
    const perAddress = await refusalOf(waitingStream(server, host.roomId, passes[2]!));
    expect(perAddress).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS', retryAfter: '30' });
    expect(perAddress.message).toMatch(/network address already has 4 live-update streams open/);

    // Another address still gets in, up to the instance's total of 5.
    open.push(await accepted(waitingStream(server, host.roomId, passes[2]!, '127.0.0.2')));
    const full = await refusalOf(waitingStream(server, host.roomId, passes[2]!, '127.0.0.3'));
    expect(full).toMatchObject({ status: 503, code: 'STREAMS_FULL', retryAfter: '30' });
    expect(full.message).toMatch(/holds 5 live-update streams, the most it allows/);
    await closeAll(server, open);
  });
});

describe('the maximum lifetime of a stream', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: { STREAM_MAX_LIFETIME_SECONDS: '1', LIVE_STREAM_MAX_LIFETIME_SECONDS: '1' },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('ends a waiting guest’s and a moderator’s streams, releases their slots, and a reconnect gets the state again', async () => {
    const { host, link } = await roomWithLink(server);
    const cookie = await waitingGuest(server, link.path, 'Long Waiter');
    const guest = await accepted(waitingStream(server, host.roomId, cookie));
    const moderator = await accepted(lobbyStream(server, host));
    await guest.next((event) => (event.data as { status: string }).status === 'waiting');
    await moderator.next((event) => event.event === 'lobby');
    await guest.closed(2000);
    await moderator.closed(2000);
    await until(() => JSON.stringify(leftovers(server)) === JSON.stringify(NOTHING_LEFT));

    const guestAgain = await accepted(waitingStream(server, host.roomId, cookie));
    const moderatorAgain = await accepted(lobbyStream(server, host));
    await guestAgain.next((event) => (event.data as { status: string }).status === 'waiting');
    const lobby = await moderatorAgain.next((event) => event.event === 'lobby');
    expect((lobby.data as { waiting: Array<{ name: string }> }).waiting.map((g) => g.name)).toContain(
      'Long Waiter',
    );
    await closeAll(server, [guestAgain, moderatorAgain]);
  });

  it('ends a live stage stream too; the page reconnects as a new participant', async () => {
    const { host } = await roomWithLink(server);
    const first = await accepted(openLaunched(server, host));
    await first.next((event) => event.event === 'welcome');
    await first.closed(2000);
    const second = await accepted(openLaunched(server, host));
    const welcome = await second.next((event) => event.event === 'welcome');
    expect((welcome.data as { self: { role: string } }).self.role).toBe('host');
    await closeAll(server, [second]);
  });
});
