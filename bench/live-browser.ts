import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FirstFrame } from './live-common';
import { api, Browser as HttpBrowser, sleep, type Launch } from './lib';

/**
 * Headless Chromium for the live part of the bench: a presenter's media page and guests'
 * pages, and what their RTCPeerConnections report (public/js/live/live-room.js exposes them).
 */

export const CHROMIUM_PATH = process.env.E2E_CHROMIUM_PATH || '/usr/bin/chromium';

export const chromiumAvailable = () => fs.existsSync(CHROMIUM_PATH);

/** The browser suite's flags (test/e2e/helpers/browser.ts): fake camera and microphone, loopback ICE. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

export interface Chromium {
  browser: Browser;
  /** The browser process: its tree is the browser's CPU. */
  pid: number;
  close(): Promise<void>;
}

/** One Chromium as its own process tree (launched as a server on loopback, so its pid is known). */
export async function startChromium(): Promise<Chromium> {
  const server = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    headless: true,
    host: '127.0.0.1',
    args: FLAGS,
  });
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    pid: server.process().pid!,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}

/**
 * Runs in every guest page before its own scripts. On the room page it polls the live
 * session every 20 ms and notes (epoch ms) when the page got its welcome, when its first
 * inbound link appeared and when an inbound video first had framesDecoded > 0.
 */
const FIRST_FRAME_PROBE = `(() => {
  if (!/^\\/guest\\/rooms\\/[^/]+$/.test(location.pathname)) return;
  const probe = (window.__benchProbe = { navigationStart: performance.timeOrigin });
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    const current = window.Guestlink && window.Guestlink.live && window.Guestlink.live.current;
    if (!current) return;
    if (!probe.welcome && current.self()) probe.welcome = Date.now();
    const peers = current.peers();
    const links = peers ? Object.values(peers.inbound) : [];
    if (links.length === 0) return;
    if (!probe.inbound) probe.inbound = Date.now();
    busy = true;
    try {
      for (const link of links) {
        const report = await link.pc.getStats();
        let frames = 0;
        report.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
        });
        if (frames > 0) {
          probe.firstFrame = Date.now();
          clearInterval(timer);
          return;
        }
      }
    } finally {
      busy = false;
    }
  }, 20);
})();`;

export interface GuestPage {
  context: BrowserContext;
  page: Page;
  name: string;
  close(): Promise<void>;
}

/** A guest in a browser profile of their own: opens the link, fills in the form, joins. */
export async function joinInBrowser(browser: Browser, linkUrl: string, name: string): Promise<GuestPage> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(30_000);
  await context.addInitScript(FIRST_FRAME_PROBE);
  const page = await context.newPage();
  await page.goto(linkUrl);
  await page.fill('#guest-name', name);
  await page.fill('#guest-email', `${name.replace(/\W/g, '').toLowerCase()}@example.org`);
  // In the lobby, the waiting page's event stream must be open before the host admits.
  const waitingStream = page.waitForResponse((response) =>
    /\/guest\/rooms\/[^/]+\/events$/.test(response.url()),
  );
  const landed = page.waitForURL(/\/guest\/rooms\/[^/]+(\/waiting)?$/);
  await page.click('button[type="submit"]');
  await landed;
  if (page.url().endsWith('/waiting')) await waitingStream;
  else waitingStream.catch(() => undefined);
  return { context, page, name, close: () => context.close().catch(() => undefined) };
}

/** Waits until the room page decoded its first frame; its probe's times. */
export async function firstFrame(guest: GuestPage, timeoutMs = 20_000): Promise<FirstFrame> {
  await guest.page.waitForURL(/\/guest\/rooms\/[^/]+$/, { timeout: timeoutMs });
  const handle = await guest.page.waitForFunction(
    () => {
      const probe = (globalThis as unknown as { __benchProbe?: FirstFrame }).__benchProbe;
      return probe?.firstFrame ? probe : null;
    },
    undefined,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as FirstFrame;
}

export interface Presenter {
  page: Page;
  launch: Launch;
  close(): Promise<void>;
}

/**
 * The instructor's media page, launched through the sandbox (launch → login → auth → form
 * post → media page) in the browser; its cookies and ltik also drive the room's API from here.
 */
export async function presenterPage(browser: Browser, base: string, placement: string): Promise<Presenter> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const query = new URLSearchParams({ user: 'instructor', placement, target: 'window' });
  await page.goto(`${base}/sandbox/launch?${query}`);
  const main = page.locator('main.room[data-room-id]');
  await main.waitFor();
  const roomId = (await main.getAttribute('data-room-id'))!;
  const ltik = (await main.getAttribute('data-ltik'))!;
  const http = new HttpBrowser(base);
  for (const cookie of await context.cookies()) http.cookies.set(cookie.name, cookie.value);
  return {
    page,
    launch: { browser: http, ltik, roomId },
    close: () => context.close().catch(() => undefined),
  };
}

/** Turns the presenter's camera and microphone on, as a person would. */
export async function startCameraAndMic(page: Page): Promise<void> {
  await page.click('#toggle-camera');
  await page.locator('#toggle-camera[aria-pressed="true"]').waitFor();
  await page.click('#toggle-mic');
  await page.locator('#toggle-mic[aria-pressed="true"]').waitFor();
}

/** Guest access on, one fresh link, the lobby as asked, nobody waiting; returns the link's URL. */
export async function openRoom(launch: Launch, lobby: boolean, linkName: string): Promise<string> {
  const call = api(launch);
  await call('PUT', '/guest-access', { enabled: true });
  await call('PUT', '/lobby', { enabled: lobby });
  const link = await call('POST', '/guest-links', { name: linkName });
  return String(link.url);
}

/** The waiting guest's visit id, by name (GET /lobby). */
export async function waitingVisit(launch: Launch, name: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lobby = await api(launch)('GET', '/lobby');
    const guest = (lobby.waiting as Array<{ id: string; name: string }>).find((entry) => entry.name === name);
    if (guest) return guest.id;
    if (Date.now() > deadline) throw new Error(`${name} is not waiting in the lobby`);
    await sleep(100);
  }
}

interface StatsEntry {
  type: string;
  kind?: string;
  bytesSent?: number;
  headerBytesSent?: number;
  framesEncoded?: number;
  framesDecoded?: number;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
  qualityLimitationReason?: string;
  targetBitrate?: number;
}
interface LivePeers {
  inbound: Record<string, { pc: { getStats(): Promise<Map<string, StatsEntry>> } }>;
  outbound: Record<string, { pc: { getStats(): Promise<Map<string, StatsEntry>> } }>;
}
type LiveGlobal = { Guestlink?: { live?: { current?: { peers(): LivePeers | null } } } };

export interface OutboundSnapshot {
  links: number;
  /** outbound-rtp bytesSent over every link and kind (payload). */
  rtpBytes: number;
  /** The same plus RTP headers. */
  rtpAndHeaderBytes: number;
  /** transport bytesSent: everything on the wire above UDP (SRTP, RTCP, STUN, DTLS). */
  transportBytes: number;
  framesEncoded: number;
  /** Per link's camera: width×height, fps, why the encoder holds back. */
  video: Array<{ width: number; height: number; fps: number; limitation: string; target: number }>;
}

/** What a presenter's page sends, summed over its outbound links (RTCPeerConnection.getStats). */
export function outboundSnapshot(page: Page): Promise<OutboundSnapshot> {
  return page.evaluate(async () => {
    const peers = (globalThis as unknown as LiveGlobal).Guestlink?.live?.current?.peers();
    const total: OutboundSnapshot = {
      links: 0,
      rtpBytes: 0,
      rtpAndHeaderBytes: 0,
      transportBytes: 0,
      framesEncoded: 0,
      video: [],
    };
    for (const link of Object.values(peers?.outbound ?? {})) {
      total.links++;
      const report = await link.pc.getStats();
      report.forEach((s) => {
        if (s.type === 'transport') total.transportBytes += s.bytesSent ?? 0;
        if (s.type !== 'outbound-rtp') return;
        total.rtpBytes += s.bytesSent ?? 0;
        total.rtpAndHeaderBytes += (s.bytesSent ?? 0) + (s.headerBytesSent ?? 0);
        if (s.kind !== 'video' || !s.framesEncoded) return;
        total.framesEncoded += s.framesEncoded;
        total.video.push({
          width: s.frameWidth ?? 0,
          height: s.frameHeight ?? 0,
          fps: s.framesPerSecond ?? 0,
          limitation: s.qualityLimitationReason ?? '',
          target: s.targetBitrate ?? 0,
        });
      });
    }
    return total;
  });
}

/** Video frames a page decoded over all its inbound links. */
export function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const peers = (globalThis as unknown as LiveGlobal).Guestlink?.live?.current?.peers();
    let frames = 0;
    for (const link of Object.values(peers?.inbound ?? {})) {
      const report = await link.pc.getStats();
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
      });
    }
    return frames;
  });
}

/**
 * A new link starts at a low resolution (Chromium's first bandwidth estimate) and climbs to
 * 1280×720 within about 40 s on loopback: wait until no encoder is held back by bandwidth
 * any more (or at most BENCH_LIVE_MESH_SETTLE seconds). Returns the seconds waited.
 */
const SETTLE_MAX_S = Number(process.env.BENCH_LIVE_MESH_SETTLE ?? 60);

export async function settle(page: Page): Promise<number> {
  const began = performance.now();
  await sleep(3000);
  while ((performance.now() - began) / 1000 < SETTLE_MAX_S) {
    const snapshot = await outboundSnapshot(page);
    if (snapshot.video.every((video) => video.limitation !== 'bandwidth')) break;
    await sleep(2000);
  }
  return Math.round((performance.now() - began) / 1000);
}
