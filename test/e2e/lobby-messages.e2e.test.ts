import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { joinAsGuest } from './helpers/guestlink';

const NOT_STARTED = "The session hasn't started yet. You'll be let in when a moderator arrives.";
const MODERATOR_HERE = 'A moderator is here and will let you in shortly.';
const PLACEMENT = 'hist-210/office-hours';

/**
 * Talking to the lobby (issue 12) in a real browser: a lobby message written before anyone
 * waits, the waiting page that says whether a moderator is in the room and changes live as
 * the host opens the stage, a changed message and a private message side by side.
 */
describe('talking to the lobby in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let guestContext: BrowserContext;
  let host: Page;
  let guest: Page;
  let linkUrl = '';

  /** The media page's JSON API as its own scripts call it: the ltik in the Authorization header. */
  async function api(page: Page, method: string, path: string, body?: unknown): Promise<unknown> {
    return page.evaluate(
      async ([method, path, body]) => {
        const main = document.querySelector<HTMLElement>('main[data-room-id]')!;
        const response = await fetch(`/api/rooms/${main.dataset.roomId}${path}`, {
          method,
          headers: { Authorization: `Bearer ${main.dataset.ltik}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return response.json();
      },
      [method, path, body] as const,
    );
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
    instructor = await newContext(browser, server, { timezoneId: 'UTC' });
    guestContext = await newContext(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lets a moderator write a lobby message before anyone waits, in the Lobby panel', async () => {
    host = await launchFromSandbox(await instructor.newPage(), server, { placement: PLACEMENT });
    await api(host, 'PUT', '/guest-access', { enabled: true });
    const link = (await api(host, 'POST', '/guest-links', { name: 'Visitors' })) as { url: string };
    linkUrl = link.url;

    const panel = host.locator('#lobby-panel');
    await panel.scrollIntoViewIfNeeded();
    await expect(panel.locator('#lobby-message-state').textContent()).resolves.toBe('No lobby message.');
    // Keyboard only: the field, then Save.
    await panel.getByLabel('Lobby message').focus();
    await host.keyboard.type('We start at 10:05 — thanks for waiting');
    await host.keyboard.press('Tab');
    expect(await host.evaluate('document.activeElement.id')).toBe('lobby-message-save');
    await host.keyboard.press('Enter');
    await panel.locator('#lobby-message-state', { hasText: 'Waiting guests see this message.' }).waitFor();
    await checkScreen(host, 'lobby-panel-message');
  });

  it('tells the first guest the message and that the session has not started, then changes live when the host opens the stage', async () => {
    // The host leaves: nobody is on the stage.
    await host.close();
    guest = await guestContext.newPage();
    await guest.goto(linkUrl);
    await joinAsGuest(guest, 'Grace Guest', 'grace@example.org');
    await guest.waitForURL(/\/waiting$/);
    await expect(guest.locator('#waiting-course').textContent()).resolves.toBe('Modern European History');
    await expect(guest.locator('#waiting-session').textContent()).resolves.toBe('Office hours');
    await expect(guest.locator('#waiting-lobby-text').textContent()).resolves.toBe(
      'We start at 10:05 — thanks for waiting',
    );
    await guest.locator('#waiting-presence', { hasText: NOT_STARTED }).waitFor();
    expect(await guest.locator('#waiting-private-message').isVisible()).toBe(false);
    await checkScreen(guest, 'waiting-page-not-started');

    host = await launchFromSandbox(await instructor.newPage(), server, { placement: PLACEMENT });
    await guest.locator('#waiting-presence', { hasText: MODERATOR_HERE }).waitFor({ timeout: 5000 });
  });

  it('shows a changed lobby message and a private message side by side, live', async () => {
    const panel = host.locator('#lobby-panel');
    await panel.scrollIntoViewIfNeeded();
    const field = panel.getByLabel('Lobby message');
    await expect(field.inputValue()).resolves.toBe('We start at 10:05 — thanks for waiting');
    await field.fill('Five more minutes, please stay');
    await panel.getByRole('button', { name: 'Save' }).click();
    await guest.locator('#waiting-lobby-text', { hasText: 'Five more minutes, please stay' }).waitFor();

    // The per-guest Message action, by keyboard: a small dialog, Send.
    const message = panel.getByRole('button', { name: 'Message Grace Guest' });
    await message.focus();
    await host.keyboard.press('Enter');
    const dialog = host.locator('#guest-message-dialog');
    await dialog.waitFor();
    await expect(dialog.locator('h2').textContent()).resolves.toBe('Message to Grace Guest');
    expect(await host.evaluate('document.activeElement.id')).toBe('guest-message-text');
    await host.keyboard.type('Please tell us your school');
    await checkScreen(host, 'lobby-guest-message-dialog');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await panel.getByText('You wrote: Please tell us your school').waitFor();

    await guest.locator('#waiting-private-text', { hasText: 'Please tell us your school' }).waitFor();
    // The broadcast stays beside it, each labelled.
    await expect(guest.locator('#waiting-lobby-text').textContent()).resolves.toBe(
      'Five more minutes, please stay',
    );
    await expect(guest.locator('#waiting-lobby-heading').textContent()).resolves.toBe('From the moderators');
    await expect(guest.locator('#waiting-private-heading').textContent()).resolves.toBe('To you');
    await checkScreen(guest, 'waiting-page-messages');
    for (const size of [DESKTOP, PHONE]) {
      await host.setViewportSize(size);
      // Every action for the waiting guest in view, at both widths.
      const box = await message.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
      await expectAccessible(host, `lobby panel ${size.width}px`);
      // The moderator's page, lobby and guest row included, never scrolls sideways.
      expect(
        await host.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
      ).toBeLessThanOrEqual(0);
      await guest.setViewportSize(size);
      await expectAccessible(guest, `waiting page ${size.width}px`);
      const sideways = await guest.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(sideways).toBeLessThanOrEqual(0);
    }
    await host.setViewportSize(DESKTOP);

    // Cleared: the guest's page drops the lobby message and keeps the private one.
    await panel.getByRole('button', { name: 'Clear' }).click();
    await guest.locator('#waiting-lobby-message').waitFor({ state: 'hidden' });
    expect(await guest.locator('#waiting-private-message').isVisible()).toBe(true);
  });
});
