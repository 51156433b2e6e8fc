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
import { joinAsGuest, openGuestAccess } from './helpers/guestlink';

// Not UTC, so a time shown in UTC instead of the viewer's zone would fail.
const VIEWER_ZONE = 'America/New_York';

/** The guest log window after a guest pressed Leave: plain words, the viewer's times, readable on a phone. */
describe('the guest log in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let roomId = '';
  let linkUrl = '';
  const contexts: BrowserContext[] = [];

  async function guestPage(): Promise<Page> {
    const context = await newContext(browser);
    contexts.push(context);
    return context.newPage();
  }

  async function joinAndWait(name: string, email: string): Promise<Page> {
    const guest = await guestPage();
    await guest.goto(linkUrl);
    await joinAsGuest(guest, name, email);
    await guest.waitForURL(`${server.url}/guest/rooms/${roomId}/waiting`);
    return guest;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    const instructor = await newContext(browser, server, { timezoneId: VIEWER_ZONE });
    contexts.push(instructor);
    host = await launchFromSandbox(await instructor.newPage(), server, {
      user: 'instructor',
      placement: 'bio-101/live-session',
    });
    roomId = (await host.locator('main.room').getAttribute('data-room-id'))!;
    const dialog = await openGuestAccess(host);
    await dialog.getByRole('switch', { name: 'Enable guest access' }).click();
    await host.waitForSelector('#guest-access-toggle[aria-checked="true"]');
    await dialog.getByRole('button', { name: 'Create new link' }).click();
    const create = host.locator('#create-link-dialog');
    await create.getByLabel('Link Name').fill('Office hours');
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await create.waitFor({ state: 'hidden' });
    await dialog.getByRole('button', { name: 'Copy link Office hours' }).click();
    linkUrl = String(await host.evaluate('navigator.clipboard.readText()'));
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says "Admitted by Ada Lovelace · left <time>" for a guest who pressed Leave, at desktop and phone width', async () => {
    const ann = await joinAndWait('Ann Leaves', 'ann@example.org');
    await host.getByRole('button', { name: 'Admit Ann Leaves' }).click();
    await ann.waitForURL(`${server.url}/guest/rooms/${roomId}`);
    await ann.getByRole('button', { name: 'Leave' }).click();
    await ann.getByText('You left').first().waitFor();
    // A guest with a long address who is still waiting: their card must wrap, not scroll.
    await joinAndWait(
      'Maximiliana Wolkenkratzer',
      'maximiliana.wolkenkratzer-von-hohenstein@universitaet-beispiel.example',
    );

    const manage = await openGuestAccess(host);
    await manage.getByRole('button', { name: 'Guest log' }).click();
    const log = host.getByRole('dialog', { name: 'Guest log' });
    const annRow = log.locator('#guest-log-body tr', { hasText: 'Ann Leaves' });
    await annRow.waitFor();

    const story = annRow.locator('td.log-story-cell');
    const leftAt = (await story.locator('time').getAttribute('datetime'))!;
    const viewerTime = new Date(leftAt).toLocaleTimeString('en-US', {
      hour: 'numeric',
      minute: '2-digit',
      timeZone: VIEWER_ZONE,
    });
    await expect(story.textContent()).resolves.toBe(`Admitted by Ada Lovelace · left ${viewerTime}`);
    const headers = await log.locator('thead th').allTextContents();
    expect(headers).toEqual(['Guest', 'Link', 'Joined', 'Admitted', 'Left', 'Duration', 'What happened']);
    const cells = await annRow.locator('td').allTextContents();
    expect(cells[1]).toBe('Office hours');
    expect(cells[3]).toMatch(/^\d{1,2}:\d{2} [AP]MAda Lovelace$/);
    expect(cells[4]).toBe(viewerTime);
    expect(cells[5]).toBe('Under 1 min');
    await expect(annRow.locator('td').nth(4).locator('time').getAttribute('datetime')).resolves.toBe(leftAt);
    const waitingRow = log.locator('#guest-log-body tr', { hasText: 'Maximiliana Wolkenkratzer' });
    await expect(waitingRow.locator('td.log-story-cell').textContent()).resolves.toBe('Waiting');
    expect(await log.getByText(/left by/i).count()).toBe(0);

    await checkScreen(host, 'guest-log');

    // At phone width each visit is a card with labelled times, and nothing scrolls sideways.
    await host.setViewportSize(PHONE);
    await expectAccessible(host, 'guest-log-phone');
    const overflow = await host.evaluate(`(() => {
      const dialog = document.getElementById('guest-log-dialog');
      const wrap = dialog.querySelector('.table-wrap');
      return {
        dialog: dialog.scrollWidth - dialog.clientWidth,
        wrap: wrap.scrollWidth - wrap.clientWidth,
        outside: dialog.getBoundingClientRect().right > window.innerWidth,
        rowsInside: [...dialog.querySelectorAll('#guest-log-body td')].every(
          (cell) => cell.getBoundingClientRect().right <= dialog.getBoundingClientRect().right,
        ),
        label: getComputedStyle(dialog.querySelectorAll('#guest-log-body tr')[0].children[4], '::before').content,
      };
    })()`);
    expect(overflow).toEqual({ dialog: 0, wrap: 0, outside: false, rowsInside: true, label: '"Left: "' });
    await host.setViewportSize(DESKTOP);
    await log.getByRole('button', { name: 'Close' }).last().click();
    await log.waitFor({ state: 'hidden' });
  });
});
