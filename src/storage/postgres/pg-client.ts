import pg from 'pg';
import type { NotificationHandler, SqlClient, SqlExecutor } from './sql-client';

// BIGINT counts come back as numbers; they never exceed 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

function executor(db: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await db.query(sql, params);
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await db.query(sql);
    },
  };
}

export interface PgClientOptions {
  url: string;
  connectTimeoutMs: number;
  maxConnections?: number;
  onError?: (error: Error) => void;
}

/** A pool of connections to a PostgreSQL server, plus one dedicated connection for LISTEN. */
export async function openPgClient(options: PgClientOptions): Promise<SqlClient> {
  const pool = new pg.Pool({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30000,
  });
  // An idle client that loses its server emits here; without a listener the process would crash.
  pool.on('error', (error) => options.onError?.(error));
  await pool.query('SELECT 1');

  const channels = new Map<string, Set<NotificationHandler>>();
  let listener: pg.PoolClient | null = null;
  let listenerReady: Promise<pg.PoolClient> | null = null;

  async function listenerClient(): Promise<pg.PoolClient> {
    if (listener) return listener;
    listenerReady ??= (async () => {
      const client = await pool.connect();
      client.on('notification', (message) => {
        const handlers = channels.get(message.channel);
        if (handlers) for (const handler of handlers) handler(message.payload ?? '');
      });
      client.on('error', (error) => {
        options.onError?.(error);
        // Drop the broken connection; the next listen() opens a new one and re-subscribes.
        listener = null;
        listenerReady = null;
        client.release(error);
        void resubscribe();
      });
      listener = client;
      return client;
    })().finally(() => {
      listenerReady = null;
    });
    return listenerReady;
  }

  async function resubscribe(): Promise<void> {
    if (channels.size === 0) return;
    try {
      const client = await listenerClient();
      for (const channel of channels.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      options.onError?.(error as Error);
      setTimeout(() => void resubscribe(), 1000).unref();
    }
  }

  const base = executor(pool);
  return {
    kind: 'postgres',
    ...base,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel: string, handler: NotificationHandler) {
      let handlers = channels.get(channel);
      if (!handlers) {
        handlers = new Set();
        channels.set(channel, handlers);
        const client = await listenerClient();
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      handlers.add(handler);
      return async () => {
        const current = channels.get(channel);
        if (!current) return;
        current.delete(handler);
        if (current.size === 0) {
          channels.delete(channel);
          if (listener)
            await listener.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
        }
      };
    },
    async notify(channel: string, payload: string) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      if (listener) {
        listener.release();
        listener = null;
      }
      await pool.end();
    },
  };
}
