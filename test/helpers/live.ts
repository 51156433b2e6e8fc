import request from 'supertest';
import { hiddenField, sandboxLaunch, type Launch, type LaunchOptions } from './lti-launch';
import { joinAs, type GuestLink } from './guests';
import { openSse, passCookie } from './sse';
import type { TestServer } from './test-server';

/** A Chromium-shaped SDP with three m-lines in one direction: enough for the server's checks. */
export function sdp(direction: 'sendonly' | 'recvonly' | 'sendrecv' | 'inactive'): string {
  const media = [
    'audio 9 UDP/TLS/RTP/SAVPF 111',
    'video 9 UDP/TLS/RTP/SAVPF 96',
    'video 9 UDP/TLS/RTP/SAVPF 96',
  ];
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    ...media.flatMap((line, mid) => [`m=${line}`, 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, `a=${direction}`]),
    '',
  ].join('\r\n');
}

export const TRACKS = { '0': 'audio', '1': 'camera', '2': 'screen' } as const;

export interface LiveClient {
  /** The participant id the server gave this connection. */
  id: string;
  welcome: {
    self: { id: string; role: string; name: string; guest: boolean };
    participants: Array<{ id: string; name: string; role: string; guest: boolean; handRaised: boolean }>;
    config: { engine: string; topology: string };
    canModerate: boolean;
  };
  stream: ReturnType<typeof openSse>;
  /** Posts to the live API the way the page's script does (auth or CSRF header). */
  post(path: string, body?: Record<string, unknown>): request.Test;
  /** Posts a signal from this connection. */
  signal(signal: Record<string, unknown>): request.Test;
  close(): void;
}

function cookiesOf(agent: Launch['agent'], host: string): string {
  return agent.jar.getCookies({ domain: host, path: '/', secure: false, script: false }).toString();
}

async function connected(stream: ReturnType<typeof openSse>, post: LiveClient['post']): Promise<LiveClient> {
  const welcome = (await stream.next((event) => event.event === 'welcome')).data as LiveClient['welcome'];
  const id = welcome.self.id;
  return {
    id,
    welcome,
    stream,
    post,
    signal: (signal) => post('/signal', { participant: id, signal }),
    close: () => stream.close(),
  };
}

/** Opens a launched user's live connection (the media page's stream). */
export function openLaunched(server: TestServer, launch: Launch, roomId = launch.roomId) {
  const host = new URL(server.url).hostname;
  return openSse(`${server.url}/api/rooms/${roomId}/live/events`, {
    Cookie: cookiesOf(launch.agent, host),
    Authorization: `Bearer ${launch.ltik}`,
  });
}

export function launchedPost(launch: Launch, roomId = launch.roomId) {
  return (path: string, body: Record<string, unknown> = {}) =>
    launch.agent
      .post(`/api/rooms/${roomId}/live${path}`)
      .set('Authorization', `Bearer ${launch.ltik}`)
      .set('Accept', 'application/json')
      .send(body);
}

export async function connectLaunched(server: TestServer, launch: Launch): Promise<LiveClient> {
  return connected(openLaunched(server, launch), launchedPost(launch));
}

export async function launchAndConnect(server: TestServer, options: LaunchOptions = {}) {
  const launch = await sandboxLaunch(server, options);
  return { launch, live: await connectLaunched(server, launch) };
}

/** A guest in the room: their browser's pass, and the CSRF token of their room page. */
export interface AdmittedGuest {
  agent: request.Agent;
  cookie: string;
  csrf: string;
  roomId: string;
}

/** Joins through the link and, when the lobby holds them, has the host admit them. */
export async function admittedGuest(
  server: TestServer,
  link: GuestLink,
  roomId: string,
  admit: (name: string) => Promise<void>,
  name = `Guest ${Math.random().toString(36).slice(2, 7)}`,
): Promise<AdmittedGuest> {
  const joined = await joinAs(server, link.path, { name, email: `${name.replace(/\W/g, '')}@example.org` });
  if (joined.response.headers.location?.endsWith('/waiting')) await admit(name);
  const page = await joined.agent.get(`/guest/rooms/${roomId}`).expect(200);
  return {
    agent: joined.agent,
    cookie: passCookie(joined.response.headers['set-cookie']),
    csrf: hiddenField(page.text, '_csrf'),
    roomId,
  };
}

export function guestPost(guest: AdmittedGuest) {
  return (path: string, body: Record<string, unknown> = {}) =>
    guest.agent
      .post(`/guest/rooms/${guest.roomId}/live${path}`)
      .set('X-CSRF-Token', guest.csrf)
      .set('Accept', 'application/json')
      .send(body);
}

export function openGuest(server: TestServer, guest: AdmittedGuest) {
  return openSse(`${server.url}/guest/rooms/${guest.roomId}/live/events`, { Cookie: guest.cookie });
}

export async function connectGuest(server: TestServer, guest: AdmittedGuest): Promise<LiveClient> {
  return connected(openGuest(server, guest), guestPost(guest));
}

/** Waits for a signal on this link to reach a connection (or fails after the timeout). */
export function signalOn(client: LiveClient, link: string, timeoutMs = 2000) {
  return client.stream.next(
    (event) => event.event === 'signal' && (event.data as { link: string }).link === link,
    timeoutMs,
  );
}

/** Resolves when no signal on this link arrived within the time (the refusal relayed nothing). */
export async function noSignalOn(client: LiveClient, link: string, waitMs = 300): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const relayed = client.stream.events.filter(
    (event) => event.event === 'signal' && (event.data as { link: string }).link === link,
  );
  if (relayed.length > 0) throw new Error(`Relayed although refused: ${JSON.stringify(relayed)}`);
}
