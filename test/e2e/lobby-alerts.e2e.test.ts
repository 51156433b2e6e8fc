import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { joinAs } from '../helpers/guests';
import type { TestServer } from '../helpers/test-server';
import {
  callApi,
  captureScreen,
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

/** Counts the lobby's chimes: every sound the page makes starts with a new AudioContext. */
const COUNT_CHIMES = `(() => {
  window.__chimes = 0;
  const Original = window.AudioContext;
  if (!Original) return;
  window.AudioContext = class extends Original {
    constructor(...args) {
      super(...args);
      window.__chimes += 1;
    }
  };
})()`;

/** Records every text the lobby's live region is given. */
const RECORD_ANNOUNCEMENTS = `(() => {
  window.__announced = [];
  const region = document.getElementById('lobby-status');
  new MutationObserver(() => {
    if (region.textContent) window.__announced.push(region.textContent);
  }).observe(region, { childList: true, characterData: true, subtree: true });
})()`;

type Scope = Page | Frame;

/**
 * Notes, in the page, when the title first shows a waiting count and when the toast first
 * shows: measured where it happens, not by how often the test polls on a busy machine.
 */
function watchArrival(scope: Scope): Promise<void> {
  return scope.evaluate(() => {
    const seen: { title?: number; toast?: number } = {};
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const toast = document.getElementById('lobby-toast')!;
    const check = () => {
      if (seen.title === undefined && /^\(\d+\) waiting · /.test(document.title)) seen.title = Date.now();
      if (seen.toast === undefined && !toast.hidden) seen.toast = Date.now();
    };
    new MutationObserver(check).observe(document.documentElement, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
}

async function arrivalDelays(scope: Scope, answeredAt: number): Promise<{ title?: number; toast?: number }> {
  const seen = await scope.evaluate(
    () => (window as unknown as { __seen: { title?: number; toast?: number } }).__seen,
  );
  return {
    ...(seen.title === undefined ? {} : { title: seen.title - answeredAt }),
    ...(seen.toast === undefined ? {} : { toast: seen.toast - answeredAt }),
  };
}

/** True when no visible control outside the lobby alerts is hidden under something else. */
function controlsUncovered(scope: Scope): Promise<string[]> {
  return scope.evaluate(() => {
    const covered: string[] = [];
    const alerts = document.getElementById('lobby-alerts')!;
    for (const control of Array.from(document.querySelectorAll<HTMLElement>('button, a[href], input'))) {
      if (alerts.contains(control)) continue;
      const box = control.getBoundingClientRect();
      if (box.width === 0 || box.bottom <= 0 || box.top >= window.innerHeight) continue;
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      if (x < 0 || x >= window.innerWidth) continue;
      const top = document.elementFromPoint(x, y);
      if (top && alerts.contains(top)) covered.push(control.id || control.textContent!.trim());
    }
    return covered;
  });
}

describe('moderators never miss a waiting guest, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let host: Page;
  let linkUrl = '';
  let linkPath = '';
  let plainTitle = '';
  let guestCounter = 0;

  async function guestPage(): Promise<Page> {
    return (await newContext(browser)).newPage();
  }

  /** A guest joins in a browser; resolves with the page and the moment the join was answered. */
  async function browserGuest(name: string): Promise<{ page: Page; answeredAt: number }> {
    const page = await guestPage();
    await page.goto(linkUrl);
    const answered = page.waitForResponse(
      (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === linkPath,
    );
    await joinAsGuest(page, name, `guest${++guestCounter}@example.org`);
    // When the join's answer reached the guest's browser (wall clock, as the host page's Date.now()).
    const timing = (await answered).request().timing();
    const answeredAt = timing.responseStart >= 0 ? timing.startTime + timing.responseStart : Date.now();
    await page.locator('h1', { hasText: 'Waiting for the moderator' }).waitFor();
    return { page, answeredAt };
  }

  function httpGuest(name: string) {
    return joinAs(server, linkPath, { name, email: `guest${++guestCounter}@example.org` });
  }

  async function emptyLobby(): Promise<void> {
    await callApi(host, 'POST', '/lobby/deny-all');
    await host.locator('#lobby-count', { hasText: /^0$/ }).waitFor();
  }

  async function waitingNow(): Promise<string[]> {
    const view = (await callApi(host, 'GET', '/lobby')) as { waiting: Array<{ name: string }> };
    return view.waiting.map((guest) => guest.name);
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    instructor = await newContext(browser, server);
    await instructor.addInitScript(COUNT_CHIMES);
    host = await launchFromSandbox(await instructor.newPage(), server, { placement: 'bio-101/live-session' });
    await callApi(host, 'PUT', '/guest-access', { enabled: true });
    const link = (await callApi(host, 'POST', '/guest-links', { name: 'Visitors', durationDays: 7 })) as {
      url: string;
    };
    linkUrl = link.url;
    linkPath = new URL(linkUrl).pathname;
    plainTitle = await host.title();
    // Starting the server, Chromium and a launch takes long on a busy two-core machine.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('announces a guest in the title and a toast within a second, with the page scrolled to the top', async () => {
    await host.evaluate(() => window.scrollTo(0, 0));
    expect(await host.locator('#lobby-jump').textContent()).toBe('Lobby · 0 waiting');
    await watchArrival(host);
    const { page: guest, answeredAt } = await browserGuest('Alice Adams');
    await host.waitForFunction((title) => document.title === `(1) waiting · ${title}`, plainTitle);
    const toast = host.locator('#lobby-toast');
    await toast.getByText('Alice Adams is waiting in the lobby').waitFor();
    const delays = await arrivalDelays(host, answeredAt);
    expect(delays.title).toBeLessThan(1000);
    expect(delays.toast).toBeLessThan(1000);
    expect(await host.evaluate(() => window.scrollY)).toBe(0);
    expect(await host.locator('#lobby-jump').textContent()).toBe('Lobby · 1 waiting');
    expect(await host.locator('#lobby-jump').isVisible()).toBe(true);
    expect(await controlsUncovered(host)).toEqual([]);
    await checkScreen(host, 'media-page-waiting-toast');

    // Admit in the toast lets that guest in; the toast and the count in the title go.
    const inRoom = guest.waitForURL(/\/guest\/rooms\/[^/]+$/);
    const admit = toast.getByRole('button', { name: 'Admit', exact: true });
    expect(await admit.getAttribute('aria-describedby')).toBe('lobby-toast-text');
    await admit.click();
    await inRoom;
    await toast.waitFor({ state: 'hidden' });
    await host.waitForFunction((title) => document.title === title, plainTitle);
    await guest.context().close();
  });

  it('keeps the Lobby button in view at any scroll position, and takes the keyboard to the lobby', async () => {
    for (const size of [DESKTOP, PHONE, { width: 1366, height: 580 }]) {
      await host.setViewportSize(size);
      for (const where of ['top', 'bottom']) {
        await host.evaluate((to) => window.scrollTo(0, to === 'top' ? 0 : document.body.scrollHeight), where);
        const box = (await host.locator('#lobby-jump').boundingBox())!;
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height).toBeLessThanOrEqual(size.height);
      }
    }
    await host.setViewportSize(DESKTOP);
    await host.evaluate(() => window.scrollTo(0, 0));
    await host.locator('#lobby-jump').focus();
    await host.keyboard.press('Enter');
    expect(await host.evaluate(() => document.activeElement?.id)).toBe('lobby-panel');
    const panel = (await host.locator('#lobby-panel').boundingBox())!;
    expect(panel.y).toBeLessThan(DESKTOP.height);
    expect(panel.y).toBeGreaterThan(0);
  });

  it('shows the toast at phone width without covering the page, and View lobby focuses the lobby', async () => {
    await host.setViewportSize(PHONE);
    await host.evaluate(() => window.scrollTo(0, 0));
    await watchArrival(host);
    const { page: guest, answeredAt } = await browserGuest('Bob Brown');
    await host.waitForFunction((title) => document.title === `(1) waiting · ${title}`, plainTitle);
    await host.locator('#lobby-toast').getByText('Bob Brown is waiting in the lobby').waitFor();
    const delays = await arrivalDelays(host, answeredAt);
    expect(delays.title).toBeLessThan(1000);
    expect(delays.toast).toBeLessThan(1000);
    const toast = (await host.locator('#lobby-toast').boundingBox())!;
    expect(toast.x).toBeGreaterThanOrEqual(0);
    expect(toast.x + toast.width).toBeLessThanOrEqual(PHONE.width);
    expect(await controlsUncovered(host)).toEqual([]);
    await expectAccessible(host, 'media-page-waiting-toast-phone');

    await host.getByRole('button', { name: 'View lobby' }).click();
    expect(await host.evaluate(() => document.activeElement?.id)).toBe('lobby-panel');
    await host.locator('#lobby-toast').waitFor({ state: 'hidden' });
    const panel = (await host.locator('#lobby-panel').boundingBox())!;
    expect(panel.y).toBeLessThan(PHONE.height);
    await host.getByRole('button', { name: 'Admit Bob Brown' }).waitFor();
    await host.setViewportSize(DESKTOP);
    await emptyLobby();
    await guest.context().close();
  });

  it('tells screen readers once per burst: three guests joining within a second are one announcement', async () => {
    await emptyLobby();
    // Any announcement of that clearing is made before recording starts.
    await host.waitForTimeout(1500);
    await host.evaluate(RECORD_ANNOUNCEMENTS);
    // Three joins 300 ms apart: separate lobby events, one burst for a listener.
    await Promise.all(
      ['Dan', 'Erin', 'Frank'].map(async (name, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 300));
        await httpGuest(name);
      }),
    );
    await host.locator('#lobby-count', { hasText: /^3$/ }).waitFor();
    await host.locator('#lobby-toast').getByText('3 guests are waiting in the lobby').waitFor();
    await host.waitForTimeout(2500);
    expect(await host.evaluate(() => (window as unknown as { __announced: string[] }).__announced)).toEqual([
      '3 guests waiting',
    ]);
    await emptyLobby();
    await host.waitForTimeout(2500);
    expect(await host.evaluate(() => (window as unknown as { __announced: string[] }).__announced)).toEqual([
      '3 guests waiting',
      'No guests waiting',
    ]);
  });

  it('plays the optional sound at most once in 10 s', async () => {
    await emptyLobby();
    const chimes = () => host.evaluate(() => (window as unknown as { __chimes: number }).__chimes);
    await host.getByLabel('Play a sound when a guest starts waiting').check();
    const afterSample = await chimes();
    for (const [index, name] of ['Gina', 'Hal', 'Ivy'].entries()) {
      await httpGuest(name);
      await host.locator('#lobby-count', { hasText: new RegExp(`^${index + 1}$`) }).waitFor();
      await host.waitForTimeout(1200);
    }
    expect((await chimes()) - afterSample).toBe(1);
    await host.getByLabel('Play a sound when a guest starts waiting').uncheck();
    await emptyLobby();
  });

  it('holds a Deny back 5 s: Undo keeps the guest waiting, otherwise the guest is denied', async () => {
    await emptyLobby();
    const { page: kept } = await browserGuest('Jack Jones');
    await host.getByRole('button', { name: 'Deny Jack Jones' }).click();
    await host.locator('#lobby-list').getByText('Denying Jack Jones in').waitFor();
    expect(await host.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Undo deny Jack Jones',
    );
    await host.keyboard.press('Enter');
    await host.getByRole('button', { name: 'Deny Jack Jones' }).waitFor();
    await kept.waitForTimeout(6000);
    await expect(kept.locator('h1').textContent()).resolves.toBe('Waiting for the moderator to let you in…');
    expect(await waitingNow()).toEqual(['Jack Jones']);

    const clickedAt = Date.now();
    await host.getByRole('button', { name: 'Deny Jack Jones' }).click();
    await kept.locator('h1', { hasText: 'Your request to join was declined' }).waitFor({ timeout: 8000 });
    expect(Date.now() - clickedAt).toBeGreaterThanOrEqual(4500);
    await kept.context().close();
  });

  it('asks before Admit all and Deny all, naming the count', async () => {
    await emptyLobby();
    await Promise.all([httpGuest('Kim'), httpGuest('Lee')]);
    await host.locator('#lobby-count', { hasText: /^2$/ }).waitFor();
    await host.getByRole('button', { name: 'Admit all' }).click();
    const confirm = host.getByRole('alertdialog', { name: 'Admit 2 waiting guests?' });
    await confirm.waitFor();
    await checkScreen(host, 'lobby-confirm-admit-all');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await host.evaluate(() => document.activeElement?.id)).toBe('lobby-admit-all');
    expect((await waitingNow()).sort()).toEqual(['Kim', 'Lee']);

    await host.getByRole('button', { name: 'Deny all' }).click();
    const deny = host.getByRole('alertdialog', { name: 'Deny 2 waiting guests?' });
    await deny.waitFor();
    await deny.getByRole('button', { name: 'Deny all' }).click();
    await host.locator('#lobby-count', { hasText: /^0$/ }).waitFor();
    expect(await waitingNow()).toEqual([]);

    await httpGuest('Max');
    await host.locator('#lobby-count', { hasText: /^1$/ }).waitFor();
    await host.getByRole('button', { name: 'Admit all' }).click();
    const admit = host.getByRole('alertdialog', { name: 'Admit 1 waiting guest?' });
    await admit.getByRole('button', { name: 'Admit all' }).click();
    await host.locator('#lobby-count', { hasText: /^0$/ }).waitFor();
  });

  it('says how many turning the lobby off admits, and Cancel leaves it on', async () => {
    await emptyLobby();
    await Promise.all([httpGuest('Ned'), httpGuest('Ola'), httpGuest('Pat')]);
    await host.locator('#lobby-count', { hasText: /^3$/ }).waitFor();
    const toggle = host.getByRole('switch', { name: 'Guests wait for a moderator to admit them' });
    await toggle.click();
    const confirm = host.getByRole('alertdialog', { name: 'Turn the lobby off?' });
    await confirm.waitFor();
    expect(await confirm.locator('#lobby-confirm-text').textContent()).toBe(
      'Turning the lobby off admits the 3 guests waiting now. New guests will go straight in.',
    );
    await checkScreen(host, 'lobby-confirm-lobby-off');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    expect(await waitingNow()).toHaveLength(3);

    await toggle.click();
    await confirm.getByRole('button', { name: 'Turn off and admit' }).click();
    await host.waitForSelector('#lobby-toggle[aria-checked="false"]');
    await host.locator('#lobby-count', { hasText: /^0$/ }).waitFor();

    // With nobody waiting the switch just switches, both ways.
    await toggle.click();
    await host.waitForSelector('#lobby-toggle[aria-checked="true"]');
    await toggle.click();
    await host.waitForSelector('#lobby-toggle[aria-checked="false"]');
    expect(await confirm.isVisible()).toBe(false);
    await toggle.click();
    await host.waitForSelector('#lobby-toggle[aria-checked="true"]');
  });

  it('keeps the Lobby button in view in a room that plays a video', async () => {
    const context = await newContext(browser, server);
    const office = await launchFromSandbox(await context.newPage(), server, {
      placement: 'hist-210/office-hours',
    });
    const roomId = await office.locator('main.room').getAttribute('data-room-id');
    await server.sql.query(
      `UPDATE rooms SET media_url = 'https://media.example.org/lecture.mp4' WHERE id = $1`,
      [roomId],
    );
    // The media page's own address (the menu's "Open in new window", posted with the ltik in
    // this tab) shows the room as it is now.
    const action = await office.locator('[data-menu-action="open-new-window"]').getAttribute('formaction');
    await Promise.all([
      office.waitForURL(new URL(action!, server.url).toString()),
      office.evaluate(
        (path) =>
          (window as unknown as { Guestlink: { postWithLtik(p: string): boolean } }).Guestlink.postWithLtik(
            path,
          ),
        action!,
      ),
    ]);
    await office.locator('main.room[data-room-id]').waitFor();
    expect(await office.locator('video, .screen-video').count()).toBeGreaterThan(0);
    for (const size of [DESKTOP, PHONE]) {
      await office.setViewportSize(size);
      await office.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      const box = (await office.locator('#lobby-jump').boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(size.height);
    }
    await context.close();
  });

  // Last: the frame's launch opens the live session in a second tab of the same host.
  it('in the sandbox’s frame 580 px tall: the toast shows within a second and stays readable', async () => {
    const launch = `${server.url}/sandbox/launch?user=instructor&placement=bio-101/live-session&deployment=registered&target=iframe`;
    const framer = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="en"><title>Course · LMS</title><body style="margin:0">` +
          `<iframe name="tool" title="Guestlink" style="width:1000px;height:580px;border:0" src="${launch}"></iframe></body></html>`,
      );
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      const frame = page.frame({ name: 'tool' })!;
      await frame.locator('main.room[data-room-id]').waitFor();
      await frame.locator('#lobby-jump').waitFor();
      await watchArrival(frame);
      const { page: guest, answeredAt } = await browserGuest('Carol Clark');
      await frame.locator('#lobby-toast').getByText('Carol Clark is waiting in the lobby').waitFor();
      expect((await arrivalDelays(frame, answeredAt)).toast).toBeLessThan(1000);
      const toast = (await frame.locator('#lobby-toast').boundingBox())!;
      expect(toast.y + toast.height).toBeLessThanOrEqual(580);
      expect(toast.x + toast.width).toBeLessThanOrEqual(1000);
      expect(await controlsUncovered(frame)).toEqual([]);
      await captureScreen(page, 'frame-waiting-toast');
      await emptyLobby();
      await guest.context().close();
    } finally {
      await context.close();
      await new Promise<void>((resolve) => framer.close(() => resolve()));
    }
  });

  // Last of all: the instructor's page goes away.
  it('sends a held-back Deny at once when the moderator leaves the page', async () => {
    const { page: guest } = await browserGuest('Quinn Quick');
    await host.getByRole('button', { name: 'Deny Quinn Quick' }).click();
    await host.locator('#lobby-list').getByText('Denying Quinn Quick in').waitFor();
    const leftAt = Date.now();
    await host.goto('about:blank');
    await guest.locator('h1', { hasText: 'Your request to join was declined' }).waitFor({ timeout: 4000 });
    expect(Date.now() - leftAt).toBeLessThan(4000);
    await guest.context().close();
  });
});
