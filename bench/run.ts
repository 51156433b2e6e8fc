import autocannon, { type Result } from 'autocannon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  api,
  Browser,
  hiddenField,
  openGuestStream,
  percentile,
  pool,
  ROOT,
  rssMb,
  sandboxLaunch,
  sleep,
  startChild,
  type Child,
  type Launch,
  type Row,
  benchToolEnv,
} from './lib';
import { LIVE, runLive } from './live';

/**
 * npm run bench: the guest surge, admission latency and launch cost, against the built
 * tool (dist/server.js) started as real processes on loopback. Every throughput figure
 * is also given as a ratio to a bare express route measured in the same run.
 */

const env = process.env;
const DURATION = Number(env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 10);
const GUESTS = Number(env.BENCH_GUESTS ?? 1000);
const LIMIT = Number(env.BENCH_LIMIT ?? 50);
const CPU_PROF_DIR = env.BENCH_CPU_PROF ? path.resolve(env.BENCH_CPU_PROF) : null;
const ONLY = env.BENCH_ONLY; // "pglite", "postgres" or "live"
const REPEAT = Math.max(1, Number(env.BENCH_REPEAT ?? 3));

const rows: Row[] = [];
const notes: string[] = [];
const failures: string[] = [];

function record(row: Row) {
  rows.push(row);
  const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}× bare)`;
  const target = row.target ? `  target ${row.target}: ${row.met ? 'met' : 'MISSED'}` : '';
  console.log(
    `  ${row.backend.padEnd(9)} ${row.metric.padEnd(44)} ${fmt(row.value)} ${row.unit}${ratio}${target}`,
  );
}

const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1));
const round = (value: number) => Math.round(value * 100) / 100;

function check(condition: boolean, message: string) {
  if (!condition) {
    failures.push(message);
    console.log(`  CORRECTNESS FAILURE: ${message}`);
  }
}

function statusCounts(result: Result): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, Number(stat.count)]),
  );
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
}

async function load(options: Parameters<typeof autocannon>[0], warmup = true): Promise<Load> {
  const settings = { connections: CONNECTIONS, duration: DURATION, ...options };
  if (warmup) await autocannon({ ...settings, duration: 1 });
  const result = await autocannon(settings);
  return {
    rps: round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses: statusCounts(result),
    errors: result.errors + result.timeouts,
  };
}

function fiveXx(statuses: Record<string, number>): number {
  return Object.entries(statuses)
    .filter(([code]) => code.startsWith('5'))
    .reduce((sum, [, count]) => sum + count, 0);
}

interface Paired {
  /** The repetition with the median ratio: its tool load and the bare load just before it. */
  tool: Load;
  bare: Load;
  ratio: number;
  ratios: number[];
  /** Status codes summed over every repetition. */
  statuses: Record<string, number>;
}

/**
 * This machine's speed drifts with its neighbours' load from one minute to the next, so
 * each tool load is paired with a bare-route load run just before it, the pair repeated
 * BENCH_REPEAT times, and the pair with the median ratio reported.
 */
async function paired(bareUrl: string, measure: () => Promise<Load>): Promise<Paired> {
  const pairs: Array<{ tool: Load; bare: Load; ratio: number }> = [];
  const statuses: Record<string, number> = {};
  for (let repetition = 0; repetition < REPEAT; repetition++) {
    const bare = await load({ url: bareUrl });
    const tool = await measure();
    pairs.push({ tool, bare, ratio: tool.rps / bare.rps });
    for (const [code, count] of Object.entries(tool.statuses)) statuses[code] = (statuses[code] ?? 0) + count;
  }
  const sorted = [...pairs].sort((a, b) => a.ratio - b.ratio);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...median, ratios: pairs.map((pair) => round(pair.ratio)), statuses };
}

function recordPaired(
  backend: string,
  metric: string,
  result: Paired,
  target?: { text: string; min: number },
) {
  record({
    backend,
    metric,
    value: result.tool.rps,
    unit: `req/s (bare ${fmt(result.bare.rps)}; ratios ${result.ratios.join(', ')})`,
    ratio: result.ratio,
    ...(target ? { target: target.text, met: result.ratio >= target.min } : {}),
  });
  record({
    backend,
    metric: `${metric} p99`,
    value: result.tool.p99,
    unit: `ms (bare ${result.bare.p99} ms)`,
    ratio: result.tool.p99 / result.bare.p99,
  });
}

async function startTool(name: string, databaseUrl: string | null): Promise<Child> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-bench-'));
  const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
  const child = await startChild(
    name,
    path.join(ROOT, 'dist/server.js'),
    benchToolEnv(dataDir, databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    '/readyz',
    nodeArgs,
  );
  return {
    ...child,
    async stop() {
      await child.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Guest access on, the lobby on, nobody waiting, no links: then the links asked for. */
async function prepareRoom(host: Launch, links: Array<{ name: string; clicks?: number }>) {
  const call = api(host);
  const state = await call('PUT', '/guest-access', { enabled: true });
  for (const old of state.links as Array<{ id: string }>) await call('DELETE', `/guest-links/${old.id}`);
  await call('PUT', '/lobby', { enabled: true });
  await call('POST', '/lobby/admit-all');
  const created = [];
  for (const link of links) {
    const body = await call('POST', '/guest-links', link);
    created.push({ id: String(body.id), name: link.name, path: new URL(String(body.url)).pathname });
  }
  return created;
}

interface CsrfPair {
  csrf: string;
  cookie: string;
}

/** Opens entry pages as fresh browsers: each gives a CSRF token and its cookie. */
async function csrfPairs(base: string, linkPath: string, count: number): Promise<CsrfPair[]> {
  return pool(count, 10, async () => {
    const browser = new Browser(base);
    const page = await browser.request(linkPath);
    if (page.status !== 200) throw new Error(`The entry page answered ${page.status}`);
    return { csrf: hiddenField(page.text, '_csrf'), cookie: browser.cookieHeader() };
  });
}

function joinLoad(base: string, linkPath: string, pairs: CsrfPair[], tag: string) {
  let sequence = 0;
  return load(
    {
      url: base,
      requests: [
        {
          method: 'POST',
          path: linkPath,
          setupRequest: (request) => {
            const n = sequence++;
            const pair = pairs[n % pairs.length]!;
            return {
              ...request,
              headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pair.cookie },
              body: new URLSearchParams({
                _csrf: pair.csrf,
                name: `Guest ${tag} ${n}`,
                email: `guest.${tag}.${n}@example.org`,
              }).toString(),
            };
          },
        },
      ],
    },
    false,
  );
}

/** Joins `count` guests through the link; returns each one's pass cookie. */
async function joinGuests(base: string, linkPath: string, count: number, tag: string): Promise<string[]> {
  const pairs = await csrfPairs(base, linkPath, 20);
  return pool(count, 20, async (n) => {
    const pair = pairs[n % pairs.length]!;
    const response = await fetch(new URL(linkPath, base), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pair.cookie },
      body: new URLSearchParams({
        _csrf: pair.csrf,
        name: `Waiting ${tag} ${n}`,
        email: `w.${tag}.${n}@example.org`,
      }),
    });
    await response.text();
    if (response.status !== 303) throw new Error(`A lobby join answered ${response.status}`);
    const pass = response.headers.getSetCookie().find((line) => line.startsWith('gl_guest_'));
    if (!pass) throw new Error('A lobby join set no guest pass');
    return pass.split(';')[0]!;
  });
}

interface Admission {
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  apiMs: number;
}

/**
 * GUESTS guests wait on their event streams (spread over `instances`); a moderator admits
 * all through the API of the first; the time from sending that request to each guest's
 * 'admitted' event.
 */
async function admitAll(
  instances: Child[],
  host: Launch,
  linkPath: string,
  tag: string,
  onAllWaiting?: () => void,
): Promise<Admission> {
  const passes = await joinGuests(instances[0]!.url, linkPath, GUESTS, tag);
  const admittedAt: number[] = new Array(passes.length).fill(NaN);
  const streams = passes.map((cookie, n) => {
    const instance = instances[n % instances.length]!;
    return openGuestStream(`${instance.url}/guest/rooms/${host.roomId}/events`, cookie, (status, at) => {
      if (status === 'admitted' && Number.isNaN(admittedAt[n])) admittedAt[n] = at;
    });
  });
  try {
    await Promise.all(streams.map((stream) => stream.opened));
    onAllWaiting?.();
    await sleep(500);
    const start = performance.now();
    await api(host)('POST', '/lobby/admit-all');
    const apiMs = performance.now() - start;
    const deadline = Date.now() + 30_000;
    while (admittedAt.some(Number.isNaN) && Date.now() < deadline) await sleep(20);
    const times = admittedAt.filter((at) => !Number.isNaN(at)).map((at) => at - start);
    times.sort((a, b) => a - b);
    return {
      p50: Math.round(percentile(times, 50)),
      p99: Math.round(percentile(times, 99)),
      max: Math.round(times[times.length - 1] ?? NaN),
      delivered: times.length,
      apiMs: Math.round(apiMs),
    };
  } finally {
    for (const stream of streams) stream.close();
  }
}

async function launches(base: string, concurrency: number): Promise<{ perSecond: number; meanMs: number }> {
  const end = Date.now() + DURATION * 1000;
  const durations: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const began = performance.now();
        await sandboxLaunch(base, 'instructor', 'bio-101/live-session');
        durations.push(performance.now() - began);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return {
    perSecond: round(durations.length / seconds),
    meanMs: round(durations.reduce((a, b) => a + b, 0) / durations.length),
  };
}

function recordAdmission(backend: string, label: string, result: Admission) {
  check(
    result.delivered === GUESTS,
    `${backend} ${label}: ${result.delivered} of ${GUESTS} guests were told`,
  );
  record({ backend, metric: `${label}: admitted event p50`, value: result.p50, unit: 'ms' });
  record({
    backend,
    metric: `${label}: admitted event p99`,
    value: result.p99,
    unit: 'ms',
    target: '≤ 2000 ms',
    met: result.p99 <= 2000 && result.delivered === GUESTS,
  });
  record({ backend, metric: `${label}: admitted event max`, value: result.max, unit: 'ms' });
  record({ backend, metric: `${label}: admit-all API call`, value: result.apiMs, unit: 'ms' });
}

async function runBackend(backend: 'pglite' | 'postgres', databaseUrl: string | null) {
  console.log(`\n== ${backend} ==`);
  const hello = await startChild('hello', path.join(ROOT, 'dist/bench/hello-server.js'), {}, '/hello');
  const bareUrl = `${hello.url}/hello`;
  const tool = await startTool(backend, databaseUrl).catch(async (error: unknown) => {
    await hello.stop();
    throw error;
  });
  const extra: Child[] = [hello];
  try {
    await sleep(1000);
    record({ backend, metric: 'RSS idle', value: rssMb(tool.pid), unit: 'MB' });

    const host = await sandboxLaunch(tool.url, 'instructor', 'bio-101/live-session');
    const [open, limited] = await prepareRoom(host, [
      { name: 'Surge open' },
      { name: 'Surge limited', clicks: LIMIT },
    ]);

    // Entry page.
    const entry = await paired(bareUrl, () => load({ url: `${tool.url}${open!.path}` }));
    record({ backend, metric: 'bare express GET /hello', value: entry.bare.rps, unit: 'req/s', ratio: 1 });
    check(
      fiveXx(entry.statuses) === 0,
      `${backend} entry page: 5xx answers ${JSON.stringify(entry.statuses)}`,
    );
    check(
      entry.statuses['200'] !== undefined,
      `${backend} entry page: no 200 answers ${JSON.stringify(entry.statuses)}`,
    );
    recordPaired(backend, 'GET /g/:token', entry, { text: '≥ 0.50×', min: 0.5 });

    // Joins, each with a valid CSRF token and cookie.
    const pairs = await csrfPairs(tool.url, open!.path, 200);
    let openRound = 0;
    const join = await paired(bareUrl, () =>
      joinLoad(tool.url, open!.path, pairs, `${backend}-open-${openRound++}`),
    );
    check(fiveXx(join.statuses) === 0, `${backend} join: 5xx answers ${JSON.stringify(join.statuses)}`);
    check(
      join.statuses['303'] !== undefined && Object.keys(join.statuses).length === 1,
      `${backend} join (open link): answers other than 303 ${JSON.stringify(join.statuses)}`,
    );
    recordPaired(
      backend,
      'POST /g/:token join (open link)',
      join,
      backend === 'postgres' ? { text: '≥ 0.25×', min: 0.25 } : undefined,
    );

    // The first repetition uses the limited link up; the others are refusals only.
    const limitedPairs = await csrfPairs(tool.url, limited!.path, 200);
    let limitedRound = 0;
    const refused = await paired(bareUrl, () =>
      joinLoad(tool.url, limited!.path, limitedPairs, `${backend}-limited-${limitedRound++}`),
    );
    const log = await api(host)('GET', '/guest-log');
    const admittedThroughLimited = (log.entries as Array<{ linkName: string }>).filter(
      (entryRow) => entryRow.linkName === limited!.name,
    ).length;
    check(
      fiveXx(refused.statuses) === 0,
      `${backend} limited join: 5xx answers ${JSON.stringify(refused.statuses)}`,
    );
    check(
      refused.statuses['303'] === LIMIT,
      `${backend} limited link: ${refused.statuses['303'] ?? 0} joins got in, not ${LIMIT}`,
    );
    check(
      admittedThroughLimited === LIMIT,
      `${backend} limited link: ${admittedThroughLimited} visits stored, not ${LIMIT}`,
    );
    recordPaired(backend, `POST join (link limited to ${LIMIT}, mostly refused)`, refused);
    record({
      backend,
      metric: `limited link: joins admitted / stored`,
      value: admittedThroughLimited,
      unit: `(303s: ${refused.statuses['303'] ?? 0}, expected ${LIMIT})`,
      target: `= ${LIMIT}`,
      met: admittedThroughLimited === LIMIT && refused.statuses['303'] === LIMIT,
    });
    notes.push(
      `${backend} join status codes: open ${JSON.stringify(join.statuses)}, limited ${JSON.stringify(refused.statuses)}`,
    );

    // Lobby: GUESTS guests waiting on one instance, a moderator admits them all.
    const moderator = await sandboxLaunch(tool.url, 'instructor', 'hist-210/office-hours');
    const [lobbyLink] = await prepareRoom(moderator, [{ name: 'Lobby' }]);
    let rssWaiting = NaN;
    const single = await admitAll([tool], moderator, lobbyLink!.path, `${backend}-1`, () => {
      rssWaiting = rssMb(tool.pid);
    });
    recordAdmission(backend, `admit all ${GUESTS}, one instance`, single);
    record({
      backend,
      metric: `RSS with ${GUESTS} guests waiting on SSE`,
      value: rssWaiting,
      unit: 'MB',
      target: '< 300 MB',
      met: rssWaiting < 300,
    });

    // Full LTI launches through the sandbox (before a second instance re-registers the
    // sandbox platform with its own URLs).
    const sequential = await launches(tool.url, 1);
    record({
      backend,
      metric: 'LTI launch, sequential',
      value: sequential.perSecond,
      unit: `launch/s (mean ${fmt(sequential.meanMs)} ms)`,
    });
    const concurrent = await launches(tool.url, 4);
    record({
      backend,
      metric: 'LTI launch, 4 concurrent',
      value: concurrent.perSecond,
      unit: `launch/s (mean ${fmt(concurrent.meanMs)} ms)`,
    });
    if (backend === 'postgres') {
      const second = await startTool(`${backend}-second`, databaseUrl);
      extra.push(second);
      const double = await admitAll([tool, second], moderator, lobbyLink!.path, `${backend}-2`);
      recordAdmission(backend, `admit all ${GUESTS}, two instances`, double);
    }

    record({ backend, metric: 'RSS at end', value: rssMb(tool.pid), unit: 'MB' });
  } finally {
    for (const child of extra) await child.stop();
    await tool.stop();
  }
}

/** BENCH_DATABASE_URL as given, or a fresh database on the local server (dropped afterwards). */
async function postgresDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  if (env.BENCH_DATABASE_URL) return { url: env.BENCH_DATABASE_URL, drop: async () => undefined };
  const admin = 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `guestlink_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    console.log(
      `\n== postgres == skipped: no BENCH_DATABASE_URL and ${admin} is not reachable (${(error as Error).message})`,
    );
    await client.end().catch(() => undefined);
    return null;
  }
  await client.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

function printTable() {
  console.log('\n| Backend | Measure | Value | × bare | Target |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) {
    const ratio = row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`;
    const target = row.target ? `${row.target} ${row.met ? '✔' : '✘'}` : '';
    console.log(`| ${row.backend} | ${row.metric} | ${fmt(row.value)} ${row.unit} | ${ratio} | ${target} |`);
  }
}

async function main() {
  console.log(
    `Guestlink bench: ${DURATION} s × ${CONNECTIONS} connections per load, ${GUESTS} waiting guests, limited link N=${LIMIT}, ${os.cpus().length} cores, node ${process.version}`,
  );
  if (ONLY !== 'postgres' && ONLY !== 'live') await runBackend('pglite', null);
  if (ONLY !== 'pglite' && ONLY !== 'live') {
    const database = await postgresDatabase();
    if (database) {
      try {
        await runBackend('postgres', database.url);
      } finally {
        await database.drop();
      }
    } else notes.push('postgres skipped: server not reachable');
  }
  // The live session (bench/live.ts): BENCH_LIVE=off skips it.
  if (ONLY === undefined || ONLY === 'live') {
    await runLive(
      {
        record,
        check: (ok, message) => {
          check(ok, message);
          return ok;
        },
        note: (text) => notes.push(text),
      },
      rows,
    );
  }
  printTable();
  for (const note of notes) console.log(`note: ${note}`);
  const results = {
    at: new Date().toISOString(),
    settings: {
      duration: DURATION,
      connections: CONNECTIONS,
      repeat: REPEAT,
      guests: GUESTS,
      limit: LIMIT,
      live: LIVE,
      cores: os.cpus().length,
      node: process.version,
    },
    rows,
    notes,
    failures,
  };
  const file = path.join(ROOT, 'bench/results/latest.json');
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(ROOT, file)}`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} correctness failure(s):\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
