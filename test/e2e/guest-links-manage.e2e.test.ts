import jsQR from 'jsqr';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { TestServer } from '../helpers/test-server';
import {
  checkScreen,
  DESKTOP,
  expectAccessible,
  launchBrowser,
  launchFromSandbox,
  newContext,
  PHONE,
  startE2eServer,
} from './helpers/browser';
import { joinAsGuest, openGuestAccess } from './helpers/guestlink';

/**
 * The manage window's everyday work on one link, in order: its URL and clicks, copying
 * (and copying by hand when the clipboard is blocked), editing it without changing its
 * URL, and showing it as a QR code. Each test continues from the previous one's state.
 */
describe('living with guest links in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let host: Page;
  let dialog: Locator;
  let linkUrl = '';
  let roomId = '';

  const row = (name: string) => dialog.locator('#guest-links-body tr', { hasText: name });

  async function guestJoins(name: string): Promise<void> {
    const context = await newContext(browser);
    const guest = await context.newPage();
    const response = await guest.goto(linkUrl);
    expect(response!.status()).toBe(200);
    await joinAsGuest(guest, name, `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`);
    await guest.waitForURL(new RegExp(`/guest/rooms/${roomId}`));
    await context.close();
  }

  /** What sticks out sideways at phone width: the window's table and the page itself. */
  async function sideways(): Promise<{ table: number; dialog: number }> {
    return (await host.evaluate(`(() => {
      const wrap = document.getElementById('guest-links-table-wrap');
      // The window on top: the last open dialog in the page.
      const open = Array.from(document.querySelectorAll('dialog[open]')).pop();
      const box = open.getBoundingClientRect();
      return {
        table: wrap.scrollWidth - wrap.clientWidth,
        dialog: open.scrollWidth - open.clientWidth + Math.max(0, box.right - window.innerWidth),
      };
    })()`)) as { table: number; dialog: number };
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    instructor = await newContext(browser, server, { timezoneId: 'UTC' });
    host = await launchFromSandbox(await instructor.newPage(), server, {
      user: 'instructor',
      placement: 'hist-210/office-hours',
    });
    roomId = (await host.locator('main.room').getAttribute('data-room-id'))!;
    dialog = await openGuestAccess(host);
    await dialog.getByRole('switch', { name: 'Enable guest access' }).click();
    await host.waitForSelector('#guest-access-toggle[aria-checked="true"]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows each link’s URL, read-only and selected on focus, and its clicks used and left', async () => {
    await dialog.getByRole('button', { name: 'Create new link' }).click();
    const create = host.locator('#create-link-dialog');
    await create.getByLabel('Link Name').fill('Office hours');
    await create.getByLabel('# of clicks').fill('3');
    await create.getByLabel('Duration').fill('7');
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await create.waitFor({ state: 'hidden' });

    const url = row('Office hours').getByRole('textbox', { name: 'URL of Office hours' });
    linkUrl = await url.inputValue();
    expect(linkUrl).toMatch(new RegExp(`^${server.url}/g/[A-Za-z0-9_-]{24}$`));
    expect(await url.getAttribute('readonly')).not.toBeNull();
    await url.focus();
    expect(
      await host.evaluate('[document.activeElement.selectionStart, document.activeElement.selectionEnd]'),
    ).toEqual([0, linkUrl.length]);
    expect(await row('Office hours').locator('td[data-label="# of clicks"]').textContent()).toBe(
      '0 used · 3 left',
    );

    await guestJoins('Grace Guest');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    dialog = await openGuestAccess(host);
    await row('Office hours')
      .locator('td[data-label="# of clicks"]', { hasText: '1 used · 2 left' })
      .waitFor();
    await checkScreen(host, 'manage-links-url-counts');

    // At phone width: one card per link, all four actions in view, nothing to scroll sideways.
    await host.setViewportSize(PHONE);
    await expectAccessible(host, 'manage-links-url-counts at phone width');
    expect(await sideways()).toEqual({ table: 0, dialog: 0 });
    for (const label of ['Edit link', 'Copy link', 'Show QR code for', 'Delete link']) {
      const button = row('Office hours').getByRole('button', { name: new RegExp(`^${label} Office hours$`) });
      expect(await button.isVisible()).toBe(true);
      const box = (await button.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    await host.setViewportSize(DESKTOP);
  });

  it('says "Link copied" on screen and to screen readers for about two seconds', async () => {
    await row('Office hours').getByRole('button', { name: 'Copy link Office hours' }).click();
    const feedback = row('Office hours').locator('.copy-feedback');
    await feedback.getByText('Link copied').waitFor();
    await host.locator('#announcer', { hasText: 'Link copied' }).waitFor({ state: 'attached' });
    expect(await host.evaluate('navigator.clipboard.readText()')).toBe(linkUrl);
    await host.waitForTimeout(2_300);
    expect(await feedback.textContent()).toBe('');
  });

  it('selects the URL and says how to copy it when the clipboard is blocked', async () => {
    // As in LMS frames that deny clipboard access: the API refuses and so does execCommand.
    await host.evaluate(`(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Blocked', 'NotAllowedError'));
      document.execCommand = () => false;
    })()`);
    await row('Office hours').getByRole('button', { name: 'Copy link Office hours' }).click();
    await dialog
      .getByRole('alert')
      .getByText(
        'Your browser blocked copying. The link is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.',
      )
      .waitFor();
    expect(
      await host.evaluate(
        '[document.activeElement.getAttribute("aria-label"), String(window.getSelection()), document.activeElement.selectionStart, document.activeElement.selectionEnd]',
      ),
    ).toEqual(['URL of Office hours', linkUrl, 0, linkUrl.length]);
    expect(await row('Office hours').locator('.copy-feedback').textContent()).toBe('');
  });

  it('edits a link without changing its URL: the same URL still works, with the new name and limit', async () => {
    await row('Office hours').getByRole('button', { name: 'Edit link Office hours' }).click();
    const edit = host.getByRole('dialog', { name: 'Edit link' });
    await edit.waitFor();
    expect(await edit.getByLabel('Link Name').inputValue()).toBe('Office hours');
    expect(await edit.getByLabel('# of clicks').inputValue()).toBe('3');
    expect(await edit.getByLabel('Duration').inputValue()).toBe('7');
    await edit.getByText('1 used so far.').waitFor();
    await edit.getByText(/^The link expires on /).waitFor();

    await edit.getByLabel('Link Name').fill('Office hours (Tuesday)');
    await edit.getByLabel('# of clicks').fill('5');
    await edit.getByLabel('Duration').fill('14');
    const inFourteenDays = new Date(Date.now() + 14 * 86_400_000).toLocaleDateString('en-US', {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      timeZone: 'UTC',
    });
    await edit.getByText(new RegExp(`^The link will expire on ${inFourteenDays} at .+ UTC\\.$`)).waitFor();
    await checkScreen(host, 'edit-link');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });

    const edited = row('Office hours (Tuesday)');
    await edited.locator('td[data-label="# of clicks"]', { hasText: '1 used · 4 left' }).waitFor();
    expect(await edited.getByRole('textbox', { name: 'URL of Office hours (Tuesday)' }).inputValue()).toBe(
      linkUrl,
    );
    expect(await edited.locator('td[data-label="Expires"]').textContent()).toContain(inFourteenDays);
    // Focus is back on the link's Edit button.
    expect(await host.evaluate('document.activeElement.getAttribute("aria-label")')).toBe(
      'Edit link Office hours (Tuesday)',
    );

    // The guest's URL is the one from before the edit; it lets the next guest in, counted on.
    await guestJoins('Second Guest');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    dialog = await openGuestAccess(host);
    await row('Office hours (Tuesday)').locator('td', { hasText: '2 used · 3 left' }).waitFor();
  });

  it('shows a large QR code that decodes to the link’s URL, with its name and URL under it', async () => {
    await row('Office hours (Tuesday)')
      .getByRole('button', { name: 'Show QR code for Office hours (Tuesday)' })
      .click();
    const qr = host.getByRole('dialog', { name: 'QR code' });
    await qr.waitFor();
    await host.waitForFunction(
      `(() => { const i = document.getElementById('qr-image'); return i.complete && i.naturalWidth > 0; })()`,
    );
    expect(
      await qr.getByRole('img', { name: 'QR code for the link Office hours (Tuesday)' }).isVisible(),
    ).toBe(true);
    expect(await qr.locator('#qr-link-name').textContent()).toBe('Office hours (Tuesday)');
    expect(await qr.locator('#qr-link-url').textContent()).toBe(linkUrl);
    await checkScreen(host, 'qr-code');
    const box = (await qr.locator('#qr-image').boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(300);

    // Read the code back as a phone would: the image's pixels through a QR decoder.
    // Base64: a plain array of 640,000 numbers takes a minute to cross the DevTools protocol.
    const pixels = (await host.evaluate(`(() => {
      const image = document.getElementById('qr-image');
      const canvas = document.createElement('canvas');
      canvas.width = 400;
      canvas.height = 400;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0, 400, 400);
      const bytes = context.getImageData(0, 0, 400, 400).data;
      let binary = '';
      for (let start = 0; start < bytes.length; start += 8192)
        binary += String.fromCharCode.apply(null, bytes.subarray(start, start + 8192));
      return btoa(binary);
    })()`)) as string;
    const decoded = jsQR(new Uint8ClampedArray(Buffer.from(pixels, 'base64')), 400, 400);
    expect(decoded?.data).toBe(linkUrl);

    await host.setViewportSize(PHONE);
    await expectAccessible(host, 'qr-code at phone width');
    expect(await sideways()).toMatchObject({ dialog: 0 });
    await host.setViewportSize(DESKTOP);

    await qr.getByRole('button', { name: 'Full screen' }).click();
    await host.waitForFunction('document.fullscreenElement && document.fullscreenElement.id === "qr-figure"');
    await host.evaluate('document.exitFullscreen()');
    await qr.getByRole('button', { name: 'Close' }).last().click();
    await qr.waitFor({ state: 'hidden' });
    expect(await host.evaluate('document.activeElement.getAttribute("aria-label")')).toBe(
      'Show QR code for Office hours (Tuesday)',
    );
  });
});
