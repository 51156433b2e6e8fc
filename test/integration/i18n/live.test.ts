import request from 'supertest';
import { roomWithLink, type GuestLink } from '../../helpers/guests';
import {
  admittedGuest,
  connectLaunched,
  launchedPost,
  openGuest,
  sdp,
  TRACKS,
  type LiveClient,
} from '../../helpers/live';
import { openSse, passCookie } from '../../helpers/sse';
import { hiddenField, sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** The page's scripts' words, as foot.ejs embeds them for public/js/i18n.js. */
function clientMessagesOf(html: string): Record<string, string> {
  const json = /<script type="application\/json" id="gl-messages">([^<]*)<\/script>/.exec(html)?.[1];
  return json ? (JSON.parse(json) as Record<string, string>) : {};
}

/**
 * The live session speaks each reader's language: a launched user's the launch's locale, a
 * guest's their browser's (Accept-Language). Refusals of the live API come back in it, and the
 * stage's page ships its scripts' words in it. Nothing is stored in one language: two people
 * in the same room each read their own.
 */
describe('the live session in the reader’s language', () => {
  let server: TestServer;
  let host: Launch;
  let link: GuestLink;
  let api: Awaited<ReturnType<typeof roomWithLink>>['api'];
  let hostLive: LiveClient;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    server = await startTestServer();
    const room = await roomWithLink(server);
    link = room.link;
    api = room.api;
    // The same room, launched again in Spanish: the host's page and answers follow this launch.
    host = await sandboxLaunch(server, { locale: 'es-ES' });
    hostLive = await connectLaunched(server, host);
    open.push(hostLive);
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  /** A German-speaking guest through the link, admitted, connected to the stage. */
  async function germanGuest(name: string) {
    const agent = request.agent(server.url);
    const german = { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' };
    const entry = await agent.get(link.path).set(german).expect(200);
    const joined = await agent
      .post(link.path)
      .set(german)
      .type('form')
      .send({ _csrf: hiddenField(entry.text, '_csrf'), name, email: 'gerda@example.org' });
    if (joined.headers.location?.endsWith('/waiting')) {
      const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{
        id: string;
        name: string;
      }>;
      await api.post(`/lobby/${waiting.find((guest) => guest.name === name)!.id}/admit`).expect(200);
    }
    const page = await agent.get(`/guest/rooms/${host.roomId}`).set(german).expect(200);
    const csrf = hiddenField(page.text, '_csrf');
    const stream = openSse(`${server.url}/guest/rooms/${host.roomId}/live/events`, {
      Cookie: passCookie(joined.headers['set-cookie']),
      ...german,
    });
    open.push(stream);
    const welcome = (await stream.next((event) => event.event === 'welcome')).data as {
      self: { id: string };
    };
    const post = (path: string, body: Record<string, unknown>) =>
      agent
        .post(`/guest/rooms/${host.roomId}/live${path}`)
        .set('X-CSRF-Token', csrf)
        .set('Accept', 'application/json')
        .set(german)
        .send(body);
    return { id: welcome.self.id, page: page.text, post };
  }

  it('renders the launched host’s stage in the launch’s Spanish, its scripts’ words included', () => {
    expect(host.html).toContain('<html lang="es" dir="ltr">');
    expect(host.html).toContain('<span id="stage-status-text">Conectando con la sesión en directo…</span>');
    expect(host.html).toContain('aria-label="Controles de la sesión en directo"');
    expect(host.html).toContain('<h2 id="end-title">¿Finalizar la sesión en directo para todos?</h2>');
    const words = clientMessagesOf(host.html);
    expect(words['live:js.role.guest']).toBe('Invitado');
    expect(words['live:js.control.lowerHand']).toBe('Bajar la mano');
    expect(words['live:js.others']).toBe('{count, plural, one {y # persona más} other {y # personas más}}');
  });

  it('answers a German guest’s forged signal and publishing in German, and the Spanish host’s refusals in Spanish', async () => {
    const guest = await germanGuest('Gerda Gast');
    expect(guest.page).toContain('<html lang="de" dir="ltr">');
    expect(guest.page).toContain('Verbindung zur Live-Sitzung wird hergestellt…');
    expect(guest.page).toContain('<span>Hand heben</span>');
    expect(clientMessagesOf(guest.page)['live:js.role.host']).toBe('Gastgeber');

    // A guest offering media of their own, and offering on the host's link instead.
    const offering = await guest
      .post('/signal', {
        participant: guest.id,
        signal: { type: 'offer', link: `${guest.id}~${hostLive.id}`, sdp: sdp('sendonly'), tracks: TRACKS },
      })
      .expect(403);
    expect(offering.body.error).toEqual({
      code: 'RECEIVE_ONLY',
      message: 'In diesem Raum können Sie zusehen und zuhören, aber keine Medien senden.',
    });
    const forged = await guest
      .post('/signal', {
        participant: guest.id,
        signal: { type: 'offer', link: `${hostLive.id}~${guest.id}`, sdp: sdp('sendonly'), tracks: TRACKS },
      })
      .expect(403);
    expect(forged.body.error).toEqual({
      code: 'RECEIVE_ONLY',
      message: 'Nur der Präsentator einer Verbindung kann Medien anbieten.',
    });
    const elsewhere = await guest
      .post('/signal', {
        participant: guest.id,
        signal: { type: 'answer', link: `${hostLive.id}~someone-else-entirely`, sdp: sdp('recvonly') },
      })
      .expect(403);
    expect(elsewhere.body.error).toEqual({
      code: 'NOT_YOUR_LINK',
      message: 'Sie können nur über Ihre eigenen Verbindungen signalisieren.',
    });
    // A guest claiming to send a camera.
    const publishing = await guest
      .post('/media', { participant: guest.id, audio: false, video: true, screen: false })
      .expect(403);
    expect(publishing.body.error.message).toBe(
      'In diesem Raum können Sie zusehen und zuhören, aber keine Medien senden.',
    );

    // The host, in the same room, reads their refusals in Spanish, the guest's name as it is.
    const hostPost = launchedPost(host);
    const mute = await hostPost(`/participants/${guest.id}/mute`, { participant: hostLive.id }).expect(409);
    expect(mute.body.error).toEqual({
      code: 'NOT_UNMUTED',
      message: 'El micrófono de Gerda Gast ya está desactivado.',
    });
    const lower = await hostPost(`/participants/${guest.id}/lower-hand`, { participant: hostLive.id }).expect(
      409,
    );
    expect(lower.body.error.message).toBe('Gerda Gast no ha levantado la mano.');
    const unknown = await hostPost(`/participants/${guest.id}/dance`, { participant: hostLive.id }).expect(
      404,
    );
    expect(unknown.body.error).toEqual({ code: 'NOT_FOUND', message: 'No existe la acción «dance».' });

    // The same refusal, asked in English by a launch without a locale, stays the source text.
    const english = await sandboxLaunch(server);
    const englishLive = await connectLaunched(server, english);
    open.push(englishLive);
    const englishMute = await launchedPost(english)(`/participants/${guest.id}/mute`, {
      participant: englishLive.id,
    }).expect(409);
    expect(englishMute.body.error.message).toBe('Gerda Gast’s microphone is already off.');
  });

  it('refuses a German guest’s moderating in German', async () => {
    const guest = await germanGuest('Greta Gast');
    const refused = await guest.post(`/participants/${hostLive.id}/mute`, {}).expect(403);
    expect(refused.body.error).toEqual({
      code: 'FORBIDDEN',
      message: 'Nur Gastgeber und Moderatoren können Teilnehmende verwalten.',
    });
  });
});

describe('a full live session in the reader’s language', () => {
  let server: TestServer;
  const open: Array<{ close(): void }> = [];
  beforeAll(async () => {
    server = await startTestServer({ env: { BUILTIN_MAX_PARTICIPANTS: '2' } });
  });
  afterAll(async () => {
    for (const stream of open) stream.close();
    await server?.close();
  });

  it('explains the full room to a student launched in Spanish, with the cap in the plural', async () => {
    const room = await roomWithLink(server);
    await room.api.put('/lobby', { enabled: false }).expect(200);
    for (const name of ['First In', 'Second In']) {
      const guest = await admittedGuest(server, room.link, room.host.roomId, async () => undefined, name);
      const stream = openGuest(server, guest);
      open.push(stream);
      await stream.next((event) => event.event === 'welcome');
    }

    const student = await sandboxLaunch(server, { user: 'student', locale: 'es-ES' });
    expect(student.status).toBe(503);
    expect(student.html).toContain('<html lang="es" dir="ltr">');
    expect(student.html).toContain('<h1 id="message-title">Esta sesión en directo está completa</h1>');
    expect(student.html).toContain('admite hasta 2 participantes a la vez.');
    expect(student.html).toContain(
      '<strong>Para quien administra Guestlink:</strong> esta sala usa el motor integrado',
    );
    expect(student.html).toContain('<code>ROOM_ENGINE=janus</code>');
  });
});
