import request from 'supertest';
import { SQL_BACKENDS } from '../../helpers/databases';
import { joinAs, linkClicks, openEntry, roomWithLink, visitCount } from '../../helpers/guests';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { startTestServer, type TestServer } from '../../helpers/test-server';

describe.each(SQL_BACKENDS)('the guest journey on %s', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ backend, env: GENEROUS_GUEST_LIMITS });
  });

  afterAll(async () => {
    await server.close();
  });

  it('shows the entry page without counting a click', async () => {
    const { link } = await roomWithLink(server, { clicks: 2 });
    for (let i = 0; i < 3; i++) {
      const { page } = await openEntry(server, link.path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Weekly live session');
      expect(page.text).toContain('<label for="guest-name">Name</label>');
      expect(page.text).toContain('<label for="guest-email">Email</label>');
      expect(page.text).toContain('Email is collected for identification only.');
      expect(page.text).toContain('>Join</button>');
    }
    expect(await linkClicks(server, link.id)).toBe(0);
  });

  it('counts one click per join, waits in the lobby, and enters when admitted', async () => {
    const { link, api, host } = await roomWithLink(server);
    const { agent, response } = await joinAs(server, link.path, {
      name: 'Grace Guest',
      email: 'grace@example.org',
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/guest/rooms/${host.roomId}/waiting`);
    const cookie = ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('gl_guest_'))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(await linkClicks(server, link.id)).toBe(1);

    const waiting = await agent.get(response.headers.location!).expect(200);
    expect(waiting.text).toContain('Waiting for the moderator to let you in…');
    expect(waiting.text).toContain('http-equiv="refresh"');
    expect((await agent.get(`/guest/rooms/${host.roomId}/status`)).body.status).toBe('waiting');

    const lobby = await api.get('/lobby').expect(200);
    expect(lobby.body.waiting).toEqual([
      expect.objectContaining({
        name: 'Grace Guest',
        email: 'grace@example.org',
        linkName: expect.any(String),
      }),
    ]);
    await api.post(`/lobby/${lobby.body.waiting[0].id}/admit`).expect(200);

    const after = await agent.get(`/guest/rooms/${host.roomId}/waiting`);
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe(`/guest/rooms/${host.roomId}`);
    const room = await agent.get(after.headers.location!).expect(200);
    expect(room.text).toContain('Weekly live session');
    expect(room.text).toContain('You joined as <strong>Grace Guest</strong>');
    expect(room.text).toContain('>Leave</button>');
    expect(room.text).not.toContain('role="menu"');
    expect(room.text).not.toContain('Manage guest access');
    expect(room.text).not.toMatch(/<a [^>]*href=/);
  });

  it('does not count a browser that already holds a pass for the room', async () => {
    const { link } = await roomWithLink(server);
    const first = await joinAs(server, link.path);
    // Back to the form and Join again: the same browser keeps its visit.
    const again = await first.agent
      .post(link.path)
      .type('form')
      .send({ _csrf: first.csrf, name: 'Grace', email: 'g@example.org' });
    expect(again.status).toBe(303);
    expect((await first.agent.get(link.path)).status).toBe(303);
    expect(await linkClicks(server, link.id)).toBe(1);
    expect(await visitCount(server, link.id)).toBe(1);
  });

  it('lets exactly two guests in through a link limited to 2', async () => {
    const { link } = await roomWithLink(server, { clicks: 2 });
    expect((await joinAs(server, link.path, { name: 'One' })).response.status).toBe(303);
    expect((await joinAs(server, link.path, { name: 'Two' })).response.status).toBe(303);
    const third = await openEntry(server, link.path);
    expect(third.page.status).toBe(410);
    expect(third.page.text).toContain('This link is no longer valid');
    expect(await linkClicks(server, link.id)).toBe(2);
  });

  it('admits exactly 5 of 50 parallel joins on a link limited to 5', async () => {
    const { link } = await roomWithLink(server, { clicks: 5 });
    const entries = await Promise.all(Array.from({ length: 50 }, () => openEntry(server, link.path)));
    const responses = await Promise.all(
      entries.map((entry, index) =>
        entry.agent
          .post(link.path)
          .type('form')
          .send({ _csrf: entry.csrf, name: `Guest ${index}`, email: `g${index}@example.org` }),
      ),
    );
    expect(responses.filter((response) => response.status === 303)).toHaveLength(5);
    expect(responses.filter((response) => response.status === 410)).toHaveLength(45);
    expect(responses.every((response) => response.status < 500)).toBe(true);
    expect(await visitCount(server, link.id)).toBe(5);
    expect(await linkClicks(server, link.id)).toBe(5);
  });

  it('refuses an expired link without counting', async () => {
    const { link } = await roomWithLink(server, { durationDays: 1 });
    const entry = await openEntry(server, link.path);
    await server.sql.query(`UPDATE guest_links SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      link.id,
    ]);
    const join = await entry.agent
      .post(link.path)
      .type('form')
      .send({ _csrf: entry.csrf, name: 'Late', email: 'late@example.org' });
    expect(join.status).toBe(410);
    expect(join.text).toContain('This link is no longer valid');
    expect((await openEntry(server, link.path)).page.status).toBe(410);
    expect(await linkClicks(server, link.id)).toBe(0);
  });

  it('turns waiting guests away when access is disabled, and admitted ones at their next reload', async () => {
    const { link, api, host } = await roomWithLink(server);
    const admitted = await joinAs(server, link.path, { name: 'Inside' });
    await api.post('/lobby/admit-all').expect(200);
    const waiting = await joinAs(server, link.path, { name: 'Outside' });
    await admitted.agent.get(`/guest/rooms/${host.roomId}`).expect(200);

    await api.put('/guest-access', { enabled: false }).expect(200);
    const turnedAway = await waiting.agent.get(`/guest/rooms/${host.roomId}/waiting`);
    expect(turnedAway.status).toBe(403);
    expect(turnedAway.text).toContain('Guest access is turned off');
    expect((await waiting.agent.get(`/guest/rooms/${host.roomId}/status`)).body.status).toBe('ended');
    const reloaded = await admitted.agent.get(`/guest/rooms/${host.roomId}`);
    expect(reloaded.status).toBe(403);
    expect(reloaded.text).toContain('Guest access is turned off');
    expect((await openEntry(server, link.path)).page.status).toBe(403);

    await api.put('/guest-access', { enabled: true }).expect(200);
    expect((await openEntry(server, link.path)).page.status).toBe(200);
  });

  it('does the same when the link is deleted', async () => {
    const { link, api, host } = await roomWithLink(server);
    const admitted = await joinAs(server, link.path, { name: 'Inside' });
    await api.post('/lobby/admit-all').expect(200);
    const waiting = await joinAs(server, link.path, { name: 'Outside' });
    await api.delete(`/guest-links/${link.id}`).expect(204);
    expect((await waiting.agent.get(`/guest/rooms/${host.roomId}/waiting`)).status).toBe(410);
    const reloaded = await admitted.agent.get(`/guest/rooms/${host.roomId}`);
    expect(reloaded.status).toBe(410);
    expect(reloaded.text).toContain('This link is no longer valid');
    expect((await openEntry(server, link.path)).page.status).toBe(410);
  });

  it('shows a declined guest the declined page, and admits everyone with admit all', async () => {
    const { link, api, host } = await roomWithLink(server);
    const declined = await joinAs(server, link.path, { name: 'Mallory' });
    const others = await Promise.all([
      joinAs(server, link.path, { name: 'A' }),
      joinAs(server, link.path, { name: 'B' }),
    ]);
    const lobby = (await api.get('/lobby')).body.waiting as Array<{ id: string; name: string }>;
    const mallory = lobby.find((guest) => guest.name === 'Mallory')!;
    expect((await api.post(`/lobby/${mallory.id}/deny`).expect(200)).body).toEqual({
      id: mallory.id,
      status: 'denied',
    });
    expect((await api.post(`/lobby/${mallory.id}/admit`)).status).toBe(409);
    const page = await declined.agent.get(`/guest/rooms/${host.roomId}/waiting`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('Your request to join was declined');
    expect((await api.post('/lobby/admit-all').expect(200)).body).toEqual({ admitted: 2 });
    for (const other of others) await other.agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    expect((await api.get('/lobby')).body.waiting).toEqual([]);
  });

  it('sends guests straight in when the room’s lobby is off', async () => {
    const { link, api, host } = await roomWithLink(server);
    const early = await joinAs(server, link.path, { name: 'Early' });
    const view = await api.put('/lobby', { enabled: false }).expect(200);
    expect(view.body).toEqual({ lobbyEnabled: false, lobbyMessage: null, waiting: [] });
    await early.agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    const { response } = await joinAs(server, link.path, { name: 'Direct' });
    expect(response.headers.location).toBe(`/guest/rooms/${host.roomId}`);
    await api.put('/lobby', { enabled: true }).expect(200);
  });

  it('lets a guest leave', async () => {
    const { link, api, host } = await roomWithLink(server);
    const guest = await joinAs(server, link.path);
    await api.post('/lobby/admit-all').expect(200);
    const room = await guest.agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(room.text)![1]!;
    const left = await guest.agent
      .post(`/guest/rooms/${host.roomId}/leave`)
      .type('form')
      .send({ _csrf: csrf });
    expect(left.status).toBe(200);
    expect(left.text).toContain('You left');
    const [visit] = await server.sql.query<{ status: string }>(
      'SELECT status FROM guest_visits WHERE link_id = $1',
      [link.id],
    );
    expect(visit!.status).toBe('left');
    // The pass stays (issue 12): the room page now says they left and offers Join again.
    const after = await guest.agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    expect(after.text).toContain('You left');
    expect(after.text).toContain('>Join again</button>');
  });

  it('keeps a guest pass to its one room and out of every management API', async () => {
    const { link, api, host } = await roomWithLink(server);
    const other = await roomWithLink(server, {}, 'hist-210/office-hours');
    const guest = await joinAs(server, link.path);
    await api.post('/lobby/admit-all').expect(200);
    const elsewhere = await guest.agent.get(`/guest/rooms/${other.host.roomId}`);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.text).toContain('You are not in this session');
    for (const path of [
      `/api/rooms/${host.roomId}/guest-access`,
      `/api/rooms/${host.roomId}/lobby`,
      `/api/rooms/${host.roomId}/guest-log`,
    ]) {
      const response = await guest.agent.get(path);
      expect(response.status).toBe(401);
    }
    // The launched room page answers only a post carrying an ltik; by address it is the page
    // that says to open Guestlink from the course (src/media-page/media-page.routes.ts, reopen).
    const roomPage = await guest.agent.get(`/rooms/${host.roomId}`);
    expect(roomPage.text).toContain('Open Guestlink again from your course.');
    expect(roomPage.text).not.toContain('data-room-id="' + host.roomId + '" data-ltik');
    expect((await guest.agent.post(`/rooms/${host.roomId}`)).status).toBe(401);
  });

  it('refuses forged, foreign and missing guest passes', async () => {
    const { link, api, host } = await roomWithLink(server);
    const guest = await joinAs(server, link.path);
    await api.post('/lobby/admit-all').expect(200);
    const other = await roomWithLink(server, {}, 'hist-210/office-hours');
    const pass = decodeURIComponent(
      ([] as string[])
        .concat(guest.response.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('gl_guest_'))!
        .split(';')[0]!
        .split('=')[1]!,
    );
    // The signed value with another signature: the pass of the same visit, forged.
    const forged = encodeURIComponent(
      `${pass.slice(0, pass.lastIndexOf('.'))}.${Buffer.from('forged').toString('base64')}`,
    );
    for (const [roomId, value] of [
      [host.roomId, forged],
      [other.host.roomId, encodeURIComponent(pass)],
      [host.roomId, 'not-a-pass'],
    ] as const) {
      const response = await request(server.url)
        .get(`/guest/rooms/${roomId}`)
        .set('Cookie', `gl_guest_${roomId}=${value}`);
      expect(response.status).toBe(403);
      expect(response.text).toContain('You are not in this session');
    }
    expect((await request(server.url).get(`/guest/rooms/${host.roomId}/waiting`)).status).toBe(403);
  });

  it.each([
    ['no name', { name: '', email: 'a@example.org' }, 'Enter your name.'],
    ['a blank name', { name: '   ', email: 'a@example.org' }, 'Enter your name.'],
    ['an 81-character name', { name: 'x'.repeat(81), email: 'a@example.org' }, 'Use at most 80 characters.'],
    ['a name with control characters', { name: 'Bob\u0000', email: 'a@example.org' }, 'Remove line breaks'],
    ['no email', { name: 'Bob', email: '' }, 'Enter your email address.'],
    ['a malformed email', { name: 'Bob', email: 'bob@' }, 'Enter an email address like name@example.com.'],
    [
      'an over-long email',
      { name: 'Bob', email: `${'b'.repeat(250)}@example.org` },
      'Use at most 254 characters.',
    ],
  ])('answers %s with 400, counting nothing and storing nothing', async (_name, form, message) => {
    const { link } = await roomWithLink(server);
    const entry = await openEntry(server, link.path);
    const response = await entry.agent
      .post(link.path)
      .type('form')
      .send({ _csrf: entry.csrf, ...form });
    expect(response.status).toBe(400);
    expect(response.text).toContain(message);
    expect(response.text).toContain('aria-invalid="true"');
    expect(await linkClicks(server, link.id)).toBe(0);
    expect(await visitCount(server, link.id)).toBe(0);
  });

  it('refuses a missing or wrong CSRF token, and malformed tokens in links', async () => {
    const { link } = await roomWithLink(server);
    const entry = await openEntry(server, link.path);
    const missing = await entry.agent
      .post(link.path)
      .type('form')
      .send({ name: 'Bob', email: 'bob@example.org' });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired');
    const wrong = await entry.agent
      .post(link.path)
      .type('form')
      .send({ _csrf: 'wrong', name: 'Bob', email: 'bob@example.org' });
    expect(wrong.status).toBe(403);
    const foreign = await request(server.url)
      .post(link.path)
      .type('form')
      .send({ _csrf: entry.csrf, name: 'Bob', email: 'bob@example.org' });
    expect(foreign.status).toBe(403);
    expect(await linkClicks(server, link.id)).toBe(0);
    for (const path of [
      '/g/short',
      `/g/${'x'.repeat(25)}`,
      '/g/abc$efghijklmnopqrstuvwx',
      `/g/${'A'.repeat(24)}`,
    ]) {
      const response = await request(server.url).get(path);
      expect(response.status).toBe(404);
      expect(response.text).toContain('This link is no longer valid');
    }
  });

  it('escapes whatever a browser’s CSRF cookie carries when the entry page hands it back', async () => {
    const { link } = await roomWithLink(server);
    const entry = await openEntry(server, link.path);
    const injected = `${entry.csrf}."><form action="https://evil.example">`;
    const page = await request(server.url)
      .get(link.path)
      .set('Cookie', `gl_csrf=${encodeURIComponent(injected)}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('action="https://evil.example"');
    // The entry form and no other (the language picker is the page's own second form).
    expect(page.text.match(/<form(?! class="language-picker")/g)).toHaveLength(1);
    expect(page.text.match(/<form class="language-picker"/g)).toHaveLength(1);
  });

  it('never makes guests users: they exist only as visits', async () => {
    const { link } = await roomWithLink(server);
    const [{ before }] = (await server.sql.query<{ before: number }>(
      'SELECT count(*)::int AS before FROM lti_documents',
    )) as [{ before: number }];
    const email = `unique-${Date.now()}@guests.example.org`;
    await joinAs(server, link.path, { name: 'Nobody Special', email });
    const [{ after }] = (await server.sql.query<{ after: number }>(
      'SELECT count(*)::int AS after FROM lti_documents',
    )) as [{ after: number }];
    expect(after).toBe(before);
    const tables = await server.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const holding: string[] = [];
    for (const { table_name } of tables) {
      const [row] = await server.sql.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM ${table_name} t WHERE to_jsonb(t)::text LIKE $1`,
        [`%${email}%`],
      );
      if (row!.count > 0) holding.push(table_name);
    }
    expect(holding).toEqual(['guest_visits']);
  });

  it('keeps a guest log with outcomes and who decided, as JSON and CSV, purged after retention', async () => {
    const linkName = `Logged ${Date.now()}`;
    const { link, api } = await roomWithLink(server, { name: linkName });
    await joinAs(server, link.path, { name: 'Admitted Ann', email: 'ann@example.org' });
    await api.post('/lobby/admit-all').expect(200);
    await joinAs(server, link.path, { name: '=Denied Dan', email: 'dan@example.org' });
    const waiting = (await api.get('/lobby')).body.waiting;
    await api.post(`/lobby/${waiting[0].id}/deny`).expect(200);

    const log = await api.get('/guest-log').expect(200);
    const mine = (entries: Array<{ linkName: string }>) =>
      entries.filter((entry) => entry.linkName === linkName);
    expect(mine(log.body.entries)).toEqual([
      expect.objectContaining({
        name: '=Denied Dan',
        outcome: 'Denied by Ada Lovelace',
        decidedBy: 'Ada Lovelace',
        status: 'denied',
      }),
      expect.objectContaining({
        name: 'Admitted Ann',
        outcome: 'Admitted by Ada Lovelace',
        decidedBy: 'Ada Lovelace',
        status: 'admitted',
      }),
    ]);
    const csv = await api.get('/guest-log?format=csv').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    expect(csv.text.split('\r\n')[0]).toBe(
      'Name,Email,Link or invitation,Joined (UTC),What happened (times in UTC),Admitted (UTC),Admitted by,Left (UTC),Duration,' +
        'Decided by,Decided (UTC),Removed by,Removed (UTC)',
    );
    expect(csv.text).toContain("'=Denied Dan");

    await server.sql.query(
      `UPDATE guest_visits SET created_at = now() - interval '31 days' WHERE link_id = $1`,
      [link.id],
    );
    await server.runtime.storage.purgeExpired();
    expect(mine((await api.get('/guest-log')).body.entries)).toEqual([]);
  });

  it('keeps students out of the lobby API', async () => {
    const { host } = await roomWithLink(server);
    const { sandboxLaunch } = await import('../../helpers/lti-launch');
    const { apiFor } = await import('../../helpers/api');
    const student = await sandboxLaunch(server, { user: 'student', placement: 'bio-101/live-session' });
    expect(student.roomId).toBe(host.roomId);
    const api = apiFor(student);
    expect((await api.get('/lobby')).status).toBe(403);
    expect((await api.post('/lobby/admit-all')).status).toBe(403);
    expect((await api.get('/guest-log')).status).toBe(403);
  });
});
