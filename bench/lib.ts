import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const APP_SECRET = 'guestlink-bench-secret-0123456789abcdefghijklmnop';

/**
 * The tool's environment for a bench run in `dataDir`: the sandbox on, and every per-address
 * limit and stream cap lifted, since all of a bench's requests come from one address and it
 * must measure the load, not 429s.
 */
export function benchToolEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    APP_SECRET,
    DATA_DIR: dataDir,
    SANDBOX: 'on',
    LOG_LEVEL: 'warn',
    PLATFORMS_FILE: path.join(dataDir, 'no-platforms.json'),
    GUEST_JOINS_PER_IP_PER_MINUTE: '1000000',
    GUEST_JOINS_PER_LINK_PER_MINUTE: '1000000',
    GUEST_PAGES_PER_IP_PER_MINUTE: '1000000',
    LOBBY_CAPACITY: '100000',
    STREAMS_PER_ADDRESS: '100000',
    STREAMS_TOTAL: '100000',
    ...extra,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export interface Child {
  name: string;
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, child: ChildProcess, logFile: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up; log:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
}

/** Starts a node script as a separate process on a loopback port and waits until readyPath answers. */
export async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  nodeArgs: string[] = [],
): Promise<Child> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(os.tmpdir(), `guestlink-bench-${name}-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), PUBLIC_URL: url, ...env },
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  child.once('exit', (code, signal) => {
    fs.appendFileSync(logFile, `\n[bench] ${name} exited (code ${code}, signal ${signal})\n`);
  });
  await waitForHttp(`${url}${readyPath}`, child, logFile);
  return {
    name,
    url,
    pid: child.pid!,
    logFile,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A browser, as far as the benchmark needs one: a cookie jar over fetch, no redirects followed. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  cookieHeader(filter: (name: string) => boolean = () => true): string {
    return [...this.cookies]
      .filter(([name]) => filter(name))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  async request(
    pathOrUrl: string,
    init: {
      method?: string;
      form?: Record<string, string>;
      headers?: Record<string, string>;
      json?: unknown;
    } = {},
  ): Promise<{ status: number; location: string | null; text: string }> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(new URL(pathOrUrl, this.base), {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const cut = pair!.indexOf('=');
      const name = pair!.slice(0, cut).trim();
      const value = pair!.slice(cut + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }
}

export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`No hidden field ${name} in:\n${html.slice(0, 500)}`);
  return match[1]!.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function expectStatus(step: string, response: { status: number; text: string }, status: number) {
  if (response.status !== status)
    throw new Error(`${step} answered ${response.status}, not ${status}: ${response.text.slice(0, 400)}`);
}

export interface Launch {
  browser: Browser;
  ltik: string;
  roomId: string;
}

/** The whole sandbox launch a browser makes: launch page → /lti/login → auth → id_token post → media page. */
export async function sandboxLaunch(base: string, user: string, placement: string): Promise<Launch> {
  const browser = new Browser(base);
  const toLogin = await browser.request(`/sandbox/launch?${new URLSearchParams({ user, placement })}`);
  expectStatus('The sandbox launch', toLogin, 302);
  const toAuth = await browser.request(toLogin.location!);
  expectStatus('/lti/login', toAuth, 302);
  const form = await browser.request(toAuth.location!);
  expectStatus('The sandbox auth endpoint', form, 200);
  const posted = await browser.request('/lti/launch', {
    form: { id_token: hiddenField(form.text, 'id_token'), state: hiddenField(form.text, 'state') },
  });
  // The launch answers with the media page itself; the ltik is in the page, never in a URL.
  expectStatus('The media page', posted, 200);
  const ltik = /data-ltik="([^"]+)"/.exec(posted.text)?.[1] ?? '';
  const roomId = /data-room-id="([^"]+)"/.exec(posted.text)?.[1] ?? '';
  return { browser, ltik, roomId };
}

/** The room's JSON API as the media page calls it. */
export function api(launch: Launch) {
  return async (method: string, apiPath: string, json?: unknown) => {
    const response = await launch.browser.request(`/api/rooms/${launch.roomId}${apiPath}`, {
      method,
      json,
      headers: { authorization: `Bearer ${launch.ltik}`, accept: 'application/json' },
    });
    if (response.status >= 300)
      throw new Error(`${method} ${apiPath} answered ${response.status}: ${response.text.slice(0, 300)}`);
    return response.text ? (JSON.parse(response.text) as Record<string, unknown>) : {};
  };
}

/** Runs tasks with at most `limit` in flight. */
export async function pool<T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** A waiting guest's event stream, read with node's http the way EventSource does. */
export function openGuestStream(
  url: string,
  cookie: string,
  onStatus: (status: string, at: number) => void,
): { opened: Promise<void>; close: () => void } {
  const agent = new http.Agent({ keepAlive: false });
  let request: http.ClientRequest;
  const opened = new Promise<void>((resolve, reject) => {
    request = http.get(url, { agent, headers: { accept: 'text/event-stream', cookie } }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`The event stream answered ${response.statusCode}`));
        response.resume();
        return;
      }
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!/^event: status$/m.test(block)) continue;
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data) {
            const status = (JSON.parse(data) as { status: string }).status;
            if (status === 'waiting') resolve();
            onStatus(status, performance.now());
          }
        }
      });
    });
    request.on('error', reject);
  });
  return { opened, close: () => request.destroy() };
}

/** One measured figure, as the table and latest.json show it. */
export interface Row {
  backend: string;
  metric: string;
  value: number;
  unit: string;
  ratio?: number;
  target?: string;
  met?: boolean;
}

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux

/** utime + stime of a process (all its threads) in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A process and all its descendants now (e.g. a browser and its renderers). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** CPU seconds of a process tree (processes that ended meanwhile are not counted). */
export function treeCpuSeconds(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      total += cpuSeconds(pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU use of a process (or its tree) over a window: % of one core, and the seconds used. */
export async function cpuOver(
  pid: number,
  seconds: number,
  tree = false,
): Promise<{ percent: number; cpuSeconds: number }> {
  const read = () => (tree ? treeCpuSeconds(pid) : cpuSeconds(pid));
  const before = read();
  const start = performance.now();
  await sleep(seconds * 1000);
  const used = read() - before;
  const elapsed = (performance.now() - start) / 1000;
  return { percent: Math.round((used / elapsed) * 1000) / 10, cpuSeconds: Math.round(used * 100) / 100 };
}
