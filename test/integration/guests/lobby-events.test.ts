import { apiFor } from '../../helpers/api';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../../helpers/databases';
import { joinAs, roomWithLink } from '../../helpers/guests';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { openSse, passCookie } from '../../helpers/sse';
import { startTestServer, type TestServer } from '../../helpers/test-server';

describe('live lobby events on one instance', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('tells a waiting guest of their admission within a second, and the moderator of every join', async () => {
    const { link, api, host } = await roomWithLink(server);
    const moderator = openSse(`${server.url}/api/rooms/${host.roomId}/lobby/events`, {
      Authorization: `Bearer ${host.ltik}`,
      Cookie: await host.agent.jar
        .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
        .toString(),
    });
    await moderator.next((event) => event.event === 'lobby');

    const guest = await joinAs(server, link.path, { name: 'Live Guest' });
    const stream = openSse(`${server.url}/guest/rooms/${host.roomId}/events`, {
      Cookie: passCookie(guest.response.headers['set-cookie']),
    });
    await stream.next((event) => (event.data as { status: string }).status === 'waiting');
    const seen = await moderator.next((event) =>
      (event.data as { waiting: Array<{ name: string }> }).waiting.some(
        (guestView) => guestView.name === 'Live Guest',
      ),
    );
    expect(seen.event).toBe('lobby');

    const visitId = (await api.get('/lobby')).body.waiting[0].id;
    const admittedAt = Date.now();
    await api.post(`/lobby/${visitId}/admit`).expect(200);
    const admitted = await stream.next(
      (event) => (event.data as { status: string }).status === 'admitted',
      1000,
    );
    expect(admitted.at - admittedAt).toBeLessThan(1000);
    expect(admitted.data).toEqual({ status: 'admitted', location: `/guest/rooms/${host.roomId}` });
    stream.close();
    moderator.close();
  });

  it('tells waiting guests when guest access is turned off', async () => {
    const { link, api, host } = await roomWithLink(server);
    const guest = await joinAs(server, link.path, { name: 'Turned Away' });
    const stream = openSse(`${server.url}/guest/rooms/${host.roomId}/events`, {
      Cookie: passCookie(guest.response.headers['set-cookie']),
    });
    await stream.next((event) => (event.data as { status: string }).status === 'waiting');
    await api.put('/guest-access', { enabled: false }).expect(200);
    const ended = await stream.next((event) => (event.data as { status: string }).status !== 'waiting', 1000);
    expect(ended.data).toEqual({ status: 'denied', location: `/guest/rooms/${host.roomId}/waiting` });
    stream.close();
    await api.put('/guest-access', { enabled: true }).expect(200);
  });

  it('refuses a stream without a pass', async () => {
    const { host } = await roomWithLink(server);
    const stream = openSse(`${server.url}/guest/rooms/${host.roomId}/events`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.status()).toBe(403);
    stream.close();
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)('lobby events across two instances sharing PostgreSQL', () => {
  it('delivers an admission made on instance B to a guest waiting on instance A in under a second', async () => {
    const database = await createPostgresDatabase();
    const a = await startTestServer({ configuredStorage: true, env: { DATABASE_URL: database.url } });
    const b = await startTestServer({ configuredStorage: true, env: { DATABASE_URL: database.url } });
    try {
      const { link } = await roomWithLink(b);
      const guest = await joinAs(a, link.path, { name: 'Cross Instance' });
      const roomId = guest.response.headers.location!.split('/')[3]!;
      const stream = openSse(`${a.url}/guest/rooms/${roomId}/events`, {
        Cookie: passCookie(guest.response.headers['set-cookie']),
      });
      await stream.next((event) => (event.data as { status: string }).status === 'waiting');

      const moderator = await sandboxLaunch(b, { user: 'co-instructor' });
      const api = apiFor(moderator);
      const [waiting] = (await api.get('/lobby').expect(200)).body.waiting;
      const admittedAt = Date.now();
      await api.post(`/lobby/${waiting.id}/admit`).expect(200);
      const admitted = await stream.next(
        (event) => (event.data as { status: string }).status === 'admitted',
        1000,
      );
      expect(admitted.at - admittedAt).toBeLessThan(1000);
      stream.close();
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
