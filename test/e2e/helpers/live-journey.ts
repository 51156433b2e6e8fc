import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../../helpers/test-server';
import { checkScreen, fetchJsonFrom, launchBrowser, launchFromSandbox, newContext, PHONE } from './browser';
import { joinAsGuest } from './guestlink';
import {
  DEAFENABLE_EVENT_SOURCE,
  deafen,
  engineOf,
  inboundStats,
  lastFrameAt,
  mediaFlowing,
  participantId,
  stageMain,
  waitForMedia,
} from './live';

export interface LiveJourneyOptions {
  engine: 'builtin' | 'janus';
  startServer(): Promise<TestServer>;
  /** Screenshot names get this suffix (the builtin run keeps the plain names). */
  screenSuffix?: string;
}

/**
 * The journey, one scenario per test, in order, on one engine: an instructor
 * presents from the sandbox, a guest on a phone is admitted and sees and hears them, a
 * student too; a guest cannot publish, a screen share takes the stage, a guest invited to
 * speak is heard, and a removed guest's media stops within a second.
 */
export function describeLiveJourney({ engine, startServer, screenSuffix = '' }: LiveJourneyOptions): void {
  describe(`the live session in real browsers (${engine})`, () => {
    let server: TestServer;
    let browser: Browser;
    let instructor: BrowserContext;
    let host: Page;
    let guest: Page;
    let hostId = '';
    let guestId = '';
    let roomId = '';
    let ltik = '';
    const contexts: BrowserContext[] = [];
    const shot = (page: Page, name: string) => checkScreen(page, `${name}${screenSuffix}`);

    const hostApi = (method: string, path: string, body?: unknown) =>
      fetchJsonFrom(host, `/api/rooms/${roomId}${path}`, {
        method,
        headers: { Authorization: `Bearer ${ltik}` },
        body,
      });

    async function participantActions(name: string) {
      if ((await host.locator('#toggle-participants').getAttribute('aria-expanded')) !== 'true')
        await host.locator('#toggle-participants').click();
      const actions = host.getByRole('button', { name: `Actions for ${name}` });
      if ((await actions.getAttribute('aria-expanded')) !== 'true') await actions.click();
      return host.getByRole('group', { name: `Actions for ${name}` });
    }

    beforeAll(async () => {
      [server, browser] = await Promise.all([startServer(), launchBrowser({ fakeMedia: true })]);
      instructor = await newContext(browser, server);
    });

    afterAll(async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close();
      await server?.close();
    });

    it('lets the instructor turn on the camera and microphone from the sandbox', async () => {
      const sandbox = await instructor.newPage();
      host = await launchFromSandbox(sandbox, server, {
        user: 'instructor',
        placement: 'bio-101/live-session',
      });
      roomId = (await host.locator('main.room').getAttribute('data-room-id'))!;
      ltik = (await host.locator('main.room').getAttribute('data-ltik'))!;
      hostId = await participantId(host);
      expect(await engineOf(host)).toBe(engine);
      await host.locator('#stage-status-text', { hasText: 'Live session' }).waitFor();
      await host.getByText('The session hasn’t started yet.', { exact: false }).waitFor();

      await host.getByRole('button', { name: 'Camera' }).click();
      await host.locator('#toggle-camera[aria-pressed="true"]').waitFor();
      await host.getByRole('button', { name: 'Microphone' }).click();
      await host.locator('#toggle-mic[aria-pressed="true"]').waitFor();
      await host.locator('#stage-main video[data-kind="camera"]').waitFor();
      expect(await host.locator('#stage-empty').isVisible()).toBe(false);
      await shot(host, 'live-presenter');
    });

    it('admits a guest on a phone, who sees and hears the instructor once admitted', async () => {
      await hostApi('PUT', '/guest-access', { enabled: true });
      const created = await hostApi('POST', '/guest-links', { name: `Live ${engine}` });
      expect(created.status).toBe(201);
      const context = await browser.newContext({ viewport: PHONE });
      await context.addInitScript(DEAFENABLE_EVENT_SOURCE);
      contexts.push(context);
      guest = await context.newPage();
      await guest.goto(String(created.body.url));
      await joinAsGuest(guest, 'Grace Guest', 'grace@example.org');
      await guest.waitForURL(/\/waiting$/);

      await host.getByRole('button', { name: 'Admit Grace Guest' }).click();
      await guest.waitForURL(`${server.url}/guest/rooms/${roomId}`);
      // How fast (the 3 s target) is `npm run bench`'s "admission → first frame": a wall-clock
      // bound here measured the CI machine's load (3,026 ms once on 2 cores), not the app.
      await waitForMedia(guest, { publisher: hostId, timeoutMs: 15_000 });
      expect(await mediaFlowing(guest, hostId)).toBe(true);
      guestId = await participantId(guest);
      expect((await stageMain(guest)).kind).toBe('camera');
      await guest.locator('#stage-main', { hasText: 'Ada Lovelace' }).waitFor();
      await shot(guest, 'live-guest-room');
    });

    it('sends the session to a student launched from the sandbox too', async () => {
      const context = await newContext(browser, server);
      contexts.push(context);
      const student = await launchFromSandbox(await context.newPage(), server, { user: 'student' });
      await waitForMedia(student, { publisher: hostId, timeoutMs: 3000 });
      expect(await mediaFlowing(student, hostId)).toBe(true);
      expect(await student.locator('#presenter-controls').isVisible()).toBe(false);
      await student.getByRole('button', { name: 'Raise hand' }).click();
      await host.locator('#hand-count', { hasText: '1' }).waitFor();
      await context.close();
    });

    it('gives a guest no way to publish: no controls, and a forged offer is refused', async () => {
      expect(await guest.locator('#presenter-controls').isVisible()).toBe(false);
      const csrf = (await guest.locator('[data-live-stage]').getAttribute('data-csrf'))!;
      const link = engine === 'janus' ? `${guestId}~sfu` : `${guestId}~${hostId}`;
      const sdp = await guest.evaluate(async () => {
        const pc = new RTCPeerConnection();
        pc.addTransceiver('audio', { direction: 'sendonly' });
        const offer = await pc.createOffer();
        pc.close();
        return offer.sdp!;
      });
      const forged = await fetchJsonFrom(guest, `/guest/rooms/${roomId}/live/signal`, {
        method: 'POST',
        headers: { 'X-CSRF-Token': csrf },
        body: { participant: guestId, signal: { type: 'offer', link, sdp, tracks: { '0': 'audio' } } },
      });
      expect(forged.status).toBe(403);
      expect((forged.body.error as { code: string }).code).toBe('RECEIVE_ONLY');
    });

    it('puts a shared screen on the stage in place of the camera', async () => {
      await host.getByRole('button', { name: 'Share screen' }).click();
      await host.locator('#toggle-screen[aria-pressed="true"]').waitFor();
      await guest.waitForFunction(() => {
        const video = document.querySelector<HTMLVideoElement>('#stage-main video');
        return video?.dataset.kind === 'screen' && video.videoWidth > 0;
      });
      const first = await stageMain(guest);
      await guest.waitForTimeout(500);
      expect((await stageMain(guest)).frames).toBeGreaterThan(first.frames);
      await guest.locator('#stage-tiles video[data-kind="camera"]').waitFor();
      await guest.locator('#stage-main', { hasText: 'Ada Lovelace is sharing their screen' }).waitFor();
      await shot(guest, 'live-guest-screen-share');
      await host.getByRole('button', { name: 'Stop sharing' }).click();
      await guest.waitForFunction(
        () => document.querySelector<HTMLVideoElement>('#stage-main video')?.dataset.kind === 'camera',
      );
    });

    it('lets the host invite the guest to speak, and hears the guest', async () => {
      const actions = await participantActions('Grace Guest');
      await shot(host, 'live-participants');
      await actions.getByRole('button', { name: 'Invite to speak Grace Guest' }).click();
      await guest.locator('#presenter-controls').waitFor();
      await guest.getByRole('button', { name: 'Camera' }).click();
      await guest.getByRole('button', { name: 'Microphone' }).click();
      await waitForMedia(host, { publisher: guestId, timeoutMs: 3000 });
      expect(await mediaFlowing(host, guestId)).toBe(true);

      // Muted by the host: the guest's microphone goes off and no more sound reaches the host.
      const muting = await participantActions('Grace Guest');
      await muting.getByRole('button', { name: 'Mute Grace Guest' }).click();
      await guest.locator('#toggle-mic[aria-pressed="false"]').waitFor();
      await host.waitForTimeout(500);
      const heard = (await inboundStats(host, guestId)).audioBytes;
      await host.waitForTimeout(800);
      expect((await inboundStats(host, guestId)).audioBytes).toBe(heard);

      const again = await participantActions('Grace Guest');
      await again.getByRole('button', { name: 'Stop speaking Grace Guest' }).click();
      await guest.locator('#presenter-controls').waitFor({ state: 'hidden' });
      await host.waitForFunction(
        (id) =>
          !Object.hasOwn(
            (
              window as unknown as { Guestlink: { live: { current: { peers(): { inbound: object } } } } }
            ).Guestlink.live.current.peers().inbound,
            id,
          ),
        guestId,
      );
    });

    it('stops a removed guest’s media within a second, even when their page does not listen', async () => {
      expect(await mediaFlowing(guest, hostId)).toBe(true);
      // The page no longer hears the room: only the server (or the presenter's page) can cut it off.
      await deafen(guest);
      const actions = await participantActions('Grace Guest');
      await actions.getByRole('button', { name: 'Remove Grace Guest' }).click();
      const confirm = host.getByRole('alertdialog', { name: 'Remove from the session?' });
      await confirm.waitFor();
      await shot(host, 'live-remove');
      const removedAt = Date.now();
      await confirm.getByRole('button', { name: 'Remove' }).click();
      const last = await lastFrameAt(guest);
      expect(last - removedAt).toBeLessThan(1000);
      await host
        .locator('#participant-list', { hasText: 'Grace Guest' })
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      expect(await host.locator('#participant-list').textContent()).not.toContain('Grace Guest');
      const page = await guest.reload();
      expect(page!.status()).toBe(403);
      await expect(guest.locator('h1').textContent()).resolves.toBe('You were removed from this session');
    });
  });
}
