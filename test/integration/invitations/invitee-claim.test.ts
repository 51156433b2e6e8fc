import request from 'supertest';
import { apiFor } from '../../helpers/api';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { SQL_BACKENDS } from '../../helpers/databases';
import { claimAs, openInvitation, pathOf, revokeAllInvitations, unique } from '../../helpers/invitations';
import { hiddenField, sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** The invitee's side: the personal link's page, the claim by the first browser, the way back in. */
describe.each(SQL_BACKENDS)('a personal invitation link on %s', (backend) => {
  let server: TestServer;
  let host: Launch;
  let api: ReturnType<typeof apiFor>;

  beforeAll(async () => {
    server = await startTestServer({ backend, env: GENEROUS_GUEST_LIMITS });
    host = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    api = apiFor(host);
    await api.put('/lobby', { enabled: true }).expect(200);
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    await revokeAllInvitations(server, host.roomId);
    await api.put('/invitations/settings', { inviteesWait: false }).expect(200);
  });

  async function invite(role = 'speaker', extra: Record<string, unknown> = {}) {
    const email = unique('invitee');
    const response = await api.post('/invitations', { people: `Ines Invitee <${email}>`, role, ...extra });
    expect(response.status).toBe(201);
    return { email, invitation: response.body.invitations[0] as { id: string; url: string } };
  }

  async function claimRow(id: string) {
    const [row] = await server.sql.query<{ claimed_at: Date | null; visit_id: string | null }>(
      'SELECT claimed_at, visit_id FROM invitations WHERE id = $1',
      [id],
    );
    return row!;
  }

  it('shows who invited whom as what, claims nothing on GET (mail scanners) and never shows the address', async () => {
    const startsAt = new Date(Date.now() + 3_600_000);
    startsAt.setUTCSeconds(0, 0);
    const { email, invitation } = await invite('speaker', { startsAt: startsAt.toISOString() });
    for (let scan = 0; scan < 3; scan++) {
      const page = await request(server.url).get(pathOf(invitation.url)).expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.text).toContain("You're invited to");
      expect(page.text).toContain('by Ada Lovelace');
      expect(page.text).toContain('<strong>Speaker</strong>');
      expect(page.text).toContain('share your screen');
      expect(page.text).toContain(`datetime="${startsAt.toISOString()}"`);
      expect(page.text).toMatch(
        /<input id="invite-email" name="email" type="email"[^>]*autocomplete="email"[^>]*autofocus/,
      );
      expect(page.text).toContain('Join session');
      expect(page.text).not.toContain(email);
    }
    expect(await claimRow(invitation.id)).toEqual({ claimed_at: null, visit_id: null });
  });

  it('refuses a wrong address with 400 without naming the invited one, then lets the right one in', async () => {
    const { email, invitation } = await invite('viewer');
    const browser = request.agent(server.url);
    const wrong = await claimAs(server, invitation.url, 'someone.else@example.org', browser);
    expect(wrong.response.status).toBe(400);
    expect(wrong.response.text).toContain('This is not the email address this invitation was sent to.');
    expect(wrong.response.text).not.toContain(email);
    expect((await claimRow(invitation.id)).claimed_at).toBeNull();

    const right = await claimAs(server, invitation.url, `  ${email.toUpperCase()} `, browser);
    expect(right.response.status).toBe(303);
    expect(right.response.headers.location).toBe(`/guest/rooms/${host.roomId}`);
    const cookies = right.response.headers['set-cookie'] as unknown as string[];
    const claimCookie = cookies.find((cookie) => cookie.startsWith(`gl_invite_${invitation.id}=`));
    expect(claimCookie).toMatch(/Path=\/i\//);
    expect(claimCookie).toMatch(/HttpOnly/);
    expect(claimCookie).toMatch(/SameSite=Lax/);
    const room = await browser.get(`/guest/rooms/${host.roomId}`).expect(200);
    expect(room.text).toContain('Ines Invitee');
    expect((await claimRow(invitation.id)).visit_id).not.toBeNull();
  });

  it('lets exactly one of 20 browsers confirming at once in; the others see "in use"', async () => {
    const { email, invitation } = await invite('viewer');
    const browsers = await Promise.all(
      Array.from({ length: 20 }, () => openInvitation(server, invitation.url)),
    );
    const answers = await Promise.all(
      browsers.map(({ agent, csrf }) =>
        agent.post(pathOf(invitation.url)).type('form').send({ _csrf: csrf, email }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([303, ...Array(19).fill(409)]);
    for (const answer of answers.filter((candidate) => candidate.status === 409))
      expect(answer.text).toContain(
        'This invitation link is already in use on another device. Ask Ada Lovelace to send you a new invitation.',
      );
    const [visits] = await server.sql.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM guest_visits WHERE invitation_id = $1',
      [invitation.id],
    );
    expect(visits!.count).toBe(1);
  });

  it('takes the claiming browser straight back in, and turns every other browser away', async () => {
    const { email, invitation } = await invite('viewer');
    const claimed = await claimAs(server, invitation.url, email);
    expect(claimed.response.status).toBe(303);
    const again = await claimed.agent.get(pathOf(invitation.url)).expect(303);
    expect(again.headers.location).toBe(`/guest/rooms/${host.roomId}`);

    const other = request.agent(server.url);
    const page = await other.get(pathOf(invitation.url)).expect(409);
    expect(page.text).toContain('already in use on another device');
    // In the reader's language, which they can change there (back to the link's page).
    expect(hiddenField(page.text, 'return')).toBe(pathOf(invitation.url));
    // Confirming from that browser (its CSRF token from another invitation's page) is refused too.
    const csrf = (await openInvitation(server, (await invite('viewer')).invitation.url, other)).csrf;
    const posted = await other.post(pathOf(invitation.url)).type('form').send({ _csrf: csrf, email });
    expect(posted.status).toBe(409);
    expect(posted.text).toContain('already in use on another device');
  });

  /** The claim cookie an answer sets, and its lifetime in seconds. */
  function claimCookieOf(response: request.Response, invitationId: string) {
    const cookies = (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    const cookie = cookies.find((one) => one.startsWith(`gl_invite_${invitationId}=`));
    return cookie ? { cookie, maxAge: Number(/Max-Age=(\d+)/.exec(cookie)?.[1]) } : undefined;
  }

  it('renews the claim cookie on every return, until the invitation expires or for 400 days without expiry', async () => {
    const DAY = 86_400;
    const lasting = await invite('viewer');
    const claimed = await claimAs(server, lasting.invitation.url, lasting.email);
    expect(claimCookieOf(claimed.response, lasting.invitation.id)!.maxAge).toBeGreaterThan(399 * DAY);
    const back = await claimed.agent.get(pathOf(lasting.invitation.url)).expect(303);
    const renewed = claimCookieOf(back, lasting.invitation.id);
    expect(renewed!.maxAge).toBeGreaterThan(399 * DAY);
    expect(renewed!.maxAge).toBeLessThanOrEqual(400 * DAY);
    expect(renewed!.cookie).toMatch(/Path=\/i\//);
    expect(renewed!.cookie).toMatch(/HttpOnly/);
    expect(renewed!.cookie).toMatch(/SameSite=Lax/);

    // An invitation of a year: the cookie lasts until it expires, on each return.
    const expiresAt = new Date(Date.now() + 365 * DAY * 1000);
    const yearLong = await invite('viewer', { expiresAt: expiresAt.toISOString() });
    const second = await claimAs(server, yearLong.invitation.url, yearLong.email);
    const again = await second.agent.get(pathOf(yearLong.invitation.url)).expect(303);
    const untilExpiry = (expiresAt.getTime() - Date.now()) / 1000;
    expect(claimCookieOf(again, yearLong.invitation.id)!.maxAge).toBeGreaterThan(untilExpiry - 60);
    expect(claimCookieOf(again, yearLong.invitation.id)!.maxAge).toBeLessThanOrEqual(untilExpiry + 1);
  });

  it('offers Join again through the personal link after leaving', async () => {
    const { email, invitation } = await invite('viewer');
    const { agent } = await claimAs(server, invitation.url, email);
    const room = await agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    const left = await agent
      .post(`/guest/rooms/${host.roomId}/leave`)
      .type('form')
      .send({ _csrf: hiddenField(room.text, '_csrf') })
      .expect(200);
    expect(left.text).toContain(`href="${invitation.url}"`);
    expect(left.text).toContain('Join again');
    expect(left.text).not.toContain('/come-back');
    const back = await agent.get(pathOf(invitation.url)).expect(303);
    expect(back.headers.location).toBe(`/guest/rooms/${host.roomId}`);
    await agent.get(`/guest/rooms/${host.roomId}`).expect(200);
  });

  it("lets the claiming browser back in with a new visit after the guest log's retention took the old one", async () => {
    const { email, invitation } = await invite('viewer');
    const { agent } = await claimAs(server, invitation.url, email);
    const room = await agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    await agent
      .post(`/guest/rooms/${host.roomId}/leave`)
      .type('form')
      .send({ _csrf: hiddenField(room.text, '_csrf') })
      .expect(200);
    const ago = "interval '400 days'";
    await server.sql.query(
      `UPDATE guest_visits SET created_at = created_at - ${ago}, decided_at = decided_at - ${ago},
              left_at = left_at - ${ago} WHERE invitation_id = $1`,
      [invitation.id],
    );
    await server.sql.query(
      `UPDATE invitations SET claimed_at = claimed_at - ${ago}, last_joined_at = last_joined_at - ${ago} WHERE id = $1`,
      [invitation.id],
    );
    const { visit_id: oldVisit } = await claimRow(invitation.id);
    await server.runtime.storage.purgeExpired();
    expect(await claimRow(invitation.id)).toMatchObject({ visit_id: null });
    const log = (await api.get('/guest-log').expect(200)).body.entries as Array<{ email: string }>;
    expect(log.map((entry) => entry.email)).not.toContain(email);

    // The old pass names a visit that is gone: a page saying so, not an error.
    expect((await agent.get(`/guest/rooms/${host.roomId}`)).status).toBeLessThan(500);
    const back = await agent.get(pathOf(invitation.url)).expect(303);
    expect(back.headers.location).toBe(`/guest/rooms/${host.roomId}`);
    expect((await agent.get(`/guest/rooms/${host.roomId}`).expect(200)).text).toContain('Ines Invitee');
    const { visit_id: newVisit } = await claimRow(invitation.id);
    expect(newVisit).not.toBeNull();
    expect(newVisit).not.toBe(oldVisit);
  });

  it('sends invitees to the lobby when the room makes them wait', async () => {
    await api.put('/invitations/settings', { inviteesWait: true }).expect(200);
    const { email, invitation } = await invite('viewer');
    const claimed = await claimAs(server, invitation.url, email);
    expect(claimed.response.status).toBe(303);
    expect(claimed.response.headers.location).toBe(`/guest/rooms/${host.roomId}/waiting`);
    const lobby = (await api.get('/lobby').expect(200)).body;
    expect(JSON.stringify(lobby)).toContain('Ines Invitee');
  });

  it('puts an invitee a moderator denied back in the lobby when they open their link again', async () => {
    await api.put('/invitations/settings', { inviteesWait: true }).expect(200);
    const { email, invitation } = await invite('viewer');
    const { agent } = await claimAs(server, invitation.url, email);
    // Other tests of this file leave guests waiting in the shared room: this one by its address.
    const waitingVisit = async () =>
      ((await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; email: string }>).find(
        (visit) => visit.email === email,
      );
    const waiting = await waitingVisit();
    await api.post(`/lobby/${waiting!.id}/deny`).expect(200);
    expect(await waitingVisit()).toBeUndefined();
    expect((await agent.get(`/guest/rooms/${host.roomId}`).expect(403)).text).toContain('declined');
    // Invitees would now skip the lobby: one a moderator turned away waits for a moderator again.
    await api.put('/invitations/settings', { inviteesWait: false }).expect(200);
    const back = await agent.get(pathOf(invitation.url)).expect(303);
    expect(back.headers.location).toBe(`/guest/rooms/${host.roomId}/waiting`);
    await agent.get(`/guest/rooms/${host.roomId}/waiting`).expect(200);
    expect((await waitingVisit())?.id).toBe(waiting!.id);
  });

  it('shows the withdrawn page once revoked, to the claiming browser too, and ends its visit', async () => {
    const { email, invitation } = await invite('viewer');
    const unclaimed = await invite('viewer');
    const { agent } = await claimAs(server, invitation.url, email);
    await api.delete(`/invitations/${invitation.id}`).expect(200);
    await api.delete(`/invitations/${unclaimed.invitation.id}`).expect(200);
    const withdrawn = await agent.get(pathOf(invitation.url)).expect(403);
    expect(withdrawn.text).toContain('Your invitation was withdrawn');
    expect((await request(server.url).get(pathOf(unclaimed.invitation.url)).expect(403)).text).toContain(
      'Your invitation was withdrawn',
    );
    expect((await agent.get(`/guest/rooms/${host.roomId}`).expect(403)).text).toContain(
      'Your invitation was withdrawn',
    );
  });

  it('shows the expired page for an expired invitation', async () => {
    const { email, invitation } = await invite('viewer');
    await server.sql.query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1", [
      invitation.id,
    ]);
    const browser = await openInvitation(server, (await invite('viewer')).invitation.url);
    const page = await browser.agent.get(pathOf(invitation.url)).expect(410);
    expect(page.text).toContain('This invitation has expired');
    const posted = await browser.agent
      .post(pathOf(invitation.url))
      .type('form')
      .send({ _csrf: browser.csrf, email });
    expect(posted.status).toBe(410);
    expect((await claimRow(invitation.id)).claimed_at).toBeNull();
  });

  it('answers unknown and malformed tokens with the 404 page', async () => {
    expect((await request(server.url).get('/i/AAAAAAAAAAAAAAAAAAAAAAAA').expect(404)).text).toContain(
      'no longer valid',
    );
    await request(server.url).get('/i/short').expect(404);
  });

  it('refuses a confirmation without the CSRF token', async () => {
    const { email, invitation } = await invite('viewer');
    const browser = request.agent(server.url);
    await browser.get(pathOf(invitation.url)).expect(200);
    await browser.post(pathOf(invitation.url)).type('form').send({ email }).expect(403);
    expect((await claimRow(invitation.id)).claimed_at).toBeNull();
  });
});

describe('wrong confirmations', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: GENEROUS_GUEST_LIMITS });
  });

  afterAll(async () => {
    await server.close();
  });

  it('are limited per address and invitation: the 11th in an hour is 429, other invitations still work', async () => {
    const host = await sandboxLaunch(server);
    const api = apiFor(host);
    const first = unique('target');
    const second = unique('other');
    const created = (
      await api.post('/invitations', { people: `${first}\n${second}`, role: 'viewer' }).expect(201)
    ).body.invitations as Array<{ url: string; email: string }>;
    const [target, other] = [
      created.find((row) => row.email === first)!,
      created.find((row) => row.email === second)!,
    ];
    const browser = await openInvitation(server, target.url);
    const post = (url: string, email: string) =>
      browser.agent.post(pathOf(url)).type('form').send({ _csrf: browser.csrf, email });
    for (let attempt = 0; attempt < 10; attempt++)
      await post(target.url, `guess${attempt}@example.org`).expect(400);
    await post(target.url, 'guess10@example.org').expect(429);
    await post(target.url, first).expect(429);
    await post(other.url, second).expect(303);
  });
});
