import fs from 'node:fs';
import path from 'node:path';
import { SQL_MIGRATIONS_DIR } from '../../paths';
import type { SqlClient } from './sql-client';

// Any constant works; it only has to be the same for every instance of the tool.
const MIGRATION_LOCK_KEY = 7_140_233_001;

export interface Migration {
  version: string;
  sql: string;
}

export function readMigrations(dir = SQL_MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: file.replace(/\.sql$/, ''),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so several
 * instances starting at once against one server apply each migration exactly once.
 */
export async function migrate(client: SqlClient, migrations = readMigrations()): Promise<string[]> {
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version TEXT PRIMARY KEY,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const applied = new Set(
      (await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map(
        (row) => row.version,
      ),
    );
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
    }
    return pending.map((migration) => migration.version);
  });
}
