import pino from 'pino';
import request from 'supertest';
import type { SqlClient, SqlExecutor } from '../../../src/storage/postgres/sql-client';
import { openTestDatabase, SQL_BACKENDS, type TestDatabase } from '../../helpers/databases';
import { joinAs, roomWithLink } from '../../helpers/guests';
import type { Launch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** The real database, with every query's parameters written down as text. */
function recordingQueries(sql: SqlClient, seen: string[]): SqlClient {
  const record = (params: unknown[] | undefined) => seen.push((params ?? []).map(String).join('\n'));
  const executor = (target: SqlExecutor): SqlExecutor => ({
    query: (text, params) => {
      record(params);
      return target.query(text, params);
    },
    exec: (text) => target.exec(text),
  });
  return {
    ...executor(sql),
    kind: sql.kind,
    transaction: (fn) => sql.transaction((tx) => fn(executor(tx))),
    listen: (channel, handler) => sql.listen(channel, handler),
    notify: (channel, payload) => sql.notify(channel, payload),
    close: () => sql.close(),
  };
}

/** Path segments no route can use: broken escapes, control characters, ids of the wrong shape. */
const MALFORMED = ['%ZZ', '%E0%A4%A', '%C0%AF', '%00', 'a%00b', '%0A', 'not-a-uuid', "1'%20OR%20'1'%3D'1"];

type Who = 'host' | 'guest' | 'nobody';
interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: (bad: string, roomId: string) => string;
  who: Who;
}

const ROUTES: Route[] = [
  { method: 'get', path: (x) => `/g/${x}`, who: 'nobody' },
  { method: 'post', path: (x) => `/g/${x}`, who: 'guest' },
  { method: 'get', path: (x) => `/i/${x}`, who: 'nobody' },
  { method: 'post', path: (x) => `/i/${x}`, who: 'guest' },
  { method: 'get', path: (x) => `/guest/rooms/${x}`, who: 'guest' },
  { method: 'get', path: (x) => `/guest/rooms/${x}/waiting`, who: 'guest' },
  { method: 'get', path: (x) => `/guest/rooms/${x}/events`, who: 'guest' },
  { method: 'get', path: (x) => `/guest/rooms/${x}/status`, who: 'guest' },
  { method: 'post', path: (x) => `/guest/rooms/${x}/leave`, who: 'guest' },
  { method: 'get', path: (x) => `/guest/rooms/${x}/live/events`, who: 'guest' },
  { method: 'post', path: (x) => `/guest/rooms/${x}/live/hand`, who: 'guest' },
  { method: 'post', path: (x, room) => `/guest/rooms/${room}/live/participants/${x}/remove`, who: 'guest' },
  { method: 'post', path: (x) => `/rooms/${x}`, who: 'host' },
  { method: 'post', path: (x) => `/rooms/${x}/settings`, who: 'host' },
  { method: 'get', path: (x) => `/api/rooms/${x}/guest-access`, who: 'host' },
  { method: 'put', path: (x) => `/api/rooms/${x}/guest-access`, who: 'host' },
  { method: 'post', path: (x) => `/api/rooms/${x}/guest-links`, who: 'host' },
  { method: 'delete', path: (x, room) => `/api/rooms/${room}/guest-links/${x}`, who: 'host' },
  { method: 'get', path: (x) => `/api/rooms/${x}/invitations`, who: 'host' },
  { method: 'patch', path: (x, room) => `/api/rooms/${room}/invitations/${x}`, who: 'host' },
  { method: 'post', path: (x, room) => `/api/rooms/${room}/invitations/${x}/send`, who: 'host' },
  { method: 'delete', path: (x, room) => `/API/rooms/${room}/invitations/${x}`, who: 'host' },
  { method: 'get', path: (x) => `/api/rooms/${x}/lobby`, who: 'host' },
  { method: 'put', path: (x) => `/API/rooms/${x}/lobby`, who: 'host' },
  { method: 'post', path: (x) => `/Api/Rooms/${x}/lobby/admit-all`, who: 'host' },
  { method: 'post', path: (x) => `/api/rooms/${x}/lobby/deny-all`, who: 'host' },
  { method: 'post', path: (x, room) => `/api/rooms/${room}/lobby/${x}/admit`, who: 'host' },
  { method: 'post', path: (x, room) => `/api/rooms/${room}/lobby/${x}/deny`, who: 'host' },
  { method: 'get', path: (x) => `/api/rooms/${x}/lobby/events`, who: 'host' },
  { method: 'get', path: (x) => `/api/rooms/${x}/guest-log`, who: 'host' },
  { method: 'get', path: (x) => `/api/rooms/${x}/live/events`, who: 'host' },
  { method: 'post', path: (x, room) => `/api/rooms/${room}/live/participants/${x}/mute`, who: 'host' },
  { method: 'post', path: (x) => `/API/rooms/${x}/live/end`, who: 'host' },
];

const JSON_PATHS = /^\/(api\/|guest\/rooms\/[^/]+\/live\/)/i;

/** The values a database would have been asked about: the raw segment and its decoding. */
function spellings(bad: string): string[] {
  try {
    return [bad, decodeURIComponent(bad)];
  } catch {
    return [bad];
  }
}

describe.each(SQL_BACKENDS)('malformed addresses (%s)', (backend) => {
  let database: TestDatabase;
  let server: TestServer;
  let host: Launch;
  let guest: Awaited<ReturnType<typeof joinAs>>;
  let roomId: string;
  const queries: string[] = [];
  const logLevels: number[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => logLevels.push(JSON.parse(line).level) },
    );
    server = await startTestServer({
      sql: recordingQueries(database.sql, queries),
      logger,
      env: { GUEST_PAGES_PER_IP_PER_MINUTE: '100000', GUEST_JOINS_PER_IP_PER_MINUTE: '100000' },
    });
    const room = await roomWithLink(server);
    host = room.host;
    roomId = host.roomId;
    guest = await joinAs(server, room.link.path);
  });

  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  function send(route: Route, bad: string) {
    const path = route.path(bad, roomId);
    if (route.who === 'host') {
      return host.agent[route.method](path).set('Authorization', `Bearer ${host.ltik}`);
    }
    if (route.who === 'guest') return guest.agent[route.method](path).set('X-CSRF-Token', guest.csrf);
    return request(server.url)[route.method](path);
  }

  it('answers every route with a 400 or 404 of the right kind, before any query, logging no error', async () => {
    const wrong: string[] = [];
    queries.length = 0;
    logLevels.length = 0;
    for (const route of ROUTES) {
      for (const bad of MALFORMED) {
        const path = route.path(bad, roomId);
        const response = await send(route, bad).timeout(10_000);
        const json = JSON_PATHS.test(path);
        const kindOk = json
          ? response.type === 'application/json' && typeof response.body.error?.code === 'string'
          : response.type === 'text/html';
        if (![400, 404].includes(response.status) || !kindOk)
          wrong.push(`${route.method.toUpperCase()} ${path} → ${response.status} ${response.type}`);
        const asked = queries.find((params) => spellings(bad).some((value) => params.includes(value)));
        if (asked !== undefined) wrong.push(`${route.method.toUpperCase()} ${path} asked the database`);
      }
    }
    expect(wrong).toEqual([]);
    expect(logLevels.filter((level) => level >= 50)).toEqual([]);
  });

  it('names the problem', async () => {
    const broken = await host.agent
      .get(`/api/rooms/%ZZ/lobby`)
      .set('Authorization', `Bearer ${host.ltik}`)
      .expect(400);
    expect(broken.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'roomId' });
    const wrongShape = await host.agent
      .delete(`/API/rooms/${roomId}/guest-links/nope`)
      .set('Authorization', `Bearer ${host.ltik}`)
      .expect(404);
    expect(wrongShape.body.error).toMatchObject({ code: 'NOT_FOUND', field: 'linkId' });
    const page = await request(server.url).get('/guest/rooms/%00').expect(400);
    expect(page.text).toContain('control character');
    expect((await request(server.url).get('/static/%ZZ').expect(400)).text).toContain('broken %-escape');
  });

  it('still asks the database about well-formed ids (the recorder sees route queries)', async () => {
    queries.length = 0;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const response = await host.agent
      .get(`/api/rooms/${unknown}/lobby`)
      .set('Authorization', `Bearer ${host.ltik}`);
    expect([403, 404]).toContain(response.status);
    expect(queries.some((params) => params.includes(unknown))).toBe(true);
  });
});
