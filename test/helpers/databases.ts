import { PGlite } from '@electric-sql/pglite';
import fs from 'node:fs';
import pg from 'pg';
import { migrate } from '../../src/storage/postgres/migrate';
import { openPgClient } from '../../src/storage/postgres/pg-client';
import { openPgliteClient } from '../../src/storage/postgres/pglite-client';
import type { SqlClient } from '../../src/storage/postgres/sql-client';
import { PG_TEMPLATE_ENV, PGLITE_SNAPSHOT_ENV } from './constants';

export type SqlBackend = 'pglite' | 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Every SQL backend this run can test: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const SQL_BACKENDS: SqlBackend[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export function databaseUrlFor(database: string): string {
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  sql: SqlClient;
  /** For PostgreSQL: a URL other processes (a second instance) can connect to. */
  url?: string;
  close(): Promise<void>;
}

let counter = 0;

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database, copied from the migrated template the global setup built. */
export async function createPostgresDatabase(options: { empty?: boolean } = {}): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const name = `guestlink_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const template = options.empty ? undefined : process.env[PG_TEMPLATE_ENV];
  await withAdmin((admin) =>
    admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''}`,
    ),
  );
  return {
    name,
    url: databaseUrlFor(name),
    drop: () =>
      withAdmin((admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/** An in-memory PGlite, loaded from the global setup's snapshot when there is one. */
export async function openTestPglite(): Promise<SqlClient> {
  const snapshot = process.env[PGLITE_SNAPSHOT_ENV];
  if (snapshot && fs.existsSync(snapshot)) {
    const blob = new Blob([fs.readFileSync(snapshot)]);
    const db = new PGlite({ loadDataDir: blob });
    return openPgliteClient(db);
  }
  const sql = await openPgliteClient(null);
  await migrate(sql);
  return sql;
}

export async function openTestDatabase(backend: SqlBackend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const sql = await openTestPglite();
    return { sql, close: () => sql.close() };
  }
  return openPostgresCopy({ migrated: true });
}

/** A fresh PostgreSQL database: the migrated template's copy, or empty. */
async function openPostgresCopy({ migrated }: { migrated: boolean }): Promise<TestDatabase> {
  const database = await createPostgresDatabase({ empty: !migrated });
  const sql = await openPgClient({ url: database.url, connectTimeoutMs: 5000 });
  if (migrated) await migrate(sql);
  return {
    sql,
    url: database.url,
    async close() {
      await sql.close();
      await database.drop();
    },
  };
}

let emptyPglite: Promise<Blob> | null = null;

/** PGlite's initdb takes seconds: done once per test file, then each empty database is a copy. */
async function emptyPgliteDump(): Promise<Blob> {
  emptyPglite ??= (async () => {
    const db = new PGlite();
    await db.waitReady;
    const dump = await db.dumpDataDir('none');
    await db.close();
    return dump;
  })();
  return emptyPglite;
}

/** A database with nothing in it, not even the migrations: for testing the migration runner. */
export async function openEmptyDatabase(backend: SqlBackend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const sql = await openPgliteClient(new PGlite({ loadDataDir: await emptyPgliteDump() }));
    return { sql, close: () => sql.close() };
  }
  return openPostgresCopy({ migrated: false });
}
