import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/test-server';
import {
  captureScreen,
  DESKTOP,
  expectAccessible,
  fetchJsonFrom,
  launchBrowser,
  newContext,
  startE2eServer,
} from './helpers/browser';
import { DEAFENABLE_EVENT_SOURCE, mediaFlowing, participantId, waitForMedia } from './helpers/live';

/** A JSON request from inside a page, with that page's own credentials. */
/** The row of the participant list naming this person, as the page shows it. */
async function participantRow(page: Page, name: string) {
  if ((await page.locator('#toggle-participants').getAttribute('aria-expanded')) !== 'true')
    await page.locator('#toggle-participants').click();
  const row = page.locator('#participant-list li.participant', { hasText: name });
  await row.waitFor();
  return row;
}

/**
 * One room, three languages: a host launched in Spanish presents with Chromium's fake camera
 * and microphone; a German guest (browser in de-DE) and an Arabic one join. Each reads the
 * stage in their own language — controls, status, the participant list's role words — while
 * the media flows the same. Names stay as people wrote them.
 */
jest.setTimeout(120_000);

describe('the live stage in each viewer’s language', () => {
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let hostId = '';
  let roomId = '';
  let ltik = '';
  let linkUrl = '';
  const contexts: BrowserContext[] = [];

  const hostApi = (method: string, path: string, body?: unknown) =>
    fetchJsonFrom(host, `/api/rooms/${roomId}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ltik}` },
      body,
    });

  /** A guest whose browser speaks `locale`, through the link and the lobby onto the stage. */
  async function guestIn(locale: string, name: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: DESKTOP,
      locale,
      extraHTTPHeaders: { 'Accept-Language': `${locale},${locale.slice(0, 2)};q=0.9` },
    });
    await context.addInitScript(DEAFENABLE_EVENT_SOURCE);
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(linkUrl);
    await page.locator('#guest-name').fill(name);
    await page.locator('#guest-email').fill(`${name.split(' ')[0]!.toLowerCase()}@example.org`);
    await page.locator('form:not(.language-picker) button[type="submit"]').click();
    await page.waitForURL(/\/waiting$|\/guest\/rooms\/[^/]+$/);
    if (page.url().endsWith('/waiting')) {
      const lobby = await hostApi('GET', '/lobby');
      const waiting = (lobby.body.waiting as Array<{ id: string; name: string }>).find(
        (entry) => entry.name === name,
      )!;
      expect((await hostApi('POST', `/lobby/${waiting.id}/admit`)).status).toBe(200);
      await page.waitForURL(`${server.url}/guest/rooms/${roomId}`);
    }
    return page;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it('lets a host launched in Spanish present from a Spanish stage', async () => {
    const instructor = await newContext(browser, server);
    contexts.push(instructor);
    const sandbox = await instructor.newPage();
    await sandbox.goto(`${server.url}/sandbox`);
    await sandbox.selectOption('#sb-user', 'instructor');
    await sandbox.selectOption('#sb-placement', 'bio-101/live-session');
    await sandbox.selectOption('#sb-locale', 'es-ES');
    const [popup] = await Promise.all([
      instructor.waitForEvent('page'),
      sandbox.locator('button[name="target"][value="window"]').click(),
    ]);
    host = popup;
    await host.locator('main.room[data-room-id]').waitFor();
    await host.setViewportSize(DESKTOP);
    roomId = (await host.locator('main.room').getAttribute('data-room-id'))!;
    ltik = (await host.locator('main.room').getAttribute('data-ltik'))!;
    hostId = await participantId(host);
    expect(await host.locator('html').getAttribute('lang')).toBe('es');
    await host.locator('#stage-status-text', { hasText: 'Sesión en directo' }).waitFor();
    await host.getByText('La sesión aún no ha comenzado.', { exact: false }).waitFor();

    await host.getByRole('button', { name: 'Cámara', exact: true }).click();
    await host.locator('#toggle-camera[aria-pressed="true"]', { hasText: 'Desactivar cámara' }).waitFor();
    await host.getByRole('button', { name: 'Micrófono', exact: true }).click();
    await host.locator('#toggle-mic[aria-pressed="true"]', { hasText: 'Desactivar micrófono' }).waitFor();
    await host.locator('#stage-main video[data-kind="camera"]').waitFor();
    expect(await host.locator('#stage-main video').getAttribute('aria-label')).toBe('Su cámara');

    expect((await hostApi('PUT', '/guest-access', { enabled: true })).status).toBe(200);
    const created = await hostApi('POST', '/guest-links', { name: 'Sala internacional' });
    expect(created.status).toBe(201);
    linkUrl = String(created.body.url);
  });

  it('shows a German guest a German stage with the Spanish host’s media, and each their own role words', async () => {
    const guest = await guestIn('de-DE', 'Gerda Gast');
    await waitForMedia(guest, { publisher: hostId, timeoutMs: 15_000 });
    expect(await mediaFlowing(guest, hostId)).toBe(true);
    expect(await guest.locator('html').getAttribute('lang')).toBe('de');
    // Behind the presenter's video now, but there for screen readers.
    await guest.locator('#stage-status-text', { hasText: 'Live-Sitzung' }).waitFor({ state: 'attached' });
    await guest.getByRole('button', { name: 'Hand heben' }).waitFor();
    expect(await guest.locator('#stage-main video').getAttribute('aria-label')).toBe(
      'Kamera von Ada Lovelace',
    );
    await guest.locator('#stage-main .stage-caption', { hasText: 'Ada Lovelace' }).waitFor();

    // The guest's list: the host by name with the German role word, the guest as "(Sie)".
    const hostRow = await participantRow(guest, 'Ada Lovelace');
    await hostRow.locator('.role-badge', { hasText: 'Gastgeber' }).waitFor();
    await hostRow.locator('.participant-state', { hasText: 'Mikro an' }).waitFor();
    const ownRow = await participantRow(guest, 'Gerda Gast (Sie)');
    await ownRow.locator('.role-badge', { hasText: 'Gast' }).waitFor();
    expect(await guest.locator('#toggle-participants').getAttribute('aria-label')).toBe(
      'Teilnehmende, 2 Personen im Raum',
    );

    // The host's list, the same room in Spanish.
    const guestRow = await participantRow(host, 'Gerda Gast');
    await guestRow.locator('.role-badge', { hasText: 'Invitado' }).waitFor();
    await (
      await participantRow(host, 'Ada Lovelace (usted)')
    )
      .locator('.role-badge', { hasText: 'Anfitrión' })
      .waitFor();
    await host.locator('#toggle-participants[aria-label="Participantes, 2 personas en la sala"]').waitFor();

    // The guest raises a hand: the button turns in German, the host's count in Spanish.
    await guest.getByRole('button', { name: 'Hand heben' }).click();
    await guest.getByRole('button', { name: 'Hand senken' }).waitFor();
    await host.locator('#hand-count[aria-label="1 mano levantada"]').waitFor();
    await guestRow.locator('.state-hand', { hasText: 'Mano levantada' }).waitFor();
    await guestRow.getByRole('button', { name: 'Acciones para Gerda Gast' }).click();
    await guestRow.getByRole('button', { name: 'Bajar la mano de Gerda Gast' }).waitFor();

    await captureScreen(host, 'i18n-live-host-es');
    await captureScreen(guest, 'i18n-live-guest-de');
  });

  it('shows an Arabic guest the stage right to left', async () => {
    const guest = await guestIn('ar-EG', 'Amal Guest');
    await waitForMedia(guest, { publisher: hostId, timeoutMs: 15_000 });
    expect(await guest.locator('html').getAttribute('dir')).toBe('rtl');
    await guest.locator('#stage-status-text', { hasText: 'الجلسة المباشرة' }).waitFor({ state: 'attached' });
    await guest.getByRole('button', { name: 'رفع اليد' }).waitFor();
    const hostRow = await participantRow(guest, 'Ada Lovelace');
    await hostRow.locator('.role-badge', { hasText: 'مضيف' }).waitFor();
    await expectAccessible(guest, 'i18n-live-guest-ar');
    await captureScreen(guest, 'i18n-live-guest-ar');
  });
});
