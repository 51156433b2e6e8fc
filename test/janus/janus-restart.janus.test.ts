import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, launchFromSandbox, newContext, startE2eServer } from '../e2e/helpers/browser';
import { joinAsGuest } from '../e2e/helpers/guestlink';
import { mediaFlowing, participantId, waitForMedia } from '../e2e/helpers/live';
import type { TestServer } from '../helpers/test-server';
import { janusEnv, startJanus, type JanusServer } from './janus-server';

/**
 * Janus keeps no state: when it restarts, Guestlink notices its session is gone, tells every
 * page to reconnect, creates the room again, and the presenter's media reach the guests again.
 */
describe('a Janus restart during a session', () => {
  let server: TestServer;
  let browser: Browser;
  let replacement: JanusServer | null = null;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(janusEnv()), launchBrowser({ fakeMedia: true })]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('brings the presenter’s media back to the guest without anyone reloading', async () => {
    const host = await launchFromSandbox(await (await newContext(browser, server)).newPage(), server, {
      placement: 'hist-210/office-hours',
    });
    const roomId = (await host.locator('main.room').getAttribute('data-room-id'))!;
    const ltik = (await host.locator('main.room').getAttribute('data-ltik'))!;
    await participantId(host);
    await host.getByRole('button', { name: 'Camera' }).click();
    await host.getByRole('button', { name: 'Microphone' }).click();
    const link = await host.evaluate(
      async ([room, token]) => {
        const call = (method: string, path: string, body: unknown) =>
          fetch(`/api/rooms/${room}${path}`, {
            method,
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
              Accept: 'application/json',
            },
            body: JSON.stringify(body),
          }).then((response) => response.json());
        await call('PUT', '/guest-access', { enabled: true });
        await call('PUT', '/lobby', { enabled: false });
        return (await call('POST', '/guest-links', { name: 'Restart' })).url as string;
      },
      [roomId, ltik] as const,
    );
    const guest: Page = await (await browser.newContext()).newPage();
    await guest.goto(link);
    await joinAsGuest(guest, 'Patient Guest', 'patient@example.org');
    await guest.waitForURL(`${server.url}/guest/rooms/${roomId}`);
    await waitForMedia(guest, { timeoutMs: 5000 });
    const guestBefore = await participantId(guest);

    execFileSync('pkill', ['-x', 'janus']);
    await guest.waitForTimeout(1500);
    replacement = await startJanus(janusEnv().JANUS_ADMIN_KEY);
    // The pages reconnect as new participants (a page that found Janus still down reloads
    // itself), and the media come back on new links.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const back = await (async () => {
        try {
          return (await participantId(guest)) !== guestBefore && (await mediaFlowing(guest));
        } catch {
          return false; // the page was reloading
        }
      })();
      if (back) break;
      if (Date.now() > deadline) throw new Error('The media did not come back after Janus restarted');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(() => {
    // Later test files keep using this Janus; test/janus/run.sh stops it with the namespace.
    replacement?.detach();
  });
});
