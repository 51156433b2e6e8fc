/**
 * Bounded load check for issue 11 item 4: BENCH_LOBBY_STREAMS (default 2000) moderators' lobby
 * streams on one room, then 20 guest joins timed until every stream has seen them, and the
 * tool's RSS idle, with the streams open and after they closed. Run after `npm run -s build
 * && tsc -p bench/tsconfig.json`: `node dist/bench/lobby-streams.js` (PGlite, one process).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  api,
  benchToolEnv,
  Browser,
  hiddenField,
  ROOT,
  rssMb,
  sandboxLaunch,
  sleep,
  startChild,
} from './lib';

const STREAMS = Number(process.env.BENCH_LOBBY_STREAMS ?? 2000);
const JOINS = 20;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-bench-streams-'));
  const tool = await startChild(
    'tool',
    path.join(ROOT, 'dist/server.js'),
    // One user holds every stream here: that cap is lifted too, to measure the load.
    benchToolEnv(dataDir, { STREAMS_PER_USER: String(STREAMS) }),
    '/readyz',
  );
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    await sleep(1000);
    const idle = rssMb(tool.pid);
    const host = await sandboxLaunch(tool.url, 'instructor', 'bio-101/live-session');
    const call = api(host);
    await call('PUT', '/guest-access', { enabled: true });
    await call('PUT', '/lobby', { enabled: true });
    const link = (await call('POST', '/guest-links', { name: 'Streams' })) as { url: string };
    const linkPath = new URL(link.url).pathname;

    const seen: number[] = new Array(STREAMS).fill(0);
    const requests: http.ClientRequest[] = [];
    const url = `${tool.url}/api/rooms/${host.roomId}/lobby/events`;
    // The ltik in the Authorization header, as the media page's event-stream.js sends it.
    const authorization = `Bearer ${host.ltik}`;
    const cookie = host.browser.cookieHeader();
    await Promise.all(
      Array.from(
        { length: STREAMS },
        (_, index) =>
          new Promise<void>((resolve, reject) => {
            const request = http.get(
              url,
              { agent, headers: { accept: 'text/event-stream', cookie, authorization } },
              (res) => {
                if (res.statusCode !== 200) return reject(new Error(`stream ${index}: ${res.statusCode}`));
                res.setEncoding('utf8');
                res.on('data', (chunk: string) => {
                  seen[index] = Math.max(
                    seen[index]!,
                    ...[...chunk.matchAll(/"waiting":\[(.*?)\]\}/g)].map(
                      (m) => (m[1]!.match(/"id"/g) ?? []).length,
                    ),
                  );
                  resolve();
                });
              },
            );
            request.on('error', reject);
            requests.push(request);
          }),
      ),
    );
    await sleep(1000);
    const open = rssMb(tool.pid);

    const started = performance.now();
    for (let guest = 0; guest < JOINS; guest += 1) {
      const browser = new Browser(tool.url);
      const page = await browser.request(linkPath);
      await browser.request(linkPath, {
        form: {
          _csrf: hiddenField(page.text, '_csrf'),
          name: `Guest ${guest}`,
          email: `g${guest}@example.org`,
        },
      });
    }
    const joined = performance.now() - started;
    while (seen.some((count) => count < JOINS)) {
      if (performance.now() - started > 60_000) throw new Error('Not every stream saw every join in 60 s');
      await sleep(20);
    }
    const delivered = performance.now() - started;

    for (const request of requests) request.destroy();
    await sleep(3000);
    const closed = rssMb(tool.pid);
    console.log(
      JSON.stringify({
        streams: STREAMS,
        rssMb: { idle, open, closed },
        joinsMs: Math.round(joined),
        allStreamsSawAllJoinsMs: Math.round(delivered),
      }),
    );
  } finally {
    await tool.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
