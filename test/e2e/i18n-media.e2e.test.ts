import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { TestServer } from '../helpers/test-server';
import {
  captureScreen,
  DESKTOP,
  expectAccessible,
  launchBrowser,
  newContext,
  PHONE,
  startE2eServer,
  launchFromSandbox,
} from './helpers/browser';
import { joinAsGuest } from './helpers/guestlink';

function launchIn(page: Page, server: TestServer, locale: string, placement: string): Promise<Page> {
  return launchFromSandbox(page, server, { locale, placement });
}

/**
 * An es-ES instructor works the three-dots menu, the Manage guest access window, its
 * link list, copying and the guest log in Spanish; an ar-SA instructor's page reads right
 * to left. Each test continues from the previous one's state.
 */
describe('the media page’s windows in the launch’s language, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let host: Page;
  let dialog: Locator;

  const row = (name: string) => dialog.locator('#guest-links-body tr', { hasText: name });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    instructor = await newContext(browser, server, { timezoneId: 'Europe/Madrid' });
    host = await launchIn(await instructor.newPage(), server, 'es-ES', 'hist-210/office-hours');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens the three-dots menu and Manage guest access in Spanish', async () => {
    expect(await host.locator('html').getAttribute('lang')).toBe('es');
    await host.getByRole('button', { name: 'Más opciones' }).click();
    const items = await host.getByRole('menuitem').allTextContents();
    expect(items.map((item) => item.trim())).toEqual([
      'Administrar el acceso de invitados',
      'Invitar usuarios',
      'Configuración de la sala',
      'Finalizar la sesión en directo para todos',
      'Abrir en una ventana nueva',
    ]);
    await host.getByRole('menuitem', { name: 'Administrar el acceso de invitados' }).click();
    dialog = host.locator('#guest-access-dialog');
    await dialog.getByRole('heading', { name: 'Administrar el acceso de invitados' }).waitFor();
    await host.waitForSelector('#guest-access-toggle:not([disabled])');
    await dialog.locator('#guest-link-count', { hasText: 'No se ha añadido ningún enlace' }).waitFor();
    await dialog
      .locator('#create-link-note', { hasText: 'Active el acceso de invitados para crear enlaces.' })
      .waitFor();
    await dialog.getByRole('switch', { name: 'Activar el acceso de invitados' }).click();
    await host.waitForSelector('#guest-access-toggle[aria-checked="true"]');
    await host
      .locator('#announcer', { hasText: 'Acceso de invitados activado' })
      .waitFor({ state: 'attached' });
  });

  it('creates a link in Spanish: the form’s checks, the expiry in words, the list and its plurals', async () => {
    await dialog.getByRole('button', { name: 'Crear enlace' }).click();
    const create = host.locator('#create-link-dialog');
    await create.getByRole('heading', { name: 'Crear enlace' }).waitFor();
    await create.getByLabel('Nombre del enlace').fill('Clase abierta');
    await create.getByLabel('N.º de clics').fill('0');
    await create.getByLabel('Duración').fill('7');
    await create
      .locator('#link-expiry-preview', { hasText: /^El enlace caducará el \d{1,2} de [a-z]+ de 2\d{3}/ })
      .waitFor();
    await create.getByRole('button', { name: 'Crear', exact: true }).click();
    await create
      .locator('#link-clicks-error', { hasText: 'El n.º de clics debe ser de al menos 1 clic.' })
      .waitFor();
    await create.getByLabel('N.º de clics').fill('2');
    await create.getByRole('button', { name: 'Crear', exact: true }).click();
    await row('Clase abierta').waitFor();
    await host
      .locator('#announcer', { hasText: 'Enlace «Clase abierta» creado' })
      .waitFor({ state: 'attached' });
    await dialog.locator('#guest-link-count', { hasText: /^1 enlace$/ }).waitFor();
    expect(await row('Clase abierta').locator('td[data-label="N.º de clics"]').textContent()).toBe(
      '0 usados · quedan 2',
    );
    expect(await row('Clase abierta').locator('td[data-label="Caduca"] time').textContent()).toMatch(
      /^\d{1,2} de [a-z]+ de 2\d{3},? (a las )?\d{1,2}:\d{2} \S+$/,
    );
    // A second link: "2 enlaces", and no limit.
    await dialog.getByRole('button', { name: 'Crear enlace' }).click();
    await create.getByLabel('Nombre del enlace').fill('Invitados de honor');
    await create.getByRole('button', { name: 'Crear', exact: true }).click();
    await dialog.locator('#guest-link-count', { hasText: /^2 enlaces$/ }).waitFor();
    expect(await row('Invitados de honor').locator('td[data-label="N.º de clics"]').textContent()).toBe(
      '0 usados · sin límite',
    );
    expect(await row('Invitados de honor').locator('td[data-label="Caduca"]').textContent()).toBe('Nunca');
  });

  it('copies a link with its feedback in Spanish, and asks before deleting in Spanish', async () => {
    await row('Clase abierta').getByRole('button', { name: 'Copiar el enlace Clase abierta' }).click();
    await row('Clase abierta').locator('.copy-feedback', { hasText: 'Enlace copiado' }).waitFor();
    await host.locator('#announcer', { hasText: 'Enlace copiado' }).waitFor({ state: 'attached' });

    await row('Invitados de honor')
      .getByRole('button', { name: 'Eliminar el enlace Invitados de honor' })
      .click();
    const confirm = host.locator('#delete-link-dialog');
    await confirm.getByRole('heading', { name: '¿Desea eliminar este enlace de invitado?' }).waitFor();
    expect(await confirm.locator('#delete-link-name').textContent()).toBe('Invitados de honor');
    expect(await confirm.locator('#delete-link-description').textContent()).toMatch(
      /^«Invitados de honor» se elimina de inmediato .* Los enlaces eliminados no se pueden restaurar\.$/,
    );
    await captureScreen(host, 'i18n-media-es-delete');
    await confirm.getByRole('button', { name: 'Cancelar' }).click();
    await expectAccessible(host, 'the Spanish Manage guest access window');
    await captureScreen(host, 'i18n-media-es-manage');
  });

  it('opens the guest log window in Spanish, times in the viewer’s language and zone', async () => {
    const url = (await row('Clase abierta').locator('input.link-url').inputValue()) as string;
    const guestContext = await newContext(browser);
    const guest = await guestContext.newPage();
    await guest.goto(url);
    await joinAsGuest(guest, 'Lucía Gómez', 'lucia@example.org');
    await guestContext.close();

    await dialog.getByRole('button', { name: 'Registro de invitados' }).click();
    const log = host.locator('#guest-log-dialog');
    await log.getByRole('heading', { name: 'Registro de invitados' }).waitFor();
    const logRow = log.locator('#guest-log-body tr', { hasText: 'Lucía Gómez' });
    await logRow.waitFor();
    expect(await log.locator('thead th').allTextContents()).toEqual([
      'Invitado',
      'Enlace',
      'Llegada',
      'Admisión',
      'Salida',
      'Duración',
      'Qué ocurrió',
    ]);
    expect(await logRow.locator('td[data-label="Llegada"] time').textContent()).toMatch(
      /^\d{1,2} [a-z]{3,4} 2\d{3}, \d{1,2}:\d{2}$/,
    );
    expect(await logRow.locator('td[data-label="Admisión"] .visually-hidden').textContent()).toBe('Ninguno');
    await log.getByRole('button', { name: 'Descargar CSV' }).waitFor();
    await captureScreen(host, 'i18n-media-es-guest-log');
    await log.getByRole('button', { name: 'Cerrar', exact: true }).last().click();
  });

  it('reads right to left for an ar-SA launch, its menu inside the screen', async () => {
    const context = await newContext(browser, server);
    const page = await launchIn(await context.newPage(), server, 'ar-SA', 'bio-101/live-session');
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.getByRole('button', { name: 'مزيد من الخيارات' }).click();
      const menu = page.locator('#room-menu');
      await menu.getByRole('menuitem', { name: 'إدارة وصول الضيوف' }).waitFor();
      const box = (await menu.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({
        path: `test/e2e/screenshots/i18n-media-ar-menu-${viewport === DESKTOP ? 'desktop' : 'phone'}.png`,
      });
      await page.keyboard.press('Escape');
    }
    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: 'مزيد من الخيارات' }).click();
    await page.getByRole('menuitem', { name: 'إدارة وصول الضيوف' }).click();
    await page.locator('#guest-access-dialog').getByRole('heading', { name: 'إدارة وصول الضيوف' }).waitFor();
    await page.waitForSelector('#guest-access-toggle:not([disabled])');
    await page.locator('#guest-link-count', { hasText: 'لم تتم إضافة أي روابط' }).waitFor();
    await captureScreen(page, 'i18n-media-ar-manage');
    await context.close();
  });
});
