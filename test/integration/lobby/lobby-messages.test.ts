import { apiFor } from '../../helpers/api';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../../helpers/databases';
import { joinAs, roomWithLink } from '../../helpers/guests';
import { connectLaunched } from '../../helpers/live';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { openSse, passCookie, type SseEvent } from '../../helpers/sse';
import { startTestServer, type TestServer } from '../../helpers/test-server';

interface WaitingData {
  lobbyMessage: { text: string; at: string } | null;
  privateMessage: { text: string; at: string } | null;
  moderatorPresent: boolean | null;
  presence: string;
}

const NOT_STARTED = "The session hasn't started yet. You'll be let in when a moderator arrives.";
const MODERATOR_HERE = 'A moderator is here and will let you in shortly.';

const waitingEvent =
  (check: (data: WaitingData) => boolean) =>
  (event: SseEvent): boolean =>
    event.event === 'waiting' && check(event.data as WaitingData);

/** A guest who joined through the link and waits, with their waiting page's event stream open. */
async function waitingGuest(server: TestServer, path: string, name: string) {
  const guest = await joinAs(server, path, { name });
  const cookie = passCookie(guest.response.headers['set-cookie']);
  const roomId = guest.response.headers.location!.split('/')[3]!;
  const stream = openSse(`${server.url}/guest/rooms/${roomId}/events`, { Cookie: cookie });
  const first = await stream.next((event) => event.event === 'waiting');
  return { ...guest, cookie, roomId, stream, first: first.data as WaitingData };
}

async function auditActions(server: TestServer, roomId: string): Promise<string[]> {
  const rows = await server.sql.query<{ action: string }>(
    `SELECT action FROM audit_events WHERE room_id = $1 AND action LIKE 'lobby.message%' ORDER BY id`,
    [roomId],
  );
  return rows.map((row) => row.action);
}

describe('talking to the lobby over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('lets hosts and moderators set, change and clear the lobby message, and audits each change', async () => {
    const { api, host } = await roomWithLink(server);
    await api.put('/lobby/message', { text: null }).expect(200);
    const before = (await auditActions(server, host.roomId)).length;
    const set = await api
      .put('/lobby/message', { text: '  We start at 10:05 — thanks for waiting  ' })
      .expect(200);
    expect(set.body.lobbyMessage).toEqual({
      text: 'We start at 10:05 — thanks for waiting',
      at: expect.any(String),
    });
    expect((await api.get('/lobby').expect(200)).body.lobbyMessage.text).toBe(
      'We start at 10:05 — thanks for waiting',
    );

    const moderator = apiFor(await sandboxLaunch(server, { user: 'co-instructor' }));
    await moderator.put('/lobby/message', { text: 'Line one\nLine two' }).expect(200);
    expect((await api.get('/lobby')).body.lobbyMessage.text).toBe('Line one\nLine two');
    // The same text again changes nothing and records nothing.
    await moderator.put('/lobby/message', { text: 'Line one\nLine two' }).expect(200);
    const cleared = await api.put('/lobby/message', { text: '' }).expect(200);
    expect(cleared.body.lobbyMessage).toBeNull();
    expect((await auditActions(server, host.roomId)).slice(before)).toEqual([
      'lobby.message-set',
      'lobby.message-set',
      'lobby.message-cleared',
    ]);
  });

  it('refuses students (403), other rooms (404) and bad input (400 naming the field), storing nothing', async () => {
    const { api, host, link } = await roomWithLink(server);
    await api.put('/lobby/message', { text: 'Kept' }).expect(200);
    const guest = await joinAs(server, link.path, { name: 'Refused Messages' });
    const [waiting] = (await api.get('/lobby')).body.waiting;

    const student = apiFor(await sandboxLaunch(server, { user: 'student' }));
    const asStudent = await student.put('/lobby/message', { text: 'Hi' }).expect(403);
    expect(asStudent.body.error.code).toBe('FORBIDDEN');
    await student.post(`/lobby/${waiting.id}/message`, { text: 'Hi' }).expect(403);

    const elsewhere = await sandboxLaunch(server, { placement: 'hist-210/office-hours' });
    const otherRoom = apiFor(elsewhere);
    await otherRoom.enable();
    const notHere = await otherRoom.post(`/lobby/${waiting.id}/message`, { text: 'Hi' }).expect(404);
    expect(notHere.body.error.code).toBe('NOT_FOUND');
    // A room this launch is not in.
    const foreign = apiFor(elsewhere, host.roomId);
    expect([403, 404]).toContain((await foreign.put('/lobby/message', { text: 'Hi' })).status);

    const bad: Array<[unknown, string, RegExp]> = [
      [{ text: 'x'.repeat(501) }, 'text', /at most 500 characters/],
      [{ text: 'Bell\u0007' }, 'text', /control characters/],
      [{ text: 'Override \u202e' }, 'text', /control characters/],
      [{ text: 42 }, 'text', /must be a string/],
      [{}, 'text', /must be a string/],
      [{ text: 'Hi', extra: 1 }, 'extra', /Unknown field/],
    ];
    for (const [body, field, message] of bad) {
      const refused = await api.put('/lobby/message', body).expect(400);
      expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(refused.body.error.message).toMatch(message);
      const refusedPrivate = await api.post(`/lobby/${waiting.id}/message`, body).expect(400);
      expect(refusedPrivate.body.error.field).toBe(field);
    }
    const empty = await api.post(`/lobby/${waiting.id}/message`, { text: '   ' }).expect(400);
    expect(empty.body.error).toMatchObject({ field: 'text', message: 'text must not be empty.' });
    await api.put('/lobby/message').set('Content-Type', 'text/plain').send('Hi').expect(400);
    // An id of a shape Guestlink never makes: the path guard's 404, before any database call.
    await api.post('/lobby/not-a-uuid/message', { text: 'Hi' }).expect(404);

    expect((await api.get('/lobby')).body.lobbyMessage.text).toBe('Kept');
    expect((await api.get('/lobby')).body.waiting[0].privateMessage).toBeNull();
    const page = await guest.agent.get(`/guest/rooms/${host.roomId}/waiting`).expect(200);
    expect(page.text).toMatch(/id="waiting-private-message"[^>]* hidden>/);
  });

  it('answers 409 for a guest who no longer waits, and keeps nothing on the visit', async () => {
    const { api, link } = await roomWithLink(server);
    await joinAs(server, link.path, { name: 'Decided Already' });
    const [waiting] = (await api.get('/lobby')).body.waiting;
    await api.post(`/lobby/${waiting.id}/deny`).expect(200);
    const refused = await api.post(`/lobby/${waiting.id}/message`, { text: 'Too late' }).expect(409);
    expect(refused.body.error.code).toBe('NOT_WAITING');
    const [row] = await server.sql.query<{ private_message: string | null }>(
      'SELECT private_message FROM guest_visits WHERE id = $1',
      [waiting.id],
    );
    expect(row!.private_message).toBeNull();
  });

  it('shows a message written before anyone waits to the first guest, on the page and on its stream', async () => {
    const { api, host, link } = await roomWithLink(server);
    await api.put('/lobby/message', { text: 'We start at 10:05 <b>sharp</b>' }).expect(200);
    const guest = await waitingGuest(server, link.path, 'First Guest');
    expect(guest.first.lobbyMessage!.text).toBe('We start at 10:05 <b>sharp</b>');
    expect(guest.first.privateMessage).toBeNull();

    const page = await guest.agent.get(`/guest/rooms/${host.roomId}/waiting`).expect(200);
    expect(page.text).toContain('From the moderators');
    // Escaped, never markup.
    expect(page.text).toContain('We start at 10:05 &lt;b&gt;sharp&lt;/b&gt;');
    expect(page.text).toContain('<meta http-equiv="refresh" content="5">');
    expect(page.text).toContain('Introduction to Biology');
    expect(page.text).toContain('Weekly live session');
    const status = await guest.agent.get(`/guest/rooms/${host.roomId}/status`).expect(200);
    expect(status.body.waiting.lobbyMessage.text).toBe('We start at 10:05 <b>sharp</b>');
    guest.stream.close();
  });

  it('brings a changed message to every waiting guest live, and keeps broadcast and private side by side', async () => {
    const { api, link } = await roomWithLink(server);
    await api.put('/lobby/message', { text: null }).expect(200);
    const ada = await waitingGuest(server, link.path, 'Ada Guest');
    const bob = await waitingGuest(server, link.path, 'Bob Guest');
    expect(ada.first.lobbyMessage).toBeNull();

    const changedAt = Date.now();
    await api.put('/lobby/message', { text: 'Five more minutes' }).expect(200);
    for (const guest of [ada, bob]) {
      const seen = await guest.stream.next(
        waitingEvent((data) => data.lobbyMessage?.text === 'Five more minutes'),
        1000,
      );
      expect(seen.at - changedAt).toBeLessThan(1000);
    }

    const ids = Object.fromEntries(
      ((await api.get('/lobby')).body.waiting as Array<{ id: string; name: string }>).map((g) => [
        g.name,
        g.id,
      ]),
    );
    await api.post(`/lobby/${ids['Ada Guest']}/message`, { text: 'Please tell us your school' }).expect(200);
    const both = await ada.stream.next(
      waitingEvent((data) => data.privateMessage !== null),
      1000,
    );
    expect(both.data).toMatchObject({
      lobbyMessage: { text: 'Five more minutes' },
      privateMessage: { text: 'Please tell us your school' },
    });
    // A later broadcast keeps the private message.
    await api.put('/lobby/message', { text: 'Starting now' }).expect(200);
    const later = await ada.stream.next(
      waitingEvent((data) => data.lobbyMessage?.text === 'Starting now'),
      1000,
    );
    expect((later.data as WaitingData).privateMessage!.text).toBe('Please tell us your school');
    // Bob never sees Ada's private message.
    await bob.stream.next(
      waitingEvent((data) => data.lobbyMessage?.text === 'Starting now'),
      1000,
    );
    expect(bob.stream.events.some((event) => (event.data as WaitingData).privateMessage)).toBe(false);
    const adaPage = await ada.agent.get(`/guest/rooms/${ada.roomId}/waiting`).expect(200);
    expect(adaPage.text).toContain('To you');
    expect(adaPage.text).not.toMatch(/id="waiting-private-message"[^>]* hidden>/);
    expect(adaPage.text).toContain('Please tell us your school');
    expect(adaPage.text).toContain('Starting now');
    const moderatorView = (await api.get('/lobby')).body.waiting.find(
      (g: { id: string }) => g.id === ids['Ada Guest'],
    );
    expect(moderatorView.privateMessage.text).toBe('Please tell us your school');

    // Cleared: the guests' pages drop it live.
    await api.put('/lobby/message', { text: null }).expect(200);
    await bob.stream.next(
      waitingEvent((data) => data.lobbyMessage === null && bob.stream.events.length > 2),
      1000,
    );
    ada.stream.close();
    bob.stream.close();
  });

  it('tells moderators’ panels of a new lobby message live', async () => {
    const { api, host } = await roomWithLink(server);
    const panel = openSse(`${server.url}/api/rooms/${host.roomId}/lobby/events`, {
      Authorization: `Bearer ${host.ltik}`,
      Cookie: host.agent.jar
        .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
        .toString(),
    });
    await panel.next((event) => event.event === 'lobby');
    await api.put('/lobby/message', { text: 'Seen by every panel' }).expect(200);
    await panel.next(
      (event) =>
        (event.data as { lobbyMessage: { text: string } | null }).lobbyMessage?.text ===
        'Seen by every panel',
      1000,
    );
    panel.close();
  });

  it('says whether a moderator is in the room, live, as a host joins and leaves the stage', async () => {
    const { host, link } = await roomWithLink(server, {}, 'hist-210/office-hours');
    const guest = await waitingGuest(server, link.path, 'Early Guest');
    expect(guest.first).toMatchObject({ moderatorPresent: false, presence: NOT_STARTED });
    const page = await guest.agent.get(`/guest/rooms/${host.roomId}/waiting`).expect(200);
    expect(page.text).toContain('The session hasn&#39;t started yet.');

    // A student on the stage is not a moderator.
    const student = await connectLaunched(
      server,
      await sandboxLaunch(server, { user: 'student', placement: 'hist-210/office-hours' }),
    );
    const stage = await connectLaunched(server, host);
    const arrived = await guest.stream.next(
      waitingEvent((data) => data.moderatorPresent === true),
      1000,
    );
    expect((arrived.data as WaitingData).presence).toBe(MODERATOR_HERE);
    expect((await guest.agent.get(`/guest/rooms/${host.roomId}/waiting`)).text).toContain(MODERATOR_HERE);
    stage.close();
    const left = await guest.stream.next(
      (event) => event.at > arrived.at && waitingEvent((data) => data.moderatorPresent === false)(event),
      2000,
    );
    expect((left.data as WaitingData).presence).toBe(NOT_STARTED);
    student.close();
    guest.stream.close();
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)(
  'lobby messages across two instances sharing PostgreSQL',
  () => {
    it('brings a message written on instance B to a guest waiting on instance A', async () => {
      const database = await createPostgresDatabase();
      const a = await startTestServer({ configuredStorage: true, env: { DATABASE_URL: database.url } });
      const b = await startTestServer({ configuredStorage: true, env: { DATABASE_URL: database.url } });
      try {
        const { link, host } = await roomWithLink(b);
        const guest = await waitingGuest(a, link.path, 'Across Instances');
        expect(guest.first.moderatorPresent).toBe(false);
        const api = apiFor(host);
        await api.put('/lobby/message', { text: 'From instance B' }).expect(200);
        await guest.stream.next(
          waitingEvent((data) => data.lobbyMessage?.text === 'From instance B'),
          1000,
        );
        const [waiting] = (await api.get('/lobby')).body.waiting;
        await api.post(`/lobby/${waiting.id}/message`, { text: 'Just for you' }).expect(200);
        await guest.stream.next(
          waitingEvent((data) => data.privateMessage?.text === 'Just for you'),
          1000,
        );
        const stage = await connectLaunched(b, host);
        await guest.stream.next(
          waitingEvent((data) => data.moderatorPresent === true),
          1000,
        );
        stage.close();
        guest.stream.close();
      } finally {
        await a.close();
        await b.close();
        await database.drop();
      }
    });
  },
);
