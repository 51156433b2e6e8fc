import { PGlite } from '@electric-sql/pglite';
import type { NotificationHandler, SqlClient, SqlExecutor } from './sql-client';

function executor(db: Pick<PGlite, 'query' | 'exec'>): SqlExecutor {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await db.query<Row>(sql, params);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/**
 * PGlite runs PostgreSQL in this process. A folder keeps the data; null keeps it in
 * memory; an open PGlite (e.g. loaded from a snapshot) is used as it is.
 */
export async function openPgliteClient(source: string | null | PGlite): Promise<SqlClient> {
  const db = source instanceof PGlite ? source : source ? new PGlite(source) : new PGlite();
  await db.waitReady;
  const base = executor(db);
  return {
    kind: 'pglite',
    ...base,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(executor(tx)));
    },
    async listen(channel: string, handler: NotificationHandler) {
      const unsubscribe = await db.listen(channel, handler);
      return async () => unsubscribe();
    },
    async notify(channel: string, payload: string) {
      await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
