import net from 'node:net';
import { joinAs, roomWithLink } from '../../helpers/guests';
import { openSse, passCookie } from '../../helpers/sse';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** Short limits, so a quiet connection outlives them many times over within the test. */
const TIMEOUTS = { headersMs: 600, requestMs: 800, idleMs: 400, keepAliveMs: 5_000, checkEveryMs: 100 };
const QUIET_MS = 2_500;

/** Opens a raw connection, sends `bytes` (maybe none), and reports when the server closes it. */
function rawConnection(url: string, bytes: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname, () => {
    if (bytes) socket.write(bytes);
  });
  socket.resume();
  let closedAfter: number | null = null;
  const openedAt = Date.now();
  socket.on('close', () => (closedAfter = Date.now() - openedAt));
  socket.on('error', () => undefined);
  return { closedAfter: () => closedAfter, destroy: () => socket.destroy() };
}

describe('the HTTP server’s timeouts', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ timeouts: TIMEOUTS });
  });

  afterAll(async () => {
    await server.close();
  });

  it('closes connections that never send a byte, or stop half-way through their headers', async () => {
    const silent = rawConnection(server.url, '');
    const halfHeaders = rawConnection(server.url, 'GET / HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(silent.closedAfter()).not.toBeNull();
    expect(halfHeaders.closedAfter()).not.toBeNull();
    expect(silent.closedAfter()!).toBeLessThan(QUIET_MS);
  });

  it('keeps server-sent event streams open however long they stay quiet', async () => {
    const { link, api, host } = await roomWithLink(server);
    const cookie = (await host.agent.jar
      .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
      .toString()) as string;
    const moderator = openSse(`${server.url}/api/rooms/${host.roomId}/lobby/events`, {
      Authorization: `Bearer ${host.ltik}`,
      Cookie: cookie,
    });
    await moderator.next((event) => event.event === 'lobby');
    const guest = await joinAs(server, link.path, { name: 'Patient Guest' });
    const waiting = openSse(`${server.url}/guest/rooms/${host.roomId}/events`, {
      Cookie: passCookie(guest.response.headers['set-cookie']),
    });
    await waiting.next((event) => (event.data as { status: string }).status === 'waiting');

    // Several times every limit above, with nothing sent either way (the heartbeat is 25 s).
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    await expect(waiting.closed(50)).rejects.toThrow('stayed open');
    await expect(moderator.closed(50)).rejects.toThrow('stayed open');

    // And both still deliver.
    await api.post('/lobby/admit-all').expect(200);
    await waiting.next((event) => (event.data as { status: string }).status === 'admitted');
    await moderator.next(
      (event) => event.event === 'lobby' && (event.data as { waiting: unknown[] }).waiting.length === 0,
    );
    waiting.close();
    moderator.close();
  });
});
