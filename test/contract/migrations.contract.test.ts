import { StartupError } from '../../src/errors';
import { openPgClient } from '../../src/storage/postgres/pg-client';
import {
  ChangedMigrationError,
  migrate,
  readMigrations,
  readRoutines,
  sqlChecksum,
  type SqlFile,
} from '../../src/storage/postgres/migrate';
import type { SqlClient } from '../../src/storage/postgres/sql-client';
import { openEmptyDatabase, SQL_BACKENDS, type TestDatabase } from '../helpers/databases';

/** What the runner of releases before checksums and routines did: migrations only, no sha256. */
async function migrateAsBeforeChecksums(sql: SqlClient): Promise<void> {
  await sql.exec(
    'CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  for (const migration of readMigrations()) {
    await sql.exec(migration.sql);
    await sql.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.name]);
  }
}

function edited(files: SqlFile[], name: string, edit: (sql: string) => string): SqlFile[] {
  return files.map((file) => {
    if (file.name !== name) return file;
    const sql = edit(file.sql);
    return { ...file, sql, sha256: sqlChecksum(sql) };
  });
}

async function viewColumns(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'guest_link_access'`,
  );
  return rows.map((row) => row.column_name);
}

describe.each(SQL_BACKENDS)('migrations and routines on %s', (backend) => {
  let database: TestDatabase;

  // PGlite's initdb, done once for the file: on a loaded machine it alone can take most of a
  // test's minute, so it is not paid inside the first test.
  beforeAll(async () => {
    await (await openEmptyDatabase(backend)).close();
  }, 180_000);

  beforeEach(async () => {
    database = await openEmptyDatabase(backend);
  });

  afterEach(async () => {
    await database.close();
  });

  it('upgrades a database migrated before checksums: backfills them and installs the routines', async () => {
    await migrateAsBeforeChecksums(database.sql);

    const result = await migrate(database.sql);

    expect(result).toEqual({ migrations: [], routines: readRoutines().map((routine) => routine.name) });
    const recorded = await database.sql.query<{ version: string; sha256: string }>(
      'SELECT version, sha256 FROM schema_migrations ORDER BY version',
    );
    expect(recorded).toEqual(readMigrations().map((file) => ({ version: file.name, sha256: file.sha256 })));
    const routines = await database.sql.query<{ name: string; sha256: string }>(
      'SELECT name, sha256 FROM schema_routines ORDER BY name',
    );
    expect(routines).toEqual(readRoutines().map((file) => ({ name: file.name, sha256: file.sha256 })));
    // The join as the stores call it works on the upgraded schema.
    await expect(
      database.sql.query(
        'SELECT * FROM guestlink_join_batch($1::text[], $2::text[], $3::text[], $4::text[], $5, $6::boolean[])',
        [['no-such-link'], ['v1'], ['Grace'], ['grace@example.org'], 10, [false]],
      ),
    ).resolves.toMatchObject([{ ord: 1, reason: 'unknown-link' }]);
    expect(await migrate(database.sql)).toEqual({ migrations: [], routines: [] });
  });

  it('refuses to start when an applied migration was edited, naming the file and what to do', async () => {
    await migrate(database.sql);
    const migrations = edited(readMigrations(), '003_guest_visits', (sql) => `${sql}\n-- edited later`);

    const attempt = migrate(database.sql, { migrations });

    await expect(attempt).rejects.toBeInstanceOf(ChangedMigrationError);
    await expect(attempt).rejects.toBeInstanceOf(StartupError);
    await expect(attempt).rejects.toThrow(/Migration 003_guest_visits\.sql was changed after it was applied/);
    await expect(attempt).rejects.toThrow(/put the change in a new migration/);
    // A checkout with Windows line endings is the same file, not an edit.
    const crlf = edited(readMigrations(), '003_guest_visits', (sql) => sql.replace(/\n/g, '\r\n'));
    expect(await migrate(database.sql, { migrations: crlf })).toEqual({ migrations: [], routines: [] });
  });

  it('re-applies a routine whose file changed, and only that one', async () => {
    await migrate(database.sql);
    const routines = edited(readRoutines(), 'guest_link_access', (sql) =>
      sql.replace('r.lobby_enabled,', 'r.lobby_enabled, true AS probe,'),
    );

    expect(await migrate(database.sql, { routines })).toEqual({
      migrations: [],
      routines: ['guest_link_access'],
    });
    expect(await viewColumns(database.sql)).toContain('probe');
    expect(await migrate(database.sql, { routines })).toEqual({ migrations: [], routines: [] });
    // Back to the file as it is: re-applied again, the column gone.
    expect((await migrate(database.sql)).routines).toEqual(['guest_link_access']);
    expect(await viewColumns(database.sql)).not.toContain('probe');
  });

  it('re-creates every routine after a new migration, which may have dropped one to change a table', async () => {
    await migrate(database.sql);
    const dropsTheView: SqlFile = {
      name: '999_drops_view',
      sql: 'DROP VIEW guest_link_access; ALTER TABLE guest_links ADD COLUMN note TEXT;',
      sha256: sqlChecksum('999'),
    };

    const result = await migrate(database.sql, { migrations: [...readMigrations(), dropsTheView] });

    expect(result).toEqual({
      migrations: ['999_drops_view'],
      routines: readRoutines().map((routine) => routine.name),
    });
    expect(await viewColumns(database.sql)).toContain('room_available');
  });

  (backend === 'postgres' ? it : it.skip)(
    'applies everything exactly once when two instances start at once on an empty database',
    async () => {
      const second = await openPgClient({ url: database.url!, connectTimeoutMs: 5000 });
      try {
        const results = await Promise.all([migrate(database.sql), migrate(second)]);
        const all = readMigrations().map((file) => file.name);
        expect(results.map((result) => result.migrations).sort()).toEqual([[], all]);
        expect(results.map((result) => result.routines.length).sort()).toEqual([0, readRoutines().length]);
      } finally {
        await second.close();
      }
    },
  );
});
