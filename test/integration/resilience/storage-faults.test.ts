import pg from 'pg';
import request from 'supertest';
import { apiFor } from '../../helpers/api';
import { createPostgresDatabase, databaseUrlFor, TEST_DATABASE_URL } from '../../helpers/databases';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../../helpers/small-disk';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** /readyz forgets a storage fault this long after the last failed write. */
const FAULT_WINDOW_SECONDS = 1;

async function readiness(server: TestServer) {
  return request(server.url).get('/readyz');
}

async function waitForReady(server: TestServer): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 250) {
    if ((await readiness(server)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('/readyz did not recover within 10 s');
}

const adminUrl = TEST_DATABASE_URL ? databaseUrlFor('postgres') : '';

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

const describeWithPostgres = TEST_DATABASE_URL ? describe : describe.skip;

describeWithPostgres(
  `a PostgreSQL database that turns read-only (25006)${TEST_DATABASE_URL ? '' : ' (skipped: no TEST_DATABASE_URL)'}`,
  () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let server: TestServer;

    beforeAll(async () => {
      database = await createPostgresDatabase();
      server = await startTestServer({
        configuredStorage: true,
        env: { DATABASE_URL: database.url, READYZ_STORAGE_FAULT_SECONDS: String(FAULT_WINDOW_SECONDS) },
      });
    });

    afterAll(async () => {
      await server?.close();
      await database?.drop();
    });

    async function setReadOnly(on: boolean): Promise<void> {
      const name = pg.escapeIdentifier(database.name);
      await asAdmin(
        on
          ? `ALTER DATABASE ${name} SET default_transaction_read_only = on`
          : `ALTER DATABASE ${name} RESET default_transaction_read_only`,
      );
      // The setting applies to new sessions: end the pool's, which it then reopens.
      await asAdmin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    it('answers writes with 503 and Retry-After, reports not ready, and recovers by itself', async () => {
      const launch = await sandboxLaunch(server);
      const api = apiFor(launch);
      await setReadOnly(true);
      try {
        let refused = await api.put('/guest-access', { enabled: true });
        // The first request after the sessions ended may meet a closing connection (its own 503).
        if (refused.body?.error?.code === 'SERVICE_UNAVAILABLE')
          refused = await api.put('/guest-access', { enabled: true });
        expect(refused.status).toBe(503);
        expect(refused.body.error.code).toBe('STORAGE_READ_ONLY');
        expect(refused.body.error.message).toMatch(/read-only/);
        expect(refused.headers['retry-after']).toBe('30');
        const notReady = await readiness(server);
        expect(notReady.status).toBe(503);
        expect(notReady.body).toMatchObject({ status: 'unavailable', storage: 'read-only' });
      } finally {
        await setReadOnly(false);
      }
      await waitForReady(server);
      await api.put('/guest-access', { enabled: true }).expect(200);
    });
  },
);

const noSmallDisk = smallDiskUnavailable();
const describeWithSmallDisk = noSmallDisk ? describe.skip : describe;

describeWithSmallDisk(
  `PGlite on a data disk that fills up${noSmallDisk ? ` (skipped: ${noSmallDisk})` : ''}`,
  () => {
    let disk: SmallDisk;
    let server: TestServer;

    beforeAll(async () => {
      // PGlite's new folder takes about 40 MB (16 MB of it the first WAL segment).
      disk = mountSmallDisk(80);
      server = await startTestServer({
        configuredStorage: true,
        env: { DATA_DIR: disk.dir, READYZ_STORAGE_FAULT_SECONDS: String(FAULT_WINDOW_SECONDS) },
      });
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      disk?.destroy();
    });

    it('answers writes with 503 and Retry-After, reports not ready, and recovers once there is room', async () => {
      const launch = await sandboxLaunch(server);
      const api = apiFor(launch);
      expect((await readiness(server)).status).toBe(200);
      disk.fill();
      try {
        const refused = await api.put('/guest-access', { enabled: true });
        expect(refused.status).toBe(503);
        expect(refused.body.error.code).toBe('STORAGE_FULL');
        expect(refused.body.error.message).toMatch(/storage is full/);
        expect(refused.headers['retry-after']).toBe('30');
        const notReady = await readiness(server);
        expect(notReady.status).toBe(503);
        expect(notReady.body).toMatchObject({ status: 'unavailable', storage: 'full' });
      } finally {
        disk.free();
      }
      await waitForReady(server);
      await api.put('/guest-access', { enabled: true }).expect(200);
    });
  },
);
