import { randomUUID } from 'node:crypto';
import { apiFor } from '../../helpers/api';
import { joinAs, roomWithLink } from '../../helpers/guests';
import { invitedPerson } from '../../helpers/invitees';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * The lobby speaks its moderator's language: a launched moderator's the launch's locale, an
 * invited moderator's the browser's (Accept-Language). Refusals come as JSON in that language;
 * the code and the field stay the same in every language.
 */
describe('the lobby in the moderator’s language', () => {
  let server: TestServer;
  let roomId: string;
  let linkPath: string;

  beforeAll(async () => {
    server = await startTestServer();
    const room = await roomWithLink(server);
    roomId = room.host.roomId;
    linkPath = room.link.path;
  });

  afterAll(() => server.close());

  it('renders the panel and the lobby bar of an es-ES launch in Spanish', async () => {
    const launch = await sandboxLaunch(server, { locale: 'es-ES' });
    expect(launch.roomId).toBe(roomId);
    const html = launch.html;
    expect(html).toContain('<html lang="es" dir="ltr">');
    expect(html).toMatch(
      /<h2 id="lobby-heading">Sala de espera <span[^>]*aria-label="0 invitados esperando"/,
    );
    expect(html).toContain('id="lobby-admit-all" disabled>Admitir a todos</button>');
    expect(html).toContain('id="lobby-deny-all" disabled>Rechazar a todos</button>');
    expect(html).toContain('Los invitados esperan a que un moderador los admita');
    expect(html).toContain(
      'aria-controls="lobby-panel">Sala de espera · <span id="lobby-jump-count">0 esperando</span>',
    );
    expect(html).toContain('id="lobby-toast-view">Ver la sala de espera</button>');
    expect(html).toContain('No hay ningún mensaje en la sala de espera.');
    expect(html).not.toContain('Admit all');
    expect(html).not.toContain('No guests are waiting.');
  });

  it('refuses an es-ES launch’s lobby requests in Spanish', async () => {
    const spanish = apiFor(await sandboxLaunch(server, { locale: 'es-ES' }));
    const tooLong = await spanish.put('/lobby/message', { text: 'x'.repeat(501) }).expect(400);
    expect(tooLong.body.error).toEqual(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        field: 'text',
        message: 'El mensaje no puede superar los 500 caracteres.',
      }),
    );
    const control = await spanish.put('/lobby/message', { text: 'Hola\u202e' }).expect(400);
    expect(control.body.error.message).toBe('El mensaje no puede contener caracteres de control.');
    const notText = await spanish.put('/lobby/message', { text: 42 }).expect(400);
    expect(notText.body.error.message).toBe('El mensaje debe ser un texto.');

    // Nobody waits under this id: a deny, an admit and a private message of a guest who is not there.
    const nobody = randomUUID();
    const deny = await spanish.post(`/lobby/${nobody}/deny`).expect(409);
    expect(deny.body.error).toEqual(
      expect.objectContaining({
        code: 'NOT_WAITING',
        message:
          'Este invitado ya no está esperando: otra persona ya tomó una decisión o el invitado se marchó.',
      }),
    );
    const message = await spanish.post(`/lobby/${nobody}/message`, { text: 'Hola' }).expect(404);
    expect(message.body.error.message).toBe('Este invitado no está en esta sala.');

    await joinAs(server, linkPath, { name: 'Ana Espera', email: 'ana@example.org' });
    const [waiting] = (await spanish.get('/lobby').expect(200)).body.waiting as Array<{ id: string }>;
    const empty = await spanish.post(`/lobby/${waiting!.id}/message`, { text: '   ' }).expect(400);
    expect(empty.body.error).toEqual(
      expect.objectContaining({ field: 'text', message: 'El mensaje no puede estar vacío.' }),
    );
    await spanish.post(`/lobby/${waiting!.id}/deny`).expect(200);
    const again = await spanish.post(`/lobby/${waiting!.id}/admit`).expect(409);
    expect(again.body.error.code).toBe('NOT_WAITING');
    expect(again.body.error.message).toMatch(/^Este invitado ya no está esperando/);

    const student = apiFor(await sandboxLaunch(server, { user: 'student', locale: 'es-ES' }));
    const refused = await student.get('/lobby').expect(403);
    expect(refused.body.error.message).toBe(
      'Solo los anfitriones y los moderadores pueden administrar la sala de espera.',
    );
  });

  it('keeps the English refusals word for word for an en-US launch', async () => {
    const english = apiFor(await sandboxLaunch(server));
    const tooLong = await english.put('/lobby/message', { text: 'x'.repeat(501) }).expect(400);
    expect(tooLong.body.error.message).toBe('text must be at most 500 characters.');
    const deny = await english.post(`/lobby/${randomUUID()}/deny`).expect(409);
    expect(deny.body.error.message).toBe(
      'This guest is no longer waiting: someone else decided, or the guest left.',
    );
  });

  it('counts the limit in Arabic words for an ar-SA launch', async () => {
    const arabic = apiFor(await sandboxLaunch(server, { locale: 'ar-SA' }));
    const tooLong = await arabic.put('/lobby/message', { text: 'x'.repeat(501) }).expect(400);
    expect(tooLong.body.error.message).toMatch(/^يجب ألا يتجاوز طول الرسالة .+ حرف\.$/);
  });

  it('answers an invited moderator in their browser’s language (Accept-Language: de)', async () => {
    const moderator = await invitedPerson(server, roomId, 'moderator', { name: 'Moritz Moderator' });
    const base = `/guest/rooms/${roomId}/lobby`;
    const german = <T extends { set(name: string, value: string): T }>(call: T) =>
      call
        .set('Accept', 'application/json')
        .set('Accept-Language', 'de-DE,de;q=0.9')
        .set('X-CSRF-Token', moderator.csrf);

    const page = await moderator.agent
      .get(`/guest/rooms/${roomId}`)
      .set('Accept-Language', 'de-DE')
      .expect(200);
    expect(page.text).toContain('<html lang="de" dir="ltr">');
    expect(page.text).toMatch(/<h2 id="lobby-heading">Warteraum <span[^>]*aria-label="0 Gäste warten"/);
    expect(page.text).toContain('id="lobby-admit-all" disabled>Alle zulassen</button>');
    expect(page.text).toContain('Gäste warten, bis ein Moderator sie zulässt');

    const deny = await german(moderator.agent.post(`${base}/${randomUUID()}/deny`)).expect(409);
    expect(deny.body.error).toEqual(
      expect.objectContaining({
        code: 'NOT_WAITING',
        message:
          'Dieser Gast wartet nicht mehr: Jemand anderes hat bereits entschieden, oder der Gast ist gegangen.',
      }),
    );
    const tooLong = await german(moderator.agent.put(`${base}/message`))
      .send({ text: 'x'.repeat(501) })
      .expect(400);
    expect(tooLong.body.error).toEqual(
      expect.objectContaining({
        field: 'text',
        message: 'Die Nachricht darf höchstens 500 Zeichen lang sein.',
      }),
    );
    const unknown = await german(moderator.agent.post(`${base}/${randomUUID()}/message`))
      .send({ text: 'Hallo' })
      .expect(404);
    expect(unknown.body.error.message).toBe('Dieser Gast ist nicht in diesem Raum.');

    // An invited viewer may not run the lobby, and is told so in German too.
    const viewer = await invitedPerson(server, roomId, 'viewer');
    const refused = await viewer.agent
      .get(base)
      .set('Accept', 'application/json')
      .set('Accept-Language', 'de')
      .expect(403);
    expect(refused.body.error.message).toBe('Nur Gastgeber und Moderatoren können den Warteraum verwalten.');
  });

  it('sends the invitation’s role with a waiting invitee, for the panel to name in the moderator’s words', async () => {
    const api = apiFor(await sandboxLaunch(server));
    const host = { userId: 'test-host', name: null };
    await server.runtime.storage.invitations.setInviteesWait(roomId, true, host);
    const invitee = await invitedPerson(server, roomId, 'speaker', {
      name: 'Sina Speaker',
      waiting: true,
    }).finally(() => server.runtime.storage.invitations.setInviteesWait(roomId, false, host));
    const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<Record<string, unknown>>;
    expect(waiting.find((guest) => guest.id === invitee.visitId)).toMatchObject({
      invited: true,
      inviteRole: 'speaker',
      linkName: 'Invited · Speaker',
    });
    expect(waiting.filter((guest) => !guest.invited).every((guest) => guest.inviteRole === null)).toBe(true);
    await api.post(`/lobby/${invitee.visitId}/deny`).expect(200);
  });
});
