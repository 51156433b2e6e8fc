import type { Page } from 'playwright-core';

/** What a page's live session exposes to tests (public/js/live/live-room.js). */
interface LiveWindow {
  Guestlink: {
    live: {
      current?: {
        peers(): {
          inbound: Record<string, { pc: RTCPeerConnection }>;
          outbound: Record<string, { pc: RTCPeerConnection }>;
        } | null;
        self(): { id: string; role: string } | null;
        engine(): string | null;
      };
    };
  };
}

export interface InboundStats {
  /** Video frames decoded over every inbound link (or one presenter's). */
  frames: number;
  /** Audio bytes received over the same links. */
  audioBytes: number;
}

/** Sums the page's inbound-rtp statistics, as getStats reports them. */
export function inboundStats(page: Page, publisher?: string): Promise<InboundStats> {
  return page.evaluate(async (only) => {
    const peers = (window as unknown as LiveWindow).Guestlink.live.current?.peers();
    const totals = { frames: 0, audioBytes: 0 };
    if (!peers) return totals;
    for (const [id, entry] of Object.entries(peers.inbound)) {
      if (only && id !== only) continue;
      const report = await entry.pc.getStats();
      report.forEach(
        (stats: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
          if (stats.type !== 'inbound-rtp') return;
          if (stats.kind === 'video') totals.frames += stats.framesDecoded ?? 0;
          if (stats.kind === 'audio') totals.audioBytes += stats.bytesReceived ?? 0;
        },
      );
    }
    return totals;
  }, publisher ?? null);
}

/** Polls until frames have been decoded and audio bytes arrive; resolves with the time that took. */
export async function waitForMedia(
  page: Page,
  options: { publisher?: string; timeoutMs?: number; audio?: boolean } = {},
): Promise<number> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 5000);
  for (;;) {
    const stats = await inboundStats(page, options.publisher);
    if (stats.frames > 0 && (options.audio === false || stats.audioBytes > 0)) return Date.now() - started;
    if (Date.now() > deadline)
      throw new Error(`No media within ${options.timeoutMs ?? 5000} ms: ${JSON.stringify(stats)}`);
    await page.waitForTimeout(20);
  }
}

/** Whether decoded frames and audio bytes keep growing over a short while. */
export async function mediaFlowing(page: Page, publisher?: string, windowMs = 600): Promise<boolean> {
  const before = await inboundStats(page, publisher);
  await page.waitForTimeout(windowMs);
  const after = await inboundStats(page, publisher);
  return after.frames > before.frames && after.audioBytes > before.audioBytes;
}

/**
 * The moment inbound video stopped: polls every 25 ms and returns when frames have not
 * grown for `quietMs`, with the time of the last frame seen (milliseconds since the epoch).
 */
export async function lastFrameAt(page: Page, quietMs = 700, timeoutMs = 5000): Promise<number> {
  let frames = (await inboundStats(page)).frames;
  let last = Date.now();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() - last < quietMs) {
    if (Date.now() > deadline) throw new Error('Inbound video never stopped');
    await page.waitForTimeout(25);
    const now = (await inboundStats(page)).frames;
    if (now > frames) {
      frames = now;
      last = Date.now();
    }
  }
  return last;
}

/** Frames the stage's main video has shown, and what it shows. */
export function stageMain(page: Page): Promise<{ kind: string | null; frames: number; width: number }> {
  return page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('#stage-main video');
    if (!video) return { kind: null, frames: 0, width: 0 };
    return {
      kind: video.dataset.kind ?? null,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
      width: video.videoWidth,
    };
  });
}

/** The engine the page's live connection uses (builtin or janus). */
export function engineOf(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as LiveWindow).Guestlink.live.current?.engine() ?? null);
}

/** The participant id of the page's live connection, once it is connected. */
export async function participantId(page: Page): Promise<string> {
  const handle = await page.waitForFunction(
    () => (window as unknown as LiveWindow).Guestlink.live.current?.self()?.id ?? null,
  );
  return (await handle.jsonValue()) as string;
}

/**
 * Lets a test make a page deaf to its event streams while they stay connected, as a page
 * that ignores the server would be: add to a context before its pages load, then `deafen`.
 */
export const DEAFENABLE_EVENT_SOURCE = `(() => {
  const Original = window.EventSource;
  window.EventSource = function (url, options) {
    const source = new Original(url, options);
    const listen = source.addEventListener.bind(source);
    source.addEventListener = (type, handler, more) =>
      listen(type, (event) => { if (!window.__deaf) handler(event); }, more);
    return source;
  };
  window.EventSource.prototype = Original.prototype;
  window.EventSource.CLOSED = Original.CLOSED;
})();`;

export function deafen(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as { __deaf: boolean }).__deaf = true;
  });
}
