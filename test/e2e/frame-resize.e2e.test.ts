import path from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { joinAs, roomWithLink, type GuestLink } from '../helpers/guests';
import type { TestServer } from '../helpers/test-server';
import { captureScreen, launchBrowser, newContext, SCREENSHOTS_DIR, startE2eServer } from './helpers/browser';

interface ResizeMessage {
  subject: string;
  height: number;
}

/** Records, in the sandbox page, what its tool frame posts to it (as Moodle and Canvas receive it). */
const RECORD_TOOL_FRAME_MESSAGES = `(() => {
  window.__fromToolFrame = [];
  const frame = document.querySelector('iframe[name="tool-frame"]');
  window.addEventListener('message', (event) => {
    if (event.source === frame.contentWindow) window.__fromToolFrame.push(event.data);
  });
})()`;

/** Records every message any window of the context receives (a top-level page posting to its "parent" posts to itself). */
const RECORD_ALL_MESSAGES = `(() => {
  window.__messages = [];
  window.addEventListener('message', (event) => window.__messages.push(event.data));
})()`;

const resizes = async (page: Page): Promise<ResizeMessage[]> =>
  ((await page.evaluate('window.__fromToolFrame')) as ResizeMessage[]).filter(
    (message) => message && message.subject === 'lti.frameResize',
  );

/** Waits until the tool frame has sent a resize message with a height above `above`. */
const resizeAbove = (page: Page, above: number) =>
  page.waitForFunction((min) => {
    const messages = (window as unknown as { __fromToolFrame?: ResizeMessage[] }).__fromToolFrame ?? [];
    return messages.some((m) => m && m.subject === 'lti.frameResize' && m.height > min);
  }, above);

/** Waits until the sandbox's tool frame is `height` px tall (or at least that, with `atLeast`). */
const frameReaches = (page: Page, height: number, atLeast = false) =>
  page.waitForFunction(
    ({ target, min }) => {
      const shown = Math.round(
        document.querySelector('iframe[name="tool-frame"]')!.getBoundingClientRect().height,
      );
      return min ? shown >= target : shown === target;
    },
    { target: height, min: atLeast },
  );

const frameHeight = (page: Page) =>
  page.evaluate(() => document.querySelector('iframe[name="tool-frame"]')!.getBoundingClientRect().height);

describe('lti.frameResize: the tool asks its LMS frame to fit the page', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let link: GuestLink;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    // The room already has guest access and the lobby on, so waiting guests fill the lobby panel.
    ({ link } = await roomWithLink(server, { name: 'Frame visitors' }));
  });

  beforeEach(async () => {
    context = await newContext(browser, server);
  });

  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sends the page height when it changes, and the sandbox’s frame grows to it', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/sandbox`);
    await page.evaluate(RECORD_TOOL_FRAME_MESSAGES);
    const before = await frameHeight(page);
    await page.selectOption('#sb-user', 'instructor');
    await page.selectOption('#sb-placement', 'bio-101/live-session');
    await page.getByRole('button', { name: 'Launch in the frame' }).click();
    const tool = page.frame({ name: 'tool-frame' }) as Frame;
    await tool.locator('#lobby-panel').waitFor();

    // The first message tells the page's height once it is laid out.
    await resizeAbove(page, 0);
    const first = (await resizes(page)).at(-1)!;
    expect(Number.isInteger(first.height)).toBe(true);
    const pageHeight = await tool.evaluate(
      () => document.querySelector('main')!.getBoundingClientRect().bottom,
    );
    expect(first.height).toBe(Math.ceil(pageHeight));
    await frameReaches(page, first.height, true);
    expect(await frameHeight(page)).toBeGreaterThan(before);

    // Guests arrive: the lobby list grows, the tool says so, the frame follows.
    for (const name of ['Ana Arrives', 'Ben Arrives', 'Cai Arrives', 'Dee Arrives'])
      await joinAs(server, link.path, { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.org` });
    await tool.locator('#lobby-panel').getByText('Dee Arrives').waitFor();
    await resizeAbove(page, first.height);
    const grown = (await resizes(page)).at(-1)!;
    expect(grown.height).toBeGreaterThan(first.height);
    await frameReaches(page, grown.height);
    // Debounced: a handful of messages for a launch and four arrivals, not one per layout change.
    expect((await resizes(page)).length).toBeLessThanOrEqual(6);
    await captureScreen(page, 'frame-resize-grown');
    // The whole sandbox page: the frame as tall as the tool asked, no scroll bar inside it.
    await page.screenshot({
      path: path.join(SCREENSHOTS_DIR, 'frame-resize-grown-full.png'),
      fullPage: true,
    });
  });

  it('sends nothing from a page that is not in a frame', async () => {
    await context.addInitScript(RECORD_ALL_MESSAGES);
    const page = await context.newPage();
    await page.goto(`${server.url}/sandbox`);
    await page.selectOption('#sb-user', 'instructor');
    await page.selectOption('#sb-placement', 'bio-101/live-session');
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: 'Launch in a new window' }).click(),
    ]);
    await popup.locator('#lobby-panel').waitFor();
    await joinAs(server, link.path, { name: 'Eve Arrives', email: 'eve@example.org' });
    await popup.locator('#lobby-panel').getByText('Eve Arrives').waitFor();
    await popup.waitForTimeout(600);
    const received = async (target: Page) =>
      ((await target.evaluate('window.__messages')) as unknown[]).filter(
        (message) => (message as { subject?: string } | null)?.subject === 'lti.frameResize',
      );
    expect(await received(popup)).toEqual([]);
    expect(await received(page)).toEqual([]);
  });
});
