import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchToolEnv, percentile, ROOT, startChild, type Child, type Row } from './lib';

/** Where the live part puts its rows: the main bench's table, or a file for it (the Janus run). */
export interface Report {
  record(row: Row): void;
  /** Notes a correctness failure when `ok` is false; returns `ok`. */
  check(ok: boolean, message: string): boolean;
  note(text: string): void;
}

export const fmt = (value: number) =>
  Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 2 : 1);

export function printRow(row: Row): void {
  const target = row.target ? `  target ${row.target}: ${row.met ? 'met' : 'MISSED'}` : '';
  console.log(`  ${row.backend.padEnd(9)} ${row.metric.padEnd(44)} ${fmt(row.value)} ${row.unit}${target}`);
}

/** A report that prints as it goes and keeps everything (standalone runs, the Janus run). */
export function collectingReport() {
  const collected = { rows: [] as Row[], failures: [] as string[], notes: [] as string[] };
  const report: Report = {
    record(row) {
      collected.rows.push(row);
      printRow(row);
    },
    check(ok, message) {
      if (!ok) {
        collected.failures.push(message);
        console.log(`  CORRECTNESS FAILURE: ${message}`);
      }
      return ok;
    },
    note(text) {
      collected.notes.push(text);
    },
  };
  return { report, collected };
}

/**
 * The tool as the rest of the bench starts it (PGlite in a temporary DATA_DIR, the sandbox
 * on, generous guest limits), with the live session's settings on top.
 */
export async function startLiveTool(name: string, env: Record<string, string>): Promise<Child> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-bench-live-'));
  const child = await startChild(
    name,
    path.join(ROOT, 'dist/server.js'),
    benchToolEnv(dataDir, env),
    '/readyz',
  );
  return {
    ...child,
    async stop() {
      await child.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Records p50 / p99 (and max) of latency samples in ms, p99 against a target. */
export function recordLatency(
  report: Report,
  backend: string,
  label: string,
  samples: number[],
  target: { text: string; max: number },
): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const p50 = Math.round(percentile(sorted, 50));
  const p99 = Math.round(percentile(sorted, 99));
  const max = Math.round(sorted[n - 1] ?? NaN);
  // With at most 100 samples the 99th percentile is the largest one.
  const p99Note = n <= 100 ? `; with ${n} samples p99 = max` : `, max ${max}`;
  report.record({
    backend,
    metric: `${label} p50`,
    value: p50,
    unit: `ms (n=${n}, min ${Math.round(sorted[0] ?? NaN)}, p90 ${Math.round(percentile(sorted, 90))})`,
  });
  report.record({
    backend,
    metric: `${label} p99`,
    value: p99,
    unit: `ms (n=${n}${p99Note})`,
    target: target.text,
    met: n > 0 && p99 <= target.max,
  });
}

/** Median of a few numbers (for the breakdown of a latency into its steps). */
export function median(values: number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : Math.round(sorted[Math.floor((sorted.length - 1) / 2)]!);
}

/** Times (epoch ms) a guest's room page noted: see FIRST_FRAME_PROBE in live-browser.ts. */
export interface FirstFrame {
  navigationStart: number;
  welcome: number;
  inbound: number;
  firstFrame: number;
}

/** Admission → first frame for each guest (admission request sent at `sent`), with its steps. */
export function recordFirstFrames(
  report: Report,
  backend: string,
  label: string,
  measured: Array<{ sent: number; times: FirstFrame }>,
): void {
  const samples = measured.map(({ sent, times }) => times.firstFrame - sent);
  report.note(`${backend} admission → first frame (${label}), ms in admission order: ${samples.join(', ')}`);
  recordLatency(report, backend, `admission → first frame (${label})`, samples, {
    text: '≤ 1000 ms',
    max: 1000,
  });
  const step = (
    from: (m: (typeof measured)[number]) => number,
    to: (m: (typeof measured)[number]) => number,
  ) => median(measured.map((m) => to(m) - from(m)));
  report.record({
    backend,
    metric: 'admission → first frame, median steps',
    value: median(samples),
    unit:
      `ms = admit → room page navigation ${step(
        (m) => m.sent,
        (m) => m.times.navigationStart,
      )}` +
      ` + page → welcome ${step(
        (m) => m.times.navigationStart,
        (m) => m.times.welcome,
      )}` +
      ` + welcome → first offer ${step(
        (m) => m.times.welcome,
        (m) => m.times.inbound,
      )}` +
      ` + offer → first decoded frame ${step(
        (m) => m.times.inbound,
        (m) => m.times.firstFrame,
      )}`,
  });
}

/** Runs one section; a failure is reported and the next section still runs. */
export async function section(report: Report, name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    report.check(false, `${name} failed: ${((error as Error).stack ?? String(error)).split('\n')[0]}`);
    console.error(error);
  }
}
