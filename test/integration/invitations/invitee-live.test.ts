import { apiFor } from '../../helpers/api';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { SQL_BACKENDS } from '../../helpers/databases';
import { claimAs, revokeAllInvitations, unique } from '../../helpers/invitations';
import { guestPost, openGuest, sdp, TRACKS, type AdmittedGuest, type LiveClient } from '../../helpers/live';
import { hiddenField, sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { openSse, passCookie } from '../../helpers/sse';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** Revoke and role change act on an invitee connected to the live stage, at once. */
describe.each(SQL_BACKENDS)('an invitee on the live stage (%s)', (backend) => {
  let server: TestServer;
  let host: Launch;
  let api: ReturnType<typeof apiFor>;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    server = await startTestServer({ backend, env: GENEROUS_GUEST_LIMITS });
    host = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    api = apiFor(host);
  });

  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    await revokeAllInvitations(server, host.roomId);
  });

  /** Invites, claims the link in a fresh browser, and opens the room page. */
  async function invitee(role: string): Promise<{ id: string; guest: AdmittedGuest }> {
    const email = unique('live');
    const created = (await api.post('/invitations', { people: `Lena Live <${email}>`, role }).expect(201))
      .body.invitations[0];
    const claimed = await claimAs(server, created.url, email);
    expect(claimed.response.status).toBe(303);
    const page = await claimed.agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    return {
      id: created.id,
      guest: {
        agent: claimed.agent,
        cookie: passCookie(claimed.response.headers['set-cookie']),
        csrf: hiddenField(page.text, '_csrf'),
        roomId: host.roomId,
      },
    };
  }

  async function connect(guest: AdmittedGuest): Promise<LiveClient> {
    const stream = openGuest(server, guest);
    open.push(stream);
    const welcome = (await stream.next((event) => event.event === 'welcome')).data as LiveClient['welcome'];
    const post = guestPost(guest);
    return {
      id: welcome.self.id,
      welcome,
      stream,
      post,
      signal: (signal) => post('/signal', { participant: welcome.self.id, signal }),
      close: () => stream.close(),
    };
  }

  it('takes a revoked invitee out of the live session within 1 s, for good', async () => {
    const { id, guest } = await invitee('viewer');
    const client = await connect(guest);
    const revokedAt = Date.now();
    await api.delete(`/invitations/${id}`).expect(200);
    const departed = await client.stream.next((event) => event.event === 'departed', 1000);
    expect(departed.data).toEqual({ reason: 'revoked' });
    expect(departed.at - revokedAt).toBeLessThan(1000);
    expect((await guest.agent.get(`/guest/rooms/${host.roomId}`)).status).toBe(403);
  });

  it('ends a waiting invitee’s page within 1 s when the invitation is revoked', async () => {
    await api.put('/lobby', { enabled: true }).expect(200);
    await api.put('/invitations/settings', { inviteesWait: true }).expect(200);
    try {
      const email = unique('waiting');
      const created = (await api.post('/invitations', { people: email, role: 'viewer' }).expect(201)).body
        .invitations[0];
      const claimed = await claimAs(server, created.url, email);
      expect(claimed.response.headers.location).toBe(`/guest/rooms/${host.roomId}/waiting`);
      const stream = openSse(`${server.url}/guest/rooms/${host.roomId}/events`, {
        Cookie: passCookie(claimed.response.headers['set-cookie']),
      });
      open.push(stream);
      await stream.next(
        (event) => event.event === 'status' && (event.data as { status: string }).status === 'waiting',
      );
      const revokedAt = Date.now();
      await api.delete(`/invitations/${created.id}`).expect(200);
      const ended = await stream.next(
        (event) => event.event === 'status' && (event.data as { status: string }).status !== 'waiting',
        1000,
      );
      expect(ended.data).toMatchObject({ status: 'removed' });
      expect(ended.at - revokedAt).toBeLessThan(1000);
    } finally {
      await api.put('/invitations/settings', { inviteesWait: false }).expect(200);
    }
  });

  it('drops the connection on a role change; reconnecting brings the new role', async () => {
    const { id, guest } = await invitee('viewer');
    const before = await connect(guest);
    expect(before.welcome.self.role).toBe('viewer');
    await api.patch(`/invitations/${id}`, { role: 'speaker' }).expect(200);
    const departed = await before.stream.next((event) => event.event === 'departed', 1000);
    expect(departed.data).toEqual({ reason: 'role-changed' });
    const after = await connect(guest);
    expect(after.welcome.self.role).toBe('speaker');
    // An unchanged role drops nobody.
    await api.patch(`/invitations/${id}`, { role: 'speaker' }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(after.stream.events.some((event) => event.event === 'departed')).toBe(false);
  });

  /** The invitation ends now, as if its expiry date had just passed. */
  async function expire(id: string): Promise<void> {
    await server.sql.query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1", [
      id,
    ]);
  }

  const refusedCode = async (call: Promise<{ status: number; body: { error?: { code: string } } }>) => {
    const answer = await call;
    return `${answer.status} ${answer.body.error?.code}`;
  };

  it('gives an expired invited moderator no moderator action, and no way back in once gone', async () => {
    const moderator = await invitee('moderator');
    const mod = await connect(moderator.guest);
    expect(mod.welcome.canModerate).toBe(true);
    const speaker = await connect((await invitee('speaker')).guest);
    await speaker
      .post('/media', { participant: speaker.id, audio: true, video: false, screen: false })
      .expect(204);
    const viewer = await connect((await invitee('viewer')).guest);
    await expire(moderator.id);

    const as = { participant: mod.id };
    const expired = '410 INVITATION_EXPIRED';
    expect(await refusedCode(mod.post('/end', as))).toBe(expired);
    expect(await refusedCode(mod.post(`/participants/${speaker.id}/mute`, as))).toBe(expired);
    expect(await refusedCode(mod.post(`/participants/${viewer.id}/remove`, as))).toBe(expired);
    expect(await refusedCode(mod.post(`/participants/${viewer.id}/lobby`, as))).toBe(expired);
    expect(await refusedCode(mod.post(`/participants/${speaker.id}/speak`, as))).toBe(expired);
    expect(await refusedCode(moderator.guest.agent.get(`/guest/rooms/${host.roomId}/live/removed`))).toBe(
      expired,
    );
    const lobby = moderator.guest.agent
      .post(`/guest/rooms/${host.roomId}/lobby/admit-all`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', moderator.guest.csrf);
    expect(await refusedCode(lobby)).toBe(expired);
    // Nobody was touched: the session, the speaker's microphone and the viewer are as they were.
    const inRoom = (await server.runtime.storage.live.list(host.roomId)).map((one) => one.id);
    expect(inRoom).toEqual(expect.arrayContaining([mod.id, speaker.id, viewer.id]));
    expect((await server.runtime.storage.live.find(speaker.id))!.media.audio).toBe(true);

    // Inside, they stay and watch (their page may still raise a hand)...
    await mod.post('/hand', { participant: mod.id, raised: true }).expect(204);
    expect(mod.stream.events.some((event) => event.event === 'departed')).toBe(false);
    // ...but neither the event stream's reconnection nor a reload brings them back.
    const again = openGuest(server, moderator.guest);
    open.push(again);
    expect(await again.answered()).toBe(410);
    await again.closed();
    expect(again.refusal()?.error.code).toBe('INVITATION_EXPIRED');
    const page = await moderator.guest.agent.get(`/guest/rooms/${host.roomId}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This invitation has expired');
  });

  it('lets an invited speaker present until they leave once the invitation expires, then keeps them out', async () => {
    const speaker = await invitee('speaker');
    const client = await connect(speaker.guest);
    const viewer = await connect((await invitee('viewer')).guest);
    await expire(speaker.id);
    // What they keep: this connection, and presenting on it.
    await client
      .post('/media', { participant: client.id, audio: false, video: true, screen: false })
      .expect(204);
    await client
      .signal({ type: 'offer', link: `${client.id}~${viewer.id}`, sdp: sdp('sendonly'), tracks: TRACKS })
      .expect(204);
    // What they lose: coming back. A dropped stream cannot reconnect, so presenting ends with it.
    client.close();
    const again = openGuest(server, speaker.guest);
    open.push(again);
    expect(await again.answered()).toBe(410);
    expect(
      (
        await guestPost(speaker.guest)('/media', {
          participant: client.id,
          audio: false,
          video: true,
          screen: false,
        })
      ).status,
    ).toBe(409);
  });

  it('lets an invited viewer keep watching after the invitation expires, and refuses their reconnection', async () => {
    const viewer = await invitee('viewer');
    const client = await connect(viewer.guest);
    await expire(viewer.id);
    const speaker = await connect((await invitee('speaker')).guest);
    // Still on the stage: they hear of the newcomer like everyone else.
    await client.stream.next(
      (event) => event.event === 'participant' && (event.data as { id: string }).id === speaker.id,
    );
    const again = openGuest(server, viewer.guest);
    open.push(again);
    expect(await again.answered()).toBe(410);
  });
});
