import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  fmt,
  median,
  recordFirstFrames,
  section,
  startLiveTool,
  type FirstFrame,
  type Report,
} from './live-common';
import {
  firstFrame,
  framesDecoded,
  joinInBrowser,
  openRoom,
  outboundSnapshot,
  settle,
  presenterPage,
  startCameraAndMic,
  startChromium,
  waitingVisit,
  type Chromium,
  type GuestPage,
  type OutboundSnapshot,
} from './live-browser';
import { signallingLoad } from './live-signalling';
import { api, cpuOver, ROOT, rssMb, sleep, type Child } from './lib';

/**
 * The Janus engine's measurements. Runs inside the network namespace bench/live-janus.sh
 * makes (Janus gathers ICE candidates on its veth, v0): Janus, the tool and Chromium all
 * run in it, on its loopback and veth only.
 */

const env = process.env;
const GUESTS = Number(env.BENCH_LIVE_JANUS_GUESTS ?? 20);
const BATCH = 5;
const CPU_WINDOW = 10;
const STEADY_SECONDS = Number(env.BENCH_LIVE_STEADY ?? 30);
const PARTICIPANTS = 100;

interface Janus {
  url: string;
  adminKey: string;
  pid: number;
  stop(): Promise<void>;
}

/** Debian's Janus the way the Docker image starts it (docker/janus/entrypoint.sh on config/janus). */
async function startJanus(): Promise<Janus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-bench-janus-'));
  const log = path.join(dir, 'janus.log');
  const adminKey = randomBytes(24).toString('hex');
  const url = 'http://127.0.0.1:8088/janus';
  // The entrypoint execs janus: the child's pid is Janus's.
  const child = spawn(
    'sh',
    [path.join(ROOT, 'docker/janus/entrypoint.sh'), `--log-file=${log}`, '--disable-stdout'],
    {
      env: {
        ...process.env,
        JANUS_CONFIG_TEMPLATE: path.join(ROOT, 'config/janus'),
        JANUS_CONFIG_DIR: path.join(dir, 'config'),
        JANUS_ADMIN_KEY: adminKey,
        JANUS_ICE_ENFORCE_LIST: 'v0',
        JANUS_RTP_PORT_RANGE: '20000-20400',
      },
      stdio: 'ignore',
    },
  );
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${url}/info`, { signal: AbortSignal.timeout(1000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '';
      await stop();
      throw new Error(`Janus did not start (exit ${child.exitCode}):\n${tail}`);
    }
    await sleep(100);
  }
  return { url, adminKey, pid: child.pid!, stop };
}

/** The publisher's camera encoder as it reports itself. */
const describe = (snapshot: OutboundSnapshot) =>
  snapshot.video.map((video) => `${video.width}×${video.height} ${fmt(video.fps)} fps`).join(', ');

interface JanusLoad {
  percent: number;
  rss: number;
}

async function janusLoad(janus: Janus): Promise<JanusLoad> {
  const cpu = await cpuOver(janus.pid, CPU_WINDOW);
  return { percent: cpu.percent, rss: rssMb(janus.pid) };
}

/**
 * `count` guests join in batches of five and wait in the lobby; the host admits them one at a
 * time, each admission waiting for that guest's first frame. Admission → first frame for each.
 * With `stay` false each guest leaves once measured, so the guests' browser decodes one stream
 * at a time: the path's own latency, without this 2-core machine's browsers decoding 20 streams.
 */
async function admitGuests(
  report: Report,
  guestBrowser: Chromium,
  launch: Parameters<typeof api>[0],
  linkUrl: string,
  guests: GuestPage[],
  count: number,
  stay = true,
): Promise<Array<{ sent: number; times: FirstFrame }>> {
  const measured: Array<{ sent: number; times: FirstFrame }> = [];
  const admitted = async (guest: GuestPage, sent: number) => {
    const times = await firstFrame(guest).catch((error: Error) => {
      report.check(false, `janus: ${guest.name} decoded no frame (${error.message.split('\n')[0]})`);
      return null;
    });
    if (times) measured.push({ sent, times });
  };
  for (let joined = 0; joined < count;) {
    const batch: GuestPage[] = [];
    for (; batch.length < BATCH && joined < count; joined++) {
      const guest = await joinInBrowser(
        guestBrowser.browser,
        linkUrl,
        `Guest ${stay ? guests.length + 1 : `alone ${joined + 1}`}`,
      );
      if (stay) guests.push(guest);
      batch.push(guest);
    }
    const visits = [];
    for (const guest of batch) visits.push(await waitingVisit(launch, guest.name));
    for (const [n, guest] of batch.entries()) {
      const sent = Date.now();
      await api(launch)('POST', `/lobby/${visits[n]}/admit`);
      await admitted(guest, sent);
      if (!stay) await guest.close();
    }
  }
  report.check(measured.length === count, `janus: ${measured.length} of ${count} guests decoded frames`);
  return measured;
}

async function janusBrowsers(report: Report, janus: Janus, janusEnv: Record<string, string>): Promise<void> {
  const tool = await startLiveTool('live-janus', janusEnv);
  const browsers: Chromium[] = [];
  const guests: GuestPage[] = [];
  try {
    const presenterBrowser = await startChromium();
    browsers.push(presenterBrowser);
    const guestBrowser = await startChromium();
    browsers.push(guestBrowser);
    const presenter = await presenterPage(presenterBrowser.browser, tool.url, 'bio-101/live-session');
    const linkUrl = await openRoom(presenter.launch, true, 'Janus');
    await sleep(2000);
    const idle = await janusLoad(janus);

    await startCameraAndMic(presenter.page);
    const deadline = Date.now() + 15_000;
    while ((await outboundSnapshot(presenter.page)).framesEncoded === 0 && Date.now() < deadline)
      await sleep(200);
    const sending = await outboundSnapshot(presenter.page);
    report.check(
      sending.links === 1 && sending.framesEncoded > 0,
      'janus: the presenter sends nothing to Janus',
    );
    const settled = await settle(presenter.page);
    const publisherBefore = await outboundSnapshot(presenter.page);
    const publisher = await janusLoad(janus);
    const publisherAfter = await outboundSnapshot(presenter.page);
    const aloneKbps = Math.round(
      ((publisherAfter.rtpBytes - publisherBefore.rtpBytes) * 8) / 1000 / CPU_WINDOW,
    );

    const alone = await admitGuests(report, guestBrowser, presenter.launch, linkUrl, guests, GUESTS, false);
    recordFirstFrames(report, 'janus', `${GUESTS} guests, one at a time, each leaving once measured`, alone);
    const one = await admitGuests(report, guestBrowser, presenter.launch, linkUrl, guests, GUESTS);
    recordFirstFrames(report, 'janus', `${GUESTS} guests, one at a time, all staying`, one);
    await sleep(3000);
    const framesBefore = await Promise.all(guests.map((guest) => framesDecoded(guest.page)));
    const sentBefore = await outboundSnapshot(presenter.page);
    const subscribed = await janusLoad(janus);
    const sentAfter = await outboundSnapshot(presenter.page);
    const framesAfter = await Promise.all(guests.map((guest) => framesDecoded(guest.page)));
    const publisherKbps = Math.round(((sentAfter.rtpBytes - sentBefore.rtpBytes) * 8) / 1000 / CPU_WINDOW);
    const fps = guests.map((_, n) => (framesAfter[n]! - framesBefore[n]!) / CPU_WINDOW);
    report.check(
      fps.every((rate) => rate > 0),
      `janus: a subscriber stopped decoding (${fps.map((rate) => rate.toFixed(1)).join(', ')} fps)`,
    );
    const n = guests.length;
    const cpuEach = Math.round(((subscribed.percent - publisher.percent) / n) * 100) / 100;
    const rssEach = Math.round(((subscribed.rss - publisher.rss) / n) * 100) / 100;
    const row = (metric: string, value: number, unit: string) =>
      report.record({ backend: 'janus', metric, value, unit });
    row('Janus idle (tool attached, nobody sending)', idle.percent, `% of a core, RSS ${fmt(idle.rss)} MB`);
    row(
      'Janus, 1 publisher + 0 subscribers',
      publisher.percent,
      `% of a core, RSS ${fmt(publisher.rss)} MB; the publisher sends ${aloneKbps} kbit/s (${describe(publisherAfter)}, after ${settled} s)`,
    );
    row(
      `Janus, 1 publisher + ${n} subscribers`,
      subscribed.percent,
      `% of a core, RSS ${fmt(subscribed.rss)} MB; the publisher sends ${publisherKbps} kbit/s (${describe(sentAfter)}); subscribers decode ${fmt(median(fps.map((r) => r * 10)) / 10)} fps median, ${fmt(Math.min(...fps))} min`,
    );
    row(
      'Janus per subscriber: CPU',
      cpuEach,
      `% of a core ((with ${n} − with 0) / ${n}, ${CPU_WINDOW} s windows)`,
    );
    row('Janus per subscriber: RSS', rssEach, `MB ((with ${n} − with 0) / ${n})`);
  } finally {
    for (const guest of guests) await guest.close();
    for (const browser of browsers) await browser.close();
    await tool.stop();
  }
}

/** Inside the namespace: Janus, the tool on it, browsers; then 100 participants without browsers. */
export async function runJanusPart(report: Report): Promise<void> {
  const janus = await startJanus();
  try {
    const janusEnv = { ROOM_ENGINE: 'janus', JANUS_URL: janus.url, JANUS_ADMIN_KEY: janus.adminKey };
    await section(report, 'live janus (browsers)', () => janusBrowsers(report, janus, janusEnv));
    const tool: Child = await startLiveTool('live-janus-signalling', janusEnv);
    try {
      await sleep(1000);
      await signallingLoad(
        report,
        'janus',
        tool,
        [{ placement: 'bio-101/live-session', guests: PARTICIPANTS - 1 }],
        STEADY_SECONDS,
      );
    } finally {
      await tool.stop();
    }
  } finally {
    await janus.stop();
  }
}
