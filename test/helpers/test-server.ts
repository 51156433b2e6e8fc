import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { createHttpServer, type ServerTimeouts } from '../../src/http/http-server';
import { createLogger, type Logger } from '../../src/logger';
import { startRuntime, type Runtime } from '../../src/runtime';
import type { Storage } from '../../src/storage';
import { postgresStorageOn } from '../../src/storage/postgres/postgres-storage';
import type { SqlClient } from '../../src/storage/postgres/sql-client';
import { testEnv } from './constants';
import { openTestDatabase, type SqlBackend } from './databases';
import { mongoUrlFor, type StorageBackend } from './storages';

export interface TestServerOptions {
  backend?: SqlBackend;
  /** Reuse an open database (to restart the tool on the same data, or run two instances). */
  sql?: SqlClient;
  /** Wraps the test database's storage before the tool gets it (e.g. to count reads). */
  wrapStorage?: (storage: Storage) => Storage;
  env?: Record<string, string | undefined>;
  /** Written to a platforms file for this server. */
  platforms?: unknown[];
  /**
   * Let the tool open its database from its configuration, as server.ts does
   * (DATA_DIR's PGlite folder, or DATABASE_URL), instead of a test database.
   */
  configuredStorage?: boolean;
  /** The tool's logger, to read what it logs (default: one at the configured level). */
  logger?: Logger;
  /** The HTTP server's timeouts (default: server.ts's). */
  timeouts?: ServerTimeouts;
  /**
   * Serve the LMS sandbox on this host name instead of 127.0.0.1 (SANDBOX_URL), e.g.
   * "localhost": another site, so the sandbox page frames the tool cross-site.
   */
  sandboxHost?: string;
}

export interface TestServer {
  url: string;
  config: Config;
  runtime: Runtime;
  /** The database of a test-provided storage (absent with configuredStorage). */
  sql: SqlClient;
  /** Stops the tool; closes the database too unless it was passed in. */
  close(): Promise<void>;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-test-'));
}

/**
 * Starts the real tool on a loopback port, the way server.ts does: the LMS sandbox
 * fetches keys from it over HTTP, so it must listen before ltijs is set up.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = createHttpServer(options.timeouts);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const ownDataDir = !options.env?.DATA_DIR;
  const dataDir = options.env?.DATA_DIR ?? tempDir();
  const env = testEnv({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    ...(options.sandboxHost ? { SANDBOX_URL: `http://${options.sandboxHost}:${port}` } : {}),
    ...options.env,
  });
  if (options.platforms) {
    const file = path.join(dataDir, 'platforms.json');
    fs.writeFileSync(file, JSON.stringify(options.platforms));
    env.PLATFORMS_FILE = file;
  }
  const config = loadConfig(env);
  const database =
    options.sql || options.configuredStorage ? null : await openTestDatabase(options.backend ?? 'pglite');
  let runtime: Runtime;
  try {
    const opened = options.configuredStorage ? undefined : postgresStorageOn(options.sql ?? database!.sql);
    const storage = opened && options.wrapStorage ? options.wrapStorage(opened) : opened;
    runtime = await startRuntime(config, options.logger ?? createLogger(config.logLevel), storage);
  } catch (error) {
    server.close();
    await database?.close();
    throw error;
  }
  server.on('request', runtime.app);
  return {
    url: config.publicUrl,
    config,
    runtime,
    get sql(): SqlClient {
      const sql = options.sql ?? database?.sql;
      if (!sql)
        throw new Error('This test server opened its own database (configuredStorage); query it over HTTP.');
      return sql;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
      await database?.close();
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A server on one storage backend; on MongoDB, on a fresh database of its own whose name
 * starts with `name`, so parallel test files never share one.
 */
export function startOnBackend(
  backend: StorageBackend,
  env: Record<string, string>,
  name: string,
): Promise<TestServer> {
  if (backend !== 'mongodb') return startTestServer({ backend, env });
  const url = mongoUrlFor(`guestlink_${name}_${process.pid}_${Date.now().toString(36)}`);
  return startTestServer({ configuredStorage: true, env: { ...env, MONGODB_URI: url } });
}
