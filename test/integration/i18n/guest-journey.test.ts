import request from 'supertest';
import { sqlBackdoor } from '../../helpers/admission-backdoors';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { joinAs, openEntry, roomWithLink } from '../../helpers/guests';
import { connectGuest, connectLaunched, type LiveClient } from '../../helpers/live';
import { passCookie } from '../../helpers/sse';
import { hiddenField, type Agent } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * A guest whose browser asks for German (Accept-Language: de) meets every page of the guest
 * journey in German — the entry page and its errors, the waiting page, the room, the left and
 * come-back pages, and every message page a guest can be refused with — and the guests' JSON
 * APIs answer in German too. A language picked with the picker (gl_lang) beats the browser's;
 * the cached entry page (entry-page-shells.ts) is one per locale.
 */

const GERMAN = 'de-DE,de;q=0.9,en;q=0.5';

/** A fresh browser that asks for German. */
function german(server: TestServer, language = GERMAN): Agent {
  return request.agent(server.url).set('Accept-Language', language) as unknown as Agent;
}

/** The page speaks German: <html lang="de">, and the picker has German selected. */
function expectGermanPage(html: string): void {
  expect(html).toMatch(/<html lang="de" dir="ltr">/);
  expect(html).toContain('<option value="de" lang="de" selected>Deutsch</option>');
  expect(html).toContain('<label for="language-picker-select">Sprache</label>');
}

/** A refusal page in German, with its status, title, message, hint and a picker back to `path`. */
function expectGermanRefusal(
  response: request.Response,
  page: { status: number; title: string; message: string; hint?: string },
  returnPath?: string,
): void {
  expect(response.status).toBe(page.status);
  expect(response.text).toContain(`<h1 id="message-title">${page.title}</h1>`);
  expect(response.text).toContain(`<title>${page.title} · Guestlink</title>`);
  expect(response.text).toContain(page.message);
  if (page.hint) expect(response.text).toContain(`<p class="message-hint">${page.hint}</p>`);
  expectGermanPage(response.text);
  if (returnPath) expect(response.text).toContain(`name="return" value="${returnPath}"`);
}

const LINK_NOT_VALID = 'Dieser Link ist nicht mehr gültig';
const NEW_LINK_HINT = 'Bitten Sie die Person, die ihn mit Ihnen geteilt hat, um einen neuen Link.';
const LINK_INVALID = {
  status: 410,
  title: LINK_NOT_VALID,
  message:
    'Der Gastlink ist abgelaufen, hat sein Nutzungslimit erreicht oder wurde vom Eigentümer der Sitzung gelöscht.',
  hint: NEW_LINK_HINT,
};

describe('the guest journey in German', () => {
  let server: TestServer;
  const open: LiveClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      env: { ...GENEROUS_GUEST_LIMITS, LOBBY_CAPACITY: '1', GUEST_JOINS_PER_LINK_PER_MINUTE: '5' },
    });
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await server.close();
  });

  it('shows the entry page in German, and the join form’s errors in German with a 400', async () => {
    const { link } = await roomWithLink(server);
    const { page, agent, csrf } = await openEntry(server, link.path, german(server));
    expect(page.status).toBe(200);
    expectGermanPage(page.text);
    expect(page.text).toContain('<title>Weekly live session beitreten · Guestlink</title>');
    expect(page.text).toContain('<p class="guest-kicker">Sie sind eingeladen zu</p>');
    expect(page.text).toContain('<label for="guest-name">Name</label>');
    expect(page.text).toContain('<label for="guest-email">E-Mail</label>');
    expect(page.text).toContain('Ihre E-Mail-Adresse dient nur zur Identifizierung.');
    expect(page.text).toContain('>Beitreten</button>');
    expect(page.text).toContain(`name="return" value="${link.path}"`);
    expect(page.text).not.toContain('Email is collected');

    const empty = await agent.post(link.path).type('form').send({ _csrf: csrf, name: ' ', email: 'ada@' });
    expect(empty.status).toBe(400);
    expectGermanPage(empty.text);
    expect(empty.text).toContain(
      '<p class="field-error" id="guest-name-error">Geben Sie Ihren Namen ein.</p>',
    );
    expect(empty.text).toContain(
      '<p class="field-error" id="guest-email-error">Geben Sie eine E-Mail-Adresse wie name@example.com ein.</p>',
    );

    const long = await agent
      .post(link.path)
      .type('form')
      .send({ _csrf: csrf, name: 'A'.repeat(81), email: '' });
    expect(long.status).toBe(400);
    expect(long.text).toContain('Verwenden Sie höchstens 80 Zeichen.');
    expect(long.text).toContain('Geben Sie Ihre E-Mail-Adresse ein.');
  });

  it('waits, enters, leaves and comes back in German', async () => {
    const { link, api, host } = await roomWithLink(server);
    const { agent, response } = await joinAs(
      server,
      link.path,
      { name: 'Greta Gast', email: 'greta@example.org' },
      german(server),
    );
    expect(response.headers.location).toBe(`/guest/rooms/${host.roomId}/waiting`);

    const waiting = await agent.get(response.headers.location!).expect(200);
    expectGermanPage(waiting.text);
    expect(waiting.text).toContain('<title>Warten auf Zutritt zu Weekly live session · Guestlink</title>');
    expect(waiting.text).toContain('Bitte warten Sie, bis ein Moderator Sie hereinlässt …');
    // Nobody is on the live stage yet.
    const notStarted =
      'Die Sitzung hat noch nicht begonnen. Sie werden eingelassen, sobald ein Moderator da ist.';
    expect(waiting.text).toContain(`<p class="waiting-presence" id="waiting-presence">${notStarted}</p>`);
    expect(waiting.text).toContain('Sie sind als <strong>Greta Gast</strong> beigetreten.');
    expect(waiting.text).toContain('>Verlassen</button>');
    expect(waiting.text).toContain(`name="return" value="/guest/rooms/${host.roomId}/waiting"`);
    // The page's polling fallback words it in German too.
    const status = await agent.get(`/guest/rooms/${host.roomId}/status`).expect(200);
    expect(status.body.waiting.presence).toBe(notStarted);

    const [visit] = (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string }>;
    await api.post(`/lobby/${visit!.id}/admit`).expect(200);
    const room = await agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    expectGermanPage(room.text);
    expect(room.text).toContain(
      'Sie sind als <strong>Greta Gast</strong> beigetreten <span class="role-badge">Gast</span>',
    );
    expect(room.text).toContain('>Verlassen</button>');
    expect(room.text).toContain(`name="return" value="/guest/rooms/${host.roomId}"`);
    expect(room.text).not.toContain('You joined as');

    const left = await agent
      .post(`/guest/rooms/${host.roomId}/leave`)
      .type('form')
      .send({ _csrf: hiddenField(room.text, '_csrf') })
      .expect(200);
    expectGermanPage(left.text);
    expect(left.text).toContain('Sie haben „Weekly live session“ verlassen');
    expect(left.text).toContain('Sie sind nicht mehr in dieser Sitzung.');
    // A whole sentence around the time, which the page's script shows in the guest's zone.
    expect(left.text).toMatch(
      /Sie können bis <time datetime="[^"]+Z" data-local-time>\d\d:\d\d UTC<\/time> von diesem Browser aus zurückkehren, ohne einen Klick zu verbrauchen\./,
    );
    expect(left.text).toContain('>Erneut beitreten</button>');
    // The picker on a posted page goes back to the room's page, which shows the same.
    expect(left.text).toContain(`name="return" value="/guest/rooms/${host.roomId}"`);

    const comeBack = await agent.get(link.path).expect(200);
    expectGermanPage(comeBack.text);
    expect(comeBack.text).toContain('Willkommen zurück, Greta Gast');
    expect(comeBack.text).toContain('>Erneut beitreten</button>');
  });

  it('refuses in German: unknown, deleted, expired and used-up links, and a session gone', async () => {
    const unknown = await german(server).get('/g/nOsUcHlInKnOsUcHlInK0000');
    expectGermanRefusal(
      unknown,
      {
        status: 404,
        title: LINK_NOT_VALID,
        message:
          'Der geöffnete Gastlink funktioniert nicht. Möglicherweise wurde er falsch eingegeben, gelöscht oder ersetzt.',
        hint: NEW_LINK_HINT,
      },
      '/g/nOsUcHlInKnOsUcHlInK0000',
    );

    const { link, api, host } = await roomWithLink(server, { clicks: 1 });
    const expiring = await api.post('/guest-links', { name: 'Expiring' }).expect(201);
    const deleted = await api.post('/guest-links', { name: 'Deleted' }).expect(201);

    // Click limit reached: one guest used the link's only click.
    expect((await joinAs(server, link.path)).response.status).toBe(303);
    expectGermanRefusal(await german(server).get(link.path), LINK_INVALID, link.path);

    await sqlBackdoor(server.sql).expireLink(expiring.body.id);
    expectGermanRefusal(await german(server).get(new URL(expiring.body.url).pathname), LINK_INVALID);

    await api.delete(`/guest-links/${deleted.body.id}`).expect(204);
    expectGermanRefusal(await german(server).get(new URL(deleted.body.url).pathname), LINK_INVALID);

    const restore = await sqlBackdoor(server.sql).changePlatform(host.roomId, 'inactive');
    try {
      expectGermanRefusal(await german(server).get(new URL(expiring.body.url).pathname), {
        status: 410,
        title: 'Diese Sitzung ist nicht mehr verfügbar',
        message: 'Die Sitzung, zu der dieser Link gehört, wurde entfernt oder wird nicht mehr angeboten.',
      });
    } finally {
      await restore();
    }
  });

  it('refuses in German: guest access off, a full lobby, a declined request, a forged form', async () => {
    const { link, api, host } = await roomWithLink(server);

    // One guest waiting fills the lobby (LOBBY_CAPACITY=1).
    const first = await joinAs(server, link.path, { name: 'Wanda Waiting' }, german(server));
    expect(first.response.headers.location).toBe(`/guest/rooms/${host.roomId}/waiting`);
    const full = await joinAs(server, link.path, { name: 'Fritz Full' }, german(server));
    expectGermanRefusal(
      full.response,
      {
        status: 503,
        title: 'Der Warteraum ist voll',
        message: 'Gerade warten zu viele Gäste darauf, dieser Sitzung beizutreten.',
        hint: 'Bitte versuchen Sie es in ein paar Minuten erneut.',
      },
      link.path,
    );

    const [visit] = (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string }>;
    await api.post(`/lobby/${visit!.id}/deny`).expect(200);
    expectGermanRefusal(
      await first.agent.get(`/guest/rooms/${host.roomId}/waiting`),
      {
        status: 403,
        title: 'Ihre Beitrittsanfrage wurde abgelehnt',
        message: 'Ein Moderator dieser Sitzung hat Ihre Beitrittsanfrage abgelehnt.',
        hint: 'Wenn Sie glauben, dass es sich um einen Irrtum handelt, wenden Sie sich an die Person, die Sie eingeladen hat.',
      },
      `/guest/rooms/${host.roomId}/waiting`,
    );

    const forged = await german(server).post(link.path).type('form').send({ name: 'Eve', email: 'e@x.org' });
    expectGermanRefusal(forged, {
      status: 403,
      title: 'Bitte versuchen Sie es erneut',
      message: 'Dieses Formular ist abgelaufen oder wurde nicht von einer Guestlink-Seite gesendet.',
      hint: 'Gehen Sie zurück, laden Sie die Seite neu und senden Sie das Formular erneut.',
    });

    await api.put('/guest-access', { enabled: false }).expect(200);
    expectGermanRefusal(
      await german(server).get(link.path),
      {
        status: 403,
        title: 'Der Gastzugang ist deaktiviert',
        message:
          'Der Eigentümer dieser Sitzung hat den Gastzugang deaktiviert, daher können Gäste derzeit nicht beitreten.',
        hint: 'Wenn Sie mit einer Teilnahme gerechnet haben, bitten Sie die Person, die Sie eingeladen hat, den Gastzugang wieder zu aktivieren.',
      },
      link.path,
    );
    await api.enable();
  });

  it('refuses in German: removed from the live session, no pass, and the guests’ JSON APIs', async () => {
    const { link, api, host } = await roomWithLink(server);
    const moderator = await connectLaunched(server, host);
    open.push(moderator);
    const admit = async (name: string) => {
      const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{
        id: string;
        name: string;
      }>;
      await api.post(`/lobby/${waiting.find((guest) => guest.name === name)!.id}/admit`).expect(200);
    };
    const joined = await joinAs(server, link.path, { name: 'Rex Removed' }, german(server));
    await admit('Rex Removed');
    const page = await joined.agent.get(`/guest/rooms/${host.roomId}`).expect(200);
    const guest = await connectGuest(server, {
      agent: joined.agent,
      cookie: passCookie(joined.response.headers['set-cookie']),
      csrf: hiddenField(page.text, '_csrf'),
      roomId: host.roomId,
    });
    open.push(guest);
    await moderator.post(`/participants/${guest.id}/remove`, { participant: moderator.id }).expect(204);
    expectGermanRefusal(
      await joined.agent.get(`/guest/rooms/${host.roomId}`),
      {
        status: 403,
        title: 'Sie wurden aus dieser Sitzung entfernt',
        message: 'Ein Moderator hat Sie aus dieser Sitzung entfernt.',
        hint: 'Wenn Sie erneut um Teilnahme bitten möchten, öffnen Sie den Gastlink, den Sie erhalten haben: Ein Moderator muss Sie dann einlassen.',
      },
      `/guest/rooms/${host.roomId}`,
    );

    const noPass = {
      status: 403,
      title: 'Sie sind nicht in dieser Sitzung',
      message: 'Ihr Browser hat keinen Gastpass für diese Sitzung, oder er ist abgelaufen.',
      hint: 'Öffnen Sie zum Beitreten den Gastlink, den Sie erhalten haben.',
    };
    expectGermanRefusal(
      await german(server).get(`/guest/rooms/${host.roomId}`),
      noPass,
      `/guest/rooms/${host.roomId}`,
    );
    // The guests' live API answers scripts in JSON, in the guest's language; the code stays.
    const json = await german(server)
      .get(`/guest/rooms/${host.roomId}/live/removed`)
      .set('Accept', 'application/json');
    expect(json.status).toBe(403);
    expect(json.body).toEqual({ error: { code: 'NOT_IN_SESSION', message: noPass.message } });
  });

  it('refuses too many joins in German', async () => {
    const { link } = await roomWithLink(server);
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    // GUEST_JOINS_PER_LINK_PER_MINUTE=5: the sixth join within the minute is refused.
    for (let i = 0; i < 6; i++) {
      const { response } = await joinAs(server, link.path, { name: `Guest ${i}` }, german(server));
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses[5]).toBe(429);
    expect(refused!.text).toContain('<h1 id="message-title">Zu viele Anfragen</h1>');
    expect(refused!.text).toMatch(/<html lang="de" dir="ltr">/);
  });

  it('lets a picked language beat the browser’s, and remembers it', async () => {
    const { link } = await roomWithLink(server);
    const browser = german(server);
    const picked = await browser.post('/language').type('form').send({ lang: 'es', return: link.path });
    expect(picked.status).toBe(303);
    expect(picked.headers.location).toBe(link.path);
    const spanish = await browser.get(link.path).expect(200);
    expect(spanish.text).toMatch(/<html lang="es" dir="ltr">/);
    expect(spanish.text).toContain('<p class="guest-kicker">Le invitamos a unirse a</p>');
    expect(spanish.text).toContain('>Unirse</button>');
    expect(spanish.text).toContain('<option value="es" lang="es" selected>Español</option>');
    // And on the next page too: the cookie, not Accept-Language, decides.
    const unknown = await browser.get('/g/nOsUcHlInKnOsUcHlInK0000');
    expect(unknown.text).toContain('Este enlace ya no es válido');
  });

  it('gives each locale its own cached entry page', async () => {
    const { link } = await roomWithLink(server);
    const pages: Record<string, string> = {};
    for (const language of ['de', 'en', 'ar', 'de', 'en-US,en;q=0.9'])
      pages[language] = (await german(server, language).get(link.path).expect(200)).text;
    expect(pages.de).toContain('>Beitreten</button>');
    expect(pages.en).toMatch(/<html lang="en" dir="ltr">/);
    expect(pages.en).toContain('You&#39;re invited to join');
    expect(pages.en).toContain('>Join</button>');
    expect(pages.en).not.toContain('Beitreten');
    expect(pages['en-US,en;q=0.9']).toContain('>Join</button>');
    expect(pages.ar).toMatch(/<html lang="ar" dir="rtl">/);
    expect(pages.ar).toContain('<p class="guest-kicker">دعوة للانضمام إلى</p>');
    expect(pages.ar).toContain('>انضمام</button>');
    // Each page still carries its own browser's CSRF token.
    const tokens = await Promise.all(
      [german(server), german(server)].map(async (browser) =>
        hiddenField((await browser.get(link.path)).text, '_csrf'),
      ),
    );
    expect(tokens[0]).not.toBe(tokens[1]);
  });
});
