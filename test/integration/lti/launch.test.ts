import request from 'supertest';
import { SANDBOX_PLATFORM } from '../../../src/sandbox/sample-data';
import {
  beginLogin,
  postIdToken,
  sandboxIdToken,
  sandboxLaunch,
  tamperedIdToken,
} from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { postPage } from '../../helpers/launched-pages';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

async function roomCount(): Promise<number> {
  const [row] = await server.sql.query<{ count: number }>('SELECT count(*)::int AS count FROM rooms');
  return row!.count;
}

async function storedTokenCount(): Promise<number> {
  const [row] = await server.sql.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM lti_documents WHERE collection IN ('idtoken', 'contexttoken')`,
  );
  return row!.count;
}

describe('a launch from the LMS sandbox', () => {
  it('takes an instructor through the OIDC flow to the media page, as the room host', async () => {
    const launch = await sandboxLaunch(server, { user: 'instructor' });
    expect(launch.status).toBe(200);
    expect(launch.html).toContain('Weekly live session');
    expect(launch.html).toContain('Introduction to Biology');
    expect(launch.html).toMatch(
      /Signed in as <strong>Ada Lovelace<\/strong> <span class="role-badge">Host<\/span>/,
    );
    expect(launch.html).toContain('aria-label="Live session" data-live-stage');
    expect(launch.html).toContain('Room settings');
    expect(launch.roomId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows a student the same room without management items', async () => {
    const instructor = await sandboxLaunch(server, { user: 'instructor' });
    const student = await sandboxLaunch(server, { user: 'student' });
    expect(student.status).toBe(200);
    expect(student.roomId).toBe(instructor.roomId);
    expect(student.html).toContain('Weekly live session');
    expect(student.html).toMatch(/role-badge">Viewer</);
    expect(student.html).not.toContain('Room settings');
    expect(student.html).toContain('More options');
  });

  it('makes a second instructor and a TA sent as Instructor moderators, not hosts', async () => {
    const coInstructor = await sandboxLaunch(server, { user: 'co-instructor' });
    const assistant = await sandboxLaunch(server, { user: 'teaching-assistant' });
    expect(coInstructor.html).toMatch(/role-badge">Moderator</);
    expect(assistant.html).toMatch(/role-badge">Moderator</);
    expect(assistant.html).toContain('Room settings');
  });

  it('reuses one room per resource link and creates a new one for another link', async () => {
    const first = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    const again = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    const other = await sandboxLaunch(server, { placement: 'hist-210/office-hours' });
    expect(again.roomId).toBe(first.roomId);
    expect(other.roomId).not.toBe(first.roomId);
    expect(other.html).toContain('Office hours');
  });

  it('reads the room type from the room_type custom parameter', async () => {
    const gallery = await sandboxLaunch(server, { placement: 'bio-101/media-gallery' });
    expect(gallery.status).toBe(200);
    expect(gallery.html).toContain('Media gallery');
    const [row] = await server.sql.query<{ room_type: string }>('SELECT room_type FROM rooms WHERE id = $1', [
      gallery.roomId,
    ]);
    expect(row!.room_type).toBe('media-gallery');
  });

  it('opens the room page again by a same-origin post of its ltik', async () => {
    const launch = await sandboxLaunch(server);
    const reload = await postPage(server, launch, `/rooms/${launch.roomId}`);
    expect(reload.status).toBe(200);
    expect(reload.text).toContain('Weekly live session');
  });

  it('answers 404 for a room the launch was not made for', async () => {
    const office = await sandboxLaunch(server, { placement: 'hist-210/office-hours' });
    const bio = await sandboxLaunch(server, { placement: 'bio-101/live-session', agent: office.agent });
    const crossed = await postPage(server, bio, `/rooms/${office.roomId}`);
    expect(crossed.status).toBe(404);
    const unknown = await postPage(server, bio, `/rooms/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
  });

  it('lets moderators open the room settings page and keeps viewers out', async () => {
    const instructor = await sandboxLaunch(server);
    const settings = await postPage(server, instructor, `/rooms/${instructor.roomId}/settings`);
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('Room settings');
    // Named by its registration, not "Blackboard".
    expect(settings.text).toContain('rename the link in Guestlink LMS sandbox to rename the room');
    const student = await sandboxLaunch(server, { user: 'student' });
    const refused = await postPage(server, student, `/rooms/${student.roomId}/settings`);
    expect(refused.status).toBe(403);
  });
});

describe('login requests', () => {
  it('answers 400 naming the missing parameters', async () => {
    const response = await request(server.url).get(
      '/lti/login?iss=https%3A%2F%2Flms-sandbox.guestlink.local',
    );
    expect(response.status).toBe(400);
    expect(response.text).toContain('login_hint, target_link_uri');
  });

  it('accepts the login as a POST too', async () => {
    const response = await request(server.url)
      .post('/lti/login')
      .type('form')
      .send({
        iss: SANDBOX_PLATFORM.issuer,
        login_hint: 'someone',
        target_link_uri: `${server.url}/lti/launch`,
        client_id: SANDBOX_PLATFORM.clientId,
      });
    expect(response.status).toBe(302);
    expect(response.headers.location).toContain('/sandbox/auth?');
  });

  it('answers 401 for an unknown issuer or client id', async () => {
    const unknownIssuer = await request(server.url)
      .get('/lti/login')
      .query({
        iss: 'https://unknown.example.edu',
        login_hint: 'x',
        target_link_uri: `${server.url}/lti/launch`,
      });
    expect(unknownIssuer.status).toBe(401);
    expect(unknownIssuer.text).toContain('not registered with Guestlink');
    const unknownClient = await request(server.url)
      .get('/lti/login')
      .query({
        iss: SANDBOX_PLATFORM.issuer,
        client_id: 'someone-else',
        login_hint: 'x',
        target_link_uri: `${server.url}/lti/launch`,
      });
    expect(unknownClient.status).toBe(401);
  });

  it('refuses a target link outside the tool', async () => {
    const response = await request(server.url).get('/lti/login').query({
      iss: SANDBOX_PLATFORM.issuer,
      client_id: SANDBOX_PLATFORM.clientId,
      login_hint: 'x',
      target_link_uri: 'https://evil.example.com/lti/launch',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('target link URI must be');
  });

  it('sends a strong nonce of its own, not ltijs’s', async () => {
    const auth = await beginLogin(server);
    expect(auth.nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(auth.redirectUri).toBe(`${server.url}/lti/launch`);
  });
});

describe('launches the tool refuses', () => {
  it('refuses an unregistered deployment with 403 at login and stores nothing', async () => {
    const rooms = await roomCount();
    const agent = request.agent(server.url);
    const toLogin = await agent.get(
      '/sandbox/launch?user=instructor&placement=bio-101/live-session&deployment=unregistered',
    );
    const login = await agent.get(
      new URL(toLogin.headers.location!).pathname + new URL(toLogin.headers.location!).search,
    );
    expect(login.status).toBe(403);
    expect(login.text).toContain(
      'This deployment of Guestlink LMS sandbox is not registered with Guestlink.',
    );
    expect(await roomCount()).toBe(rooms);
  });

  it('refuses an id_token whose deployment is not allow-listed, with 403', async () => {
    const auth = await beginLogin(server);
    const tokens = await storedTokenCount();
    const idToken = await tamperedIdToken(server, auth, (claims) => ({
      ...claims,
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': SANDBOX_PLATFORM.unregisteredDeploymentId,
    }));
    const response = await postIdToken(auth, idToken);
    expect(response.status).toBe(403);
    expect(response.text).toContain(
      'This deployment of Guestlink LMS sandbox is not registered with Guestlink.',
    );
    expect(await storedTokenCount()).toBe(tokens);
  });

  const refusals: Array<[string, (claims: Record<string, unknown>) => Record<string, unknown>]> = [
    ['a wrong audience', (claims) => ({ ...claims, aud: 'another-tool' })],
    [
      'an expired token',
      (claims) => ({
        ...claims,
        iat: Math.floor(Date.now() / 1000) - 7200,
        exp: Math.floor(Date.now() / 1000) - 3600,
      }),
    ],
    [
      'a wrong message type',
      (claims) => ({
        ...claims,
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiSubmissionReviewRequest',
      }),
    ],
    [
      'a wrong LTI version',
      (claims) => ({ ...claims, 'https://purl.imsglobal.org/spec/lti/claim/version': '1.1' }),
    ],
    [
      'a missing resource link id',
      (claims) => ({ ...claims, 'https://purl.imsglobal.org/spec/lti/claim/resource_link': { title: 'x' } }),
    ],
    ['a nonce that is not the one sent', (claims) => ({ ...claims, nonce: 'another-nonce' })],
    [
      'a token issued too far in the future',
      (claims) => ({ ...claims, iat: Math.floor(Date.now() / 1000) + 600 }),
    ],
    ['a token issued long ago', (claims) => ({ ...claims, iat: Math.floor(Date.now() / 1000) - 600 })],
  ];

  it.each(refusals)('refuses %s with 401 and stores nothing', async (name, change) => {
    const rooms = await roomCount();
    const tokens = await storedTokenCount();
    const auth = await beginLogin(server, { placement: 'hist-210/office-hours' });
    const response = await postIdToken(auth, await tamperedIdToken(server, auth, change));
    expect(response.status).toBe(401);
    // A token for another client id is, to the administrator, a registration to check.
    expect(response.text).toContain(
      name === 'a wrong audience' ? 'Platform not registered' : 'This launch could not be verified',
    );
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
    expect(await roomCount()).toBe(rooms);
    expect(await storedTokenCount()).toBe(tokens);
  });

  it('refuses a token with a bad signature', async () => {
    const auth = await beginLogin(server);
    const genuine = await sandboxIdToken(auth);
    const [header, payload] = genuine.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const response = await postIdToken(auth, forged);
    expect(response.status).toBe(401);
    expect(response.text).toContain('not signed by the registered platform');
  });

  it('refuses a replayed launch', async () => {
    const auth = await beginLogin(server);
    const idToken = await sandboxIdToken(auth);
    expect((await postIdToken(auth, idToken)).status).toBe(200);
    const replay = await postIdToken(auth, idToken);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain('already been used');
  });

  it('refuses a malformed token and a missing state', async () => {
    const auth = await beginLogin(server);
    expect((await postIdToken(auth, 'not-a-jwt')).status).toBe(401);
    const idToken = await sandboxIdToken(auth);
    const noState = await auth.agent.post('/lti/launch').type('form').send({ id_token: idToken });
    expect(noState.status).toBe(401);
  });

  it('refuses a launch whose cookie the browser withheld, without replaying the login', async () => {
    const auth = await beginLogin(server, { placement: 'hist-210/office-hours' });
    const idToken = await sandboxIdToken(auth);
    // A cross-site frame whose cookies the browser blocked: the id_token arrives without them.
    // (framed-launch.test.ts: the login page catches this earlier, in the frame.)
    const framed = await request(server.url)
      .post('/lti/launch')
      .type('form')
      .send({ id_token: idToken, state: auth.state });
    expect(framed.status).toBe(401);
    expect(framed.text).toContain('Launch Guestlink again from your course');
    expect(framed.text).not.toContain('lti_message_hint');
    expect(framed.text).not.toContain('/lti/login');
  });

  it('accepts a platform clock up to a minute off', async () => {
    for (const offset of [-50, 50]) {
      const auth = await beginLogin(server);
      const now = Math.floor(Date.now() / 1000);
      const idToken = await tamperedIdToken(server, auth, (claims) => ({
        ...claims,
        iat: now + offset,
        exp: now + offset + 3600,
      }));
      expect((await postIdToken(auth, idToken)).status).toBe(200);
    }
  });
});

describe('what the LMS and the browser see', () => {
  it('serves the tool JWKS', async () => {
    const response = await request(server.url).get('/lti/keys').expect(200);
    expect(response.body.keys.length).toBeGreaterThan(0);
    expect(response.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(response.body.keys[0].d).toBeUndefined();
  });

  it('does not reflect other origins in CORS headers', async () => {
    const response = await request(server.url).get('/lti/keys').set('Origin', 'https://evil.example.com');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(server.url)
      .options('/api/rooms/x/guest-access')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'PUT');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the LMS frame the media page', async () => {
    const launch = await sandboxLaunch(server);
    const page = await postPage(server, launch, `/rooms/${launch.roomId}`);
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'self' https:/);
    expect(page.headers['cross-origin-embedder-policy']).toBeUndefined();
  });

  it('sets plain cookies on http://', async () => {
    const agent = request.agent(server.url);
    const toLogin = await agent
      .get('/sandbox/launch?user=instructor&placement=bio-101/live-session')
      .expect(302);
    const login = new URL(toLogin.headers.location!);
    const response = await agent.get(`${login.pathname}${login.search}`);
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    // The launch's state cookie (ltijs sets no session cookie in its "ltiaas" mode).
    expect(cookies.some((cookie) => cookie.startsWith('state'))).toBe(true);
    for (const cookie of cookies) {
      expect(cookie).toContain('HttpOnly');
      expect(cookie).not.toContain('Secure');
    }
  });

  it('serves health and readiness', async () => {
    expect((await request(server.url).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(server.url).get('/readyz')).body).toEqual({ status: 'ready', database: 'pglite' });
  });

  it('answers unknown pages with a 404 page, and JSON to JSON clients', async () => {
    const page = await request(server.url).get('/no-such-page');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    const json = await request(server.url).get('/no-such-page').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });
});
