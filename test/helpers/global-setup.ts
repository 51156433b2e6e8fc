import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { PROJECT_ROOT } from '../../src/paths';
import { startRuntime } from '../../src/runtime';
import { migrate, readMigrations, readRoutines } from '../../src/storage/postgres/migrate';
import { openPgClient } from '../../src/storage/postgres/pg-client';
import { openPgliteClient } from '../../src/storage/postgres/pglite-client';
import { postgresStorageOn } from '../../src/storage/postgres/postgres-storage';
import type { SqlClient } from '../../src/storage/postgres/sql-client';
import { PG_TEMPLATE_DATABASE, PG_TEMPLATE_ENV, PGLITE_SNAPSHOT_ENV, testEnv } from './constants';

/**
 * Builds, once per run, a migrated database with the sandbox and ltijs keys already
 * registered: every test file then starts from a copy in well under a second instead
 * of paying PGlite's initdb and a 4096-bit RSA key generation each time.
 */

async function prepare(sql: SqlClient): Promise<void> {
  await migrate(sql);
  const config = loadConfig(
    testEnv({ PUBLIC_URL: 'http://127.0.0.1:9', DATA_DIR: path.join(PROJECT_ROOT, 'data', 'test') }),
  );
  const runtime = await startRuntime(config, createLogger('silent'), postgresStorageOn(sql));
  await runtime.close();
}

async function pgliteSnapshot(): Promise<string> {
  const fingerprint = createHash('sha256')
    .update(
      // Routines too: a changed view or function must not reuse a snapshot made before it.
      [...readMigrations(), ...readRoutines()].map((file) => `${file.name}\n${file.sha256}`).join('\n'),
    )
    .update(fs.readFileSync(path.join(PROJECT_ROOT, 'src', 'sandbox', 'sample-data.ts')))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'guestlink');
  const file = path.join(dir, `pglite-${fingerprint}.tar`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const db = new PGlite();
  const sql = await openPgliteClient(db);
  await prepare(sql);
  const dump = await db.dumpDataDir('none');
  await sql.close();
  fs.writeFileSync(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Templates of runs whose process is gone (killed before their teardown). */
async function dropStaleTemplates(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'guestlink\\_test\\_template\\_%'",
  );
  for (const { datname } of rows) {
    const pid = Number(datname.slice('guestlink_test_template_'.length));
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid))
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function postgresTemplate(url: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await dropStaleTemplates(admin);
    await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${PG_TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${PG_TEMPLATE_DATABASE}`;
  const sql = await openPgClient({ url: templateUrl.toString(), connectTimeoutMs: 5000 });
  try {
    await prepare(sql);
  } finally {
    await sql.close();
  }
  return PG_TEMPLATE_DATABASE;
}

export default async function globalSetup(): Promise<void> {
  process.env[PGLITE_SNAPSHOT_ENV] = await pgliteSnapshot();
  if (process.env.TEST_DATABASE_URL)
    process.env[PG_TEMPLATE_ENV] = await postgresTemplate(process.env.TEST_DATABASE_URL);
}
