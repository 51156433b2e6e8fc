import type { Browser, BrowserContext } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { captureScreen, DESKTOP, E2E_ENV, expectAccessible, launchBrowser } from './helpers/browser';

/**
 * The LTI pages in the visitor's language in a real browser: the sandbox on one site framing
 * the tool on another (its cookies withheld), a Spanish browser launching in Spanish. The
 * framed login (no launch known yet) speaks the browser's language; the media page the
 * launch's. And the sandbox page right to left in Arabic.
 */
describe('the LTI pages in other languages', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ env: E2E_ENV, sandboxHost: 'localhost' }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function contextIn(locale: string): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: DESKTOP, locale });
    context.setDefaultTimeout(10_000);
    return context;
  }

  it('a Spanish browser: the framed login offers a new window in Spanish, which opens the Spanish media page', async () => {
    const context = await contextIn('es-ES');
    const page = await context.newPage();
    await page.goto(`${server.config.sandboxUrl}/sandbox`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    // The launch's language follows the visitor's by default.
    await expect(page.locator('#sb-locale').inputValue()).resolves.toBe('es-ES');
    await page.selectOption('#sb-placement', 'bio-101/live-session');
    await page.selectOption('#sb-storage', 'off');
    await page.getByRole('button', { name: 'Iniciar en el marco' }).click();

    const frame = page.frameLocator('iframe[name="tool-frame"]');
    await frame.locator('h1', { hasText: 'Abra Guestlink en una ventana nueva' }).waitFor();
    await expect(frame.locator('html').getAttribute('lang')).resolves.toBe('es');
    await captureScreen(page, 'i18n-lti-framed-login-es');

    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      frame.getByRole('link', { name: 'Abrir en una ventana nueva' }).click(),
    ]);
    await popup.locator('main.room[data-room-id]').waitFor();
    await expect(popup.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(popup.locator('h1').first().textContent()).resolves.toBe('Weekly live session');
    await frame.locator('h1', { hasText: 'Guestlink se ha abierto en una ventana nueva' }).waitFor();
    await captureScreen(page, 'i18n-lti-framed-opened-es');
    await popup.setViewportSize(DESKTOP);
    await captureScreen(popup, 'i18n-lti-media-page-es');
    await context.close();
  });

  it('an Arabic browser: the sandbox page is right to left, accessible, and launches in Arabic', async () => {
    const context = await contextIn('ar-EG');
    const page = await context.newPage();
    await page.goto(`${server.config.sandboxUrl}/sandbox`);
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    await expect(page.locator('#sb-locale').inputValue()).resolves.toBe('ar-SA');
    await expect(page.locator('h1').textContent()).resolves.toBe('تشغيل Guestlink');
    await expectAccessible(page, 'sandbox-ar');
    await captureScreen(page, 'i18n-lti-sandbox-ar');
    await page.getByRole('button', { name: 'التشغيل في الإطار' }).click();
    const frame = page.frameLocator('iframe[name="tool-frame"]');
    await frame.locator('main.room[data-room-id]').waitFor();
    await expect(frame.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    await captureScreen(page, 'i18n-lti-sandbox-launched-ar');
    await context.close();
  });
});
