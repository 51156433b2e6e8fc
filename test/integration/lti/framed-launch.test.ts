import request from 'supertest';
import { hiddenField } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * Launches from a frame that withholds Guestlink's cookies (README, Security): the login
 * page, platform storage's check page and the same-origin re-post, and the refusal that
 * never replays a login.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

function unescape(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&#34;/g, '"').replace(/&#39;/g, "'");
}

function dataAttribute(html: string, name: string): string {
  const match = new RegExp(`data-${name}="([^"]*)"`).exec(html);
  if (!match) throw new Error(`No data-${name} in:\n${html.slice(0, 600)}`);
  return unescape(match[1]!);
}

function pathOf(location: string): string {
  const url = new URL(location, server.url);
  return `${url.pathname}${url.search}`;
}

/** The sandbox's login initiation address for one launch (storage on: Blackboard-like). */
async function loginAddress(storage: 'on' | 'off'): Promise<string> {
  const toLogin = await request(server.url)
    .get(`/sandbox/launch?user=instructor&placement=bio-101/live-session&storage=${storage}`)
    .expect(302);
  return pathOf(toLogin.headers.location!);
}

interface LoginPage {
  html: string;
  authRequest: URL;
  state: string;
  cookies: string[];
}

async function loginPage(address: string, headers: Record<string, string> = {}): Promise<LoginPage> {
  const response = await request(server.url).get(address).set(headers).expect(200);
  const authRequest = new URL(dataAttribute(response.text, 'auth-request'));
  return {
    html: response.text,
    authRequest,
    state: authRequest.searchParams.get('state')!,
    cookies: ([] as string[]).concat(response.headers['set-cookie'] ?? []),
  };
}

/** The platform's answer to the login page's redirect: id_token and state for the launch. */
async function idTokenFor(page: LoginPage): Promise<{ id_token: string; state: string }> {
  const form = await request(server.url).get(pathOf(page.authRequest.toString())).expect(200);
  return { id_token: hiddenField(form.text, 'id_token'), state: hiddenField(form.text, 'state') };
}

async function storedLogin(state: string): Promise<{ storage_target: string | null } | undefined> {
  const [row] = await server.sql.query<{ storage_target: string | null }>(
    'SELECT storage_target FROM lti_login_states WHERE state = $1',
    [state],
  );
  return row;
}

/** A browser without Guestlink's cookies: no jar, as a cross-site frame posts. */
function cookielessPost(fields: Record<string, string>, origin?: string) {
  const post = request(server.url).post('/lti/launch').type('form');
  if (origin !== undefined) post.set('Origin', origin);
  return post.send(fields);
}

describe('the login page', () => {
  it('answers a login that offers platform storage with a page (not a redirect) that keeps the state there', async () => {
    const page = await loginPage(await loginAddress('on'));
    expect(page.html).toContain('Connecting to Guestlink LMS sandbox');
    expect(dataAttribute(page.html, 'storage-target')).toBe('lti_storage_frame');
    expect(dataAttribute(page.html, 'platform-origin')).toBe(new URL(server.url).origin);
    expect(dataAttribute(page.html, 'state')).toBe(page.state);
    expect(dataAttribute(page.html, 'nonce')).toBe(page.authRequest.searchParams.get('nonce'));
    expect(page.authRequest.pathname).toBe('/sandbox/auth');
    expect(page.html).toContain('src="/static/js/lti-login.js"');
    expect(page.html).not.toMatch(/<script>/);
    // The probe the page's script reads: the same lifetime as ltijs's state cookie, readable.
    const probe = page.cookies.find((cookie) => cookie.startsWith('gl_cookie_probe='))!;
    expect(probe).toMatch(/Max-Age=60/);
    expect(probe).not.toMatch(/HttpOnly/);
    expect(page.cookies.some((cookie) => cookie.startsWith(`state${page.state}=`))).toBe(true);
    expect(await storedLogin(page.state)).toEqual({ storage_target: 'lti_storage_frame' });
    // The new window's fresh login carries the same parameters, without platform storage.
    const newWindow = new URL(dataAttribute(page.html, 'new-window-login'), server.url);
    expect(newWindow.pathname).toBe('/lti/login');
    expect(newWindow.searchParams.get('lti_storage_target')).toBeNull();
    expect(newWindow.searchParams.get('lti_message_hint')).toBeTruthy();
  });

  it('answers a login framed without storage with the page, and a top-level login with the redirect', async () => {
    const address = await loginAddress('off');
    const framed = await loginPage(address, { 'Sec-Fetch-Dest': 'iframe' });
    expect(dataAttribute(framed.html, 'storage-target')).toBe('');
    expect(framed.html).toContain('Open Guestlink in a new window');
    expect(await storedLogin(framed.state)).toEqual({ storage_target: null });
    const newWindow = new URL(dataAttribute(framed.html, 'new-window-login'), server.url);
    expect(newWindow.searchParams.get('lti_message_hint')).toBe(
      new URL(address, server.url).searchParams.get('lti_message_hint'),
    );

    const topLevel = await request(server.url).get(address).set('Sec-Fetch-Dest', 'document').expect(302);
    expect(new URL(topLevel.headers.location!).pathname).toBe('/sandbox/auth');
  });

  it('keeps the redirect for a top-level login even when the platform offers storage: its cookies are first-party', async () => {
    const topLevel = await request(server.url)
      .get(await loginAddress('on'))
      .set('Sec-Fetch-Dest', 'document')
      .expect(302);
    const state = new URL(topLevel.headers.location!).searchParams.get('state')!;
    expect(await storedLogin(state)).toEqual({ storage_target: null });
  });

  it('refuses a storage target that is not a frame name, naming it', async () => {
    const address = new URL(await loginAddress('on'), server.url);
    address.searchParams.set('lti_storage_target', 'javascript:alert(1)');
    const response = await request(server.url).get(pathOf(address.toString())).expect(400);
    expect(response.text).toContain('lti_storage_target');
  });
});

describe('a launch whose state cookie did not come back', () => {
  const ownOrigin = () => new URL(server.url).origin;

  it('after a login with platform storage: a check page, then only a same-origin re-post is accepted', async () => {
    const page = await loginPage(await loginAddress('on'));
    const launch = await idTokenFor(page);

    const check = await cookielessPost(launch).expect(200);
    expect(check.text).toContain('Checking your launch');
    expect(check.headers['referrer-policy']).toBe('same-origin');
    expect(check.text).toContain('<meta name="referrer" content="same-origin">');
    expect(hiddenField(check.text, 'id_token')).toBe(launch.id_token);
    expect(hiddenField(check.text, 'state')).toBe(launch.state);
    expect(hiddenField(check.text, 'lti_storage_checked')).toBe('1');
    expect(dataAttribute(check.text, 'storage-target')).toBe('lti_storage_frame');
    expect(dataAttribute(check.text, 'platform-origin')).toBe(ownOrigin());
    expect(check.text).toContain('src="/static/js/lti-launch-check.js"');
    // The check page uses nothing up.
    expect(await storedLogin(launch.state)).toBeTruthy();

    const checked = { ...launch, lti_storage_checked: '1' };
    const crossSite = await cookielessPost(checked, 'http://localhost:9').expect(401);
    expect(crossSite.text).toContain('was not sent by Guestlink’s own page');
    await cookielessPost(checked).expect(401);
    await cookielessPost(checked, 'null').expect(401);
    expect(await storedLogin(launch.state)).toBeTruthy();

    const accepted = await cookielessPost(checked, ownOrigin()).expect(200);
    expect(accepted.text).toContain('Weekly live session');
    expect(accepted.text).toMatch(/data-ltik="[^"]+"/);
    expect(await storedLogin(launch.state)).toBeUndefined();
    // Used once.
    await cookielessPost(checked, ownOrigin()).expect(401);
  });

  it('after a login without platform storage: refused, with no link that replays the login', async () => {
    const page = await loginPage(await loginAddress('off'), { 'Sec-Fetch-Dest': 'iframe' });
    const launch = await idTokenFor(page);
    // Not even Guestlink's own page could have checked storage this login never used.
    for (const fields of [launch, { ...launch, lti_storage_checked: '1' }]) {
      const refused = await cookielessPost(fields, ownOrigin()).expect(401);
      expect(refused.text).toContain('Launch Guestlink again from your course');
      expect(refused.text).toContain('Launch in new window');
      expect(refused.text).not.toContain('lti_message_hint');
      expect(refused.text).not.toContain('/lti/login');
      expect(refused.text).not.toMatch(/<a [^>]*href/);
    }
  });

  it('with the cookie after a storage login: the cookie binds it, no check page', async () => {
    const agent = request.agent(server.url);
    const login = await agent.get(await loginAddress('on')).expect(200);
    const authRequest = new URL(dataAttribute(login.text, 'auth-request'));
    const form = await agent.get(pathOf(authRequest.toString())).expect(200);
    const launched = await agent
      .post('/lti/launch')
      .type('form')
      .send({ id_token: hiddenField(form.text, 'id_token'), state: hiddenField(form.text, 'state') })
      .expect(200);
    expect(launched.text).toContain('Weekly live session');
  });
});

describe('the sandbox as a Moodle-like platform', () => {
  it('accepts each message hint once and answers a replay with “Invalid request”', async () => {
    const address = await loginAddress('off');
    const first = await request(server.url).get(address).expect(302);
    await request(server.url).get(pathOf(first.headers.location!)).expect(200);
    const replay = await request(server.url).get(address).expect(302);
    const refused = await request(server.url).get(pathOf(replay.headers.location!)).expect(400);
    expect(refused.text).toContain('Invalid request');
  });
});
