import type { Browser, BrowserContext, Page } from 'playwright-core';
import { GuestSessions } from '../../src/guests/guest-session';
import { roomWithLink } from '../helpers/guests';
import type { TestServer } from '../helpers/test-server';
import { checkScreen, launchBrowser, newContext, PHONE, startE2eServer } from './helpers/browser';
import { joinAsGuest } from './helpers/guestlink';

/**
 * Fair clicks and coming back (issue 12) in a real browser: a guest who pressed Leave comes
 * back in with "Join again" and the link shows the same clicks used, at desktop and phone
 * width; Leave asks first when coming back could cost one of the link's clicks.
 */
describe('coming back without a click, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let world: Awaited<ReturnType<typeof roomWithLink>>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
    world = await roomWithLink(server, { name: 'Guest speakers', clicks: 3 });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  const roomPath = () => `/guest/rooms/${world.host.roomId}`;
  const clicksUsed = async () =>
    (await world.api.get('/guest-access').expect(200)).body.links.find(
      (link: { id: string }) => link.id === world.link.id,
    ).clicksUsed as number;

  async function guestPage(viewport?: { width: number; height: number }): Promise<Page> {
    const context = await newContext(browser, undefined, { timezoneId: 'America/New_York' });
    contexts.push(context);
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    return page;
  }

  /** Joins through the link and is let in by the moderator. */
  async function admitted(page: Page, name: string): Promise<void> {
    await page.goto(world.link.url);
    await joinAsGuest(page, name, `${name.split(' ')[0]!.toLowerCase()}@example.org`);
    await page.waitForURL(`${server.url}${roomPath()}/waiting`);
    const waiting = (await world.api.get('/lobby').expect(200)).body.waiting as Array<{
      id: string;
      name: string;
    }>;
    const visit = waiting.find((guest) => guest.name === name)!;
    await world.api.post(`/lobby/${visit.id}/admit`).expect(200);
    await page.waitForURL(`${server.url}${roomPath()}`);
  }

  const toolbarLeave = (page: Page) => page.locator('.screen-toolbar').getByRole('button', { name: 'Leave' });

  it.each([
    ['desktop', undefined],
    ['phone', PHONE],
  ] as const)('lets a guest who left come back in without a click (%s)', async (width, viewport) => {
    const page = await guestPage(viewport);
    const name = width === 'desktop' ? 'Grace Hopper' : 'Katherine Johnson';
    await admitted(page, name);
    const used = await clicksUsed();

    await toolbarLeave(page).click();
    await page.getByRole('heading', { name: /You left/ }).waitFor();
    const until = page.locator('#come-back-until time');
    // The pass's end, in the guest's own zone (New York), not the server's UTC.
    const iso = (await until.getAttribute('datetime'))!;
    const local = new Date(iso).toLocaleString('en-US', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
    });
    // local-time.js is deferred: it may rewrite the time a moment after the heading shows.
    await page.waitForFunction(
      (expected) => document.querySelector('#come-back-until time')?.textContent?.includes(expected),
      local.slice(0, 5),
    );
    await expect(page.locator('#come-back-until').textContent()).resolves.toMatch(
      /^You can come back from this browser until .+ without using a click\.$/,
    );
    if (width === 'desktop') await checkScreen(page, 'guest-left');

    // Later, through the link again: one button, no form.
    await page.goto(world.link.url);
    await expect(page.getByLabel('Name').count()).resolves.toBe(0);
    if (width === 'desktop') await checkScreen(page, 'guest-join-again');
    await page.getByRole('button', { name: 'Join again' }).click();
    await page.waitForURL(`${server.url}${roomPath()}`);
    await expect(page.locator('.who').textContent()).resolves.toContain(name);
    expect(await clicksUsed()).toBe(used);
  });

  it('asks before Leave when the pass runs out within a class, and Stay keeps the guest in', async () => {
    const page = await guestPage();
    await admitted(page, 'Ada Lovelace');
    await expect(page.locator('#leave-dialog').count()).resolves.toBe(0);
    // The same guest six hours into their 8-hour pass: coming back after it ends needs a new click.
    const waiting = (await world.api.get('/guest-log').expect(200)).body.entries as Array<{
      visitId: string;
      name: string;
    }>;
    const visitId = waiting.find((entry) => entry.name === 'Ada Lovelace')!.visitId;
    await page.context().addCookies([oldPass(server, world.host.roomId, visitId, 6)]);
    await page.reload();

    await toolbarLeave(page).click();
    const dialog = page.getByRole('alertdialog', { name: 'Leave the session?' });
    await dialog.waitFor();
    await expect(dialog.locator('#leave-text').textContent()).resolves.toMatch(
      /^Coming back after .+ will use one of this link's clicks\.$/,
    );
    await checkScreen(page, 'guest-leave-confirm');
    await dialog.getByRole('button', { name: 'Stay' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(page.url()).toBe(`${server.url}${roomPath()}`);

    await toolbarLeave(page).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('heading', { name: /You left/ }).waitFor();
  });
});

/** The guest pass this visit would hold had it been issued `hoursAgo` hours ago. */
function oldPass(server: TestServer, roomId: string, visitId: string, hoursAgo: number) {
  const sessions = new GuestSessions(server.config.appSecret, false, () => Date.now() - hoursAgo * 3_600_000);
  let cookie = { name: '', value: '' };
  sessions.issue(
    { cookie: (name: string, value: string) => (cookie = { name, value }) } as never,
    roomId,
    visitId,
  );
  return { ...cookie, url: server.url };
}
