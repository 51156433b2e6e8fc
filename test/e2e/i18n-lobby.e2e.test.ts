import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { joinAs } from '../helpers/guests';
import { invitedPerson } from '../helpers/invitees';
import type { TestServer } from '../helpers/test-server';
import {
  callApi,
  captureScreen,
  DESKTOP,
  expectAccessible,
  launchBrowser,
  newContext,
  PHONE,
  SCREENSHOTS_DIR,
  startE2eServer,
  launchFromSandbox,
} from './helpers/browser';

const PLACEMENT = 'bio-101/live-session';

function launchIn(page: Page, server: TestServer, locale: string): Promise<Page> {
  return launchFromSandbox(page, server, { locale, placement: PLACEMENT });
}

/** Photographs the Lobby panel itself (below the stage) at desktop and phone width. */
async function panelShots(page: Page, name: string): Promise<void> {
  for (const [size, suffix] of [
    [DESKTOP, 'desktop'],
    [PHONE, 'phone'],
  ] as const) {
    await page.setViewportSize(size);
    await page
      .locator('#lobby-panel')
      .screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}-${suffix}.png`) });
  }
  await page.setViewportSize(DESKTOP);
}

/**
 * The moderators' lobby in the launch's language, in a real browser: an es-ES instructor sees
 * the bar, the tab title, the toast, the panel, the Deny-Undo row, the confirmation and the
 * screen reader's count in Spanish with Spanish plurals, and admits from the Spanish toast;
 * an ar-SA instructor gets the same lobby right to left.
 */
describe('the lobby in the moderator’s language, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let linkPath = '';
  let plainTitle = '';

  const guest = (name: string, email: string) => joinAs(server, linkPath, { name, email });
  const waitingIds = async () =>
    ((await callApi(host, 'GET', '/lobby')) as { waiting: Array<{ id: string; name: string }> }).waiting;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    const context = await newContext(browser, server, { timezoneId: 'Europe/Madrid' });
    host = await launchIn(await context.newPage(), server, 'es-ES');
    await callApi(host, 'PUT', '/guest-access', { enabled: true });
    await callApi(host, 'PUT', '/lobby', { enabled: true });
    const link = (await callApi(host, 'POST', '/guest-links', { name: 'Visitantes', durationDays: 7 })) as {
      url: string;
    };
    linkPath = new URL(link.url).pathname;
    plainTitle = await host.title();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a Spanish bar, tab title and toast, and admits from the toast', async () => {
    expect(await host.locator('html').getAttribute('lang')).toBe('es');
    expect(await host.locator('#lobby-jump').textContent()).toBe('Sala de espera · 0 esperando');
    expect(await host.locator('#lobby-empty').textContent()).toBe('No hay invitados esperando.');

    await guest('Alicia Álvarez', 'alicia@example.org');
    const toast = host.locator('#lobby-toast');
    await toast.getByText('Alicia Álvarez está en la sala de espera').waitFor();
    await host.waitForFunction((title) => document.title === `(1) esperando · ${title}`, plainTitle);
    expect(await host.locator('#lobby-jump').textContent()).toBe('Sala de espera · 1 esperando');
    expect(await host.locator('#lobby-count').getAttribute('aria-label')).toBe('1 invitado esperando');
    const row = host.locator('#lobby-list li', { hasText: 'Alicia Álvarez' });
    expect(await row.locator('.muted').last().textContent()).toMatch(
      /^vía Visitantes · lleva \d+ s esperando$/,
    );

    const admit = toast.getByRole('button', { name: 'Admitir', exact: true });
    await admit.click();
    await host.locator('#lobby-empty').waitFor({ state: 'visible' });
    await toast.waitFor({ state: 'hidden' });
    await host.waitForFunction((title) => document.title === title, plainTitle);
    expect(await waitingIds()).toEqual([]);
  });

  it('counts two waiting guests with Spanish plurals in the toast, the badge, the title and for screen readers', async () => {
    await guest('Bruno Bravo', 'bruno@example.org');
    await guest('Carla Campos', 'carla@example.org');
    await host.locator('#lobby-toast').getByText('2 invitados están en la sala de espera').waitFor();
    await host.locator('#lobby-count', { hasText: /^2$/ }).waitFor();
    expect(await host.locator('#lobby-count').getAttribute('aria-label')).toBe('2 invitados esperando');
    expect(await host.locator('#lobby-jump').textContent()).toBe('Sala de espera · 2 esperando');
    await host.waitForFunction((title) => document.title === `(2) esperando · ${title}`, plainTitle);
    await host.locator('#lobby-status', { hasText: '2 invitados esperando' }).waitFor({ state: 'attached' });
    for (const name of ['Bruno Bravo', 'Carla Campos']) {
      await host.getByRole('button', { name: `Admitir a ${name}` }).waitFor();
      await host.getByRole('button', { name: `Rechazar a ${name}` }).waitFor();
      await host.getByRole('button', { name: `Enviar un mensaje a ${name}` }).waitFor();
    }
    await expectAccessible(host, 'i18n-lobby-es');
    await captureScreen(host, 'i18n-lobby-es');
    await panelShots(host, 'i18n-lobby-es-panel');
  });

  it('holds a denial back five seconds in Spanish, and Deshacer keeps the guest waiting', async () => {
    await host.getByRole('button', { name: 'Rechazar a Bruno Bravo' }).click();
    const pending = host.locator('#lobby-list .lobby-pending');
    expect(await pending.textContent()).toMatch(/^Se rechazará a Bruno Bravo en [1-5] s$/);
    await host.screenshot({ path: path.join(SCREENSHOTS_DIR, 'i18n-lobby-es-undo-desktop.png') });
    const undo = host.getByRole('button', { name: 'Deshacer el rechazo de Bruno Bravo' });
    expect(await undo.textContent()).toBe('Deshacer');
    await undo.click();
    await host.getByRole('button', { name: 'Admitir a Bruno Bravo' }).waitFor();
    expect(await pending.count()).toBe(0);
    expect((await waitingIds()).map((guest) => guest.name).sort()).toEqual(['Bruno Bravo', 'Carla Campos']);
  });

  it('asks "¿Admitir a los 2 invitados en espera?" before Admitir a todos', async () => {
    await host.locator('#lobby-admit-all').click();
    const dialog = host.locator('#lobby-confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('#lobby-confirm-title').textContent()).toBe(
      '¿Admitir a los 2 invitados en espera?',
    );
    expect(await dialog.locator('#lobby-confirm-text').textContent()).toBe(
      'Entrarán en la sala ahora mismo.',
    );
    expect(await dialog.locator('#lobby-confirm-ok').textContent()).toBe('Admitir a todos');
    await host.setViewportSize(PHONE);
    await host.screenshot({ path: path.join(SCREENSHOTS_DIR, 'i18n-lobby-es-confirm-phone.png') });
    await host.setViewportSize(DESKTOP);
    await dialog.getByRole('button', { name: 'Cancelar' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await waitingIds()).toHaveLength(2);
  });

  it('runs from an invited moderator’s room page in German, the browser’s language', async () => {
    const roomId = await host.evaluate(
      () => document.querySelector<HTMLElement>('main[data-room-id]')!.dataset.roomId!,
    );
    const moderator = await invitedPerson(server, roomId, 'moderator', { name: 'Moritz Moderator' });
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'de-DE' });
    context.setDefaultTimeout(10_000);
    const equals = moderator.cookie.indexOf('=');
    await context.addCookies([
      { name: moderator.cookie.slice(0, equals), value: moderator.cookie.slice(equals + 1), url: server.url },
    ]);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/guest/rooms/${roomId}`);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      await page.getByRole('button', { name: 'Bruno Bravo zulassen' }).waitFor();
      expect(await page.locator('#lobby-count').getAttribute('aria-label')).toBe('2 Gäste warten');
      expect(await page.locator('#lobby-jump').textContent()).toBe('Warteraum · 2 warten');
      const row = page.locator('#lobby-list li', { hasText: 'Carla Campos' });
      expect(await row.locator('.muted').last().textContent()).toMatch(
        /^über Visitantes · wartet seit \d+ (Sek|Min)\.$/,
      );
      await page.locator('#lobby-deny-all').click();
      const dialog = page.getByRole('alertdialog', { name: '2 wartende Gäste ablehnen?' });
      await dialog.waitFor();
      expect(await dialog.locator('#lobby-confirm-ok').textContent()).toBe('Alle ablehnen');
      await dialog.getByRole('button', { name: 'Abbrechen' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await panelShots(page, 'i18n-lobby-de-invited-panel');
      expect(await waitingIds()).toHaveLength(2);
    } finally {
      await context.close();
    }
  });

  it('gives an ar-SA instructor the same lobby right to left, in Arabic', async () => {
    const context = await newContext(browser, server);
    const arabic = await launchIn(await context.newPage(), server, 'ar-SA');
    try {
      expect(await arabic.locator('html').getAttribute('dir')).toBe('rtl');
      await arabic.locator('#lobby-count', { hasText: /^(2|٢)$/ }).waitFor();
      expect(await arabic.locator('#lobby-count').getAttribute('aria-label')).toBe('ضيفان في الانتظار');
      expect(await arabic.locator('#lobby-heading').textContent()).toMatch(/^غرفة الانتظار /);
      await arabic.getByRole('button', { name: 'قبول Bruno Bravo' }).waitFor();
      await guest('Dalia Díaz', 'dalia@example.org');
      await arabic.locator('#lobby-toast').getByText('Dalia Díaz في غرفة الانتظار').waitFor();
      await arabic.locator('#lobby-count', { hasText: /^(3|٣)$/ }).waitFor();
      expect(await arabic.locator('#lobby-count').getAttribute('aria-label')).toMatch(
        /^(3|٣) ضيوف في الانتظار$/,
      );
      await expectAccessible(arabic, 'i18n-lobby-ar');
      await captureScreen(arabic, 'i18n-lobby-ar');
      await panelShots(arabic, 'i18n-lobby-ar-panel');
    } finally {
      await context.close();
    }
  });
});
