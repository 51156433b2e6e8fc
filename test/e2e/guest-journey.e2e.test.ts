import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/test-server';
import {
  checkScreen,
  DESKTOP,
  launchBrowser,
  launchFromSandbox,
  newContext,
  PHONE,
  startE2eServer,
} from './helpers/browser';
import { joinAsGuest, openGuestAccess } from './helpers/guestlink';

/**
 * The journey, one scenario per test, in order: each test continues from the
 * state the previous one left (the instructor's open media page, the link, the guests).
 */
describe('guest links in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let host: Page;
  let linkUrl = '';
  let roomId = '';
  let admitted: Page;
  let waiting: Page;
  const contexts: BrowserContext[] = [];

  async function guestContext(): Promise<BrowserContext> {
    const context = await newContext(browser);
    contexts.push(context);
    return context;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    instructor = await newContext(browser, server, { timezoneId: 'UTC' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lets an instructor enable guest access, create "Guest speakers" and copy its URL', async () => {
    const sandbox = await instructor.newPage();
    await sandbox.goto(`${server.url}/sandbox`);
    await checkScreen(sandbox, 'sandbox');
    host = await launchFromSandbox(sandbox, server, {
      user: 'instructor',
      placement: 'bio-101/live-session',
    });
    roomId = (await host.locator('main.room').getAttribute('data-room-id'))!;
    await checkScreen(host, 'media-page');

    await host.locator('#room-menu-button').click();
    await checkScreen(host, 'media-page-menu');
    const dialog = await openGuestAccess(host);
    const toggle = dialog.getByRole('switch', { name: 'Enable guest access' });
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('false');
    await expect(dialog.locator('#guest-link-count').textContent()).resolves.toBe('No links added');
    await toggle.click();
    await host.waitForSelector('#guest-access-toggle[aria-checked="true"]');
    await checkScreen(host, 'manage-guest-access');

    await dialog.getByRole('button', { name: 'Create new link' }).click();
    const create = host.locator('#create-link-dialog');
    await create.waitFor();
    await create.getByLabel('Link Name').fill('Guest speakers');
    await create.getByLabel('# of clicks').fill('2');
    await create.getByLabel('Duration').fill('7');
    await checkScreen(host, 'create-link');
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await create.waitFor({ state: 'hidden' });

    const row = dialog.locator('#guest-links-body tr', { hasText: 'Guest speakers' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    const inSevenDays = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString('en-US', {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      timeZone: 'UTC',
    });
    expect(cells[0]).toBe('Guest speakers');
    // Date and time, in the instructor's browser's time zone (UTC here).
    expect(cells[1]).toMatch(new RegExp(`^${inSevenDays} at \\d{1,2}:\\d{2} [AP]M UTC$`));
    expect(cells[2]).toBe('0 used · 2 left');
    await expect(dialog.locator('#guest-link-count').textContent()).resolves.toBe('1 link');
    await checkScreen(host, 'manage-guest-access-with-link');

    // At phone width each link is a card: every action in view, nothing to scroll sideways,
    // and the name on one line when it fits.
    await host.setViewportSize(PHONE);
    const deleteBox = await row.getByRole('button', { name: 'Delete link Guest speakers' }).boundingBox();
    expect(deleteBox!.x + deleteBox!.width).toBeLessThanOrEqual(PHONE.width);
    const overflow = await host.evaluate(`(() => {
      const wrap = document.getElementById('guest-links-table-wrap');
      const name = document.querySelector('#guest-links-body .link-name');
      return {
        sideways: wrap.scrollWidth - wrap.clientWidth,
        nameLines: Math.round(name.getBoundingClientRect().height / parseFloat(getComputedStyle(name).lineHeight)),
      };
    })()`);
    expect(overflow).toEqual({ sideways: 0, nameLines: 1 });
    await host.setViewportSize(DESKTOP);

    await row.getByRole('button', { name: 'Copy link Guest speakers' }).click();
    await host.locator('#announcer', { hasText: 'Link copied' }).waitFor({ state: 'attached' });
    linkUrl = String(await host.evaluate('navigator.clipboard.readText()'));
    expect(linkUrl).toMatch(new RegExp(`^${server.url}/g/[A-Za-z0-9_-]{24}$`));

    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('lets a guest wait in the lobby and enter the room within a second of being admitted', async () => {
    const guest = await (await guestContext()).newPage();
    await guest.goto(linkUrl);
    await expect(guest.locator('h1').textContent()).resolves.toBe('Weekly live session');
    await checkScreen(guest, 'guest-entry');
    // The server refuses the address: its message shows, and focus is on the field to correct.
    await joinAsGuest(guest, 'Grace Guest', 'grace-at-example.org');
    await guest.locator('#guest-email-error').waitFor();
    expect(await guest.evaluate('document.activeElement && document.activeElement.id')).toBe('guest-email');
    await joinAsGuest(guest, 'Grace Guest', 'grace@example.org');
    await guest.waitForURL(`${server.url}/guest/rooms/${roomId}/waiting`);
    await expect(guest.locator('h1').textContent()).resolves.toBe('Waiting for the moderator to let you in…');
    await checkScreen(guest, 'guest-waiting');

    const badge = host.locator('#lobby-count');
    await host.locator('#lobby-count', { hasText: /^1$/ }).waitFor();
    await expect(badge.getAttribute('aria-label')).resolves.toBe('1 guest waiting');
    await host.locator('#lobby-panel').scrollIntoViewIfNeeded();
    await checkScreen(host, 'media-page-lobby');

    const inRoom = guest.waitForURL(`${server.url}/guest/rooms/${roomId}`, { timeout: 1_000 });
    const clickedAt = Date.now();
    await host.getByRole('button', { name: 'Admit Grace Guest' }).click();
    await inRoom;
    expect(Date.now() - clickedAt).toBeLessThan(1_000);
    await expect(guest.locator('.who').textContent()).resolves.toContain('You joined as Grace Guest');
    await expect(guest.locator('.who .role-badge').textContent()).resolves.toBe('Guest');
    expect(
      await guest
        .locator('[role="menu"], [aria-haspopup], #room-menu-button')
        .filter({ visible: true })
        .count(),
    ).toBe(0);
    expect(await guest.getByText('Manage guest access').count()).toBe(0);
    expect(await guest.locator('a[href]').count()).toBe(0);
    await checkScreen(guest, 'guest-room');
    await host.locator('#lobby-count', { hasText: /^0$/ }).waitFor();
    admitted = guest;
  });

  it('lets a second guest in and tells the third the link is no longer valid', async () => {
    waiting = await (await guestContext()).newPage();
    await waiting.goto(linkUrl);
    await joinAsGuest(waiting, 'Second Guest', 'second@example.org');
    await waiting.waitForURL(`${server.url}/guest/rooms/${roomId}/waiting`);
    await host.locator('#lobby-count', { hasText: /^1$/ }).waitFor();

    const third = await (await guestContext()).newPage();
    const response = await third.goto(linkUrl);
    expect(response!.status()).toBe(410);
    await expect(third.locator('h1').textContent()).resolves.toBe('This link is no longer valid');
    await checkScreen(third, 'message-no-longer-valid');
  });

  it('turns guest access off: the open room stays until reload, the waiting guest is turned away', async () => {
    const dialog = await openGuestAccess(host);
    await dialog.getByRole('switch', { name: 'Enable guest access' }).click();
    await host.waitForSelector('#guest-access-toggle[aria-checked="false"]');
    await expect(host.locator('#create-link-note').textContent()).resolves.toBe(
      'Turn on guest access to create links.',
    );

    // The waiting page moves on by itself to the message page.
    await waiting.locator('h1', { hasText: 'Guest access is turned off' }).waitFor();
    expect(waiting.url()).toBe(`${server.url}/guest/rooms/${roomId}/waiting`);
    await checkScreen(waiting, 'message-turned-off');

    // The admitted guest's open page is not torn down…
    await admitted.waitForTimeout(500);
    expect(admitted.url()).toBe(`${server.url}/guest/rooms/${roomId}`);
    await expect(admitted.locator('.who').textContent()).resolves.toContain('You joined as Grace Guest');
    // …but a reload shows the turned-off page.
    const reloaded = await admitted.reload();
    expect(reloaded!.status()).toBe(403);
    await expect(admitted.locator('h1').textContent()).resolves.toBe('Guest access is turned off');
  });

  it('deletes a link after the confirmation step, and the link stops working', async () => {
    const dialog = host.locator('#guest-access-dialog');
    await dialog.getByRole('switch', { name: 'Enable guest access' }).click();
    await host.waitForSelector('#guest-access-toggle[aria-checked="true"]');

    await dialog.getByRole('button', { name: 'Delete link Guest speakers' }).click();
    const confirm = host.getByRole('alertdialog', { name: 'Delete this guest link?' });
    await confirm.waitFor();
    await expect(confirm.locator('#delete-link-name').textContent()).resolves.toBe('Guest speakers');
    await checkScreen(host, 'delete-link');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await dialog.locator('#guest-links-body tr').count()).toBe(1);

    await dialog.getByRole('button', { name: 'Delete link Guest speakers' }).click();
    await confirm.getByRole('button', { name: 'Delete link' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await host.locator('#guest-link-count', { hasText: 'No links added' }).waitFor();
    expect(await dialog.locator('#guest-links-body tr').count()).toBe(0);

    const late = await (await guestContext()).newPage();
    const response = await late.goto(linkUrl);
    expect(response!.status()).toBeGreaterThanOrEqual(400);
    await expect(late.locator('h1').textContent()).resolves.toBe('This link is no longer valid');
  });
});
