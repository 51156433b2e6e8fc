import QRCode from 'qrcode';
import { SQL_BACKENDS } from '../../helpers/databases';
import { apiFor } from '../../helpers/api';
import { joinAs, linkClicks, openEntry, roomWithLink } from '../../helpers/guests';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

const DAY_MS = 86_400_000;

/** The dark modules of a QR code SVG drawn by the qrcode package: one horizontal run per `h`. */
function svgModules(svg: string): Set<string> {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const path = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!;
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, command, a, b] of path.matchAll(/([Mmh])([\d.]+)(?:\s([\d.]+))?/g)) {
    if (command === 'M') [x, y] = [Number(a), Number(b) - 0.5];
    else if (command === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      for (let run = 0; run < Number(a); run++) dark.add(`${x + run},${y}`);
      x += Number(a);
    }
  }
  expect(size).toBeGreaterThan(20);
  return dark;
}

describe.each(SQL_BACKENDS)('editing guest links on %s', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ backend });
  });

  afterAll(async () => {
    await server.close();
  });

  async function linkRow(id: string) {
    const [row] = await server.sql.query<{ token_hash: string; clicks_used: number; click_limit: number }>(
      'SELECT token_hash, clicks_used, click_limit FROM guest_links WHERE id = $1',
      [id],
    );
    return row!;
  }

  it('changes name, # of clicks and duration, keeping the URL and the clicks used', async () => {
    const { api, link } = await roomWithLink(server, { name: 'Panel', clicks: 5, durationDays: 2 });
    await joinAs(server, link.path, { name: 'One' });
    await joinAs(server, link.path, { name: 'Two' });
    const hashBefore = (await linkRow(link.id)).token_hash;
    // Created three days ago: a duration counted from creation would end four days from now.
    await server.sql.query(
      `UPDATE guest_links SET created_at = created_at - interval '3 days' WHERE id = $1`,
      [link.id],
    );

    const before = Date.now();
    const edited = await api
      .patch(`/guest-links/${link.id}`, { name: 'Guest panel', clicks: 8, durationDays: 7 })
      .expect(200);
    expect(edited.body).toMatchObject({
      id: link.id,
      name: 'Guest panel',
      url: link.url,
      clicksUsed: 2,
      clicksLimit: 8,
      status: 'active',
    });
    // The new duration counts from the edit, not from the link's creation.
    const expires = new Date(edited.body.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 5000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS + 5000);
    expect((await linkRow(link.id)).token_hash).toBe(hashBefore);
    const listed = (await api.get('/guest-access').expect(200)).body.links[0];
    expect(listed).toEqual(edited.body);
    // The same URL still lets guests in, counted on from 2.
    expect((await joinAs(server, link.path, { name: 'Three' })).response.status).toBe(303);
    expect(await linkClicks(server, link.id)).toBe(3);
  });

  it('changes only the fields sent, and clears a limit or a duration with null', async () => {
    const { api, link } = await roomWithLink(server, { name: 'Keep', clicks: 5, durationDays: 3 });
    const original = (await api.get('/guest-access')).body.links[0];
    const renamed = (await api.patch(`/guest-links/${link.id}`, { name: 'Kept' }).expect(200)).body;
    expect(renamed).toEqual({ ...original, name: 'Kept' });
    const cleared = (
      await api.patch(`/guest-links/${link.id}`, { clicks: null, durationDays: null }).expect(200)
    ).body;
    expect(cleared).toMatchObject({ name: 'Kept', clicksLimit: null, expiresAt: null, url: link.url });
    // Renaming to its own name in other letters is no clash.
    await api.patch(`/guest-links/${link.id}`, { name: 'KEPT' }).expect(200);
  });

  it('refuses # of clicks below the clicks used with 400 naming the field, changing nothing', async () => {
    const { api, link } = await roomWithLink(server, { name: 'Used', clicks: 5 });
    for (const name of ['One', 'Two', 'Three']) await joinAs(server, link.path, { name });
    const refused = await api.patch(`/guest-links/${link.id}`, { name: 'Renamed', clicks: 2 }).expect(400);
    expect(refused.body.error).toEqual({
      code: 'CLICKS_BELOW_USED',
      message: '# of clicks must be at least 3: 3 guests already used this link.',
      field: 'clicks',
    });
    expect((await api.get('/guest-access')).body.links[0]).toMatchObject({ name: 'Used', clicksLimit: 5 });
    // Exactly the clicks used is allowed: the link is then used up.
    const full = await api.patch(`/guest-links/${link.id}`, { clicks: 3 }).expect(200);
    expect(full.body).toMatchObject({ clicksLimit: 3, clicksUsed: 3, status: 'used-up' });
  });

  it('shows guests the edited link at once: a used-up link given more clicks opens again', async () => {
    const { api, link } = await roomWithLink(server, { clicks: 1 });
    await joinAs(server, link.path, { name: 'First' });
    // This read is cached for two seconds on this instance; the edit must drop it.
    expect((await openEntry(server, link.path)).page.status).toBe(410);
    await api.patch(`/guest-links/${link.id}`, { clicks: 2 }).expect(200);
    expect((await openEntry(server, link.path)).page.status).toBe(200);
    await api.patch(`/guest-links/${link.id}`, { clicks: 1 }).expect(200);
    expect((await openEntry(server, link.path)).page.status).toBe(410);
  });

  it('keeps names unique in the room, as create does', async () => {
    const { api, link } = await roomWithLink(server, { name: 'Alpha' });
    await api.post('/guest-links', { name: 'Beta' }).expect(201);
    const taken = await api.patch(`/guest-links/${link.id}`, { name: '  BETA ' }).expect(409);
    expect(taken.body.error).toMatchObject({ code: 'NAME_TAKEN', field: 'name' });
    // Two links renamed to one new name at once: one wins.
    const links = (await api.get('/guest-access')).body.links as Array<{ id: string }>;
    const racing = await Promise.all(
      links.map((each) => api.patch(`/guest-links/${each.id}`, { name: 'Gamma' })),
    );
    expect(racing.map((response) => response.status).sort()).toEqual([200, 409]);
    const names = (await api.get('/guest-access')).body.links.map((each: { name: string }) => each.name);
    expect(names.filter((name: string) => name === 'Gamma')).toHaveLength(1);
  });

  const invalid: Array<[string, unknown, string]> = [
    ['nothing to change', {}, 'body'],
    ['an empty name', { name: ' ' }, 'name'],
    ['a null name', { name: null }, 'name'],
    ['an 81-character name', { name: 'x'.repeat(81) }, 'name'],
    ['a name with a line break', { name: 'Two\nlines' }, 'name'],
    ['0 clicks', { clicks: 0 }, 'clicks'],
    ['fractional clicks', { clicks: 1.5 }, 'clicks'],
    ['too many clicks', { clicks: 100001 }, 'clicks'],
    ['-3 days', { durationDays: -3 }, 'durationDays'],
    ['366 days', { durationDays: 366 }, 'durationDays'],
    ['an unknown field', { clicksUsed: 0 }, 'clicksUsed'],
  ];

  it.each(invalid)('refuses %s with 400 naming the field, changing nothing', async (_what, body, field) => {
    const { api, link } = await roomWithLink(server, { name: 'Stable', clicks: 4 });
    const before = (await api.get('/guest-access')).body.links[0];
    const response = await api.patch(`/guest-links/${link.id}`, body).expect(400);
    expect(response.body.error).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String), field });
    expect((await api.get('/guest-access')).body.links[0]).toEqual(before);
  });

  it('says what is allowed', async () => {
    const { api, link } = await roomWithLink(server);
    const response = await api.patch(`/guest-links/${link.id}`, { durationDays: -3 }).expect(400);
    expect(response.body.error.message).toBe('Duration must be at least 1 day.');
  });

  it('answers 404 for a deleted link, an unknown link and another room’s link; 403 for students', async () => {
    const { api, host, link } = await roomWithLink(server, { name: 'Mine' });
    const other = await roomWithLink(server, { name: 'Theirs' }, 'hist-210/office-hours');
    await api.patch(`/guest-links/${other.link.id}`, { name: 'Stolen' }).expect(404);
    await api.get(`/guest-links/${other.link.id}/qr-code`).expect(404);
    await api.patch('/guest-links/00000000-0000-4000-8000-000000000000', { name: 'X' }).expect(404);
    const student = apiFor(
      await sandboxLaunch(server, { user: 'student', placement: 'bio-101/live-session' }),
    );
    for (const response of [
      await student.patch(`/guest-links/${link.id}`, { name: 'Student' }),
      await student.get(`/guest-links/${link.id}/qr-code`),
    ]) {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    await api.delete(`/guest-links/${link.id}`).expect(204);
    const gone = await api.patch(`/guest-links/${link.id}`, { name: 'Back' }).expect(404);
    expect(gone.body.error.code).toBe('NOT_FOUND');
    expect(host.roomId).not.toBe(other.host.roomId);
    expect((await other.api.get('/guest-access')).body.links[0].name).toBe('Theirs');
  });

  it('records the edit with actor and what changed', async () => {
    const { api, host, link } = await roomWithLink(server, { name: 'Audited', clicks: 4 });
    await api.patch(`/guest-links/${link.id}`, { name: 'Audited again', clicks: 6 }).expect(200);
    const [event] = await server.sql.query<{ actor_name: string; details: Record<string, unknown> }>(
      `SELECT actor_name, details FROM audit_events WHERE room_id = $1 AND action = 'guest-link.edited'
       ORDER BY id DESC LIMIT 1`,
      [host.roomId],
    );
    expect(event).toEqual({
      actor_name: 'Ada Lovelace',
      details: {
        linkId: link.id,
        linkName: 'Audited again',
        clicksUsed: 0,
        changed: { name: { from: 'Audited', to: 'Audited again' }, clickLimit: { from: 4, to: 6 } },
      },
    });
  });

  it('never leaves more clicks used than allowed when an edit lowers the limit during joins', async () => {
    for (let round = 0; round < 3; round++) {
      const { api, link } = await roomWithLink(server, { clicks: 20 });
      for (const name of ['One', 'Two']) await joinAs(server, link.path, { name });
      const entries = await Promise.all(Array.from({ length: 12 }, () => openEntry(server, link.path)));
      const joins = entries.map((entry, index) =>
        entry.agent
          .post(link.path)
          .type('form')
          .send({ _csrf: entry.csrf, name: `Guest ${index}`, email: `g${index}@example.org` }),
      );
      const edit = api.patch(`/guest-links/${link.id}`, { clicks: 6 });
      const [edited, ...joined] = await Promise.all([edit, ...joins]);
      expect([...joined, edited!].every((response) => response.status < 500)).toBe(true);
      const row = await linkRow(link.id);
      expect(row.clicks_used).toBe(2 + joined.filter((response) => response.status === 303).length);
      expect(row.clicks_used).toBeLessThanOrEqual(row.click_limit);
      if (edited!.status === 200) expect(row.click_limit).toBe(6);
      else {
        expect(edited!.body.error.code).toBe('CLICKS_BELOW_USED');
        expect(row.click_limit).toBe(20);
      }
    }
  });

  it('draws the link’s URL as an SVG QR code', async () => {
    const { api, link } = await roomWithLink(server, { name: 'Projected' });
    const response = await api.get(`/guest-links/${link.id}/qr-code`).expect(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = response.body instanceof Buffer ? response.body.toString('utf8') : response.text;
    const expected = QRCode.create(link.url, { errorCorrectionLevel: 'M' }).modules;
    const drawn = svgModules(svg);
    // BitMatrix.get takes (row, column).
    const wanted = new Set<string>();
    for (let y = 0; y < expected.size; y++)
      for (let x = 0; x < expected.size; x++) if (expected.get(y, x)) wanted.add(`${x + 4},${y + 4}`);
    expect(drawn).toEqual(wanted);
  });
});
