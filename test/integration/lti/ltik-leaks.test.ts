import request from 'supertest';
import type { Response } from 'supertest';
import { apiFor } from '../../helpers/api';
import { bearer, postPage } from '../../helpers/launched-pages';
import { openLaunched } from '../../helpers/live';
import { openSse } from '../../helpers/sse';
import { hiddenField, sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * Issue 14, item 4: after the launch no response carries the ltik in a `Location` header or an
 * HTML link, so it never reaches browser history, proxy logs or a Referer. Walks what a
 * launched user gets — the launch's own page, the room page, settings, the live room, every
 * JSON answer and event stream, Deep Linking and every redirect on the way — and checks each.
 *
 * Not links, and allowed: the token's holders on the page, which scripts read to send it in
 * the Authorization header or a same-origin post — `data-ltik` on <main>, `data-auth` on the
 * live stage, and hidden `<input name="ltik">` fields. Anything else that contains the token
 * (under any name) or a parameter named ltik is a leak.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** Attributes that make the browser request, navigate or submit somewhere. */
const URL_ATTRIBUTE =
  /\s(href|src|srcset|action|formaction|poster|ping|cite|data|content|data-[\w-]+)="([^"]*)"/gi;
/** The token's holders (see the header): not links. */
const HOLDERS = /\s(?:data-ltik|data-auth)="[^"]*"|<input type="hidden" name="ltik" value="[^"]*">/g;

/** A parameter named ltik in a URL, %-escaped or not. */
const LTIK_PARAMETER = /(?:[?&#;]|%3F|%26|%23)ltik(?:=|%3D)/i;

/** Every place in a page where the ltik could be carried to a URL; [] when there is none. */
function leaksIn(html: string, ltik: string): string[] {
  const leaks: string[] = [];
  const rest = html.replace(HOLDERS, '');
  for (const [whole, name, value] of rest.matchAll(URL_ATTRIBUTE)) {
    if (LTIK_PARAMETER.test(value!) || value!.includes(ltik))
      leaks.push(`${name}: ${whole.trim().slice(0, 200)}`);
  }
  if (/<meta[^>]+http-equiv="refresh"[^>]*ltik=/i.test(rest)) leaks.push('meta refresh');
  // The token under any other name, in any other place.
  if (rest.includes(ltik))
    leaks.push(`token outside its holders: …${rest.slice(rest.indexOf(ltik) - 80, rest.indexOf(ltik))}`);
  return leaks;
}

const checked: string[] = [];

/** Asserts a response leaks nothing; names it for the summary. */
function expectNoLeak(what: string, response: Pick<Response, 'headers' | 'text'>, ltik: string) {
  const location = String(response.headers.location ?? '');
  expect({
    what,
    location: LTIK_PARAMETER.test(location) || location.includes(ltik) ? location : '',
  }).toEqual({
    what,
    location: '',
  });
  expect({ what, leaks: leaksIn(response.text ?? '', ltik) }).toEqual({ what, leaks: [] });
  checked.push(what);
}

/** The launch, its redirects checked on the way (the sandbox's and /lti/login's). */
async function launchChecked(options: Parameters<typeof sandboxLaunch>[1] = {}): Promise<Launch> {
  const launch = await sandboxLaunch(server, options);
  expect(launch.ltik).not.toBe('');
  return launch;
}

describe('no ltik in any Location header or HTML link after the launch', () => {
  it('on the launch page, the room page, settings and the live room of every role', async () => {
    for (const user of ['instructor', 'teaching-assistant', 'student'] as const) {
      const launch = await launchChecked({ user });
      // The launch's own answer is the media page (ltiaas mode: no redirect with ?ltik=).
      expectNoLeak(`${user}: launch answer`, { headers: {}, text: launch.html }, launch.ltik);
      expect(launch.html).toContain('data-live-stage');
      const room = await postPage(server, launch, `/rooms/${launch.roomId}`).expect(200);
      expectNoLeak(`${user}: room page`, room, launch.ltik);
      const settings = await postPage(server, launch, `/rooms/${launch.roomId}/settings`);
      expectNoLeak(`${user}: settings (${settings.status})`, settings, launch.ltik);
    }
  });

  it('in the pages a host’s menu opens, which post the ltik instead of linking with it', async () => {
    const host = await launchChecked();
    const forms = [...host.html.matchAll(/formaction="([^"]+)"/g)].map((match) => match[1]);
    expect(forms).toEqual(
      expect.arrayContaining([`/rooms/${host.roomId}/settings`, `/rooms/${host.roomId}`]),
    );
    expect(host.html).toMatch(/<form id="ltik-navigation" method="post"/);
    expect(hiddenField(host.html, 'ltik')).toBe(host.ltik);
    for (const path of forms) expectNoLeak(`menu → ${path}`, await postPage(server, host, path!), host.ltik);
  });

  it('in every JSON answer, its Location headers, the QR code, the CSV and the event streams', async () => {
    const host = await launchChecked();
    const api = apiFor(host);
    const answers: Array<[string, Response]> = [];
    answers.push(['guest-access on', await api.put('/guest-access', { enabled: true }).expect(200)]);
    const state = await api.get('/guest-access').expect(200);
    for (const old of state.body.links as Array<{ id: string }>) await api.delete(`/guest-links/${old.id}`);
    const created = await api.post('/guest-links', { name: 'Leak check' }).expect(201);
    answers.push(['guest link created', created]);
    expect(created.headers.location).toMatch(/^\/api\/rooms\/.+\/guest-links\//);
    answers.push([
      'guest link edited',
      await api.patch(`/guest-links/${created.body.id}`, { name: 'Leak 2' }),
    ]);
    answers.push(['QR code', await api.get(`/guest-links/${created.body.id}/qr-code`).expect(200)]);
    answers.push(['lobby', await api.get('/lobby').expect(200)]);
    answers.push(['lobby on', await api.put('/lobby', { enabled: true }).expect(200)]);
    answers.push(['guest log', await api.get('/guest-log').expect(200)]);
    answers.push(['guest log CSV', await api.get('/guest-log?format=csv').expect(200)]);
    answers.push(['invitations', await api.get('/invitations').expect(200)]);
    answers.push(['live removed', await apiFor(host).get('/live/removed').expect(200)]);
    for (const [what, response] of answers) {
      expectNoLeak(
        what,
        { headers: response.headers, text: response.text ?? JSON.stringify(response.body) },
        host.ltik,
      );
      expect(JSON.stringify(response.body ?? '') + (response.text ?? '')).not.toContain(host.ltik);
    }

    const lobby = openSse(`${server.url}/api/rooms/${host.roomId}/lobby/events`, bearer(host));
    const live = openLaunched(server, host);
    await lobby.next((event) => event.event === 'lobby');
    await live.next((event) => event.event === 'welcome');
    for (const [what, stream] of [
      ['lobby stream', lobby],
      ['live stream', live],
    ] as const) {
      expect(stream.status()).toBe(200);
      expect(JSON.stringify(stream.events)).not.toMatch(LTIK_PARAMETER);
      expect(JSON.stringify(stream.events)).not.toContain(host.ltik);
      checked.push(what);
      stream.close();
    }
  });

  it('in Deep Linking: the picker, a refused form, and the hand-off back to the LMS', async () => {
    const picker = await launchChecked({ placement: 'hist-210/deep-linking' });
    expectNoLeak('deep linking picker', { headers: {}, text: picker.html }, picker.ltik);
    expect(picker.html).toMatch(/<form method="post" action="\/lti\/deep-linking"/);
    const invalid = await request(server.url)
      .post('/lti/deep-linking')
      .set('Origin', server.url)
      .type('form')
      .send({ ltik: picker.ltik, title: ' ' })
      .expect(400);
    expectNoLeak('deep linking refused form', invalid, picker.ltik);
    const handOff = await request(server.url)
      .post('/lti/deep-linking')
      .set('Origin', server.url)
      .type('form')
      .send({ ltik: picker.ltik, title: 'Leak check room', roomType: 'room' })
      .expect(200);
    expectNoLeak('deep linking hand-off', handOff, picker.ltik);
  });

  it('in the redirects of the launch flow and of guest-facing pages a launched user may open', async () => {
    const agent = request.agent(server.url);
    const toLogin = await agent
      .get('/sandbox/launch?user=instructor&placement=bio-101/live-session')
      .expect(302);
    expect(toLogin.headers.location).not.toMatch(LTIK_PARAMETER);
    const toAuth = await agent.get(
      new URL(toLogin.headers.location!, server.url).pathname +
        new URL(toLogin.headers.location!, server.url).search,
    );
    expect(toAuth.status).toBe(302);
    expect(toAuth.headers.location).not.toMatch(LTIK_PARAMETER);
    checked.push('launch redirects');
    // Pages that used to take `?ltik=` answer a 400 page that links nowhere with it.
    const host = await launchChecked();
    const old = await request(server.url).get(`/rooms/${host.roomId}?ltik=${host.ltik}`).expect(400);
    expect(old.text).not.toContain(host.ltik);
    expectNoLeak('old address refused', old, host.ltik);
    // A reload (a GET of the page's own address) gets the reopening page, which holds no token.
    const reopen = await request(server.url).get(`/rooms/${host.roomId}`).expect(200);
    expectNoLeak('reopening page', reopen, host.ltik);
  });

  afterAll(() => {
    // What was walked, for whoever reads the run.
    expect(checked.length).toBeGreaterThan(20);
  });
});
