import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from '../../errors';
import { SQL_MIGRATIONS_DIR, SQL_ROUTINES_DIR } from '../../paths';
import type { SqlClient, SqlExecutor } from './sql-client';

// Any constant works; it only has to be the same for every instance of the tool.
const MIGRATION_LOCK_KEY = 7_140_233_001;

/**
 * Two kinds of SQL files:
 * - migrations (`migrations/NNN_name.sql`): history. Each runs once, in order, and its
 *   sha256 is recorded; an applied migration whose file changed refuses to start.
 * - routines (`routines/name.sql`): the current definition of views and functions, written
 *   to be run again (DROP … IF EXISTS / CREATE OR REPLACE). Each is re-applied when its
 *   content differs from what the database recorded, so a change is an edit of one file,
 *   reviewed as a diff, not a copy of the whole function into a new migration.
 */
export interface SqlFile {
  /** The file name without `.sql`, as recorded in the database. */
  name: string;
  sql: string;
  sha256: string;
}

/** Line endings normalized, so a checkout with CRLF endings is not taken for an edit. */
export function sqlChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

function readSqlFiles(dir: string, pattern: RegExp): SqlFile[] {
  return fs
    .readdirSync(dir)
    .filter((file) => pattern.test(file))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return { name: file.replace(/\.sql$/, ''), sql, sha256: sqlChecksum(sql) };
    });
}

export function readMigrations(dir = SQL_MIGRATIONS_DIR): SqlFile[] {
  return readSqlFiles(dir, /^\d{3}_[a-z0-9_]+\.sql$/);
}

export function readRoutines(dir = SQL_ROUTINES_DIR): SqlFile[] {
  return readSqlFiles(dir, /^[a-z0-9_]+\.sql$/);
}

/** An applied migration's file no longer matches what was applied. */
export class ChangedMigrationError extends StartupError {
  constructor(readonly migration: string) {
    super(
      `Migration ${migration}.sql was changed after it was applied to this database ` +
        `(its sha256 differs from the one recorded in schema_migrations). Applied migrations are ` +
        `history: restore ${migration}.sql as it was and put the change in a new migration ` +
        `(a view or function belongs in src/storage/postgres/routines/ instead).`,
    );
    this.name = 'ChangedMigrationError';
  }
}

export interface MigrationResult {
  migrations: string[];
  routines: string[];
}

async function prepareBookkeeping(tx: SqlExecutor): Promise<void> {
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version TEXT PRIMARY KEY,
       applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
     );
     -- Databases migrated before checksums were recorded get theirs on their next start.
     ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS sha256 TEXT;
     CREATE TABLE IF NOT EXISTS schema_routines (
       name TEXT PRIMARY KEY,
       sha256 TEXT NOT NULL,
       applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
     );`,
  );
}

/** Applies pending migrations; refuses if an applied one's file changed. */
async function applyMigrations(tx: SqlExecutor, migrations: SqlFile[]): Promise<string[]> {
  const applied = new Map(
    (
      await tx.query<{ version: string; sha256: string | null }>(
        'SELECT version, sha256 FROM schema_migrations',
      )
    ).map((row) => [row.version, row.sha256]),
  );
  for (const migration of migrations) {
    if (!applied.has(migration.name)) continue;
    const recorded = applied.get(migration.name);
    if (recorded === null) {
      // Applied by a release that kept no checksum: the file as it is now is the reference.
      await tx.query('UPDATE schema_migrations SET sha256 = $2 WHERE version = $1', [
        migration.name,
        migration.sha256,
      ]);
    } else if (recorded !== migration.sha256) {
      throw new ChangedMigrationError(migration.name);
    }
  }
  const pending = migrations.filter((migration) => !applied.has(migration.name));
  for (const migration of pending) {
    await tx.exec(migration.sql);
    await tx.query('INSERT INTO schema_migrations (version, sha256) VALUES ($1, $2)', [
      migration.name,
      migration.sha256,
    ]);
  }
  return pending.map((migration) => migration.name);
}

/**
 * Re-applies the routines whose content changed. When a migration ran, all of them are:
 * a migration may have dropped a view or function to change a table it depends on, and
 * an unchanged routine must then still be there afterwards.
 */
async function applyRoutines(
  tx: SqlExecutor,
  routines: SqlFile[],
  migrationsRan: boolean,
): Promise<string[]> {
  const recorded = new Map(
    (await tx.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM schema_routines')).map(
      (row) => [row.name, row.sha256],
    ),
  );
  const toApply = migrationsRan
    ? routines
    : routines.filter((routine) => recorded.get(routine.name) !== routine.sha256);
  for (const routine of toApply) {
    await tx.exec(routine.sql);
    await tx.query(
      `INSERT INTO schema_routines (name, sha256) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()`,
      [routine.name, routine.sha256],
    );
  }
  return toApply.map((routine) => routine.name);
}

/**
 * Applies pending migrations, then changed routines, in one transaction under an advisory
 * lock, so several instances starting at once against one server apply each exactly once
 * and none starts on a half-upgraded schema.
 */
export async function migrate(
  client: SqlClient,
  files: { migrations?: SqlFile[]; routines?: SqlFile[] } = {},
): Promise<MigrationResult> {
  const migrations = files.migrations ?? readMigrations();
  const routines = files.routines ?? readRoutines();
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await prepareBookkeeping(tx);
    const applied = await applyMigrations(tx, migrations);
    return { migrations: applied, routines: await applyRoutines(tx, routines, applied.length > 0) };
  });
}
