import { SQL_BACKENDS } from '../../helpers/databases';
import { joinAs, roomWithLink, type GuestLink } from '../../helpers/guests';
import { invitedPerson, liveServiceOf, type InvitedPerson } from '../../helpers/invitees';
import {
  admittedGuest,
  connectGuest,
  connectLaunched,
  launchAndConnect,
  sdp,
  TRACKS,
  type LiveClient,
} from '../../helpers/live';
import { openSse } from '../../helpers/sse';
import { TEST_MONGODB_URI, type StorageBackend } from '../../helpers/storages';
import { startOnBackend, type TestServer } from '../../helpers/test-server';
import type { InviteRole } from '../../../src/rooms/room-role';
import type { Launch } from '../../helpers/lti-launch';

const BACKENDS: StorageBackend[] = [...SQL_BACKENDS, ...(TEST_MONGODB_URI ? (['mongodb'] as const) : [])];

const offer = (link: string) => ({ type: 'offer', link, sdp: sdp('sendonly'), tracks: TRACKS });
const camera = (participant: string) => ({ participant, audio: false, video: true, screen: false });

describe.each(BACKENDS)('invited people on the live stage (%s)', (backend) => {
  let server: TestServer;
  let host: { launch: Launch; live: LiveClient };
  let student: { launch: Launch; live: LiveClient };
  let link: GuestLink;
  let api: Awaited<ReturnType<typeof roomWithLink>>['api'];
  let roomId: string;
  const open: LiveClient[] = [];

  const invite = (role: InviteRole, options: { name?: string; startsAt?: Date | null } = {}) =>
    invitedPerson(server, roomId, role, options);
  const connect = async (person: InvitedPerson | Awaited<ReturnType<typeof admittedGuest>>) => {
    const client = await connectGuest(server, person);
    open.push(client);
    return client;
  };
  const admit = async (name: string) => {
    const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; name: string }>;
    await api.post(`/lobby/${waiting.find((guest) => guest.name === name)!.id}/admit`).expect(200);
  };
  const lobbyPost = (person: InvitedPerson, path: string, csrf = true) => {
    const call = person.agent.post(`/guest/rooms/${roomId}/lobby${path}`).set('Accept', 'application/json');
    return csrf ? call.set('X-CSRF-Token', person.csrf) : call;
  };

  beforeAll(async () => {
    server = await startOnBackend(backend, { BUILTIN_MAX_PARTICIPANTS: '50' }, 'invitees_live');
    const room = await roomWithLink(server);
    link = room.link;
    api = room.api;
    roomId = room.host.roomId;
    host = { launch: room.host, live: await connectLaunched(server, room.host) };
    student = await launchAndConnect(server, { user: 'student' });
    open.push(host.live, student.live);
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  it('lets an invited speaker present by role and keeps an invited viewer receive-only', async () => {
    const speaker = await connect(await invite('speaker', { name: 'Sol Speaker' }));
    expect(speaker.welcome.self).toMatchObject({
      role: 'speaker',
      guest: false,
      invited: true,
      name: 'Sol Speaker',
    });
    expect(speaker.welcome.canModerate).toBe(false);
    await speaker.post('/media', camera(speaker.id)).expect(204);
    await speaker.signal(offer(`${speaker.id}~${host.live.id}`)).expect(204);

    const viewer = await connect(await invite('viewer', { name: 'Vic Viewer' }));
    expect(viewer.welcome.self).toMatchObject({ role: 'viewer', invited: true, guest: false });
    expect((await viewer.post('/media', camera(viewer.id)).expect(403)).body.error.code).toBe('RECEIVE_ONLY');
    expect((await viewer.signal(offer(`${viewer.id}~${host.live.id}`)).expect(403)).body.error.code).toBe(
      'RECEIVE_ONLY',
    );

    // The host sees both with name and role, as invited people, never as guests.
    const seen = await host.live.stream.next(
      (event) => event.event === 'participant' && (event.data as { id: string }).id === viewer.id,
    );
    expect(seen.data).toMatchObject({ name: 'Vic Viewer', role: 'viewer', invited: true, guest: false });
    // An invited viewer is an outsider: the student only as a number, the host and speaker by name.
    const others = viewer.welcome.participants;
    expect(others.find((other) => other.id === student.live.id)).toMatchObject({ name: '', role: 'viewer' });
    expect(others.find((other) => other.id === host.live.id)!.name).toBe('Ada Lovelace');
    expect(others.find((other) => other.id === speaker.id)!.name).toBe('Sol Speaker');
    // A speaker by invitation is not "stopped" by a moderator: that is Change role.
    expect(
      (await host.live.post(`/participants/${speaker.id}/unspeak`, { participant: host.live.id }).expect(409))
        .body.error.code,
    ).toBe('SPEAKER_BY_INVITATION');
  });

  it('gives an invited moderator a moderator’s powers on the stage, and a viewer none', async () => {
    const moderator = await connect(await invite('moderator', { name: 'Mo Invited' }));
    expect(moderator.welcome.canModerate).toBe(true);
    // Invited moderators see everyone by name, students included.
    expect(moderator.welcome.participants.find((other) => other.id === student.live.id)!.name).not.toBe('');

    const guest = await connect(await admittedGuest(server, link, roomId, admit, 'Removable Guest'));
    await moderator.post(`/participants/${student.live.id}/speak`, { participant: moderator.id }).expect(204);
    await moderator.post(`/participants/${guest.id}/remove`, { participant: moderator.id }).expect(204);
    expect((await guest.stream.next((event) => event.event === 'departed', 1000)).data).toEqual({
      reason: 'removed',
    });
    expect(
      (
        await moderator
          .post(`/participants/${host.live.id}/remove`, { participant: moderator.id })
          .expect(403)
      ).body.error.code,
    ).toBe('OUTRANKED');

    const viewer = await connect(await invite('viewer'));
    expect(
      (
        await viewer
          .post(`/participants/${student.live.id}/lower-hand`, { participant: viewer.id })
          .expect(403)
      ).body.error.code,
    ).toBe('FORBIDDEN');
  });

  it('takes a demoted or revoked moderator’s powers away on their very next action', async () => {
    const demoted = await invite('moderator');
    const demotedClient = await connect(demoted);
    const target = await connect(await admittedGuest(server, link, roomId, admit, 'Target Guest'));
    await server.runtime.storage.invitations.setRole(roomId, demoted.invitationId, 'viewer', {
      userId: 'test-host',
      name: 'Test Host',
    });
    // The connection is the old one (no reconnect yet): the role is read with the visit per request.
    expect(
      (
        await demotedClient
          .post(`/participants/${target.id}/remove`, { participant: demotedClient.id })
          .expect(403)
      ).body.error.code,
    ).toBe('FORBIDDEN');
    expect((await lobbyPost(demoted, '/admit-all').expect(403)).body.error.code).toBe('FORBIDDEN');

    const revoked = await invite('moderator');
    const revokedClient = await connect(revoked);
    await server.runtime.storage.invitations.revoke(roomId, revoked.invitationId, {
      userId: 'test-host',
      name: 'Test Host',
    });
    expect(
      (
        await revokedClient
          .post(`/participants/${target.id}/remove`, { participant: revokedClient.id })
          .expect(403)
      ).body.error.code,
    ).toBe('INVITATION_REVOKED');
    expect((await lobbyPost(revoked, '/admit-all').expect(403)).body.error.code).toBe('INVITATION_REVOKED');
  });

  it('ends an invitee’s connection within a second on revoke or role change, telling their page why', async () => {
    for (const reason of ['revoked', 'role-changed'] as const) {
      const person = await invite('speaker');
      const client = await connect(person);
      await client.post('/media', camera(client.id)).expect(204);
      const started = Date.now();
      await liveServiceOf(server).endVisitConnection(roomId, person.visitId, reason);
      expect((await client.stream.next((event) => event.event === 'departed', 1000)).data).toEqual({
        reason,
      });
      await host.live.stream.next(
        (event) => event.event === 'participant-left' && (event.data as { id: string }).id === client.id,
        1000,
      );
      expect(Date.now() - started).toBeLessThan(1000);
      // Nothing of the old connection acts any more: the page must connect again.
      expect((await client.post('/media', camera(client.id)).expect(409)).body.error.code).toBe(
        'NOT_CONNECTED',
      );
    }
  });

  it('lets an invited moderator run the lobby from their room page, with the pass and the CSRF header', async () => {
    const moderator = await invite('moderator', { name: 'Lobby Mod' });
    expect(moderator.page).toContain('id="lobby-panel"');
    expect(moderator.page).toContain(`data-api-base="/guest/rooms/${roomId}"`);
    await moderator.agent
      .put(`/guest/rooms/${roomId}/lobby`)
      .set('X-CSRF-Token', moderator.csrf)
      .send({ enabled: true })
      .expect(200);

    const stream = openSse(`${server.url}/guest/rooms/${roomId}/lobby/events`, { Cookie: moderator.cookie });
    try {
      await stream.next((event) => event.event === 'lobby');
      const waitingInvitee = await invitedWaiting();
      const joined = await joinWaiting('Lobby Guest');
      const update = await stream.next(
        (event) =>
          event.event === 'lobby' &&
          (event.data as { waiting: Array<{ name: string }> }).waiting.some(
            (guest) => guest.name === 'Lobby Guest',
          ),
      );
      const waiting = (update.data as { waiting: Array<{ id: string; name: string; linkName: string }> })
        .waiting;
      const guest = waiting.find((entry) => entry.name === 'Lobby Guest')!;
      expect(waiting.find((entry) => entry.id === waitingInvitee)?.linkName).toBe('Invited · Speaker');

      expect((await lobbyPost(moderator, `/${guest.id}/admit`, false).expect(403)).body.error.code).toBe(
        'CSRF_FAILED',
      );
      expect((await lobbyPost(moderator, `/${guest.id}/admit`).expect(200)).body).toEqual({
        id: guest.id,
        status: 'admitted',
      });
      await joined.agent.get(`/guest/rooms/${roomId}`).expect(200);
    } finally {
      stream.close();
    }

    const viewer = await invite('viewer');
    expect(viewer.page).not.toContain('id="lobby-panel"');
    expect((await lobbyPost(viewer, '/admit-all').expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await viewer.agent.get(`/guest/rooms/${roomId}/lobby`).expect(403)).body.error.code).toBe(
      'FORBIDDEN',
    );
    await api.put('/lobby', { enabled: false }).expect(200);
  });

  it('shows the invitee their role and, until a moderator is on the stage, when the session starts', async () => {
    const speaker = await invite('speaker');
    expect(speaker.page).toMatch(/class="role-badge">Speaker</);
    expect(speaker.page).not.toMatch(/class="role-badge">Guest</);
    expect(speaker.page).toContain('It starts when a moderator arrives.');
    const startsAt = new Date(Date.now() + 3_600_000);
    const later = await invite('viewer', { startsAt });
    expect(later.page).toContain(`<time datetime="${startsAt.toISOString()}" data-local-time>`);
    expect(later.page).toContain('/static/js/session-start.js');
    const moderator = await invite('moderator');
    expect(moderator.page).not.toContain('id="session-start"');
  });

  /** An invited speaker waiting in the lobby (the room makes invitees wait): their visit's id. */
  async function invitedWaiting(): Promise<string> {
    await server.runtime.storage.invitations.setInviteesWait(roomId, true, {
      userId: 'test-host',
      name: null,
    });
    try {
      const person = await invitedPerson(server, roomId, 'speaker', { waiting: true });
      return person.visitId;
    } finally {
      await server.runtime.storage.invitations.setInviteesWait(roomId, false, {
        userId: 'test-host',
        name: null,
      });
    }
  }

  async function joinWaiting(name: string) {
    const joined = await joinAs(server, link.path, { name, email: 'lobby.guest@example.org' });
    expect(joined.response.headers.location).toMatch(/\/waiting$/);
    return joined;
  }
});
