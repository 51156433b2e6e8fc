import autocannon, { type Result } from 'autocannon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  api,
  APP_SECRET,
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
} from './lib';

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
const ONLY = env.BENCH_ONLY; // "pglite" or "postgres"

interface Row {
  backend: string;
  metric: string;
  value: number;
  unit: string;
  ratio?: number;
  target?: string;
  met?: boolean;
}
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

async function baseline(): Promise<Load> {
  const hello = await startChild('hello', path.join(ROOT, 'dist/bench/hello-server.js'), {}, '/hello');
  try {
    return await load({ url: `${hello.url}/hello` });
  } finally {
    await hello.stop();
  }
}

function toolEnv(dataDir: string, databaseUrl: string | null): Record<string, string> {
  return {
    APP_SECRET,
    DATA_DIR: dataDir,
    SANDBOX: 'on',
    LOG_LEVEL: 'warn',
    PLATFORMS_FILE: path.join(dataDir, 'no-platforms.json'),
    // Generous limits: the benchmark comes from one address and must not measure 429s.
    GUEST_JOINS_PER_IP_PER_MINUTE: '1000000',
    GUEST_JOINS_PER_LINK_PER_MINUTE: '1000000',
    GUEST_PAGES_PER_IP_PER_MINUTE: '1000000',
    LOBBY_CAPACITY: '100000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

async function startTool(name: string, databaseUrl: string | null): Promise<Child> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-bench-'));
  const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
  const child = await startChild(
    name,
    path.join(ROOT, 'dist/server.js'),
    toolEnv(dataDir, databaseUrl),
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
  const bare = await baseline();
  record({ backend, metric: 'bare express GET /hello', value: bare.rps, unit: 'req/s', ratio: 1 });
  record({ backend, metric: 'bare express GET /hello p99', value: bare.p99, unit: 'ms' });

  const tool = await startTool(backend, databaseUrl);
  const extra: Child[] = [];
  try {
    await sleep(1000);
    record({ backend, metric: 'RSS idle', value: rssMb(tool.pid), unit: 'MB' });

    const host = await sandboxLaunch(tool.url, 'instructor', 'bio-101/live-session');
    const [open, limited] = await prepareRoom(host, [
      { name: 'Surge open' },
      { name: 'Surge limited', clicks: LIMIT },
    ]);

    // Entry page.
    const entry = await load({ url: `${tool.url}${open!.path}` });
    check(
      fiveXx(entry.statuses) === 0,
      `${backend} entry page: 5xx answers ${JSON.stringify(entry.statuses)}`,
    );
    check(
      entry.statuses['200'] !== undefined,
      `${backend} entry page: no 200 answers ${JSON.stringify(entry.statuses)}`,
    );
    const entryRatio = entry.rps / bare.rps;
    record({
      backend,
      metric: 'GET /g/:token',
      value: entry.rps,
      unit: 'req/s',
      ratio: entryRatio,
      target: '≥ 0.50×',
      met: entryRatio >= 0.5,
    });
    record({
      backend,
      metric: 'GET /g/:token p99',
      value: entry.p99,
      unit: 'ms',
      ratio: entry.p99 / bare.p99,
    });

    // Joins, each with a valid CSRF token and cookie.
    const pairs = await csrfPairs(tool.url, open!.path, 200);
    const join = await joinLoad(tool.url, open!.path, pairs, `${backend}-open`);
    check(fiveXx(join.statuses) === 0, `${backend} join: 5xx answers ${JSON.stringify(join.statuses)}`);
    check(
      join.statuses['303'] !== undefined && Object.keys(join.statuses).length === 1,
      `${backend} join (open link): answers other than 303 ${JSON.stringify(join.statuses)}`,
    );
    const joinRatio = join.rps / bare.rps;
    record({
      backend,
      metric: 'POST /g/:token join (open link)',
      value: join.rps,
      unit: 'req/s',
      ratio: joinRatio,
      ...(backend === 'postgres' ? { target: '≥ 0.25×', met: joinRatio >= 0.25 } : {}),
    });
    record({
      backend,
      metric: 'POST /g/:token join (open link) p99',
      value: join.p99,
      unit: 'ms',
      ratio: join.p99 / bare.p99,
    });

    const limitedPairs = await csrfPairs(tool.url, limited!.path, 200);
    const refused = await joinLoad(tool.url, limited!.path, limitedPairs, `${backend}-limited`);
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
    record({
      backend,
      metric: `POST join (link limited to ${LIMIT}, mostly refused)`,
      value: refused.rps,
      unit: 'req/s',
      ratio: refused.rps / bare.rps,
    });
    record({
      backend,
      metric: `POST join (limited link) p99`,
      value: refused.p99,
      unit: 'ms',
      ratio: refused.p99 / bare.p99,
    });
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
  if (ONLY !== 'postgres') await runBackend('pglite', null);
  if (ONLY !== 'pglite') {
    const database = await postgresDatabase();
    if (database) {
      try {
        await runBackend('postgres', database.url);
      } finally {
        await database.drop();
      }
    } else notes.push('postgres skipped: server not reachable');
  }
  printTable();
  for (const note of notes) console.log(`note: ${note}`);
  const results = {
    at: new Date().toISOString(),
    settings: {
      duration: DURATION,
      connections: CONNECTIONS,
      guests: GUESTS,
      limit: LIMIT,
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
