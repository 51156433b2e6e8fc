import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../../helpers/databases';
import { freePort } from '../../helpers/throwaway-postgres';
import { spawnServer, type SpawnedServer } from '../../helpers/spawned-server';

// Generous: the first start creates the PGlite folder, on a machine that may be busy.
const START_TIMEOUT_MS = 120_000;

async function getStatus(url: string): Promise<number | 'no answer'> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'no answer';
  }
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await getStatus(`${url}/readyz`)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server never answered /readyz with 200 within ${START_TIMEOUT_MS} ms`);
}

const noDevFull = fs.existsSync('/dev/full') ? null : 'no /dev/full on this system';
const describeWithDevFull = noDevFull ? describe.skip : describe;

describeWithDevFull(
  `a log destination that is full (/dev/full)${noDevFull ? ` (skipped: ${noDevFull})` : ''}`,
  () => {
    let server: SpawnedServer;
    let dataDir: string;
    let database: Awaited<ReturnType<typeof createPostgresDatabase>> | null | undefined;

    afterAll(async () => {
      await server?.kill();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    });

    it('keeps serving and stays alive while every log line fails with ENOSPC', async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-full-log-'));
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      // PostgreSQL when there is one: it starts far faster than a new PGlite folder on a busy machine.
      database = TEST_DATABASE_URL ? await createPostgresDatabase() : null;
      server = spawnServer(
        {
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: url,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'debug',
          ...(database ? { DATABASE_URL: database.url } : {}),
        },
        { stdoutFile: '/dev/full', stderrFile: '/dev/full' },
      );
      await waitUntilReady(url);
      // Each of these logs (request log, 404s at debug); none may stall or end the process.
      for (let i = 0; i < 20; i += 1) {
        expect(await getStatus(`${url}/g/not-a-real-token-${i}`)).toBe(404);
      }
      expect(await getStatus(`${url}/readyz`)).toBe(200);
      expect(server.child.exitCode).toBeNull();
    }, 180_000);
  },
);
