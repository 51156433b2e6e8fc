import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/test-server';
import { captureScreen, launchBrowser, newContext, startE2eServer } from './helpers/browser';
import { participantId } from './helpers/live';

/**
 * An LMS frame that does not delegate the camera and microphone (no `allow` attribute):
 * the presenter is told why and offered the room in a new window, where presenting works.
 */
describe('presenting from inside an LMS frame', () => {
  let server: TestServer;
  let browser: Browser;
  let framer: http.Server;
  let framerUrl = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
    const launch = `${server.url}/sandbox/launch?user=instructor&placement=hist-210/office-hours&deployment=registered&target=iframe`;
    framer = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="en"><title>Course · LMS</title><h1>Course</h1>` +
          `<iframe name="tool" title="Guestlink" style="width:1200px;height:720px" src="${launch}"></iframe></html>`,
      );
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    framerUrl = `http://127.0.0.1:${(framer.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => framer.close(() => resolve()));
    await browser?.close();
    await server?.close();
  });

  it('explains a blocked camera and opens the room in a new window, where the camera works', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(framerUrl);
    const frame = page.frameLocator('iframe[name="tool"]');
    await frame.locator('#stage-status-text', { hasText: 'Live session' }).waitFor();
    await frame.getByRole('button', { name: 'Camera' }).click();
    const notice = frame.locator('#stage-notice');
    await notice.getByText('Open the room in a new window to present', { exact: false }).waitFor();
    expect(await frame.locator('#toggle-camera').getAttribute('aria-pressed')).toBe('false');
    await captureScreen(page, 'live-frame-camera-blocked');

    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      notice.getByRole('button', { name: 'Open in a new window' }).click(),
    ]);
    await popup.locator('main.room[data-room-id]').waitFor();
    await participantId(popup);
    await popup.getByRole('button', { name: 'Camera' }).click();
    await popup.locator('#toggle-camera[aria-pressed="true"]').waitFor();
    await popup.locator('#stage-main video[data-kind="camera"]').waitFor();
    await context.close();
  });
});
