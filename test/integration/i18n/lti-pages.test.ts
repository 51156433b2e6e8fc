import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  beginLogin,
  hiddenField,
  postIdToken,
  sandboxIdToken,
  sandboxLaunch,
  tamperedIdToken,
} from '../../helpers/lti-launch';
import { MOODLE } from '../../helpers/lms-registrations';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * The LTI pages and refusals speak the launch's language when a launch is known (its id_token's
 * launch_presentation.locale), else the visitor's (Accept-Language); the sandbox speaks its
 * visitor's; the http layer's JSON errors speak the reader's.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ platforms: [MOODLE] });
});

afterAll(async () => {
  await server.close();
});

function pathOf(location: string): string {
  const url = new URL(location, server.url);
  return `${url.pathname}${url.search}`;
}

/** The sandbox's login initiation address for one launch. */
async function loginAddress(query: Record<string, string>): Promise<string> {
  const toLogin = await request(server.url)
    .get(
      `/sandbox/launch?${new URLSearchParams({ user: 'instructor', placement: 'bio-101/live-session', ...query })}`,
    )
    .expect(302);
  return pathOf(toLogin.headers.location!);
}

function decoded(html: string): string {
  return html.replace(/&#39;/g, '’').replace(/&#34;/g, '"').replace(/&amp;/g, '&');
}

describe('refusals in German, for a visitor whose browser asks for German', () => {
  it('an unregistered deployment: German words, the ids as received, the platform’s name as data', async () => {
    const page = await request(server.url)
      .get(await loginAddress({ deployment: 'unregistered' }))
      .set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.5');
    expect(page.status).toBe(403);
    const html = decoded(page.text);
    expect(html).toContain('<html lang="de" dir="ltr">');
    expect(html).toContain('<title>Deployment nicht registriert · Guestlink</title>');
    expect(html).toContain(
      'Dieses Deployment von Guestlink LMS sandbox ist bei Guestlink nicht registriert.',
    );
    expect(html).toContain('Bitten Sie den Administrator von Guestlink LMS sandbox,');
    expect(html).toContain('Was Guestlink empfangen hat');
    expect(html).toMatch(/<dt>Deployment-ID<\/dt><dd><code>9a7e2b44-/);
    expect(html).not.toContain('is not registered');
  });

  it('an unknown platform', async () => {
    const query = new URLSearchParams({
      iss: 'https://lms.unknown.example',
      client_id: 'someone',
      login_hint: 'u1',
      target_link_uri: `${server.url}/lti/launch`,
    });
    const page = await request(server.url).get(`/lti/login?${query}`).set('Accept-Language', 'de');
    expect(page.status).toBe(401);
    const html = decoded(page.text);
    expect(html).toContain('<h1 id="message-title">Plattform nicht registriert</h1>');
    expect(html).toContain(
      'Die Plattform oder Client-ID, von der dieser Start ausging, ist bei Guestlink nicht registriert.',
    );
    expect(html).toContain('„npm run platforms -- add“');
    expect(html).toMatch(/<dt>Aussteller \(Issuer\)<\/dt><dd><code>https:\/\/lms\.unknown\.example<\/code>/);
  });

  it('an ltik in the address, and an ltik posted from another site (page and JSON)', async () => {
    const launch = await sandboxLaunch(server);
    const inUrl = await request(server.url)
      .get(`/rooms/${launch.roomId}?ltik=${launch.ltik}`)
      .set('Accept-Language', 'de');
    expect(inUrl.status).toBe(400);
    expect(decoded(inUrl.text)).toContain('Diese Adresse wird nicht mehr verwendet');
    expect(decoded(inUrl.text)).toContain(
      'Das Start-Token (ltik) darf nicht in der Adresse gesendet werden.',
    );

    const crossSite = await request(server.url)
      .post(`/rooms/${launch.roomId}`)
      .type('form')
      .set('Origin', 'https://evil.example')
      .set('Accept-Language', 'de')
      .send({ ltik: launch.ltik });
    expect(crossSite.status).toBe(403);
    expect(decoded(crossSite.text)).toContain('Anfrage von einer anderen Website abgelehnt');
    const json = await request(server.url)
      .post(`/rooms/${launch.roomId}`)
      .type('form')
      .set('Origin', 'https://evil.example')
      .set('Accept', 'application/json')
      .set('Accept-Language', 'de')
      .send({ ltik: launch.ltik });
    expect(json.body.error).toMatchObject({
      code: 'LTIK_CROSS_SITE',
      message:
        'Ein Start-Token (ltik) in einem Formular wird nur von Guestlinks eigenen Seiten angenommen. Öffnen Sie Guestlink erneut aus Ihrem Kurs.',
    });
  });
});

describe('refusals of a known launch, in the launch’s language', () => {
  it('a replayed es-ES launch is refused in Spanish, whatever the browser asks for', async () => {
    const auth = await beginLogin(server, { locale: 'es-ES' });
    const idToken = await sandboxIdToken(auth);
    expect((await postIdToken(auth, idToken)).status).toBe(200);
    const replay = await postIdToken(auth, idToken).set('Accept-Language', 'de');
    expect(replay.status).toBe(401);
    const html = decoded(replay.text);
    expect(html).toContain('<html lang="es" dir="ltr">');
    expect(html).toContain('No se ha podido verificar este inicio');
    expect(html).toContain(
      'Este inicio ya se ha utilizado o comenzó hace más de cinco minutos. Vuelva a abrir la herramienta desde su curso.',
    );
  });

  it('a launch from a platform no registration lists, in Spanish', async () => {
    const auth = await beginLogin(server, { locale: 'es-ES' });
    const forged = await tamperedIdToken(server, auth, (claims) => ({
      ...claims,
      iss: 'https://elsewhere.example',
    }));
    const page = await postIdToken(auth, forged);
    expect(page.status).toBe(401);
    const html = decoded(page.text);
    expect(html).toContain('Plataforma no registrada');
    expect(html).toContain(
      'El inicio procede de una plataforma o un client id que no está registrado en Guestlink.',
    );
    expect(html).toContain('Lo que recibió Guestlink');
    expect(html).toMatch(/<dt>Emisor \(issuer\)<\/dt><dd><code>https:\/\/elsewhere\.example<\/code>/);
  });

  it('a launch whose cookie the frame withheld, in Spanish, naming the platform', async () => {
    const auth = await beginLogin(server, { locale: 'es-ES', placement: 'hist-210/office-hours' });
    const idToken = await sandboxIdToken(auth);
    const framed = await request(server.url)
      .post('/lti/launch')
      .type('form')
      .set('Accept-Language', 'en')
      .send({ id_token: idToken, state: auth.state });
    expect(framed.status).toBe(401);
    const html = decoded(framed.text);
    expect(html).toContain('Vuelva a abrir Guestlink desde su curso');
    expect(html).toContain('Vuelva al curso en Guestlink LMS sandbox y abra Guestlink de nuevo.');
  });
});

describe('the framed login and the launch check', () => {
  it('the login page in a frame speaks the browser’s French: no launch is known yet', async () => {
    const page = await request(server.url)
      .get(await loginAddress({ storage: 'off' }))
      .set('Sec-Fetch-Dest', 'iframe')
      .set('Accept-Language', 'fr-FR,fr;q=0.9')
      .expect(200);
    const html = decoded(page.text);
    expect(html).toContain('<html lang="fr" dir="ltr">');
    expect(html).toContain('Connexion à Guestlink LMS sandbox…');
    expect(html).toContain('Ouvrir Guestlink dans une nouvelle fenêtre');
    expect(html).toContain('Aucune nouvelle fenêtre ? Votre navigateur l’a peut-être bloquée.');
  });

  it('the login page words the new-window setting as the LMS does, in the reader’s language', async () => {
    const query = new URLSearchParams({
      iss: MOODLE.issuer,
      client_id: MOODLE.clientId,
      login_hint: 'u1',
      target_link_uri: `${server.url}/lti/launch`,
      lti_message_hint: 'm1',
    });
    const page = await request(server.url)
      .get(`/lti/login?${query}`)
      .set('Sec-Fetch-Dest', 'iframe')
      .set('Accept-Language', 'de')
      .expect(200);
    const html = decoded(page.text);
    expect(html).toContain('Verbindung mit Moodle wird hergestellt…');
    expect(html).toContain('den „Standard-Startcontainer“ des Tools auf „Neues Fenster“ einstellen.');
    expect(html).not.toContain('Launch in new window');
  });

  it('the launch check page speaks the launch’s French', async () => {
    const address = await loginAddress({ storage: 'on', locale: 'fr-FR' });
    const login = await request(server.url).get(address).set('Sec-Fetch-Dest', 'iframe').expect(200);
    const authRequest = new URL(decoded(/data-auth-request="([^"]*)"/.exec(login.text)![1]!));
    const form = await request(server.url).get(pathOf(authRequest.toString())).expect(200);
    const check = await request(server.url)
      .post('/lti/launch')
      .type('form')
      .send({ id_token: hiddenField(form.text, 'id_token'), state: hiddenField(form.text, 'state') })
      .expect(200);
    const html = decoded(check.text);
    expect(html).toContain('<html lang="fr" dir="ltr">');
    expect(html).toContain('Vérification du lancement…');
    expect(html).toContain(
      'Guestlink vérifie auprès de Guestlink LMS sandbox que ce lancement a bien commencé dans ce navigateur.',
    );
    expect(html).toContain('Ce lancement n’a pas pu être confirmé');
  });
});

describe('the sandbox', () => {
  it('speaks its visitor’s Dutch, keeps its sample names as data, and launches in Dutch by default', async () => {
    const page = await request(server.url).get('/sandbox').set('Accept-Language', 'nl-BE').expect(200);
    const html = decoded(page.text);
    expect(html).toContain('<html lang="nl" dir="ltr">');
    expect(html).toContain('<h1 id="sandbox-form-title">Guestlink starten</h1>');
    expect(html).toContain('<label for="sb-locale">Taal van de start</label>');
    expect(html).toContain('>Docent — Ada Lovelace</option>');
    expect(html).toContain('Weekly live session (ruimte)');
    expect(html).toMatch(/<option value="nl-NL" lang="nl-NL" selected>Nederlands \(nl-NL\)<\/option>/);
    expect(html).toContain('title="Guestlink, zoals Blackboard het in een frame toont"');
  });

  it('is English for an English browser, as before', async () => {
    const html = decoded((await request(server.url).get('/sandbox').expect(200)).text);
    expect(html).toContain('>Instructor — Ada Lovelace</option>');
    expect(html).toContain('Weekly live session (room)');
    expect(html).toMatch(/<option value="en-US" lang="en-US" selected>/);
  });
});

describe('the home page', () => {
  it('speaks its visitor’s Arabic, right to left', async () => {
    const html = decoded((await request(server.url).get('/').set('Accept-Language', 'ar').expect(200)).text);
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('<h2 id="register">لمسؤولي نظام إدارة التعلم</h2>');
    expect(html).toContain('<title>وصول الضيوف إلى الجلسات المباشرة · Guestlink</title>');
  });
});

describe('Deep Linking in the instructor’s Spanish', () => {
  it('offers, checks and returns the room in Spanish', async () => {
    const launch = await sandboxLaunch(server, { placement: 'hist-210/deep-linking', locale: 'es-ES' });
    expect(launch.status).toBe(200);
    const html = decoded(launch.html);
    expect(html).toContain('<html lang="es" dir="ltr">');
    expect(html).toContain('Añadir una sala en directo a Modern European History');
    expect(html).toContain('value="Sesión en directo de Modern European History"');
    expect(html).toContain('Galería multimedia: no admite el acceso de invitados');

    const empty = await launch.agent
      .post('/lti/deep-linking')
      .type('form')
      .set('Origin', server.url)
      .send({ ltik: launch.ltik, title: '  ', roomType: 'room' });
    expect(empty.status).toBe(400);
    expect(decoded(empty.text)).toContain(
      '<p class="field-error" id="dl-title-error">Introduzca un título.</p>',
    );

    const added = await launch.agent
      .post('/lti/deep-linking')
      .type('form')
      .set('Origin', server.url)
      .send({ ltik: launch.ltik, title: 'Tutoría', roomType: 'room' })
      .expect(200);
    expect(decoded(added.text)).toContain('Añadiendo la sala a su curso…');
    expect(decoded(added.text)).toContain('>Continuar</button>');
    const claims = JSON.parse(
      Buffer.from(hiddenField(added.text, 'JWT').split('.')[1]!, 'base64url').toString(),
    );
    expect(claims['https://purl.imsglobal.org/spec/lti-dl/claim/msg']).toBe('Se ha añadido «Tutoría».');
  });
});

describe('the http layer’s JSON errors in the reader’s German', () => {
  const api = `/api/rooms/${randomUUID()}/guest-access`;

  it('a body that is not JSON', async () => {
    const response = await request(server.url)
      .put(api)
      .set('Content-Type', 'application/json')
      .set('Accept-Language', 'de')
      .send('{"enabled": ');
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      field: 'body',
      message: 'Der Inhalt der Anfrage ist kein gültiges JSON.',
    });
  });

  it('a body too large', async () => {
    const response = await request(server.url)
      .put(api)
      .set('Accept-Language', 'de')
      .send({ enabled: true, padding: 'x'.repeat(40_000) });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe('Der Inhalt der Anfrage ist zu groß.');
  });

  it('an address with a broken escape, and an id of a shape Guestlink never makes', async () => {
    const broken = await request(server.url)
      .get('/api/rooms/%E0%A4%A/guest-access')
      .set('Accept-Language', 'de');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toBe(
      'Der Wert roomId in der Adresse enthält eine fehlerhafte %-Kodierung.',
    );
    const unknown = await request(server.url)
      .get('/api/rooms/not-an-id/guest-access')
      .set('Accept-Language', 'de');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('Es gibt keinen Raum mit dieser ID.');
  });
});
