import request from 'supertest';
import { bearer, postPage } from '../../helpers/launched-pages';
import { openSse } from '../../helpers/sse';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { roomWithLink } from '../../helpers/guests';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { createLogger } from '../../../src/logger';

/**
 * Where the ltik may travel (src/lti/ltik-transport.ts): never in an address, in a form body
 * only from Guestlink's own pages, always in the Authorization header. In ltiaas mode the
 * ltik alone authenticates, so these rules are what keeps it from leaking or being forced
 * on someone (login CSRF). They replace the session-cookie test ltijs's own mode had.
 */

const logLines: string[] = [];
let server: TestServer;
let origin: string;
let host: Launch;

beforeAll(async () => {
  // The real logger's configuration (redaction included) at its most talkative level.
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  server = await startTestServer({ logger });
  origin = new URL(server.url).origin;
  host = await sandboxLaunch(server);
});

afterAll(async () => {
  await server?.close();
});

/** A form post of the ltik to the room page, with the given request headers. */
function postRoom(launch: Launch, headers: Record<string, string>) {
  const test = request(server.url).post(`/rooms/${launch.roomId}`).type('form');
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  return test.send({ ltik: launch.ltik });
}

describe('the ltik in the address', () => {
  it('is refused with a 400 naming it, on pages and on the API, valid or not', async () => {
    const page = await request(server.url).get(`/rooms/${host.roomId}?ltik=${host.ltik}`).expect(400);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('The launch token (ltik) must not be sent in the address.');
    expect(page.text).toContain('Open Guestlink again from your course');
    const api = await request(server.url)
      .get(`/api/rooms/${host.roomId}/guest-access?ltik=${encodeURIComponent(host.ltik)}`)
      .expect(400);
    expect(api.body.error).toMatchObject({ code: 'LTIK_IN_URL', field: 'ltik' });
    // Even next to a valid header: the address has leaked it already.
    const both = await request(server.url)
      .get(`/api/rooms/${host.roomId}/guest-access?ltik=x`)
      .set(bearer(host))
      .expect(400);
    expect(both.body.error.code).toBe('LTIK_IN_URL');
    const stream = await request(server.url)
      .get(`/api/rooms/${host.roomId}/lobby/events?ltik=${host.ltik}`)
      .set('Accept', 'text/event-stream')
      .expect(400);
    expect(stream.body.error.code).toBe('LTIK_IN_URL');
  });

  it('is refused however the parameter is spelled in escapes', async () => {
    const escaped = await request(server.url)
      .get(`/api/rooms/${host.roomId}/guest-access?%6Ctik=${host.ltik}`)
      .expect(400);
    expect(escaped.body.error.code).toBe('LTIK_IN_URL');
  });

  it('answers a room page asked for by address with a page that reopens it or says what to do', async () => {
    for (const path of [`/rooms/${host.roomId}`, `/rooms/${host.roomId}/settings`]) {
      const page = await request(server.url).get(path).expect(200);
      expect(page.text).toContain('Open Guestlink again from your course.');
      // Its script posts the ltik this tab kept back to the same address, same-origin.
      expect(page.text).toContain(`<form id="reopen-form" method="post" action="${path}"`);
      expect(page.text).toContain('<script src="/static/js/reopen.js" defer></script>');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('the ltik in a form body', () => {
  it('opens the page when the post comes from our own origin', async () => {
    const page = await postRoom(host, { Origin: origin, 'Sec-Fetch-Site': 'same-origin' }).expect(200);
    expect(page.text).toContain('Weekly live session');
    // Browsers without Fetch Metadata (older Safari) send Origin alone.
    await postRoom(host, { Origin: origin }).expect(200);
  });

  it('is refused from another site, so no page can sign a visitor in as someone else', async () => {
    const forged = await postRoom(host, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('accepted only from Guestlink’s own pages');
    expect(forged.text).not.toContain('Weekly live session');
    const json = await postRoom(host, { Origin: 'https://evil.example', Accept: 'application/json' });
    expect(json.status).toBe(403);
    expect(json.body.error).toMatchObject({ code: 'LTIK_CROSS_SITE', field: 'ltik' });
  });

  it('is refused without Origin, with Origin null, or when Fetch Metadata says another site', async () => {
    expect((await postRoom(host, {})).status).toBe(403);
    expect((await postRoom(host, { Origin: 'null' })).status).toBe(403);
    expect((await postRoom(host, { Origin: origin, 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
    expect((await postRoom(host, { Origin: origin, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    // Another port of the same host is another origin.
    const otherPort = `${new URL(origin).protocol}//${new URL(origin).hostname}:1`;
    expect((await postRoom(host, { Origin: otherPort })).status).toBe(403);
  });

  it('is refused cross-site on the JSON API too (a body field, not the header)', async () => {
    const forged = await request(server.url)
      .put(`/api/rooms/${host.roomId}/guest-access`)
      .set('Origin', 'https://evil.example')
      .set('Authorization', 'Bearer not-this')
      .send({ ltik: host.ltik, enabled: true })
      .expect(403);
    expect(forged.body.error.code).toBe('LTIK_CROSS_SITE');
  });
});

describe('the ltik in the Authorization header', () => {
  it('works for the API, pages and event streams, from any origin (CORS stays off)', async () => {
    await request(server.url)
      .get(`/api/rooms/${host.roomId}/guest-access`)
      .set(bearer(host))
      .set('Origin', 'https://evil.example')
      .expect(200)
      .expect((response) => expect(response.headers['access-control-allow-origin']).toBeUndefined());
    const page = await request(server.url).post(`/rooms/${host.roomId}`).set(bearer(host)).expect(200);
    expect(page.text).toContain('Weekly live session');
    const stream = openSse(`${server.url}/api/rooms/${host.roomId}/lobby/events`, bearer(host));
    await stream.next((event) => event.event === 'lobby');
    expect(stream.status()).toBe(200);
    stream.close();
  });
});

describe('Referrer-Policy', () => {
  const policyOf = (html: string) => /<meta name="referrer" content="([^"]+)">/.exec(html)?.[1];

  it('is same-origin on launched pages (header and meta tag), so their own posts keep Origin', async () => {
    expect(host.html).toContain('data-ltik=');
    const page = await postPage(server, host, `/rooms/${host.roomId}`).expect(200);
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(policyOf(page.text)).toBe('same-origin');
    const settings = await postPage(server, host, `/rooms/${host.roomId}/settings`).expect(200);
    expect(settings.headers['referrer-policy']).toBe('same-origin');
    expect(policyOf(settings.text)).toBe('same-origin');
  });

  it('is same-origin on launch refusal pages, at the login and at the launch', async () => {
    const agent = request.agent(server.url);
    const toLogin = await agent
      .get('/sandbox/launch?user=instructor&placement=bio-101/live-session&deployment=unregistered')
      .expect(302);
    const login = new URL(toLogin.headers.location!, server.url);
    const refused = await agent.get(`${login.pathname}${login.search}`).expect(403);
    expect(refused.text).toContain('Deployment not registered');
    expect(refused.headers['referrer-policy']).toBe('same-origin');
    expect(policyOf(refused.text)).toBe('same-origin');
    const launch = await request(server.url)
      .post('/lti/launch')
      .type('form')
      .send({ id_token: 'not.a.token', state: 'unknown' });
    expect(launch.status).toBeGreaterThanOrEqual(400);
    expect(launch.status).toBeLessThan(500);
    expect(launch.headers['referrer-policy']).toBe('same-origin');
    const missing = await postPage(server, host, `/rooms/00000000-0000-0000-0000-000000000000`).expect(404);
    expect(missing.headers['referrer-policy']).toBe('same-origin');
  });

  it('stays no-referrer on guest pages, which post no ltik', async () => {
    const { link } = await roomWithLink(server);
    const entry = await request(server.url).get(link.path).expect(200);
    expect(entry.headers['referrer-policy']).toBe('no-referrer');
    expect(policyOf(entry.text)).toBe('no-referrer');
  });
});

describe('logs', () => {
  it('never contain the ltik, whichever way it travelled', async () => {
    const launch = await sandboxLaunch(server);
    logLines.length = 0;
    await request(server.url).get(`/rooms/${launch.roomId}?ltik=${launch.ltik}`).expect(400);
    await request(server.url).get(`/rooms/${launch.roomId}?LTIK=${launch.ltik}&ltik=${launch.ltik}`);
    await request(server.url).get(`/api/rooms/${launch.roomId}/guest-access?%6ctik=${launch.ltik}`);
    await postRoom(launch, { Origin: origin }).expect(200);
    await postRoom(launch, { Origin: 'https://evil.example' }).expect(403);
    await request(server.url).get(`/api/rooms/${launch.roomId}/guest-access`).set(bearer(launch)).expect(200);
    await request(server.url)
      .get(`/api/rooms/${launch.roomId}/guest-access`)
      .set('Authorization', `LTIK-AUTH-V1 Token=${launch.ltik}, Additional=Bearer x`)
      .expect(200);
    const stream = openSse(`${server.url}/api/rooms/${launch.roomId}/lobby/events`, bearer(launch));
    await stream.next((event) => event.event === 'lobby');
    stream.close();
    await request(server.url).get('/healthz').expect(200);

    const log = logLines.join('');
    // The request lines are there (the refused one with its value cut)…
    expect(log).toContain('ltik=…');
    expect(log).toMatch(/"statusCode":403/);
    // …and not the token, nor its signature on its own.
    const signature = launch.ltik.split('.').pop()!;
    expect(log).not.toContain(launch.ltik);
    expect(log).not.toContain(signature);
  });
});
