import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { createPostgresDatabase, SQL_BACKENDS, TEST_DATABASE_URL } from '../../helpers/databases';
import { joinAs, roomWithLink, type GuestLink } from '../../helpers/guests';
import {
  admittedGuest,
  connectGuest,
  connectLaunched,
  guestPost,
  launchAndConnect,
  launchedPost,
  noSignalOn,
  openGuest,
  openLaunched,
  sdp,
  signalOn,
  TRACKS,
  type AdmittedGuest,
  type LiveClient,
} from '../../helpers/live';
import { hiddenField, sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { mongoUrlFor, TEST_MONGODB_URI, type StorageBackend } from '../../helpers/storages';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { postPage } from '../../helpers/launched-pages';

const BACKENDS: StorageBackend[] = [...SQL_BACKENDS, ...(TEST_MONGODB_URI ? (['mongodb'] as const) : [])];

async function serverOn(backend: StorageBackend, env: Record<string, string> = {}): Promise<TestServer> {
  if (backend !== 'mongodb') return startTestServer({ backend, env });
  const url = mongoUrlFor(`guestlink_live_${process.pid}_${Date.now().toString(36)}`);
  const server = await startTestServer({ configuredStorage: true, env: { ...env, MONGODB_URI: url } });
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    const connection = await mongoose.createConnection(url).asPromise();
    await connection.dropDatabase();
    await connection.close();
  };
  return server;
}

const offer = (link: string, direction: 'sendonly' | 'sendrecv' = 'sendonly') => ({
  type: 'offer',
  link,
  sdp: sdp(direction),
  tracks: TRACKS,
});
const answer = (link: string, direction: 'recvonly' | 'sendrecv' = 'recvonly') => ({
  type: 'answer',
  link,
  sdp: sdp(direction),
});
const candidate = (link: string) => ({
  type: 'candidate',
  link,
  candidate: {
    candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
});

describe.each(BACKENDS)('the live session on %s', (backend) => {
  let server: TestServer;
  let host: { launch: Launch; live: LiveClient };
  let moderator: { launch: Launch; live: LiveClient };
  let viewer: { launch: Launch; live: LiveClient };
  let link: GuestLink;
  let api: Awaited<ReturnType<typeof roomWithLink>>['api'];
  const open: LiveClient[] = [];

  const admit = async (name: string) => {
    const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; name: string }>;
    await api.post(`/lobby/${waiting.find((guest) => guest.name === name)!.id}/admit`).expect(200);
  };
  const newGuest = (name?: string) => admittedGuest(server, link, host.launch.roomId, admit, name);
  const connect = async (guest: AdmittedGuest) => {
    const client = await connectGuest(server, guest);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    // Many guests of these tests stay connected at once: more than the default cap.
    server = await serverOn(backend, { BUILTIN_MAX_PARTICIPANTS: '50' });
    const room = await roomWithLink(server);
    link = room.link;
    api = room.api;
    host = { launch: room.host, live: await connectLaunched(server, room.host) };
    moderator = await launchAndConnect(server, { user: 'teaching-assistant' });
    viewer = await launchAndConnect(server, { user: 'student' });
    open.push(host.live, moderator.live, viewer.live);
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  it('tells each page who is in the room and what it may do', async () => {
    expect(host.live.welcome.self.role).toBe('host');
    expect(host.live.welcome.canModerate).toBe(true);
    expect(host.live.welcome.config).toEqual({ engine: 'builtin', topology: 'mesh', iceServers: [] });
    expect(moderator.live.welcome.self.role).toBe('moderator');
    expect(viewer.live.welcome.self.role).toBe('viewer');
    expect(viewer.live.welcome.canModerate).toBe(false);
    await host.live.stream.next(
      (event) => event.event === 'participant' && (event.data as { id: string }).id === viewer.live.id,
    );
  });

  it('relays a presenter’s offer to a guest and the guest’s answer back; receivers cannot send media', async () => {
    const guest = await connect(await newGuest('Matrix Guest'));
    expect(guest.welcome.self).toMatchObject({ role: 'guest', guest: true, name: 'Matrix Guest' });
    const hostToGuest = `${host.live.id}~${guest.id}`;

    await host.live.signal(offer(hostToGuest)).expect(204);
    const received = await signalOn(guest, hostToGuest);
    expect(received.data).toMatchObject({ from: host.live.id, type: 'offer', tracks: TRACKS });

    await guest.signal(answer(hostToGuest)).expect(204);
    await signalOn(host.live, hostToGuest);
    await guest.signal(candidate(hostToGuest)).expect(204);
    await host.live.stream.next(
      (event) => event.event === 'signal' && (event.data as { type: string }).type === 'candidate',
    );

    const moderatorToViewer = `${moderator.live.id}~${viewer.live.id}`;
    await moderator.live.signal(offer(moderatorToViewer)).expect(204);
    await signalOn(viewer.live, moderatorToViewer);

    // Guests and viewers only receive: no offer, no answer carrying media of their own.
    const guestToHost = `${guest.id}~${host.live.id}`;
    expect((await guest.signal(offer(guestToHost)).expect(403)).body.error.code).toBe('RECEIVE_ONLY');
    const viewerToHost = `${viewer.live.id}~${host.live.id}`;
    expect((await viewer.live.signal(offer(viewerToHost)).expect(403)).body.error.code).toBe('RECEIVE_ONLY');
    expect((await guest.signal(answer(hostToGuest, 'sendrecv')).expect(403)).body.error.code).toBe(
      'RECEIVE_ONLY',
    );
    expect((await host.live.signal(offer(hostToGuest, 'sendrecv')).expect(400)).body.error.code).toBe(
      'BAD_DIRECTION',
    );
    // Nobody signals on someone else's link, or as someone else.
    expect((await guest.signal(offer(moderatorToViewer)).expect(403)).body.error.code).toBe('NOT_YOUR_LINK');
    const spoofed = await guest
      .post('/signal', { participant: host.live.id, signal: offer(hostToGuest) })
      .expect(409);
    expect(spoofed.body.error.code).toBe('NOT_CONNECTED');

    await noSignalOn(host.live, guestToHost);
    await noSignalOn(host.live, viewerToHost);
    expect(
      host.live.stream.events.filter(
        (e) => e.event === 'signal' && (e.data as { type: string }).type === 'answer',
      ),
    ).toHaveLength(1);
  });

  it('never relays to a participant of another room', async () => {
    const guest = await connect(await newGuest('Other Room Guest'));
    const elsewhere = await launchAndConnect(server, {
      user: 'instructor',
      placement: 'hist-210/office-hours',
    });
    open.push(elsewhere.live);
    const across = `${elsewhere.live.id}~${guest.id}`;
    const refused = await elsewhere.live.signal(offer(across)).expect(404);
    expect(refused.body.error.code).toBe('PARTICIPANT_GONE');
    await noSignalOn(guest, across);
    // A guest's pass is for one room only.
    const otherRoom = { ...(await newGuest('Pass Holder')), roomId: elsewhere.launch.roomId };
    const stream = openGuest(server, otherRoom);
    await stream.closed();
    expect(stream.status()).toBe(403);
    stream.close();
  });

  it('lets moderators invite a guest to speak and stop them; guests and viewers cannot manage anyone', async () => {
    const guest = await connect(await newGuest('Speaker Guest'));
    const guestToHost = `${guest.id}~${host.live.id}`;
    expect(
      (await viewer.live.post(`/participants/${guest.id}/speak`, { participant: viewer.live.id }).expect(403))
        .body.error.code,
    ).toBe('FORBIDDEN');
    expect(
      (await guest.post(`/participants/${viewer.live.id}/remove`, { participant: guest.id }).expect(403)).body
        .error.code,
    ).toBe('FORBIDDEN');
    expect(
      (await moderator.live.post(`/participants/${host.live.id}/remove`).expect(403)).body.error.code,
    ).toBe('OUTRANKED');

    await moderator.live
      .post(`/participants/${guest.id}/speak`, { participant: moderator.live.id })
      .expect(204);
    const promoted = await guest.stream.next(
      (event) =>
        event.event === 'participant' &&
        (event.data as { id: string; role: string }).id === guest.id &&
        (event.data as { role: string }).role === 'speaker',
    );
    expect(promoted.data).toMatchObject({ guest: true, role: 'speaker' });
    await guest.signal(offer(guestToHost)).expect(204);
    await signalOn(host.live, guestToHost);
    await guest
      .post('/media', { participant: guest.id, audio: true, video: true, screen: false })
      .expect(204);

    await host.live.post(`/participants/${guest.id}/mute`, { participant: host.live.id }).expect(204);
    const muted = await guest.stream.next((event) => event.event === 'muted');
    expect(muted.data).toEqual({ by: 'Ada Lovelace' });
    await host.live.stream.next(
      (event) =>
        event.event === 'participant' &&
        (event.data as { id: string }).id === guest.id &&
        (event.data as { media: { audio: boolean; video: boolean } }).media.audio === false &&
        (event.data as { media: { video: boolean } }).media.video === true,
    );

    await host.live.post(`/participants/${guest.id}/unspeak`, { participant: host.live.id }).expect(204);
    await guest.stream.next(
      (event) =>
        event.event === 'participant' &&
        (event.data as { id: string; role: string }).id === guest.id &&
        (event.data as { role: string }).role === 'guest',
    );
    expect((await guest.signal(offer(guestToHost)).expect(403)).body.error.code).toBe('RECEIVE_ONLY');
    const refusedMedia = await guest
      .post('/media', { participant: guest.id, audio: true, video: false, screen: false })
      .expect(403);
    expect(refusedMedia.body.error.code).toBe('RECEIVE_ONLY');
  });

  it('shows raised hands to moderators, who can lower them', async () => {
    const guest = await connect(await newGuest('Curious Guest'));
    await guest.post('/hand', { participant: guest.id, raised: true }).expect(204);
    await host.live.stream.next(
      (event) =>
        event.event === 'participant' &&
        (event.data as { id: string; handRaised: boolean }).id === guest.id &&
        (event.data as { handRaised: boolean }).handRaised,
    );
    await moderator.live
      .post(`/participants/${guest.id}/lower-hand`, { participant: moderator.live.id })
      .expect(204);
    await guest.stream.next(
      (event) =>
        event.event === 'participant' &&
        (event.data as { id: string; handRaised: boolean }).id === guest.id &&
        !(event.data as { handRaised: boolean }).handRaised,
    );
    expect(
      (await moderator.live.post(`/participants/${guest.id}/lower-hand`).expect(409)).body.error.code,
    ).toBe('HAND_NOT_RAISED');
  });

  it('shows a guest the presenters by name and everyone else only as a number', async () => {
    const guest = await connect(await newGuest('Outsider'));
    const student = guest.welcome.participants.find((participant) => participant.id === viewer.live.id)!;
    expect(student).toMatchObject({ name: '', guest: false, role: 'viewer' });
    expect(guest.welcome.participants.find((participant) => participant.id === host.live.id)!.name).toBe(
      'Ada Lovelace',
    );
  });

  it('removes a guest at once: their stream ends, the page explains, the log says who, the pass cannot return', async () => {
    const visitor = await newGuest('Removed Guest');
    const guest = await connect(visitor);
    await host.live.post(`/participants/${guest.id}/remove`, { participant: host.live.id }).expect(204);
    const departed = await guest.stream.next((event) => event.event === 'departed', 1000);
    expect(departed.data).toEqual({ reason: 'removed' });
    await guest.stream.closed();
    await moderator.live.stream.next(
      (event) => event.event === 'participant-left' && (event.data as { id: string }).id === guest.id,
    );
    const page = await visitor.agent.get(`/guest/rooms/${visitor.roomId}`).expect(403);
    expect(page.text).toContain('You were removed from this session');
    const again = openGuest(server, visitor);
    await again.closed();
    expect(again.status()).toBe(403);
    again.close();
    const log = (await api.get('/guest-log').expect(200)).body.entries as Array<{
      name: string;
      outcome: string;
    }>;
    expect(log.find((entry) => entry.name === 'Removed Guest')!.outcome).toMatch(
      /^Removed by Ada Lovelace at \d\d:\d\d$/,
    );
    // The browser asks again through the link: a new visit, in the lobby.
    const entry = await visitor.agent.get(link.path).expect(200);
    expect(entry.text).toContain('name="email"');
  });

  it('lets a removed guest’s browser back only through the lobby, even with the lobby off', async () => {
    await api.put('/lobby', { enabled: false }).expect(200);
    try {
      const visitor = await newGuest('Second Chance');
      const guest = await connect(visitor);
      await host.live.post(`/participants/${guest.id}/remove`, { participant: host.live.id }).expect(204);
      await guest.stream.closed();
      const entry = await visitor.agent.get(link.path).expect(200);
      const again = await visitor.agent
        .post(link.path)
        .type('form')
        .send({ _csrf: hiddenField(entry.text, '_csrf'), name: 'Second Chance', email: 'second@example.org' })
        .expect(303);
      expect(again.headers.location).toBe(`/guest/rooms/${host.launch.roomId}/waiting`);
      const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{ name: string }>;
      expect(waiting.map((entryView) => entryView.name)).toContain('Second Chance');
      // Leaving the lobby and asking again, or being denied and asking again, sheds nothing.
      const rejoin = async () => {
        const page = await visitor.agent.get(link.path).expect(200);
        return visitor.agent
          .post(link.path)
          .type('form')
          .send({
            _csrf: hiddenField(page.text, '_csrf'),
            name: 'Second Chance',
            email: 'second@example.org',
          })
          .expect(303);
      };
      const waitingPage = await visitor.agent.get(`/guest/rooms/${host.launch.roomId}/waiting`).expect(200);
      await visitor.agent
        .post(`/guest/rooms/${host.launch.roomId}/leave`)
        .type('form')
        .send({ _csrf: hiddenField(waitingPage.text, '_csrf') })
        .expect(200);
      expect((await rejoin()).headers.location).toBe(`/guest/rooms/${host.launch.roomId}/waiting`);
      const [askedAgain] = (
        (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; name: string }>
      ).filter((entryView) => entryView.name === 'Second Chance');
      await api.post(`/lobby/${askedAgain!.id}/deny`).expect(200);
      expect((await rejoin()).headers.location).toBe(`/guest/rooms/${host.launch.roomId}/waiting`);
      // Anyone else still goes straight in.
      const other = await joinAs(server, link.path, { name: 'Fresh Browser', email: 'fresh@example.org' });
      expect(other.response.headers.location).toBe(`/guest/rooms/${host.launch.roomId}`);
    } finally {
      await api.put('/lobby', { enabled: true }).expect(200);
    }
  });

  it('removes a launched user until a moderator lets them back in', async () => {
    const student = viewer;
    await host.live
      .post(`/participants/${student.live.id}/remove`, { participant: host.live.id })
      .expect(204);
    expect((await student.live.stream.next((event) => event.event === 'departed', 1000)).data).toEqual({
      reason: 'removed',
    });
    const refused = openLaunched(server, student.launch);
    await refused.closed();
    expect(refused.status()).toBe(403);
    expect(refused.refusal()!.error.code).toBe('REMOVED');
    refused.close();
    const page = await postPage(server, student.launch, `/rooms/${student.launch.roomId}`).expect(200);
    expect(page.text).toContain('A moderator removed you from this live session');

    const list = await host.launch.agent
      .get(`/api/rooms/${host.launch.roomId}/live/removed`)
      .set('Authorization', `Bearer ${host.launch.ltik}`)
      .expect(200);
    expect(list.body.removed).toEqual([
      expect.objectContaining({ identity: expect.stringMatching(/^user:/), name: 'Sam Student' }),
    ]);
    await host.live.post('/removed/allow', { identity: list.body.removed[0].identity }).expect(204);
    viewer = { launch: student.launch, live: await connectLaunched(server, student.launch) };
    open.push(viewer.live);
  });

  it('takes a removed moderator’s powers away, and only the host lets them back', async () => {
    const assistant = moderator;
    await host.live
      .post(`/participants/${assistant.live.id}/remove`, { participant: host.live.id })
      .expect(204);
    await assistant.live.stream.next((event) => event.event === 'departed', 1000);
    const asRemoved = launchedPost(assistant.launch);
    expect(
      (await asRemoved('/removed/allow', { identity: 'user:whoever' }).expect(403)).body.error.code,
    ).toBe('REMOVED');
    expect((await asRemoved('/end').expect(403)).body.error.code).toBe('REMOVED');
    expect((await asRemoved(`/participants/${viewer.live.id}/remove`).expect(403)).body.error.code).toBe(
      'REMOVED',
    );
    const identity = (
      await host.launch.agent
        .get(`/api/rooms/${host.launch.roomId}/live/removed`)
        .set('Authorization', `Bearer ${host.launch.ltik}`)
        .expect(200)
    ).body.removed.find((entry: { name: string }) => entry.name === 'Tim Berners-Lee').identity;
    // Another moderator cannot undo the host's removal of a moderator.
    const second = await launchAndConnect(server, { user: 'co-instructor' });
    open.push(second.live);
    expect((await second.live.post('/removed/allow', { identity }).expect(403)).body.error.code).toBe(
      'OUTRANKED',
    );
    await host.live.post('/removed/allow', { identity }).expect(204);
    moderator = { launch: assistant.launch, live: await connectLaunched(server, assistant.launch) };
    open.push(moderator.live);
  });

  it('sends an admitted guest back to the lobby', async () => {
    const visitor = await newGuest('Lobby Again');
    const guest = await connect(visitor);
    await moderator.live
      .post(`/participants/${guest.id}/lobby`, { participant: moderator.live.id })
      .expect(204);
    expect((await guest.stream.next((event) => event.event === 'departed', 1000)).data).toEqual({
      reason: 'lobby',
    });
    const lobby = (await api.get('/lobby').expect(200)).body.waiting as Array<{ name: string }>;
    expect(lobby.map((waiting) => waiting.name)).toContain('Lobby Again');
    await visitor.agent
      .get(`/guest/rooms/${visitor.roomId}`)
      .expect(303)
      .expect('Location', /\/waiting$/);
    expect((await viewer.live.post(`/participants/${host.live.id}/lobby`).expect(403)).body.error.code).toBe(
      'FORBIDDEN',
    );
    expect((await host.live.post(`/participants/${viewer.live.id}/lobby`).expect(409)).body.error.code).toBe(
      'NOT_A_GUEST',
    );
  });

  it('keeps guests already inside when guest access is turned off, until they reload', async () => {
    const visitor = await newGuest('Stays Inside');
    const guest = await connect(visitor);
    await api.put('/guest-access', { enabled: false }).expect(200);
    try {
      const hostToGuest = `${host.live.id}~${guest.id}`;
      await host.live.signal(offer(hostToGuest)).expect(204);
      await signalOn(guest, hostToGuest);
      await guest.signal(answer(hostToGuest)).expect(204);
      // A dropped connection comes back too…
      guest.close();
      const back = await connect(visitor);
      expect(back.welcome.self.name).toBe('Stays Inside');
      // …but a reload shows the turned-off page.
      const page = await visitor.agent.get(`/guest/rooms/${visitor.roomId}`).expect(403);
      expect(page.text).toContain('Guest access is turned off');
    } finally {
      await api.put('/guest-access', { enabled: true }).expect(200);
    }
  });

  it('ends the session for everyone when a moderator says so, and lets them join again', async () => {
    const visitor = await newGuest('Until The End');
    const guest = await connect(visitor);
    expect((await viewer.live.post('/end').expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await guest.post('/end').expect(403)).body.error.code).toBe('FORBIDDEN');
    const ended = await moderator.live.post('/end').expect(200);
    expect(ended.body.ended).toBeGreaterThanOrEqual(4);
    for (const client of [guest, viewer.live, host.live, moderator.live])
      expect((await client.stream.next((event) => event.event === 'departed', 1000)).data).toEqual({
        reason: 'ended',
        by: 'Tim Berners-Lee',
      });
    const back = await connect(visitor);
    expect(back.welcome.self.name).toBe('Until The End');
    host = { launch: host.launch, live: await connectLaunched(server, host.launch) };
    moderator = { launch: moderator.launch, live: await connectLaunched(server, moderator.launch) };
    viewer = { launch: viewer.launch, live: await connectLaunched(server, viewer.launch) };
    open.push(host.live, moderator.live, viewer.live);
  });

  it('limits each person’s reconnects and posts, whatever participant ids they send', async () => {
    const visitor = await newGuest('Restless');
    let refused: ReturnType<typeof openGuest> | null = null;
    for (let attempt = 0; attempt < 25 && !refused; attempt++) {
      const stream = openGuest(server, visitor);
      await Promise.race([
        stream.next((event) => event.event === 'welcome').catch(() => undefined),
        stream.closed(),
      ]);
      if (stream.status() === 429) refused = stream;
      stream.close();
    }
    expect(refused?.refusal()?.error.code).toBe('TOO_MANY_REQUESTS');
    // Made-up participant ids share the sender's one bucket.
    const statuses = new Set<number>();
    for (let attempt = 0; attempt < 245; attempt++) {
      const response = await guestPost(visitor)('/hand', {
        participant: `made-up-id-${String(attempt).padStart(8, '0')}`,
        raised: true,
      });
      statuses.add(response.status);
      if (response.status === 429) break;
    }
    expect([...statuses]).toEqual([409, 429]);
  });

  it('answers bad requests with a 4xx naming the problem', async () => {
    const guest = await connect(await newGuest('Careless Guest'));
    const post = guest.post;
    expect((await post('/signal', { signal: offer('x~y') }).expect(400)).body.error.field).toBe(
      'participant',
    );
    expect(
      (await post('/signal', { participant: guest.id, signal: offer('x~y'), extra: 1 }).expect(400)).body
        .error.message,
    ).toContain('extra');
    expect(
      (await guest.signal({ type: 'answer', link: 'not-a-link', sdp: sdp('recvonly') }).expect(400)).body
        .error.code,
    ).toBe('BAD_LINK');
    expect(
      (
        await guest
          .signal({ type: 'answer', link: `${host.live.id}~${guest.id}`, sdp: 'x'.repeat(30_000) })
          .expect(400)
      ).body.error.field,
    ).toBe('signal.sdp');
    expect((await guest.signal({ type: 'hello', link: 'a~b' }).expect(400)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await host.live.post(`/participants/${guest.id}/explode`).expect(404)).body.error.code).toBe(
      'NOT_FOUND',
    );
    expect((await host.live.post('/participants/%00/remove').expect(400)).body.error.field).toBe('targetId');
    const unsigned = await host.launch.agent
      .post(`/api/rooms/${host.launch.roomId}/live/hand`)
      .send({ participant: host.live.id, raised: true });
    expect(unsigned.status).toBe(401);
    const forged = await guest
      .post('/hand', { participant: guest.id, raised: true })
      .set('X-CSRF-Token', 'forged');
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_FAILED');
    const text = await post('/hand').set('Content-Type', 'text/plain').send('raised');
    expect(text.status).toBe(400);
    const noise = Array.from({ length: 150 }, () => `a=x-noise:${randomBytes(96).toString('base64')}`).join(
      '\r\n',
    );
    const bloated = await host.live.signal({
      ...offer(`${host.live.id}~${guest.id}`),
      sdp: `${sdp('sendonly')}${noise}\r\n`,
    });
    // Too large to tell another instance of (PostgreSQL's NOTIFY); MongoDB has room for it.
    expect(bloated.status).toBe(backend === 'mongodb' ? 204 : 413);
  });
});

describe.each(BACKENDS)('the built-in engine’s participant cap on %s', (backend) => {
  let server: TestServer;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    server = await serverOn(backend, { BUILTIN_MAX_PARTICIPANTS: '2' });
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  it('admits exactly the cap under a rush, refuses the rest with a page naming Janus, and never the host', async () => {
    const room = await roomWithLink(server);
    await room.api.put('/lobby', { enabled: false }).expect(200);
    const guests = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        admittedGuest(server, room.link, room.host.roomId, async () => undefined, `Rush ${index}`),
      ),
    );
    const streams = guests.map((guest) => openGuest(server, guest));
    open.push(...streams);
    await Promise.all(
      streams.map((stream) =>
        Promise.race([
          stream.next((event) => event.event === 'welcome').catch(() => undefined),
          stream.closed(),
        ]),
      ),
    );
    const statuses = streams.map((stream) => stream.status()).sort();
    expect(statuses).toEqual([200, 200, 503, 503, 503]);
    expect(streams.find((stream) => stream.status() === 503)!.refusal()!.error.code).toBe('ROOM_FULL');

    const refusedGuest = guests[streams.findIndex((stream) => stream.status() === 503)]!;
    const page = await refusedGuest.agent.get(`/guest/rooms/${room.host.roomId}`).expect(503);
    expect(page.text).toContain('This live session is full');
    expect(page.text).toContain('ROOM_ENGINE=janus');

    const student = await sandboxLaunch(server, { user: 'student' });
    expect(student.status).toBe(503);
    expect(student.html).toContain('This live session is full');
    const host = await connectLaunched(server, room.host);
    open.push(host);
    expect(host.welcome.self.role).toBe('host');
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)(
  'the live session across two instances sharing PostgreSQL',
  () => {
    it('relays signals both ways and ends a removed guest’s stream on the other instance', async () => {
      const database = await createPostgresDatabase();
      const a = await startTestServer({ configuredStorage: true, env: { DATABASE_URL: database.url } });
      const b = await startTestServer({ configuredStorage: true, env: { DATABASE_URL: database.url } });
      const open: LiveClient[] = [];
      try {
        const room = await roomWithLink(b);
        await room.api.put('/lobby', { enabled: false }).expect(200);
        const host = await connectLaunched(b, room.host);
        const guest = await connectGuest(
          a,
          await admittedGuest(a, room.link, room.host.roomId, async () => undefined, 'Across'),
        );
        open.push(host, guest);
        await host.stream.next(
          (event) => event.event === 'participant' && (event.data as { id: string }).id === guest.id,
        );
        const link = `${host.id}~${guest.id}`;
        await host.signal(offer(link)).expect(204);
        await signalOn(guest, link);
        await guest.signal(answer(link)).expect(204);
        await signalOn(host, link);

        const removedAt = Date.now();
        await host.post(`/participants/${guest.id}/remove`, { participant: host.id }).expect(204);
        const departed = await guest.stream.next((event) => event.event === 'departed', 1000);
        expect(departed.at - removedAt).toBeLessThan(1000);
      } finally {
        for (const client of open) client.close();
        await a.close();
        await b.close();
        await database.drop();
      }
    });
  },
);

describe('TURN credentials for pages', () => {
  it('gives each page a TURN credential of its own, with ICE_SERVERS before it', async () => {
    const server = await startTestServer({
      env: {
        ICE_SERVERS: '[{"urls":"stun:stun.example.edu:3478"}]',
        TURN_URLS: 'turn:turn.example.edu:3478',
        TURN_SECRET: 'a-long-turn-secret',
      },
    });
    try {
      const { live } = await launchAndConnect(server);
      const servers = (live.welcome.config as unknown as { iceServers: Array<Record<string, unknown>> })
        .iceServers;
      expect(servers[0]).toEqual({ urls: 'stun:stun.example.edu:3478' });
      expect(servers[1]).toMatchObject({ urls: ['turn:turn.example.edu:3478'] });
      expect(String(servers[1]!.username)).toMatch(new RegExp(`^\\d+:${live.id}$`));
      live.close();
    } finally {
      await server.close();
    }
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)('a page that leaves while it is being connected', () => {
  it('leaves no participant behind', async () => {
    const server = await startTestServer({ backend: 'postgres' });
    try {
      const room = await roomWithLink(server);
      await room.api.put('/lobby', { enabled: false }).expect(200);
      const guests = await Promise.all(
        Array.from({ length: 3 }, (_, index) =>
          admittedGuest(server, room.link, room.host.roomId, async () => undefined, `Hasty ${index}`),
        ),
      );
      // Hold the room's join lock, so the connections wait in the middle of joining…
      const held = server.sql.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('live:' || $1))`, [room.host.roomId]);
        await new Promise((resolve) => setTimeout(resolve, 600));
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const streams = guests.map((guest) => openGuest(server, guest));
      // …and have their pages go away meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 150));
      for (const stream of streams) stream.close();
      await held;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await server.runtime.storage.live.list(room.host.roomId)).toEqual([]);
      expect(server.runtime.liveHub.connectionCount).toBe(0);
    } finally {
      await server.close();
    }
  });
});
