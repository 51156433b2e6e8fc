import pg from 'pg';
import { ServiceUnavailableError } from '../../errors';
import {
  describeConnectionError,
  isErrorLike,
  SOCKET_ERROR_CODES,
  UNREACHABLE_MESSAGE,
} from '../../faults/database-errors';
import type { NotificationHandler, SqlClient, SqlExecutor } from './sql-client';

// BIGINT counts come back as numbers; they never exceed 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

// A Unix socket path with no server behind it fails with ENOENT.
const UNREACHABLE_CODES = new Set([...SOCKET_ERROR_CODES, 'ENOENT']);

const LISTEN_RETRY_MIN_MS = 1000;
const LISTEN_RETRY_MAX_MS = 30_000;

/**
 * ltijs catches its own database reads and hands us only the message, and "connect
 * ECONNREFUSED …" reads the same for PostgreSQL as for a platform's JWKS endpoint: say
 * which server could not be reached, so an outage is not mistaken for a bad launch.
 */
function namingTheServer(error: unknown): unknown {
  if (!isErrorLike(error)) return error;
  if (typeof error.code !== 'string' || !UNREACHABLE_CODES.has(error.code)) return error;
  if (error.message.startsWith(UNREACHABLE_MESSAGE)) return error;
  error.message = `${UNREACHABLE_MESSAGE}: ${describeConnectionError(error)}`;
  return error;
}

async function named<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw namingTheServer(error);
  }
}

function executor(db: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await named(db.query(sql, params));
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await named(db.query(sql));
    },
  };
}

export interface PgClientOptions {
  url: string;
  connectTimeoutMs: number;
  maxConnections?: number;
  onError?: (error: Error) => void;
}

/**
 * A pool of connections to a PostgreSQL server, plus one dedicated connection for LISTEN.
 * The server may go away and come back while the tool runs: queries then fail (and the
 * error handler answers 503) and later ones reconnect; no connection error may escape
 * as an unhandled 'error' event, which would end the process.
 */
export async function openPgClient(options: PgClientOptions): Promise<SqlClient> {
  const pool = new pg.Pool({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30000,
    // Lets the kernel notice a server that vanished without closing its connections.
    keepAlive: true,
  });
  const reportError = (error: Error) => options.onError?.(error);
  // An idle client that loses its server emits here; without a listener the process would crash.
  pool.on('error', reportError);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  const channels = new Map<string, Set<NotificationHandler>>();
  let listener: pg.PoolClient | null = null;
  let listenerReady: Promise<pg.PoolClient> | null = null;
  let resubscribeTimer: NodeJS.Timeout | null = null;
  let retryDelayMs = LISTEN_RETRY_MIN_MS;
  let closed = false;

  async function listenerClient(): Promise<pg.PoolClient> {
    if (listener) return listener;
    listenerReady ??= (async () => {
      const client = await named(pool.connect());
      // close() ran while this connection was being made: hand it back, or pool.end() would
      // wait for it forever (seen as a shutdown that never finished after a database outage).
      if (closed) {
        client.release();
        throw new ServiceUnavailableError();
      }
      client.on('notification', (message) => {
        const handlers = channels.get(message.channel);
        if (handlers) for (const handler of handlers) handler(message.payload ?? '');
      });
      // The LISTEN connection stays checked out, so the pool's own listener never covers it.
      client.on('error', (error) => {
        reportError(error);
        // A lost connection can emit more than once (the server's FATAL, then the socket's
        // end); it is released only the first time, as releasing twice throws.
        if (listener !== client) return;
        listener = null;
        client.release(error);
        // A new connection re-subscribes once the server answers again.
        scheduleResubscribe(0);
      });
      listener = client;
      return client;
    })().finally(() => {
      listenerReady = null;
    });
    return listenerReady;
  }

  function scheduleResubscribe(delayMs: number): void {
    if (closed || resubscribeTimer) return;
    resubscribeTimer = setTimeout(() => {
      resubscribeTimer = null;
      void resubscribe();
    }, delayMs);
    resubscribeTimer.unref();
  }

  async function resubscribe(): Promise<void> {
    if (closed || channels.size === 0) return;
    try {
      const client = await listenerClient();
      for (const channel of channels.keys()) {
        await named(client.query(`LISTEN ${pg.escapeIdentifier(channel)}`));
      }
      retryDelayMs = LISTEN_RETRY_MIN_MS;
    } catch (error) {
      reportError(error as Error);
      scheduleResubscribe(retryDelayMs);
      retryDelayMs = Math.min(retryDelayMs * 2, LISTEN_RETRY_MAX_MS);
    }
  }

  const base = executor(pool);
  return {
    kind: 'postgres',
    ...base,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await named(pool.connect());
      // A checked-out client has no pool listener: a connection lost mid-transaction
      // would otherwise emit an unhandled 'error' and end the process.
      let lost: Error | undefined;
      const onLost = (error: Error) => {
        lost ??= error;
        reportError(error);
      };
      client.on('error', onLost);
      let broken: Error | undefined;
      try {
        await named(client.query('BEGIN'));
        const result = await fn(executor(client));
        await named(client.query('COMMIT'));
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw namingTheServer(error);
      } finally {
        client.off('error', onLost);
        // Releasing with an error makes the pool discard the connection instead of reusing it.
        client.release(lost ?? broken);
      }
    },
    async listen(channel: string, handler: NotificationHandler) {
      let handlers = channels.get(channel);
      if (!handlers) {
        handlers = new Set();
        channels.set(channel, handlers);
        try {
          const client = await listenerClient();
          await named(client.query(`LISTEN ${pg.escapeIdentifier(channel)}`));
        } catch (error) {
          // Leave no half-made subscription behind: the next listen() must LISTEN again,
          // unless a concurrent listen() already joined it, which the retry then covers.
          if (channels.get(channel)?.size === 0) channels.delete(channel);
          else scheduleResubscribe(retryDelayMs);
          throw error;
        }
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
      await named(pool.query('SELECT pg_notify($1, $2)', [channel, payload]));
    },
    async close() {
      closed = true;
      if (resubscribeTimer) clearTimeout(resubscribeTimer);
      resubscribeTimer = null;
      if (listener) {
        listener.release();
        listener = null;
      }
      await pool.end();
    },
  };
}
