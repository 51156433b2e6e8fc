import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { joinAs } from '../helpers/guests';
import type { TestServer } from '../helpers/test-server';
import {
  callApi,
  captureScreen,
  launchBrowser,
  launchFromSandbox,
  newContext,
  startE2eServer,
} from './helpers/browser';

/**
 * Issue 14, item 4 in a real browser: after the launch, clicking through a launched user's
 * pages (room settings, back to the room, a new window) never puts the ltik in an address —
 * not in page.url(), not in the tab's history entries, not in any request the pages make
 * (event streams and the QR code included) — and the lobby panel and the live stage still
 * get their events, read with the ltik in the Authorization header.
 */

const LTIK_PARAMETER = /[?&#;]ltik=/i;

/** The tab's back/forward entries, as Chromium keeps them. */
async function historyOf(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { entries } = (await cdp.send('Page.getNavigationHistory')) as { entries: Array<{ url: string }> };
  await cdp.detach();
  return entries.map((entry) => entry.url);
}

describe('the ltik stays out of addresses in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  const requests: Request[] = [];
  /** Every launch's ltik: no request of any page may carry one. */
  const ltiks: string[] = [];

  beforeAll(async () => {
    // Lobby streams end every ~2 s, so the fetch-based reader's reconnection is exercised.
    [server, browser] = await Promise.all([
      startE2eServer({ STREAM_MAX_LIFETIME_SECONDS: '2' }),
      launchBrowser(),
    ]);
    context = await newContext(browser, server);
    context.on('request', (request) => void requests.push(request));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('clicks through settings, back and a new window without the ltik in any URL or history entry', async () => {
    const room = await launchFromSandbox(await context.newPage(), server, {
      placement: 'hist-210/office-hours',
    });
    const ltik = (await room.locator('main.room').getAttribute('data-ltik'))!;
    expect(ltik.length).toBeGreaterThan(20);
    ltiks.push(ltik);
    const roomId = (await room.locator('main.room').getAttribute('data-room-id'))!;
    // The launch's answer (a post) became a plain entry at the room's own address.
    await room.waitForURL(new RegExp(`/rooms/${roomId}$`));
    const urls: string[] = [room.url()];

    // Reloading reopens it with the ltik this tab kept (no resubmitted launch, no prompt).
    await room.reload();
    await room.locator('main.room[data-room-id]').waitFor();
    expect(room.url()).toMatch(new RegExp(`/rooms/${roomId}$`));

    // Room settings: a menu item that posts the ltik; the address is the page's own.
    await room.locator('#room-menu-button').click();
    await room.getByRole('menuitem', { name: 'Room settings' }).waitFor();
    await captureScreen(room, 'ltik-menu-open');
    await room.getByRole('menuitem', { name: 'Room settings' }).click();
    await room.waitForURL(/\/settings$/);
    await room.locator('h1', { hasText: 'Room settings' }).waitFor();
    urls.push(room.url());
    await room.reload();
    await room.locator('h1', { hasText: 'Room settings' }).waitFor();
    await captureScreen(room, 'ltik-settings-page');

    // Back to the room: a button styled as the link, posting again.
    await room.getByRole('button', { name: '← Back to the room' }).click();
    await room.waitForURL(new RegExp(`/rooms/${roomId}$`));
    await room.locator('main.room[data-room-id]').waitFor();
    urls.push(room.url());

    // Keyboard: the new-window item is reached with the arrows and opened with Enter.
    await room.locator('#room-menu-button').focus();
    await room.keyboard.press('ArrowDown');
    await room.keyboard.press('End');
    await expect(room.evaluate(() => document.activeElement?.textContent?.trim())).resolves.toBe(
      'Open in new window',
    );
    const [popup] = await Promise.all([context.waitForEvent('page'), room.keyboard.press('Enter')]);
    await popup.locator('main.room[data-room-id]').waitFor();
    await expect(popup.locator('h1').textContent()).resolves.toBe(await room.locator('h1').textContent());
    urls.push(popup.url());
    // The new window has no handle on this one (noopener).
    expect(await popup.evaluate(() => window.opener)).toBeNull();

    for (const url of [...urls, ...(await historyOf(room)), ...(await historyOf(popup))]) {
      expect(url).not.toMatch(LTIK_PARAMETER);
      expect(url).not.toContain(ltik);
    }
    expect((await historyOf(room)).length).toBeGreaterThanOrEqual(3);
    await popup.close();
    await room.close();
  });

  it('keeps the lobby panel and the live stage live over event streams sent with the header', async () => {
    const before = requests.length;
    const room = await launchFromSandbox(await context.newPage(), server, {
      placement: 'bio-101/live-session',
    });
    const ltik = (await room.locator('main.room').getAttribute('data-ltik'))!;
    ltiks.push(ltik);
    const roomId = (await room.locator('main.room').getAttribute('data-room-id'))!;
    await callApi(room, 'PUT', '/guest-access', { enabled: true });
    await callApi(room, 'PUT', '/lobby', { enabled: true });
    const link = (await callApi(room, 'POST', '/guest-links', { name: 'Streams' })) as { url: string };
    // The stage connected: its welcome arrived over the fetch-read stream.
    await room.locator('#stage-status-text', { hasText: 'Live session' }).waitFor();

    await joinAs(server, new URL(link.url).pathname, { name: 'Header Guest' });
    await room.locator('#lobby-list').getByText('Header Guest').waitFor();

    // The QR code: fetched with the header, shown from a blob: URL.
    await room.locator('#room-menu-button').click();
    await room.getByRole('menuitem', { name: 'Manage guest access' }).click();
    await room
      .getByRole('button', { name: /QR code/ })
      .first()
      .click();
    await room.waitForFunction(() => {
      const image = document.getElementById('qr-image') as HTMLImageElement;
      return image.complete && image.naturalWidth > 0 && image.src.startsWith('blob:');
    });

    // The guest log's CSV: fetched with the header, saved through a temporary blob link.
    await room.keyboard.press('Escape');
    await room.locator('#guest-log-button').click();
    const [download] = await Promise.all([
      room.waitForEvent('download'),
      room.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`guest-log-${roomId}.csv`);
    expect(download.url()).toMatch(/^blob:/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).toContain('Header Guest');

    const streams = requests
      .slice(before)
      .filter((request) => /\/(lobby|live)\/events$/.test(new URL(request.url()).pathname))
      .filter((request) => request.url().includes(roomId));
    expect(streams.map((request) => new URL(request.url()).pathname.split('/').slice(-2)[0])).toEqual(
      expect.arrayContaining(['lobby', 'live']),
    );
    for (const stream of streams) expect(stream.headers().authorization).toBe(`Bearer ${ltik}`);
    const qr = requests.slice(before).find((request) => request.url().endsWith('/qr-code'))!;
    expect(qr.headers().authorization).toBe(`Bearer ${ltik}`);

    const carrying = requests
      .map((request) => request.url())
      .filter((url) => LTIK_PARAMETER.test(url) || ltiks.some((each) => url.includes(each)));
    expect(carrying).toEqual([]);
    expect(requests.length).toBeGreaterThan(20);
  });

  it('reads a stream as EventSource would: reconnects when it ends, stops for good when refused', async () => {
    const room = await launchFromSandbox(await context.newPage(), server, {
      placement: 'bio-101/live-session',
    });
    ltiks.push((await room.locator('main.room').getAttribute('data-ltik'))!);
    const result = await room.evaluate(
      () =>
        new Promise<{ log: string[]; refused: string[]; state: number }>((resolve) => {
          type Stream = {
            readyState: number;
            onopen: (() => void) | null;
            onerror: (() => void) | null;
            addEventListener(type: string, listener: () => void): void;
            close(): void;
          };
          const guestlink = (
            window as unknown as { Guestlink: { eventStream(url: string, headers: object): Stream } }
          ).Guestlink;
          const main = document.querySelector('main[data-room-id]') as HTMLElement;
          const url = `/api/rooms/${main.dataset.roomId}/lobby/events`;
          const log: string[] = [];
          const stream = guestlink.eventStream(url, { Authorization: `Bearer ${main.dataset.ltik}` });
          stream.onopen = () => log.push('open');
          stream.onerror = () => log.push(`error:${stream.readyState}`);
          stream.addEventListener('lobby', () => log.push('lobby'));
          const refused: string[] = [];
          const wrong = guestlink.eventStream(url, { Authorization: 'Bearer not-an-ltik' });
          wrong.onopen = () => refused.push('open');
          wrong.onerror = () => refused.push(`error:${wrong.readyState}`);
          window.setTimeout(() => {
            stream.close();
            resolve({ log, refused, state: stream.readyState });
          }, 5500);
        }),
    );
    // Opened, got the lobby, ended with the stream's lifetime (CONNECTING, then error), came back.
    expect(result.log.slice(0, 3)).toEqual(['open', 'lobby', 'error:0']);
    expect(result.log.filter((entry) => entry === 'open').length).toBeGreaterThanOrEqual(2);
    expect(result.log.filter((entry) => entry === 'lobby').length).toBeGreaterThanOrEqual(2);
    expect(result.state).toBe(2);
    // A refusal (401) closes it for good: one error, CLOSED, no retry.
    expect(result.refused).toEqual(['error:2']);
  });
});
