import type { Browser } from 'playwright-core';
import { roomWithLink } from '../helpers/guests';
import type { TestServer } from '../helpers/test-server';
import { checkScreen, launchBrowser, launchFromSandbox, newContext, startE2eServer } from './helpers/browser';
import { joinAsGuest } from './helpers/guestlink';
import { participantId } from './helpers/live';

/**
 * Send back to the lobby, end to end (issue 12): the guest's page moves to the waiting page,
 * the moderator's lobby lists them again, and the link keeps the click they used.
 */
describe('sending a guest back to the lobby in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('moves the guest to the waiting page and into the lobby, keeping the click', async () => {
    const { api, link, host: launch } = await roomWithLink(server, { name: 'Visitors', clicks: 2 });
    const host = await launchFromSandbox(await (await newContext(browser, server)).newPage(), server);
    await participantId(host);
    const clicksUsed = async () =>
      (await api.get('/guest-access').expect(200)).body.links.find(
        (each: { id: string }) => each.id === link.id,
      ).clicksUsed as number;

    const guest = await (await newContext(browser)).newPage();
    await guest.goto(link.url);
    await joinAsGuest(guest, 'Grace Hopper', 'grace@example.org');
    const roomPath = `${server.url}/guest/rooms/${launch.roomId}`;
    await guest.waitForURL(`${roomPath}/waiting`);
    await host
      .locator('#lobby-list', { hasText: 'Grace Hopper' })
      .getByRole('button', { name: /^Admit/ })
      .click();
    await guest.waitForURL(roomPath);
    await participantId(guest);
    expect(await clicksUsed()).toBe(1);

    await host.getByRole('button', { name: /^Participants/ }).click();
    await host.getByRole('button', { name: 'Actions for Grace Hopper' }).click();
    await host.getByRole('button', { name: 'Send back to the lobby Grace Hopper' }).click();
    await guest.waitForURL(`${roomPath}/waiting`);
    await guest.getByRole('heading', { name: 'Waiting for the moderator to let you in…' }).waitFor();
    await host.locator('#lobby-list', { hasText: 'Grace Hopper' }).waitFor();
    await checkScreen(guest, 'guest-sent-back');
    expect(await clicksUsed()).toBe(1);
  }, 120_000);
});
