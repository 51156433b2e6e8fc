import http from 'node:http';
import { fmt, type Report } from './live-common';
import { openRoom } from './live-browser';
import {
  Browser,
  cpuOver,
  cpuSeconds,
  hiddenField,
  pool,
  rssMb,
  sandboxLaunch,
  sleep,
  type Child,
} from './lib';

/**
 * Guestlink's own cost of keeping a live session's participants connected, without browsers:
 * each participant is one live event stream (node http, one socket each) as a page holds it.
 */

interface LiveStream {
  welcome: Promise<{ participants: number }>;
  /** Events received by name ('keep-alive' for the server's comments). */
  counts: Map<string, number>;
  open: () => boolean;
  close(): void;
}

function openLiveStream(url: string, cookie: string, authorization?: string): LiveStream {
  const counts = new Map<string, number>();
  const count = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  let ended = false;
  let request!: http.ClientRequest;
  const welcome = new Promise<{ participants: number }>((resolve, reject) => {
    request = http.get(
      url,
      {
        agent: new http.Agent({ keepAlive: false }),
        headers: { accept: 'text/event-stream', cookie, ...(authorization ? { authorization } : {}) },
      },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`A live event stream answered ${response.statusCode}`));
          response.resume();
          return;
        }
        response.on('close', () => (ended = true));
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith(':')) count('keep-alive');
            const event = /^event: (.*)$/m.exec(block)?.[1];
            if (!event) continue;
            count(event);
            if (event === 'welcome') {
              const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { participants: unknown[] };
              resolve({ participants: data.participants.length });
            }
          }
        });
      },
    );
    request.on('error', reject);
  });
  welcome.catch(() => undefined);
  return {
    welcome,
    counts,
    open: () => !ended && !request.destroyed,
    close: () => request.destroy(),
  };
}

/** Guests through an open link (lobby off): each one's cookies, as their browser holds them. */
async function joinGuests(linkUrl: string, count: number, tag: string): Promise<string[]> {
  const base = new URL(linkUrl).origin;
  const linkPath = new URL(linkUrl).pathname;
  return pool(count, 10, async (n) => {
    const browser = new Browser(base);
    const page = await browser.request(linkPath);
    const joined = await browser.request(linkPath, {
      form: {
        _csrf: hiddenField(page.text, '_csrf'),
        name: `Participant ${tag} ${n}`,
        email: `p.${tag}.${n}@example.org`,
      },
    });
    if (joined.status !== 303 || joined.location?.endsWith('/waiting'))
      throw new Error(`A guest's join answered ${joined.status} → ${joined.location}`);
    return browser.cookieHeader();
  });
}

export interface SignallingRoom {
  placement: string;
  guests: number;
}

/**
 * Each room: the instructor (a sandbox launch, whose media page's stream it opens) and its
 * guests, all connected to the live session; then nothing happens but the server's
 * heartbeats for `steadySeconds`, during which the tool's CPU is read from /proc.
 */
export async function signallingLoad(
  report: Report,
  backend: string,
  tool: Child,
  rooms: SignallingRoom[],
  steadySeconds: number,
): Promise<void> {
  const total = rooms.reduce((sum, room) => sum + 1 + room.guests, 0);
  const layout = rooms.map((room) => `1 host + ${room.guests} guests`).join(', ');
  const plans: Array<{
    url: string;
    cookie: string;
    authorization?: string;
    roomSize: number;
    host: boolean;
  }> = [];
  for (const [index, room] of rooms.entries()) {
    const host = await sandboxLaunch(tool.url, 'instructor', room.placement);
    const linkUrl = await openRoom(host, false, 'Signalling');
    const cookies = await joinGuests(linkUrl, room.guests, `${backend}-${index}`);
    const roomSize = room.guests + 1;
    plans.push({
      url: `${tool.url}/api/rooms/${host.roomId}/live/events`,
      cookie: host.browser.cookieHeader(),
      authorization: `Bearer ${host.ltik}`,
      roomSize,
      host: true,
    });
    for (const cookie of cookies)
      plans.push({
        url: `${tool.url}/guest/rooms/${host.roomId}/live/events`,
        cookie,
        roomSize,
        host: false,
      });
  }
  await sleep(1000);
  const rssBefore = rssMb(tool.pid);

  // Connecting: the hosts one by one, then the guests, ten at a time.
  const cpuBefore = cpuSeconds(tool.pid);
  const began = performance.now();
  const connect = async (plan: (typeof plans)[number]) => {
    const stream = openLiveStream(plan.url, plan.cookie, plan.authorization);
    const welcome = await stream.welcome.catch((error: Error) => {
      report.check(false, `${backend}: a participant got no welcome (${error.message})`);
      return null;
    });
    return { stream, welcome, plan };
  };
  const hostPlans = plans.filter((plan) => plan.host);
  const guestPlans = plans.filter((plan) => !plan.host);
  const streams = [];
  for (const plan of hostPlans) streams.push(await connect(plan));
  streams.push(...(await pool(guestPlans.length, 10, (n) => connect(guestPlans[n]!))));
  const connectSeconds = (performance.now() - began) / 1000;
  const connectCpu = cpuSeconds(tool.pid) - cpuBefore;
  try {
    const welcomed = streams.filter((entry) => entry.welcome !== null).length;
    report.check(welcomed === total, `${backend}: ${welcomed} of ${total} live streams got their welcome`);
    // Every host hears of each of its guests arriving (connected before them).
    const deadline = Date.now() + 10_000;
    const hosts = streams.filter((entry) => entry.plan.host);
    const heard = () => hosts.every((h) => (h.stream.counts.get('participant') ?? 0) >= h.plan.roomSize - 1);
    while (!heard() && Date.now() < deadline) await sleep(100);
    report.check(
      heard(),
      `${backend}: hosts heard of ${hosts.map((h) => h.stream.counts.get('participant') ?? 0).join('/')} arrivals, not ${rooms.map((r) => r.guests).join('/')}`,
    );

    await sleep(5000);
    const eventsBefore = streams.map((entry) => new Map(entry.stream.counts));
    const rssConnected = rssMb(tool.pid);
    const steady = await cpuOver(tool.pid, steadySeconds);
    let events = 0;
    let keepAlives = 0;
    for (const [n, entry] of streams.entries()) {
      for (const [name, value] of entry.stream.counts) {
        const grew = value - (eventsBefore[n]!.get(name) ?? 0);
        if (name === 'keep-alive') keepAlives += grew;
        else events += grew;
      }
    }
    const stillOpen = streams.filter((entry) => entry.stream.open()).length;
    report.check(
      stillOpen === total,
      `${backend}: ${stillOpen} of ${total} live streams still open after the steady state`,
    );
    report.check(events === 0, `${backend}: ${events} live events arrived while nothing happened`);

    report.record({
      backend,
      metric: `signalling, ${total} connected: steady CPU`,
      value: steady.percent,
      unit: `% of a core over ${steadySeconds} s (${layout}; ${fmt(steady.cpuSeconds)} CPU s, ${keepAlives} keep-alives)`,
      target: '≤ 5 %',
      met: steady.percent <= 5 && stillOpen === total,
    });
    report.record({
      backend,
      metric: `signalling, ${total} connected: connecting them`,
      value: Math.round(connectCpu * 100) / 100,
      unit: `CPU s (${fmt(Math.round(connectSeconds * 10) / 10)} s wall, 10 at a time)`,
    });
    report.record({
      backend,
      metric: `signalling, ${total} connected: RSS`,
      value: rssConnected,
      unit: `MB (before connecting ${fmt(rssBefore)} MB)`,
    });
  } finally {
    for (const entry of streams) entry.stream.close();
  }
}
