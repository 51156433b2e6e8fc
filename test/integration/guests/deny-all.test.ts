import { apiFor } from '../../helpers/api';
import { SQL_BACKENDS } from '../../helpers/databases';
import { joinAs, roomWithLink } from '../../helpers/guests';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { openSse, passCookie } from '../../helpers/sse';
import { startTestServer, type TestServer } from '../../helpers/test-server';

describe.each(SQL_BACKENDS)('deny all on %s', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ backend });
  });

  afterAll(async () => {
    await server.close();
  });

  it('denies every waiting guest, tells each at once, and records who did it', async () => {
    const { link, api, host } = await roomWithLink(server);
    const [first, second] = await Promise.all([
      joinAs(server, link.path, { name: 'Eve' }),
      joinAs(server, link.path, { name: 'Trudy' }),
    ]);
    const stream = openSse(`${server.url}/guest/rooms/${host.roomId}/events`, {
      Cookie: passCookie(first!.response.headers['set-cookie']),
    });
    await stream.next((event) => (event.data as { status: string }).status === 'waiting');
    const before = Date.now();
    expect((await api.post('/lobby/deny-all').expect(200)).body).toEqual({ denied: 2 });
    const told = await stream.next((event) => (event.data as { status: string }).status === 'denied', 1000);
    expect(told.at - before).toBeLessThan(1000);
    stream.close();
    for (const guest of [first!, second!]) {
      const page = await guest.agent.get(`/guest/rooms/${host.roomId}/waiting`);
      expect(page.status).toBe(403);
      expect(page.text).toContain('Your request to join was declined');
    }
    expect((await api.get('/lobby')).body.waiting).toEqual([]);
    const log = (await api.get('/guest-log')).body.entries as Array<{
      name: string;
      status: string;
      decidedBy: string;
    }>;
    expect(log.filter((entry) => ['Eve', 'Trudy'].includes(entry.name))).toEqual([
      expect.objectContaining({ status: 'denied', decidedBy: expect.any(String) }),
      expect.objectContaining({ status: 'denied', decidedBy: expect.any(String) }),
    ]);
    const audit = await server.sql.query<{ details: { denied: number } }>(
      `SELECT details FROM audit_events WHERE room_id = $1 AND action = 'lobby.denied-all'`,
      [host.roomId],
    );
    expect(audit.at(-1)?.details).toEqual({ denied: 2 });
  });

  it('answers {denied: 0} when nobody waits, and records nothing', async () => {
    const { api, host } = await roomWithLink(server);
    const count = async () =>
      (
        await server.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events WHERE room_id = $1 AND action = 'lobby.denied-all'`,
          [host.roomId],
        )
      )[0]!.n;
    const audits = await count();
    expect((await api.post('/lobby/deny-all').expect(200)).body).toEqual({ denied: 0 });
    expect(await count()).toBe(audits);
  });

  it('keeps students out (403) and another room’s lobby out of reach (404)', async () => {
    const { link, host } = await roomWithLink(server);
    const waiting = await joinAs(server, link.path, { name: 'Still Waiting' });
    const student = await sandboxLaunch(server, { user: 'student', placement: 'bio-101/live-session' });
    expect(student.roomId).toBe(host.roomId);
    const refused = await apiFor(student).post('/lobby/deny-all');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const other = await sandboxLaunch(server, { placement: 'hist-210/office-hours', agent: host.agent });
    const crossed = await apiFor(other, host.roomId).post('/lobby/deny-all');
    expect(crossed.status).toBe(404);
    const status = await waiting.agent.get(`/guest/rooms/${host.roomId}/status`);
    expect(status.body.status).toBe('waiting');
  });
});
