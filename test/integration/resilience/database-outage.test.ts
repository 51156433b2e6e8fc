import request from 'supertest';
import { StartupError } from '../../../src/errors';
import { openPgClient } from '../../../src/storage/postgres/pg-client';
import { apiFor } from '../../helpers/api';
import { beginLogin, postIdToken, sandboxIdToken, sandboxLaunch } from '../../helpers/lti-launch';
import { silentServer, failedStart as startFailure } from '../../helpers/failed-start';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import {
  freePort,
  startThrowawayPostgres,
  throwawayPostgresUnavailable,
  type ThrowawayPostgres,
} from '../../helpers/throwaway-postgres';
import { postPage } from '../../helpers/launched-pages';

const CONNECT_TIMEOUT_MS = 1500;
/** Start-up may take this much longer than DB_CONNECT_TIMEOUT_MS (config, ltijs set-up). */
const MARGIN_MS = 1000;
const PASSWORD = 'not-to-be-shown-9f3a';

function failedStart(databaseUrl: string) {
  return startFailure({ DATABASE_URL: databaseUrl, DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) });
}

describe('start-up against an unreachable PostgreSQL server', () => {
  it('fails at once on a closed port, naming host:port/db and not the password', async () => {
    const port = await freePort();
    const { error, elapsedMs } = await failedStart(
      `postgres://guestlink:${PASSWORD}@127.0.0.1:${port}/guestlink`,
    );
    expect(error).toBeInstanceOf(StartupError);
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}/guestlink`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain(PASSWORD);
    expect(elapsedMs).toBeLessThan(CONNECT_TIMEOUT_MS + MARGIN_MS);
  });

  it('gives up after DB_CONNECT_TIMEOUT_MS on a server that accepts and never answers', async () => {
    const silent = await silentServer();
    const { port, sockets } = silent;
    try {
      const { error, elapsedMs } = await failedStart(
        `postgres://guestlink:${PASSWORD}@127.0.0.1:${port}/guestlink`,
      );
      expect(error).toBeInstanceOf(StartupError);
      const message = (error as Error).message;
      expect(message).toContain(`127.0.0.1:${port}/guestlink`);
      expect(message).toMatch(/timeout/i);
      expect(message).not.toContain(PASSWORD);
      expect(elapsedMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 100);
      expect(elapsedMs).toBeLessThan(CONNECT_TIMEOUT_MS + MARGIN_MS);
      // The timed-out attempt closed its connection rather than leaving it open.
      for (let waited = 0; sockets.size > 0 && waited < 1000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(sockets.size).toBe(0);
    } finally {
      await silent.close();
    }
  });
});

const unavailable = throwawayPostgresUnavailable();
const describeWithCluster = unavailable ? describe.skip : describe;

describeWithCluster(
  `a PostgreSQL server that goes away while the tool runs${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let cluster: ThrowawayPostgres;
    let server: TestServer;

    beforeAll(async () => {
      cluster = await startThrowawayPostgres();
      server = await startTestServer({
        configuredStorage: true,
        env: { DATABASE_URL: cluster.url, DB_CONNECT_TIMEOUT_MS: '3000' },
      });
    }, 45_000);

    afterAll(async () => {
      await server?.close();
      await cluster?.destroy();
    });

    async function readyWithin(ms: number): Promise<number> {
      const started = Date.now();
      for (;;) {
        const response = await request(server.url).get('/readyz');
        if (response.status === 200) return Date.now() - started;
        if (Date.now() - started > ms) throw new Error(`/readyz still answers ${response.status}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    it('answers 503 while it is down and recovers by itself when it is back', async () => {
      const launch = await sandboxLaunch(server);
      expect(launch.status).toBe(200);
      expect((await apiFor(launch).get('/guest-access')).status).toBe(200);
      const pendingLogin = await beginLogin(server);

      await cluster.stop();

      const readiness = await request(server.url).get('/readyz');
      expect(readiness.status).toBe(503);
      expect(readiness.body).toEqual({ status: 'unavailable', database: 'postgres' });

      const page = await postPage(server, launch, `/rooms/${launch.roomId}`);
      expect(page.status).toBe(503);
      expect(page.headers['retry-after']).toBe('5');
      expect(page.text).toContain('Temporarily unavailable');
      expect(page.text).not.toContain('could not be verified');

      const api = await apiFor(launch).get('/guest-access');
      expect(api.status).toBe(503);
      expect(api.headers['retry-after']).toBe('5');
      expect(api.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });

      // A launch whose login began before the outage: its id_token arrives during it.
      const launchPost = await postIdToken(pendingLogin, await sandboxIdToken(pendingLogin));
      expect(launchPost.status).toBe(503);
      expect(launchPost.text).toContain('Temporarily unavailable');

      // ltijs's own routes answer their database failures themselves; they become 503s too.
      const keys = await request(server.url).get('/lti/keys');
      expect(keys.status).toBe(503);
      expect(keys.text).toContain('Temporarily unavailable');
      const guestEntry = await request(server.url).get(`/g/${'A'.repeat(24)}`);
      expect(guestEntry.status).toBe(503);

      // No 'error' event or unhandled rejection ended the process (jest would fail on
      // either): it still serves.
      expect((await request(server.url).get('/healthz')).status).toBe(200);

      await cluster.start();
      expect(await readyWithin(5000)).toBeLessThan(5000);
      const again = await postPage(server, launch, `/rooms/${launch.roomId}`);
      expect(again.status).toBe(200);
      const fresh = await sandboxLaunch(server);
      expect(fresh.status).toBe(200);
      expect(fresh.html).toContain('Weekly live session');
      expect(fresh.roomId).toBe(launch.roomId);
    });

    it('survives losing the connection in the middle of a transaction', async () => {
      const lost: Error[] = [];
      const sql = await openPgClient({
        url: cluster.url,
        connectTimeoutMs: 2000,
        onError: (e) => lost.push(e),
      });
      try {
        const failed = sql.transaction(async (tx) => {
          await tx.query('SELECT 1');
          // The server goes away between two statements, while no query is running.
          await cluster.stop();
          await tx.query('SELECT 1');
        });
        await expect(failed).rejects.toThrow();
        expect(lost.length).toBeGreaterThan(0);
        await cluster.start();
        await expect(sql.transaction((tx) => tx.query('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
      } finally {
        await sql.close();
      }
    });

    it('re-subscribes its LISTEN connection once the server is back', async () => {
      const lost: Error[] = [];
      const sql = await openPgClient({
        url: cluster.url,
        connectTimeoutMs: 2000,
        onError: (e) => lost.push(e),
      });
      try {
        const received: string[] = [];
        const unlisten = await sql.listen('guestlink_outage_test', (payload) => received.push(payload));
        await cluster.stop();
        await expect(sql.notify('guestlink_outage_test', 'during')).rejects.toMatchObject({
          code: 'ECONNREFUSED',
        });
        await cluster.start();
        const started = Date.now();
        while (!received.includes('after') && Date.now() - started < 10_000) {
          await sql.notify('guestlink_outage_test', 'after').catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(received).toContain('after');
        // The dropped connection was reported, not thrown.
        expect(lost.length).toBeGreaterThan(0);
        await unlisten();
      } finally {
        await sql.close();
      }
    });
  },
);
