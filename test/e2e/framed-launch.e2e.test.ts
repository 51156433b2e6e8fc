import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { captureScreen, E2E_ENV, launchBrowser, newContext } from './helpers/browser';

/**
 * The LMS sandbox on one site (localhost) framing the tool on another (127.0.0.1), as an
 * LMS frames it: over http the tool's cookies are SameSite=Lax, so the browser withholds
 * them in the frame. With the sandbox's postMessage storage (Blackboard-like) the launch
 * completes in the frame; without it (Moodle-like, single-use hints) the frame offers a new
 * window that uses the hint exactly once.
 */
describe('a framed launch whose cookies the browser withholds', () => {
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

  /** The tool's cookies the browser keeps: none may come from the framed login. */
  async function toolCookies(context: BrowserContext): Promise<string[]> {
    return (await context.cookies(server.url)).map((cookie) => cookie.name);
  }

  /** Opens the sandbox page on its own site and launches into its frame. */
  async function launchInFrame(page: Page, storage: 'on' | 'off'): Promise<void> {
    expect(new URL(server.config.sandboxUrl).hostname).toBe('localhost');
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    await page.goto(`${server.config.sandboxUrl}/sandbox`);
    await page.selectOption('#sb-user', 'instructor');
    await page.selectOption('#sb-placement', 'bio-101/live-session');
    await page.selectOption('#sb-storage', storage);
    await page.getByRole('button', { name: 'Launch in the frame' }).click();
  }

  it('with platform storage: completes in the frame, and the page works there', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const launchPosts: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === `${server.url}/lti/launch`)
        launchPosts.push(request);
    });
    await launchInFrame(page, 'on');
    const frame = page.frameLocator('iframe[name="tool-frame"]');
    await frame.locator('main.room[data-room-id]').waitFor();
    await expect(frame.locator('h1').first().textContent()).resolves.toBe('Weekly live session');
    await captureScreen(page, 'framed-launch-storage');

    // The platform's post came without the state cookie; the check page posted again itself.
    expect(launchPosts).toHaveLength(2);
    const [platformPost, checkedPost] = launchPosts as [Request, Request];
    expect((await platformPost.allHeaders()).cookie ?? '').not.toMatch(/state/);
    expect(checkedPost.postData()).toContain('lti_storage_checked=1');
    expect((await checkedPost.allHeaders()).origin).toBe(server.url);
    expect(await toolCookies(context)).toEqual([]);

    // An API call from the framed page works with its ltik (no cookie needed).
    const toolFrame = page.frames().find((candidate) => candidate.url().startsWith(server.url))!;
    const status = await toolFrame.evaluate(async () => {
      const room = document.querySelector('main.room') as HTMLElement;
      const response = await fetch(`/api/rooms/${room.dataset.roomId}/guest-access`, {
        headers: { Authorization: `Bearer ${room.dataset.ltik}` },
      });
      return response.status;
    });
    expect(status).toBe(200);
    await context.close();
  });

  it('keeps the sandbox storage frame closed to every origin but the tool’s', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.config.sandboxUrl}/sandbox`);
    const toolPage = `${server.url}/healthz`;
    const [toolFrame] = await Promise.all([
      page.waitForEvent('framenavigated', { predicate: (frame) => frame.url() === toolPage }),
      page.locator('iframe[name="tool-frame"]').evaluate((frame: HTMLIFrameElement, url: string) => {
        frame.src = url;
      }, toolPage),
    ]);
    /** Sends lti.put_data to the storage frame from `where`; true when it answered. */
    const putFrom = (where: Page | typeof toolFrame) =>
      where.evaluate(
        () =>
          new Promise<boolean>((resolve) => {
            const messageId = `m-${Math.random()}`;
            window.addEventListener('message', (event) => {
              if (event.data && event.data.message_id === messageId) resolve(true);
            });
            const storage = (window.parent === window ? window : window.parent).frames[
              'lti_storage_frame' as unknown as number
            ]!;
            storage.postMessage(
              { subject: 'lti.put_data', key: 'state_x', value: 'x', message_id: messageId },
              '*',
            );
            setTimeout(() => resolve(false), 1500);
          }),
      );
    // The sandbox's own page (another origin than the tool): no answer, nothing stored.
    await expect(putFrom(page)).resolves.toBe(false);
    // A page of the tool's origin in the frame: answered.
    await expect(putFrom(toolFrame)).resolves.toBe(true);
    await context.close();
  });

  it('without storage (Moodle-like): the frame offers a new window, which uses the hint once and lands on the media page', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const before = { ...server.runtime.sandbox!.hintUses };
    await launchInFrame(page, 'off');
    const frame = page.frameLocator('iframe[name="tool-frame"]');
    await frame.locator('h1', { hasText: 'Open Guestlink in a new window' }).waitFor();
    expect(await toolCookies(context)).toEqual([]);
    // The frame stopped before the platform: the hint is still unused.
    expect(server.runtime.sandbox!.hintUses).toEqual(before);
    await captureScreen(page, 'framed-launch-new-window');

    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      frame.getByRole('link', { name: 'Open in a new window' }).click(),
    ]);
    await popup.locator('main.room[data-room-id]').waitFor();
    await expect(popup.locator('h1').first().textContent()).resolves.toBe('Weekly live session');
    await frame.locator('h1', { hasText: 'Guestlink opened in a new window' }).waitFor();
    await captureScreen(page, 'framed-launch-opened');
    expect(server.runtime.sandbox!.hintUses).toEqual({
      accepted: before.accepted + 1,
      refused: before.refused,
    });
    await context.close();
  });

  it('refuses a replayed login whose hint was used: single-use hints are real in the sandbox', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await launchInFrame(page, 'off');
    const frame = page.frameLocator('iframe[name="tool-frame"]');
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      frame.getByRole('link', { name: 'Open in a new window' }).click(),
    ]);
    await popup.locator('main.room[data-room-id]').waitFor();
    const before = { ...server.runtime.sandbox!.hintUses };

    // The frame's link again (as if the first window had been blocked): the same login, with
    // a hint the platform already took. The sandbox refuses it as Moodle does.
    const [replay] = await Promise.all([
      context.waitForEvent('page'),
      frame.getByRole('link', { name: 'Open Guestlink again' }).click(),
    ]);
    await replay.locator('h1', { hasText: 'Invalid request' }).waitFor();
    await captureScreen(replay, 'framed-launch-replay-refused');
    expect(server.runtime.sandbox!.hintUses).toEqual({
      accepted: before.accepted,
      refused: before.refused + 1,
    });
    await context.close();
  });
});
