import { apiFor } from '../../helpers/api';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { joinAs } from '../../helpers/guests';
import { postPage } from '../../helpers/launched-pages';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** The three-dots menu's items, as the page lists them. */
function menuItems(html: string): string[] {
  const menu = /<ul class="menu-list"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...menu.matchAll(/role="menuitem"[^>]*>([^<]+)</g)].map((match) => match[1]!.trim());
}

/** The words the page hands its scripts (views/partials/foot.ejs). */
function clientMessages(html: string): Record<string, string> {
  const json = /<script type="application\/json" id="gl-messages">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return json ? (JSON.parse(json) as Record<string, string>) : {};
}

/** A room with guest access on and no links: rooms are shared by the tests of this file. */
async function freshRoom(launch: Launch) {
  const api = apiFor(launch);
  const state = await api.enable();
  for (const old of state.links as Array<{ id: string }>)
    await api.delete(`/guest-links/${old.id}`).expect(204);
  return api;
}

describe('the media page and the Manage guest access window in the launch’s language', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: GENEROUS_GUEST_LIMITS });
  });

  afterAll(async () => {
    await server.close();
  });

  it('renders the media page in Spanish for an es-ES launch: menu, windows and the scripts’ words', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor', locale: 'es-ES' });
    expect(host.html).toMatch(/<html lang="es" dir="ltr"/);
    expect(menuItems(host.html)).toEqual([
      'Administrar el acceso de invitados',
      'Invitar usuarios',
      'Configuración de la sala',
      'Finalizar la sesión en directo para todos',
      'Abrir en una ventana nueva',
    ]);
    expect(host.html).toContain('<h2 id="guest-access-title">Administrar el acceso de invitados</h2>');
    expect(host.html).toContain('Sesión iniciada como <strong>');
    expect(host.html).toContain('<span class="role-badge">Anfitrión</span>');
    expect(host.html).toContain('title="Más opciones"');
    expect(host.html).toContain('<h2 id="guest-log-title">Registro de invitados</h2>');
    expect(host.html).toContain('<th scope="col">Qué ocurrió</th>');
    expect(host.html).toContain('>Crear enlace</button>');
    expect(host.html).toContain('data-locale="es"');
    // No English left in the windows' view (views/rooms/guest-access-dialogs.ejs).
    const windows =
      /<dialog class="dialog" id="guest-access-dialog"[\s\S]*?id="qr-dialog"[\s\S]*?<\/dialog>/.exec(
        host.html,
      )![0];
    for (const english of [
      'Manage guest access',
      'Enable guest access',
      'Guest log',
      'Download CSV',
      '>Cancel<',
      '>Close<',
    ])
      expect(windows).not.toContain(english);
    // The scripts get their words in Spanish: the window's, the guest log's and the shared ones.
    const messages = clientMessages(host.html);
    expect(messages['guestAccess:js.count']).toBe(
      '{count, plural, =0 {No se ha añadido ningún enlace} one {# enlace} other {# enlaces}}',
    );
    expect(messages['guestLog:js.col.story']).toBe('Qué ocurrió');
    expect(messages['media:js.copy.copied']).toBe('Enlace copiado');
  });

  it('renders the settings page in Spanish, its date and the guest access groups too', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor', locale: 'es-ES' });
    const api = await freshRoom(host);
    await api.post('/guest-links', { name: 'Ponentes' }).expect(201);
    const settings = await postPage(server, host, `/rooms/${host.roomId}/settings`).expect(200);
    expect(settings.text).toMatch(/<html lang="es" dir="ltr"/);
    expect(settings.text).toContain('<title>Configuración de la sala — Weekly live session');
    expect(settings.text).toContain('<h1>Configuración de la sala</h1>');
    expect(settings.text).toContain('← Volver a la sala');
    expect(settings.text).toContain('<dt>Tipo de sala</dt><dd>Sala en directo</dd>');
    expect(settings.text).toContain('<h2 id="groups-heading">Grupos de acceso de invitados</h2>');
    expect(settings.text).toContain('value="Acceso de invitados: Ponentes"');
    // "30 de noviembre de 2026": the long date in Spanish.
    expect(settings.text).toMatch(/<time datetime="[^"]+">\d{1,2} de [a-z]+ de \d{4}<\/time>/);
  });

  it('refuses in Spanish JSON: a fourth link, a bad click limit, a limit below the guests who came', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor', locale: 'es-ES' });
    const api = await freshRoom(host);
    for (const name of ['Uno', 'Dos', 'Tres']) await api.post('/guest-links', { name }).expect(201);
    const fourth = await api.post('/guest-links', { name: 'Cuatro' }).expect(409);
    expect(fourth.body.error).toMatchObject({
      code: 'LINK_LIMIT_REACHED',
      message: 'Esta sala ya tiene 3 enlaces de invitado. Elimine uno para crear otro.',
    });

    const list = (await api.get('/guest-access').expect(200)).body.links as Array<{ id: string }>;
    for (const link of list) await api.delete(`/guest-links/${link.id}`).expect(204);
    const zero = await api.post('/guest-links', { name: 'Cero', clicks: 0 }).expect(400);
    expect(zero.body.error).toMatchObject({
      field: 'clicks',
      message: 'El n.º de clics debe ser de al menos 1 clic.',
    });
    const tooMany = await api.post('/guest-links', { name: 'Muchos', clicks: 100001 }).expect(400);
    expect(tooMany.body.error.message).toBe('El n.º de clics no puede superar los 100.000 clics.');
    const noName = await api.post('/guest-links', { name: '  ' }).expect(400);
    expect(noName.body.error).toMatchObject({
      field: 'name',
      message: 'Introduzca un nombre para el enlace.',
    });

    // Plurals: one guest came, then two.
    const link = (await api.post('/guest-links', { name: 'Clase abierta' }).expect(201)).body as {
      id: string;
      url: string;
    };
    const path = new URL(link.url).pathname;
    await joinAs(server, path, { name: 'Ana', email: 'ana@example.org' });
    const one = await api.patch(`/guest-links/${link.id}`, { clicks: 0 }).expect(400);
    expect(one.body.error.message).toBe('El n.º de clics debe ser de al menos 1 clic.');
    await joinAs(server, path, { name: 'Bruno', email: 'bruno@example.org' });
    const below = await api.patch(`/guest-links/${link.id}`, { clicks: 1 }).expect(400);
    expect(below.body.error).toMatchObject({
      code: 'CLICKS_BELOW_USED',
      field: 'clicks',
      message: 'El n.º de clics debe ser al menos 2: 2 invitados ya han usado este enlace.',
    });
  });

  it('gives a de-DE launch the German page and German refusals', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor', locale: 'de-DE' });
    expect(host.html).toMatch(/<html lang="de" dir="ltr"/);
    expect(menuItems(host.html)).toEqual([
      'Gastzugang verwalten',
      'Benutzer einladen',
      'Raumeinstellungen',
      'Live-Sitzung für alle beenden',
      'In neuem Fenster öffnen',
    ]);
    expect(host.html).toContain('Angemeldet als <strong>');
    const api = await freshRoom(host);
    await api.post('/guest-links', { name: 'Gäste' }).expect(201);
    const taken = await api.post('/guest-links', { name: 'gäste ' }).expect(409);
    expect(taken.body.error.message).toBe(
      'In diesem Raum gibt es bereits einen Link mit diesem Namen. Wählen Sie einen anderen Namen.',
    );
    const days = await api.post('/guest-links', { name: 'Lang', durationDays: 366 }).expect(400);
    expect(days.body.error.message).toBe('Die Dauer darf höchstens 365 Tage betragen.');
  });

  it('tells an ar-SA launch right to left, with the Arabic plural forms for guests who came', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor', locale: 'ar-SA' });
    expect(host.html).toMatch(/<html lang="ar" dir="rtl"/);
    expect(menuItems(host.html)[0]).toBe('إدارة وصول الضيوف');
    const api = await freshRoom(host);
    const link = (await api.post('/guest-links', { name: 'ضيوف' }).expect(201)).body as {
      id: string;
      url: string;
    };
    const path = new URL(link.url).pathname;
    await joinAs(server, path, { name: 'Ali', email: 'ali@example.org' });
    const one = await api.patch(`/guest-links/${link.id}`, { clicks: 0 }).expect(400);
    expect(one.body.error.message).toBe('يجب ألا يقل عدد النقرات عن نقرة واحدة.');
    await joinAs(server, path, { name: 'Badr', email: 'badr@example.org' });
    const two = await api.patch(`/guest-links/${link.id}`, { clicks: 1 }).expect(400);
    expect(two.body.error.message).toMatch(/استخدم ضيفان هذا الرابط بالفعل\.$/);
  });

  it('explains refusals and greyed-out items in Spanish: a student, a media gallery', async () => {
    const student = await sandboxLaunch(server, { user: 'student', locale: 'es-ES' });
    const refused = await apiFor(student).get('/guest-access').expect(403);
    expect(refused.body.error.message).toBe(
      'Solo los anfitriones y los moderadores pueden administrar el acceso de invitados.',
    );
    const gallery = await sandboxLaunch(server, { placement: 'bio-101/media-gallery', locale: 'es-ES' });
    expect(gallery.html).toContain(
      '<span class="menu-note" id="menu-note-manage-guest-access">El acceso de invitados no está disponible en las salas de galería multimedia.</span>',
    );
    expect(gallery.html).toContain('<p class="stage-title">Galería multimedia</p>');
  });

  it('keeps English for an en-US launch, word for word as before', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor' });
    expect(host.html).toMatch(/<html lang="en" dir="ltr"/);
    expect(menuItems(host.html)[0]).toBe('Manage guest access');
    const api = await freshRoom(host);
    const zero = await api.post('/guest-links', { name: 'Zero', clicks: 0 }).expect(400);
    expect(zero.body.error.message).toBe('# of clicks must be at least 1 click.');
  });

  // Needs src/lobby/lobby.routes.ts (helper "lobby") to pass the reader's translator:
  // guestLogCsv(entries, i18nOf(res)) and entries.map(guestLogWireFor(i18nOf(res))).
  it('exports the guest log as CSV in the launch’s language, and lists it so', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor', locale: 'es-ES' });
    const api = await freshRoom(host);
    const link = (await api.post('/guest-links', { name: 'Registro' }).expect(201)).body as { url: string };
    await joinAs(server, new URL(link.url).pathname, { name: 'Carmen', email: 'carmen@example.org' });
    const csv = await api.get('/guest-log?format=csv').expect(200);
    expect(csv.text.split('\r\n')[0]).toBe(
      'Nombre,Correo electrónico,Enlace o invitación,Llegada (UTC),Qué ocurrió (horas en UTC),Admisión (UTC),' +
        'Admitido por,Salida (UTC),Duración,Decidido por,Decisión (UTC),Retirado por,Retirada (UTC)',
    );
    const entries = (await api.get('/guest-log').expect(200)).body.entries as Array<{
      name: string;
      outcome: string;
    }>;
    expect(entries.find((entry) => entry.name === 'Carmen')?.outcome).toMatch(/^(Esperando|Admitido)/);
  });
});
