import { createHash } from 'node:crypto';
import request from 'supertest';
import { SQL_BACKENDS } from '../../helpers/databases';
import { apiFor } from '../../helpers/api';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

describe.each(SQL_BACKENDS)('guest access API on %s', (backend) => {
  let server: TestServer;
  let courseCounter = 0;

  beforeAll(async () => {
    server = await startTestServer({ backend });
  });

  afterAll(async () => {
    await server.close();
  });

  /** A fresh room per test: the Deep Linking placement gives each launch its own resource link. */
  async function freshRoom(): Promise<{ host: Launch; api: ReturnType<typeof apiFor> }> {
    const host = await sandboxLaunch(server, {
      placement: courseCounter++ % 2 ? 'bio-101/live-session' : 'hist-210/office-hours',
    });
    await server.sql.query(
      'UPDATE guest_links SET deleted_at = now() WHERE room_id = $1 AND deleted_at IS NULL',
      [host.roomId],
    );
    await server.sql.query('UPDATE rooms SET guest_access_enabled = false WHERE id = $1', [host.roomId]);
    return { host, api: apiFor(host) };
  }

  async function liveLinkCount(roomId: string): Promise<number> {
    const [row] = await server.sql.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM guest_links WHERE room_id = $1 AND deleted_at IS NULL',
      [roomId],
    );
    return row!.count;
  }

  it('starts with guest access off and no links', async () => {
    const { api } = await freshRoom();
    const response = await api.get('/guest-access').expect(200);
    expect(response.body).toEqual({ enabled: false, maxLinks: 3, links: [] });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('turns guest access on and off', async () => {
    const { api } = await freshRoom();
    expect((await api.put('/guest-access', { enabled: true }).expect(200)).body.enabled).toBe(true);
    expect((await api.get('/guest-access')).body.enabled).toBe(true);
    expect((await api.put('/guest-access', { enabled: false }).expect(200)).body.enabled).toBe(false);
  });

  it('creates a link with the full URL, and optional limits', async () => {
    const { api } = await freshRoom();
    await api.enable();
    const plain = await api.post('/guest-links', { name: 'Guest speakers' }).expect(201);
    expect(plain.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Guest speakers',
      url: expect.stringMatching(new RegExp(`^${server.url}/g/[A-Za-z0-9_-]{24}$`)),
      expiresAt: null,
      clicksUsed: 0,
      clicksLimit: null,
      status: 'active',
    });
    expect(plain.headers.location).toContain(plain.body.id);

    const before = Date.now();
    const limited = await api.post('/guest-links', { name: 'Panel', clicks: 2, durationDays: 7 }).expect(201);
    expect(limited.body.clicksLimit).toBe(2);
    const expires = new Date(limited.body.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 7 * 86400_000 - 5000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * 86400_000 + 5000);

    const listed = await api.get('/guest-access').expect(200);
    expect(listed.body.links.map((link: { name: string }) => link.name)).toEqual(['Guest speakers', 'Panel']);
    expect(listed.body.links[0].url).toBe(plain.body.url);
  });

  it('stores no usable link: only a seed and the hash of the token', async () => {
    const { api, host } = await freshRoom();
    await api.enable();
    const { body } = await api.post('/guest-links', { name: 'Secret check' }).expect(201);
    const token = body.url.split('/g/')[1];
    const [row] = await server.sql.query<Record<string, unknown>>('SELECT * FROM guest_links WHERE id = $1', [
      body.id,
    ]);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(host.roomId).toBe(row!.room_id);
  });

  it('computes each link’s status: expired, used up, inactive while access is off', async () => {
    const { api } = await freshRoom();
    await api.enable();
    const expired = (await api.post('/guest-links', { name: 'Old', durationDays: 1 }).expect(201)).body;
    const usedUp = (await api.post('/guest-links', { name: 'Full', clicks: 2 }).expect(201)).body;
    const fine = (await api.post('/guest-links', { name: 'Fine' }).expect(201)).body;
    await server.sql.query(`UPDATE guest_links SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expired.id,
    ]);
    await server.sql.query('UPDATE guest_links SET clicks_used = 2 WHERE id = $1', [usedUp.id]);
    const statuses = async () =>
      Object.fromEntries(
        (await api.get('/guest-access')).body.links.map((l: { id: string; status: string }) => [
          l.id,
          l.status,
        ]),
      );
    expect(await statuses()).toEqual({
      [expired.id]: 'expired',
      [usedUp.id]: 'used-up',
      [fine.id]: 'active',
    });
    await api.put('/guest-access', { enabled: false }).expect(200);
    expect(await statuses()).toEqual({
      [expired.id]: 'expired',
      [usedUp.id]: 'used-up',
      [fine.id]: 'inactive',
    });
    await api.put('/guest-access', { enabled: true }).expect(200);
    expect((await statuses())[fine.id]).toBe('active');
    const used = (await api.get('/guest-access')).body.links.find((l: { id: string }) => l.id === usedUp.id);
    expect(used).toMatchObject({ clicksUsed: 2, clicksLimit: 2 });
  });

  it('refuses a fourth link with LINK_LIMIT_REACHED', async () => {
    const { api, host } = await freshRoom();
    await api.enable();
    for (const name of ['One', 'Two', 'Three']) await api.post('/guest-links', { name }).expect(201);
    const fourth = await api.post('/guest-links', { name: 'Four' }).expect(409);
    expect(fourth.body.error).toEqual({
      code: 'LINK_LIMIT_REACHED',
      message: expect.stringContaining('3 guest links'),
    });
    expect(await liveLinkCount(host.roomId)).toBe(3);
  });

  it('allows exactly three links when twenty creates race on an empty room', async () => {
    const { api, host } = await freshRoom();
    await api.enable();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => api.post('/guest-links', { name: `Parallel ${index}` })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(3);
    expect(statuses.filter((status) => status === 409)).toHaveLength(17);
    expect(
      responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'LINK_LIMIT_REACHED'),
    ).toBe(true);
    expect(await liveLinkCount(host.roomId)).toBe(3);
  });

  it('keeps names unique in a room, ignoring case and spacing, also under concurrency', async () => {
    const { api, host } = await freshRoom();
    await api.enable();
    await api.post('/guest-links', { name: 'Guest speakers' }).expect(201);
    const taken = await api.post('/guest-links', { name: '  guest   SPEAKERS ' }).expect(409);
    expect(taken.body.error).toMatchObject({ code: 'NAME_TAKEN', field: 'name' });
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => api.post('/guest-links', { name: 'Same' })),
    );
    expect(racing.filter((response) => response.status === 201)).toHaveLength(1);
    expect(await liveLinkCount(host.roomId)).toBe(2);
  });

  it('refuses creating links while guest access is off', async () => {
    const { api, host } = await freshRoom();
    const response = await api.post('/guest-links', { name: 'Too early' }).expect(409);
    expect(response.body.error.code).toBe('GUEST_ACCESS_DISABLED');
    expect(await liveLinkCount(host.roomId)).toBe(0);
  });

  it('deletes a link for good and frees its place', async () => {
    const { api, host } = await freshRoom();
    await api.enable();
    const links = [];
    for (const name of ['One', 'Two', 'Three'])
      links.push((await api.post('/guest-links', { name }).expect(201)).body);
    const response = await api.delete(`/guest-links/${links[1].id}`).expect(204);
    expect(response.text).toBe('');
    const again = await api.delete(`/guest-links/${links[1].id}`).expect(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
    await api.delete('/guest-links/not-a-link').expect(404);
    expect((await api.get('/guest-access')).body.links.map((l: { name: string }) => l.name)).toEqual([
      'One',
      'Three',
    ]);
    await api.post('/guest-links', { name: 'Two' }).expect(201);
    expect(await liveLinkCount(host.roomId)).toBe(3);
  });

  const invalid: Array<[string, unknown, string]> = [
    ['an empty name', { name: '' }, 'name'],
    ['a whitespace name', { name: '   ' }, 'name'],
    ['a missing name', { clicks: 3 }, 'name'],
    ['an 81-character name', { name: 'x'.repeat(81) }, 'name'],
    ['a name with a control character', { name: 'Bell\u0007' }, 'name'],
    ['a name with a line break', { name: 'Two\nlines' }, 'name'],
    ['a name that is not text', { name: 42 }, 'name'],
    ['0 clicks', { name: 'A', clicks: 0 }, 'clicks'],
    ['negative clicks', { name: 'A', clicks: -3 }, 'clicks'],
    ['fractional clicks', { name: 'A', clicks: 1.5 }, 'clicks'],
    ['non-numeric clicks', { name: 'A', clicks: 'many' }, 'clicks'],
    ['too many clicks', { name: 'A', clicks: 100001 }, 'clicks'],
    ['0 days', { name: 'A', durationDays: 0 }, 'durationDays'],
    ['366 days', { name: 'A', durationDays: 366 }, 'durationDays'],
    ['fractional days', { name: 'A', durationDays: 2.5 }, 'durationDays'],
    ['an unknown field', { name: 'A', color: 'red' }, 'color'],
  ];

  it.each(invalid)('refuses %s with 400 naming the field, creating nothing', async (_name, body, field) => {
    const { api, host } = await freshRoom();
    await api.enable();
    const response = await api.post('/guest-links', body).expect(400);
    expect(response.body.error).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String), field });
    expect(await liveLinkCount(host.roomId)).toBe(0);
  });

  it.each([
    [{ durationDays: -3 }, 'Duration must be at least 1 day.'],
    [{ durationDays: 366 }, 'Duration must be at most 365 days.'],
    [{ durationDays: 2.5 }, 'Duration must be a whole number of days from 1 to 365.'],
    [{ clicks: 0 }, '# of clicks must be at least 1 click.'],
    [{ clicks: 100001 }, '# of clicks must be at most 100,000 clicks.'],
    [{ clicks: 'many' }, '# of clicks must be a whole number of clicks from 1 to 100,000.'],
  ])('says what is allowed when refusing %j', async (fields, message) => {
    const { api } = await freshRoom();
    await api.enable();
    const response = await api.post('/guest-links', { name: 'A', ...fields }).expect(400);
    expect(response.body.error.message).toBe(message);
  });

  it('accepts the largest allowed values and trims names', async () => {
    const { api } = await freshRoom();
    await api.enable();
    const response = await api.post('/guest-links', {
      name: `  ${'x'.repeat(80)}  `,
      clicks: 100000,
      durationDays: 365,
    });
    expect(response.status).toBe(201);
    expect(response.body.name).toBe('x'.repeat(80));
  });

  it('answers 400 for bodies that are not JSON objects, or too large', async () => {
    const { api, host } = await freshRoom();
    await api.enable();
    const asText = await api
      .post('/guest-links')
      .set('Content-Type', 'text/plain')
      .send('name=A')
      .expect(400);
    expect(asText.body.error.field).toBe('body');
    const malformed = await api
      .post('/guest-links')
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(malformed.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
    await api.post('/guest-links', [{ name: 'A' }]).expect(400);
    const huge = await api.post('/guest-links', { name: 'A', padding: 'x'.repeat(200_000) }).expect(400);
    expect(huge.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
    const toggle = await api.put('/guest-access', { enabled: 'yes' }).expect(400);
    expect(toggle.body.error.field).toBe('enabled');
    await api.put('/guest-access', {}).expect(400);
    expect(await liveLinkCount(host.roomId)).toBe(0);
  });

  it('keeps students out with 403 on every endpoint', async () => {
    const { api: hostApi, host } = await freshRoom();
    await hostApi.enable();
    const link = (await hostApi.post('/guest-links', { name: 'Keep' }).expect(201)).body;
    const placement = host.html.includes('Office hours') ? 'hist-210/office-hours' : 'bio-101/live-session';
    const student = await sandboxLaunch(server, { user: 'student', placement });
    expect(student.roomId).toBe(host.roomId);
    const api = apiFor(student);
    for (const response of [
      await api.get('/guest-access'),
      await api.put('/guest-access', { enabled: false }),
      await api.post('/guest-links', { name: 'Mine' }),
      await api.delete(`/guest-links/${link.id}`),
    ]) {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    expect(await liveLinkCount(host.roomId)).toBe(1);
  });

  it('answers 401 without a launch, and 400 for writes that carry the ltik in the URL', async () => {
    const { host } = await freshRoom();
    const anonymous = await request(server.url).get(`/api/rooms/${host.roomId}/guest-access`).expect(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const forged = await host.agent
      .put(`/api/rooms/${host.roomId}/guest-access?ltik=${host.ltik}`)
      .send({ enabled: true })
      .expect(400);
    expect(forged.body.error.code).toBe('LTIK_IN_URL');
  });

  it('answers 404 for a room the launch was not made for', async () => {
    const bio = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    const hist = await sandboxLaunch(server, { placement: 'hist-210/office-hours', agent: bio.agent });
    const crossed = apiFor(bio, hist.roomId);
    expect((await crossed.get('/guest-access')).status).toBe(404);
    expect((await crossed.put('/guest-access', { enabled: true })).status).toBe(404);
    expect((await crossed.post('/guest-links', { name: 'Sneaky' })).status).toBe(404);
  });

  it('answers 409 UNSUPPORTED_ROOM_TYPE for media gallery rooms', async () => {
    const gallery = await sandboxLaunch(server, { placement: 'bio-101/media-gallery' });
    const api = apiFor(gallery);
    expect((await api.get('/guest-access').expect(409)).body.error.code).toBe('UNSUPPORTED_ROOM_TYPE');
    expect((await api.put('/guest-access', { enabled: true }).expect(409)).body.error.code).toBe(
      'UNSUPPORTED_ROOM_TYPE',
    );
  });

  it('records every toggle, create and delete with actor, time and room', async () => {
    const { api, host } = await freshRoom();
    const [{ since }] = (await server.sql.query<{ since: Date }>('SELECT now() AS since')) as [
      { since: Date },
    ];
    await api.enable();
    const link = (await api.post('/guest-links', { name: 'Audited' }).expect(201)).body;
    await api.delete(`/guest-links/${link.id}`).expect(204);
    await api.put('/guest-access', { enabled: false }).expect(200);
    await api.put('/guest-access', { enabled: false }).expect(200);
    const events = await server.sql.query<{
      action: string;
      actor_user_id: string;
      actor_name: string;
      room_id: string;
      details: { linkName?: string };
    }>(
      'SELECT action, actor_user_id, actor_name, room_id, details FROM audit_events WHERE room_id = $1 AND created_at >= $2 ORDER BY id',
      [host.roomId, since],
    );
    expect(events.map((event) => event.action)).toEqual([
      'guest-access.enabled',
      'guest-link.created',
      'guest-link.deleted',
      'guest-access.disabled',
    ]);
    expect(
      events.every((event) => event.actor_name === 'Ada Lovelace' && event.room_id === host.roomId),
    ).toBe(true);
    expect(events[1]!.details.linkName).toBe('Audited');
  });
});
