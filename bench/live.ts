import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  collectingReport,
  printRow,
  recordFirstFrames,
  section,
  startLiveTool,
  type FirstFrame,
  type Report,
} from './live-common';
import {
  chromiumAvailable,
  firstFrame,
  joinInBrowser,
  openRoom,
  presenterPage,
  startCameraAndMic,
  startChromium,
  waitingVisit,
  type Chromium,
  type GuestPage,
  type Presenter,
} from './live-browser';
import { runJanusPart } from './live-janus';
import { meshCap } from './live-mesh';
import { signallingLoad } from './live-signalling';
import { api, ROOT, rssMb, sleep, type Child, type Row } from './lib';

/**
 * The live session's part of `npm run bench` (after the others), or run alone:
 *   node dist/bench/live.js [--engine builtin|janus] [--out <file.json>]
 * builtin: admission → first decoded frame for guests' pages, the mesh's cost for one
 * presenter, and the signalling's CPU with 100 connected participants (no browsers).
 * janus: the same inside a network namespace (bench/live-janus.sh), plus Janus's CPU and RSS.
 */

const env = process.env;
export const LIVE = env.BENCH_LIVE ?? 'on'; // on | off | builtin | janus
const ROUNDS = Math.max(1, Number(env.BENCH_LIVE_ROUNDS ?? 3));
const GUESTS_PER_ROUND = 5;
const MESH_STEPS = (env.BENCH_LIVE_MESH ?? '2,4,6,8,10')
  .split(',')
  .map(Number)
  .filter((k) => k > 0);
const MESH_WINDOW = 5;
const STEADY_SECONDS = Number(env.BENCH_LIVE_STEADY ?? 30);
/** Guestlink refuses BUILTIN_MAX_PARTICIPANTS above 50 (src/config/live-config.ts). */
const BUILTIN_LIMIT = 50;

/** Guests of a round join one by one; the host admits each (API); admission → first frame. */
async function firstFrames(
  report: Report,
  presenter: Presenter,
  guests: Chromium,
  linkUrl: string,
): Promise<void> {
  const measured: Array<{ sent: number; times: FirstFrame }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const joined: GuestPage[] = [];
    try {
      for (let n = 1; n <= GUESTS_PER_ROUND; n++) {
        const guest = await joinInBrowser(guests.browser, linkUrl, `Guest ${round}-${n}`);
        joined.push(guest);
        const visit = await waitingVisit(presenter.launch, guest.name);
        const sent = Date.now();
        await api(presenter.launch)('POST', `/lobby/${visit}/admit`);
        const times = await firstFrame(guest).catch((error: Error) => {
          report.check(false, `builtin: ${guest.name} decoded no frame (${error.message.split('\n')[0]})`);
          return null;
        });
        if (times) measured.push({ sent, times });
      }
    } finally {
      for (const guest of joined) await guest.close();
    }
    await sleep(1000);
  }
  const expected = ROUNDS * GUESTS_PER_ROUND;
  report.check(
    measured.length === expected,
    `builtin: ${measured.length} of ${expected} guests decoded frames`,
  );
  recordFirstFrames(report, 'builtin', `${ROUNDS}×${GUESTS_PER_ROUND} guests, one at a time`, measured);
}

/** The browser measurements on the built-in engine: first frames, then the mesh. */
async function builtinBrowsers(report: Report): Promise<void> {
  const tool = await startLiveTool('live-builtin', { BUILTIN_MAX_PARTICIPANTS: String(BUILTIN_LIMIT) });
  const browsers: Chromium[] = [];
  try {
    const presenterBrowser = await startChromium();
    browsers.push(presenterBrowser);
    const guestBrowser = await startChromium();
    browsers.push(guestBrowser);
    const presenter = await presenterPage(presenterBrowser.browser, tool.url, 'bio-101/live-session');
    await startCameraAndMic(presenter.page);
    await firstFrames(report, presenter, guestBrowser, await openRoom(presenter.launch, true, 'First frame'));
    if (MESH_STEPS.length > 0) {
      const link = await openRoom(presenter.launch, false, 'Mesh');
      await meshCap(report, presenter, presenterBrowser, guestBrowser, link, MESH_STEPS, MESH_WINDOW);
    }
    await presenter.close();
  } finally {
    for (const browser of browsers) await browser.close();
    await tool.stop();
  }
}

/** 100 participants without browsers; one room holds at most 50 with the built-in engine. */
async function builtinSignalling(report: Report): Promise<void> {
  const tool: Child = await startLiveTool('live-signalling', {
    BUILTIN_MAX_PARTICIPANTS: String(BUILTIN_LIMIT),
  });
  try {
    await sleep(1000);
    report.record({ backend: 'builtin', metric: 'signalling: RSS idle', value: rssMb(tool.pid), unit: 'MB' });
    await signallingLoad(
      report,
      'builtin',
      tool,
      [
        { placement: 'bio-101/live-session', guests: BUILTIN_LIMIT - 1 },
        { placement: 'hist-210/office-hours', guests: BUILTIN_LIMIT - 1 },
      ],
      STEADY_SECONDS,
    );
  } finally {
    await tool.stop();
  }
}

export async function runBuiltinPart(report: Report): Promise<void> {
  console.log('\n== live session, built-in engine ==');
  if (!chromiumAvailable()) {
    report.note('live builtin browser measurements skipped: no Chromium');
    console.log('  browser measurements skipped: Chromium is not installed');
  } else await section(report, 'live builtin (browsers)', () => builtinBrowsers(report));
  await section(report, 'live builtin (signalling)', () => builtinSignalling(report));
}

interface Handed {
  rows: Row[];
  failures: string[];
  notes: string[];
}

/** Runs bench/live-janus.sh (a network namespace around `live.js --engine janus`) and takes its rows. */
function janusInNamespace(report: Report, rows: Row[]): void {
  console.log('\n== live session, Janus (in a network namespace) ==');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-bench-janus-')), 'rows.json');
  const run = spawnSync('bash', [path.join(ROOT, 'bench/live-janus.sh'), out], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  if (!fs.existsSync(out)) {
    report.check(run.status === 0, `live janus: bench/live-janus.sh exited with ${run.status}`);
    if (run.status === 0) report.note('live janus skipped (see the line above)');
    return;
  }
  const handed = JSON.parse(fs.readFileSync(out, 'utf8')) as Handed;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  rows.push(...handed.rows);
  for (const failure of handed.failures) report.check(false, failure);
  for (const note of handed.notes) report.note(note);
  report.check(run.status === 0, `live janus: the run in the namespace exited with ${run.status}`);
}

/** The live part of `npm run bench`: rows go to the main table (`rows`) through `report`. */
export async function runLive(report: Report, rows: Row[]): Promise<void> {
  if (LIVE === 'off') return;
  if (LIVE !== 'janus') await runBuiltinPart(report);
  if (LIVE !== 'builtin') janusInNamespace(report, rows);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const engine = args[args.indexOf('--engine') + 1] ?? 'builtin';
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const { report, collected } = collectingReport();
  if (engine === 'janus') await section(report, 'live janus', () => runJanusPart(report));
  else await runBuiltinPart(report);
  if (out) fs.writeFileSync(out, `${JSON.stringify(collected, null, 2)}\n`);
  else {
    console.log('');
    for (const row of collected.rows) printRow(row);
  }
  if (collected.failures.length > 0) process.exitCode = 1;
}

if (require.main === module) void main();
