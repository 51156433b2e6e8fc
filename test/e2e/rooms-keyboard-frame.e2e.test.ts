import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/test-server';
import {
  captureScreen,
  checkScreen,
  launchBrowser,
  launchFromSandbox,
  newContext,
  startE2eServer,
} from './helpers/browser';
import { joinAsGuest } from './helpers/guestlink';

describe('roles, keyboard use and the LMS frame in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let keyboardHost: Page;
  let keyboardLinkUrl = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    // A time zone far from the server's: expiry times must be shown in the viewer's.
    instructor = await newContext(browser, server, { timezoneId: 'Asia/Tokyo' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a student no guest management', async () => {
    const context = await newContext(browser, server);
    const student = await launchFromSandbox(await context.newPage(), server, {
      user: 'student',
      placement: 'bio-101/live-session',
    });
    await expect(student.locator('.who .role-badge').textContent()).resolves.toBe('Viewer');
    await student.locator('#room-menu-button').click();
    const items = await student.getByRole('menuitem').allTextContents();
    expect(items.map((item) => item.trim())).toEqual(['Open in new window']);
    expect(await student.locator('#guest-access-dialog, #lobby-panel').count()).toBe(0);
    expect(await student.getByText('Manage guest access').count()).toBe(0);
    await checkScreen(student, 'media-page-student');
    await context.close();
  });

  it('shows Manage guest access disabled, with its explanation, in a media-gallery room', async () => {
    const page = await launchFromSandbox(await instructor.newPage(), server, {
      placement: 'bio-101/media-gallery',
    });
    await page.locator('#room-menu-button').click();
    const item = page.getByRole('menuitem', { name: 'Manage guest access' });
    await expect(item.getAttribute('aria-disabled')).resolves.toBe('true');
    const noteId = await item.getAttribute('aria-describedby');
    const note = page.locator(`#${noteId}`);
    expect(await note.isVisible()).toBe(true);
    expect((await note.textContent())!.trim().length).toBeGreaterThan(10);
    await checkScreen(page, 'media-gallery-menu');
    // Playwright refuses to click an aria-disabled item; a user still can: force the click.
    await item.click({ force: true });
    expect(await page.locator('#guest-access-dialog').count()).toBe(0);
    // The disabled item keeps the menu open and opens nothing.
    expect(await page.locator('#room-menu').isVisible()).toBe(true);
    await page.close();
  });

  it('works with the keyboard alone: menu, window, enable, create a link, close with Esc', async () => {
    keyboardHost = await launchFromSandbox(await instructor.newPage(), server, {
      placement: 'hist-210/office-hours',
    });
    const page = keyboardHost;
    const focused = () => page.evaluate('document.activeElement && document.activeElement.id');
    // A dialog's "close" event, which moves focus back, is queued as a task after the dialog hides.
    const expectFocusOn = async (id: string) => {
      const script = `document.activeElement && document.activeElement.id === ${JSON.stringify(id)}`;
      await page.waitForFunction(script, undefined, { timeout: 2000 }).catch(() => undefined);
      expect(await focused()).toBe(id);
    };
    for (let i = 0; i < 15 && (await focused()) !== 'room-menu-button'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('room-menu-button');

    await page.keyboard.press('ArrowDown');
    await expect(page.locator('#room-menu-button').getAttribute('aria-expanded')).resolves.toBe('true');
    expect(await page.evaluate('document.activeElement.textContent.trim()')).toBe('Manage guest access');
    await page.keyboard.press('Enter');
    await page.locator('#guest-access-dialog').waitFor();
    await page.waitForSelector('#guest-access-toggle:not([disabled])');
    await expectFocusOn('guest-access-toggle');

    await page.keyboard.press('Space');
    await page.waitForSelector('#guest-access-toggle[aria-checked="true"]');
    for (let i = 0; i < 6 && (await focused()) !== 'create-link-button'; i++)
      await page.keyboard.press('Tab');
    expect(await focused()).toBe('create-link-button');
    await page.keyboard.press('Enter');
    await page.locator('#create-link-dialog').waitFor();
    await expectFocusOn('link-name');
    await page.keyboard.type('Keyboard guests');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('link-clicks');
    await page.keyboard.type('5');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('link-duration');
    // A refused value says what is allowed, and focus stays on the field to correct.
    await page.keyboard.type('-3');
    await page.keyboard.press('Enter');
    const durationError = page.locator('#link-duration-error');
    await durationError.waitFor();
    expect(await durationError.textContent()).toBe('Duration must be at least 1 day.');
    expect(await focused()).toBe('link-duration');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.locator('#create-link-dialog').waitFor({ state: 'hidden' });
    const row = page.locator('#guest-links-body tr', { hasText: 'Keyboard guests' });
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('0 used · 5 left');
    // Date and time, in the viewer's time zone (Tokyo, GMT+9), named.
    const expiry = row.locator('td').nth(1).locator('time');
    const expiresAt = new Date(String(await expiry.getAttribute('datetime')));
    const tokyoTime = expiresAt.toLocaleTimeString('en-US', {
      hour: 'numeric',
      minute: '2-digit',
      timeZone: 'Asia/Tokyo',
    });
    expect(await expiry.textContent()).toContain(tokyoTime);
    expect(await expiry.textContent()).toContain('GMT+9');
    await expectFocusOn('create-link-button');

    await page.keyboard.press('Escape');
    await page.locator('#guest-access-dialog').waitFor({ state: 'hidden' });
    await expectFocusOn('room-menu-button');

    // Read the new link's URL for the next test through the API, as the page's script does.
    keyboardLinkUrl = String(
      await page.evaluate(`(async () => {
        const main = document.querySelector('main[data-room-id]');
        const response = await fetch('/api/rooms/' + main.dataset.roomId + '/guest-access', {
          headers: { Authorization: 'Bearer ' + main.dataset.ltik, Accept: 'application/json' },
        });
        return (await response.json()).links[0].url;
      })()`),
    );
  });

  it('shows a declined guest, and a guest of a removed room, their message pages', async () => {
    const context = await newContext(browser);
    const guest = await context.newPage();
    await guest.goto(keyboardLinkUrl);
    await joinAsGuest(guest, 'Mallory Declined', 'mallory@example.org');
    await guest.locator('h1', { hasText: 'Waiting for the moderator' }).waitFor();
    await keyboardHost.getByRole('button', { name: 'Deny Mallory Declined' }).click();
    await guest.locator('h1', { hasText: 'Your request to join was declined' }).waitFor();
    await checkScreen(guest, 'message-declined');

    const roomId = await keyboardHost.locator('main.room').getAttribute('data-room-id');
    await server.sql.query('UPDATE rooms SET deleted_at = now() WHERE id = $1', [roomId]);
    const response = await (await context.newPage()).goto(keyboardLinkUrl);
    expect(response!.status()).toBe(410);
    const page = context.pages()[1]!;
    await expect(page.locator('h1').textContent()).resolves.toBe('This session is no longer available');
    await checkScreen(page, 'message-room-unavailable');
    await context.close();
  });

  /** A page on another origin that frames a sandbox launch, as Blackboard frames the tool. */
  async function framingPage(host: string): Promise<{ url: string; close: () => Promise<void> }> {
    const launch = `${server.url}/sandbox/launch?user=instructor&placement=bio-101/live-session&deployment=registered&target=iframe`;
    const framer = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="en"><title>Course · LMS</title><h1>Course</h1>` +
          `<iframe name="tool" title="Guestlink" style="width:1200px;height:700px" src="${launch}"></iframe></html>`,
      );
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    const { port } = framer.address() as AddressInfo;
    return {
      url: `http://${host}:${port}/`,
      close: () => new Promise<void>((resolve) => framer.close(() => resolve())),
    };
  }

  it('in a frame from another origin: completes the launch same-site, continues in a new window cross-site', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();

    // Another origin on the same site (127.0.0.1, another port): the cookies flow and the launch completes.
    const sameSite = await framingPage('127.0.0.1');
    await page.goto(sameSite.url);
    const frame = page.frameLocator('iframe[name="tool"]');
    await frame.locator('main.room[data-room-id]').waitFor();
    await expect(frame.locator('h1').textContent()).resolves.toBe('Weekly live session');
    await frame.locator('#room-menu-button').click();
    await expect(
      frame.getByRole('menuitem', { name: 'Open in new window' }).getAttribute('formtarget'),
    ).resolves.toBe('_blank');
    await captureScreen(page, 'frame-same-site');
    await sameSite.close();

    // Another site (localhost framing 127.0.0.1), as Blackboard's domain frames the tool. Over
    // plain http the tool's cookies cannot be SameSite=None, so the browser withholds them:
    // the frame shows "Open in a new window", which starts a fresh login top-level (the hint was never used in the frame).
    const crossSite = await framingPage('localhost');
    await page.goto(crossSite.url);
    const toolFrame = page.frameLocator('iframe[name="tool"]');
    await toolFrame.locator('h1', { hasText: 'Open Guestlink in a new window' }).waitFor();
    await captureScreen(page, 'frame-cross-site');
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      toolFrame.getByRole('link', { name: 'Open in a new window' }).click(),
    ]);
    await popup.locator('main.room[data-room-id]').waitFor();
    await expect(popup.locator('h1').textContent()).resolves.toBe('Weekly live session');
    await crossSite.close();
    await context.close();
  });
});
