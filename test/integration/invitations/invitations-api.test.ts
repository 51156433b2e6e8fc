import request from 'supertest';
import { apiFor } from '../../helpers/api';
import { SQL_BACKENDS } from '../../helpers/databases';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startSmtpServer } from '../../helpers/smtp-server';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { claimAs, invitationCount, revokeAllInvitations, unique } from '../../helpers/invitations';

/** Makes an invitation expired a minute ago, as time would. */
async function expire(server: TestServer, invitationId: string): Promise<void> {
  await server.sql.query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1", [
    invitationId,
  ]);
}

/** The Invite users JSON API without email configured (email: invitation-email.test.ts). */
describe.each(SQL_BACKENDS)('Invite users API on %s', (backend) => {
  let server: TestServer;
  let host: Launch;
  let api: ReturnType<typeof apiFor>;

  beforeAll(async () => {
    server = await startTestServer({ backend });
    host = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    api = apiFor(host);
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    await revokeAllInvitations(server, host.roomId);
  });

  it('creates invitations from pasted lines and from rows, and lists them newest first', async () => {
    const [ada, alan] = [unique('ada'), unique('alan')];
    const pasted = await api
      .post('/invitations', { people: `Ada Lovelace <${ada}>\n\n"Turing, Alan", ${alan}\n`, role: 'speaker' })
      .expect(201);
    expect(pasted.body).toMatchObject({ sent: 0, failed: 0 });
    expect(pasted.body.invitations).toHaveLength(2);
    const [first] = pasted.body.invitations;
    expect(first).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Ada Lovelace',
      email: ada,
      role: 'speaker',
      roleLabel: 'Speaker',
      status: 'not-opened',
      url: expect.stringMatching(new RegExp(`^${server.url}/i/[A-Za-z0-9_-]{24}$`)),
      createdAt: expect.any(String),
      expiresAt: null,
      startsAt: null,
      lastJoinedAt: null,
      invitedByName: 'Ada Lovelace',
      emailStatus: 'not-configured',
      emailError: null,
      emailSentAt: null,
    });
    expect(pasted.body.invitations[1]).toMatchObject({ name: 'Turing, Alan', email: alan });

    const grace = unique('grace');
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const rows = await api
      .post('/invitations', { people: [{ email: grace }], role: 'viewer', expiresAt })
      .expect(201);
    expect(rows.body.invitations[0]).toMatchObject({
      name: grace.split('@')[0],
      role: 'viewer',
      expiresAt,
    });

    const list = await api.get('/invitations').expect(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.body).toMatchObject({
      emailConfigured: false,
      inviteesWait: false,
      maxActive: 500,
      active: 3,
    });
    expect(new Set(list.body.invitations.slice(0, 3).map((row: { email: string }) => row.email))).toEqual(
      new Set([grace, ada, alan]),
    );
    expect(list.body.invitations[0].email).toBe(grace);
  });

  it('changes a role, revokes (the record stays, its link is gone) and tracks the status', async () => {
    const email = unique('katherine');
    const created = (await api.post('/invitations', { people: email, role: 'viewer' }).expect(201)).body
      .invitations[0];
    const changed = await api.patch(`/invitations/${created.id}`, { role: 'moderator' }).expect(200);
    expect(changed.body).toMatchObject({ role: 'moderator', roleLabel: 'Moderator', url: created.url });

    const invitee = await claimAs(server, created.url, email);
    expect(invitee.response.status).toBe(303);
    const joined = (await api.get('/invitations').expect(200)).body.invitations.find(
      (row: { id: string }) => row.id === created.id,
    );
    expect(joined).toMatchObject({ status: 'joined', lastJoinedAt: expect.any(String) });

    const revoked = await api.delete(`/invitations/${created.id}`).expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', url: null });
    const listed = (await api.get('/invitations').expect(200)).body;
    expect(listed.invitations.find((row: { id: string }) => row.id === created.id).status).toBe('revoked');
    expect(listed.active).toBe(0);
    // Revoking twice changes nothing; changing a revoked one's role is refused.
    await api.delete(`/invitations/${created.id}`).expect(200);
    const late = await api.patch(`/invitations/${created.id}`, { role: 'viewer' }).expect(409);
    expect(late.body.error.code).toBe('INVITATION_REVOKED');
    // Invited again after the revoke: a new invitation for the same address.
    await api.post('/invitations', { people: email, role: 'viewer' }).expect(201);
  });

  it('shows an expired invitation as expired and not active', async () => {
    const email = unique('expiring');
    const created = (await api.post('/invitations', { people: email, role: 'viewer' }).expect(201)).body
      .invitations[0];
    await server.sql.query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1", [
      created.id,
    ]);
    const list = (await api.get('/invitations').expect(200)).body;
    // Its link opens nothing any more: the window has nothing to copy.
    expect(list.invitations.find((row: { id: string }) => row.id === created.id)).toMatchObject({
      status: 'expired',
      url: null,
    });
    expect(list.active).toBe(0);
  });

  it('refuses to change an expired invitation’s role with 409, changing nothing', async () => {
    const created = (await api.post('/invitations', { people: unique('late'), role: 'viewer' }).expect(201))
      .body.invitations[0];
    await expire(server, created.id);
    const refused = await api.patch(`/invitations/${created.id}`, { role: 'moderator' }).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'INVITATION_EXPIRED',
      message: 'This invitation has expired. Invite the person again to send a new link.',
    });
    const [row] = await server.sql.query<{ role: string }>('SELECT role FROM invitations WHERE id = $1', [
      created.id,
    ]);
    expect(row!.role).toBe('viewer');
  });

  it('invites an address again once its invitation expired, and audits the replacement', async () => {
    const email = unique('again');
    const old = (await api.post('/invitations', { people: email, role: 'viewer' }).expect(201)).body
      .invitations[0];
    // Still working: the message says what the window offers without email (no Resend).
    const refused = await api.post('/invitations', { people: email, role: 'viewer' }).expect(400);
    expect(refused.body.error.message).toBe(
      `${email} already has an invitation in this session: use Copy link in the list below, or Revoke it first.`,
    );
    await expire(server, old.id);
    const again = (await api.post('/invitations', { people: email, role: 'speaker' }).expect(201)).body
      .invitations[0];
    const listed = (await api.get('/invitations').expect(200)).body;
    const mine = listed.invitations.filter((row: { email: string }) => row.email === email);
    expect(mine).toMatchObject([
      { id: again.id, status: 'not-opened', role: 'speaker' },
      { id: old.id, status: 'expired', role: 'viewer' },
    ]);
    const events = await server.sql.query<{ action: string; details: Record<string, string> }>(
      "SELECT action, details FROM audit_events WHERE room_id = $1 AND details->>'invitationId' = $2 ORDER BY id",
      [host.roomId, old.id],
    );
    expect(events).toMatchObject([
      { action: 'invitation.created' },
      { action: 'invitation.replaced', details: { email, replacedBy: again.id } },
    ]);
  });

  it('takes the start of a long address as the name, cut to 80 characters', async () => {
    const email = `${'a'.repeat(100)}-${Date.now()}@example.org`;
    const created = await api.post('/invitations', { people: email, role: 'viewer' }).expect(201);
    expect(created.body.invitations[0]).toMatchObject({ name: 'a'.repeat(80), email });
  });

  it('counts the active invitations in the store, and says when older ones are not listed', async () => {
    const kept = (await api.post('/invitations', { people: unique('kept'), role: 'viewer' }).expect(201)).body
      .invitations[0];
    // A thousand revoked ones, newer than the one that still works.
    await server.sql.query(
      `INSERT INTO invitations (id, room_id, token_seed, token_hash, name, email, email_key, role, created_by,
                                created_at, revoked_at)
       SELECT 'old-' || n || '-' || $2, $1, 'seed', 'hash-' || n || '-' || $2, 'Old', 'old' || n || '-' || $2 || '@example.org',
              'old' || n || '-' || $2 || '@example.org', 'viewer', 'teacher', now() + interval '1 second', now()
       FROM generate_series(1, 1000) AS n`,
      [host.roomId, Date.now()],
    );
    const total = await invitationCount(server, host.roomId);
    const listed = (await api.get('/invitations').expect(200)).body;
    expect(listed).toMatchObject({ active: 1, total });
    expect(listed.invitations).toHaveLength(1000);
    expect(listed.invitations.some((row: { id: string }) => row.id === kept.id)).toBe(true);
  }, 30_000);

  it('answers 409 EMAIL_NOT_CONFIGURED for Resend without SMTP_URL', async () => {
    const created = (await api.post('/invitations', { people: unique('r'), role: 'viewer' }).expect(201)).body
      .invitations[0];
    const refused = await api.post(`/invitations/${created.id}/send`).expect(409);
    expect(refused.body.error.code).toBe('EMAIL_NOT_CONFIGURED');
  });

  it('turns the invitees-wait setting on and off', async () => {
    expect((await api.put('/invitations/settings', { inviteesWait: true }).expect(200)).body).toEqual({
      inviteesWait: true,
    });
    expect((await api.get('/invitations').expect(200)).body.inviteesWait).toBe(true);
    await api.put('/invitations/settings', { inviteesWait: false }).expect(200);
    const bad = await api.put('/invitations/settings', { inviteesWait: 'yes' }).expect(400);
    expect(bad.body.error.field).toBe('inviteesWait');
  });

  it('audits created, role changed and revoked with the actor', async () => {
    const [{ since }] = (await server.sql.query<{ since: Date }>('SELECT now() AS since')) as [
      { since: Date },
    ];
    const created = (await api.post('/invitations', { people: unique('audit'), role: 'viewer' }).expect(201))
      .body.invitations[0];
    await api.patch(`/invitations/${created.id}`, { role: 'speaker' }).expect(200);
    await api.patch(`/invitations/${created.id}`, { role: 'speaker' }).expect(200);
    await api.delete(`/invitations/${created.id}`).expect(200);
    const events = await server.sql.query<{ action: string; actor_name: string }>(
      "SELECT action, actor_name FROM audit_events WHERE room_id = $1 AND created_at >= $2 AND action LIKE 'invitation.%' ORDER BY id",
      [host.roomId, since],
    );
    expect(events.map((event) => event.action)).toEqual([
      'invitation.created',
      'invitation.role-changed',
      'invitation.revoked',
    ]);
    expect(events.every((event) => event.actor_name === 'Ada Lovelace')).toBe(true);
  });

  describe('refuses bad input with a 400 naming the field, storing nothing', () => {
    const cases: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
      ['an empty list', () => ({ people: '  \n ', role: 'viewer' }), 'people', /at least one/],
      [
        'a 5,000-line paste',
        () => ({
          people: Array.from({ length: 5000 }, (_, i) => `p${i}@example.org`).join('\n'),
          role: 'viewer',
        }),
        'people',
        /at most/,
      ],
      [
        'CR/LF in a row’s email',
        () => ({ people: [{ name: 'X', email: 'a@b\r\nBcc: x@y.z' }], role: 'viewer' }),
        'people',
        /line breaks/,
      ],
      [
        'CR/LF in a name',
        () => ({ people: [{ name: 'X\r\nBcc: x@y.z', email: unique('crlf') }], role: 'viewer' }),
        'people',
        /line breaks/,
      ],
      [
        'an address twice in one paste',
        () => {
          const twice = unique('twice');
          return { people: `${twice}\nAgain <${twice.toUpperCase()}>`, role: 'viewer' };
        },
        'people',
        /Line 2: .* already on line 1/,
      ],
      ['a malformed address', () => ({ people: 'Ada <ada-at-example>', role: 'viewer' }), 'people', /Line 1/],
      [
        'an expiry in the past',
        () => ({ people: unique('past'), role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' }),
        'expiresAt',
        /future/,
      ],
      [
        'a start at or after the expiry',
        () => ({
          people: unique('order'),
          role: 'viewer',
          startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        }),
        'startsAt',
        /start before the invitation expires/,
      ],
      [
        'a start beyond a year',
        () => ({ people: unique('far'), role: 'viewer', startsAt: '2099-01-01T00:00:00Z' }),
        'startsAt',
        /365 days/,
      ],
      [
        'an unknown role',
        () => ({ people: unique('role'), role: 'owner' }),
        'role',
        /viewer, speaker or moderator/,
      ],
      [
        'an unknown field',
        () => ({ people: unique('f'), role: 'viewer', admin: true }),
        'admin',
        /Unknown field/,
      ],
    ];

    it.each(cases)('%s', async (_name, body, field, message) => {
      const before = await invitationCount(server, host.roomId);
      const response = await api.post('/invitations', body()).expect(400);
      expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(response.body.error.message).toMatch(message);
      expect(await invitationCount(server, host.roomId)).toBe(before);
    });

    it('an address that already has an invitation in the room (whatever its case)', async () => {
      const email = unique('dup');
      await api.post('/invitations', { people: email, role: 'viewer' }).expect(201);
      const before = await invitationCount(server, host.roomId);
      const response = await api
        .post('/invitations', { people: `New <${unique('new')}>\n${email.toUpperCase()}`, role: 'viewer' })
        .expect(400);
      expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'people' });
      expect(response.body.error.message).toContain('already has an invitation in this session');
      expect(await invitationCount(server, host.roomId)).toBe(before);
    });

    it('a role change to an unknown role', async () => {
      const created = (await api.post('/invitations', { people: unique('rc'), role: 'viewer' }).expect(201))
        .body.invitations[0];
      const response = await api.patch(`/invitations/${created.id}`, { role: 'host' }).expect(400);
      expect(response.body.error.field).toBe('role');
    });
  });

  it('refuses the 501st active invitation with 409 and stores nothing', async () => {
    for (let batch = 0; batch < 5; batch++) {
      const people = Array.from({ length: 100 }, (_, i) => unique(`bulk${batch}-${i}`)).join('\n');
      await api.post('/invitations', { people, role: 'viewer' }).expect(201);
    }
    const before = await invitationCount(server, host.roomId);
    const response = await api
      .post('/invitations', { people: unique('one-more'), role: 'viewer' })
      .expect(409);
    expect(response.body.error).toMatchObject({ code: 'INVITATION_LIMIT', field: 'people' });
    expect(response.body.error.message).toContain('already has 500 active invitations; at most 500');
    expect(await invitationCount(server, host.roomId)).toBe(before);
  }, 60_000);

  describe('who may use it', () => {
    it('keeps students out with 403', async () => {
      const created = (await api.post('/invitations', { people: unique('s'), role: 'viewer' }).expect(201))
        .body.invitations[0];
      const student = apiFor(
        await sandboxLaunch(server, { user: 'student', placement: 'bio-101/live-session' }),
      );
      for (const response of [
        await student.get('/invitations'),
        await student.post('/invitations', { people: unique('x'), role: 'viewer' }),
        await student.patch(`/invitations/${created.id}`, { role: 'moderator' }),
        await student.post(`/invitations/${created.id}/send`),
        await student.delete(`/invitations/${created.id}`),
        await student.put('/invitations/settings', { inviteesWait: true }),
      ]) {
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe('FORBIDDEN');
      }
    });

    it('answers 404 for another room’s invitation and for a room the launch was not made for', async () => {
      const created = (await api.post('/invitations', { people: unique('o'), role: 'viewer' }).expect(201))
        .body.invitations[0];
      const other = await sandboxLaunch(server, { placement: 'hist-210/office-hours' });
      const otherApi = apiFor(other);
      await otherApi.patch(`/invitations/${created.id}`, { role: 'moderator' }).expect(404);
      await otherApi.delete(`/invitations/${created.id}`).expect(404);
      const crossed = apiFor(host, other.roomId);
      expect((await crossed.get('/invitations')).status).toBe(404);
      expect((await crossed.post('/invitations', { people: unique('c'), role: 'viewer' })).status).toBe(404);
      const still = (await api.get('/invitations')).body.invitations.find(
        (row: { id: string }) => row.id === created.id,
      );
      expect(still).toMatchObject({ role: 'viewer', status: 'not-opened' });
    });

    it('answers 401 without a launch, and 400 for writes carrying the ltik in the URL', async () => {
      await request(server.url).get(`/api/rooms/${host.roomId}/invitations`).expect(401);
      const before = await invitationCount(server, host.roomId);
      const forged = await host.agent
        .post(`/api/rooms/${host.roomId}/invitations?ltik=${host.ltik}`)
        .send({ people: unique('forged'), role: 'viewer' })
        .expect(400);
      expect(forged.body.error.code).toBe('LTIK_IN_URL');
      expect(await invitationCount(server, host.roomId)).toBe(before);
    });

    it('answers 409 UNSUPPORTED_ROOM_TYPE in a media gallery room', async () => {
      const gallery = apiFor(await sandboxLaunch(server, { placement: 'bio-101/media-gallery' }));
      expect((await gallery.get('/invitations').expect(409)).body.error.code).toBe('UNSUPPORTED_ROOM_TYPE');
    });
  });
});

describe('a platform where only hosts manage guest access', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { SANDBOX_SETTINGS: JSON.stringify({ linkCreators: 'hosts' }) } });
  });

  afterAll(async () => {
    await server.close();
  });

  it('lets the host invite but not other moderators (403)', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor' });
    await apiFor(host).get('/invitations').expect(200);
    const moderator = apiFor(await sandboxLaunch(server, { user: 'co-instructor' }));
    const refused = await moderator.post('/invitations', { people: unique('m'), role: 'viewer' }).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('host') });
    expect(await invitationCount(server, host.roomId)).toBe(0);
  });
});

describe('Resend of an expired invitation', () => {
  it('is refused with 409 before anything is sent or any of the budget is used', async () => {
    const smtp = await startSmtpServer();
    const server = await startTestServer({
      env: { SMTP_URL: smtp.url, INVITE_EMAILS_PER_ROOM_PER_HOUR: '2' },
    });
    try {
      const host = await sandboxLaunch(server);
      const api = apiFor(host);
      const created = (
        await api.post('/invitations', { people: unique('gone'), role: 'viewer', send: false }).expect(201)
      ).body.invitations[0];
      await expire(server, created.id);
      const refused = await api.post(`/invitations/${created.id}/send`).expect(409);
      expect(refused.body.error.code).toBe('INVITATION_EXPIRED');
      expect(smtp.received).toHaveLength(0);
      // The whole budget is left: two messages fit, a third does not.
      await api
        .post('/invitations', { people: `${unique('a')}\n${unique('b')}`, role: 'viewer' })
        .expect(201);
      await api.post('/invitations', { people: unique('c'), role: 'viewer' }).expect(429);
      // With email configured, the duplicate message offers Resend.
      const email = unique('twice');
      await api.post('/invitations', { people: email, role: 'viewer', send: false }).expect(201);
      const duplicate = await api
        .post('/invitations', { people: email, role: 'viewer', send: false })
        .expect(400);
      expect(duplicate.body.error.message).toContain('use Resend or Copy link');
    } finally {
      await server.close();
      await smtp.close();
    }
  });
});
