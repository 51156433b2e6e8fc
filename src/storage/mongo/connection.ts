import mongoose, { type Connection } from 'mongoose';
import { StartupError } from '../../errors';
import { describeStartupFailure } from '../../faults/database-errors';

/** MongoDB's duplicate-key error: a unique index refused the write. */
export const DUPLICATE_KEY = 11000;

/**
 * A duplicate-key error, optionally of the index with this field or name. Servers name
 * the key in `keyPattern` (4.4+) and the index in the message ("index: live_name dup key").
 */
export function isDuplicateKey(error: unknown, field?: string, indexName?: string): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, keyPattern, message } = error as {
    code?: unknown;
    keyPattern?: Record<string, unknown>;
    message?: unknown;
  };
  if (code !== DUPLICATE_KEY) return false;
  if (field === undefined) return true;
  if (keyPattern && typeof keyPattern === 'object') return field in keyPattern;
  return typeof message === 'string' && indexName !== undefined && message.includes(`index: ${indexName} `);
}

/**
 * "host:port/db" of a MongoDB URL for messages, never its credentials. Parsed by hand:
 * seed lists ("a:1,b:2") are not valid URL hosts, so WHATWG URL cannot read them.
 */
export function describeMongoServer(url: string): string {
  const match = /^mongodb(\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)(\/[^?]*)?/.exec(url);
  if (!match) return 'the configured server';
  const srv = Boolean(match[1]);
  const hosts = match[2]!
    .split(',')
    .filter(Boolean)
    .map((host) => (srv || /:\d+$/.test(host) ? host : `${host}:27017`));
  const database = match[3] && match[3] !== '/' ? match[3] : '/test';
  return `${hosts.join(',')}${database}`;
}

/** The driver's reason, with a hint for timeouts and never the URL's password. */
function describeFailure(error: unknown, url: string, connectTimeoutMs: number): string {
  const password = /^mongodb(?:\+srv)?:\/\/[^:@/]*:([^@/]*)@/.exec(url)?.[1] ?? '';
  return describeStartupFailure(error, [password, safeDecode(password)], connectTimeoutMs);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface MongoConnectOptions {
  url: string;
  connectTimeoutMs: number;
}

/**
 * Our own connection (not mongoose's global one, which ltijs's bundled mongoose owns).
 * Start-up is bounded by serverSelectionTimeoutMS; later outages fail operations
 * instead of queueing them (bufferCommands off), so requests can answer 503 promptly.
 */
export async function openMongoConnection({
  url,
  connectTimeoutMs,
}: MongoConnectOptions): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: connectTimeoutMs,
    connectTimeoutMS: connectTimeoutMs,
    bufferCommands: false,
    // Indexes are created explicitly before the first request (mongo-storage.ts): the
    // unique ones are what makes the rules hold, they must not be built lazily.
    autoIndex: false,
    autoCreate: false,
  });
  try {
    await connection.asPromise();
    return connection;
  } catch (error) {
    await connection.close(true).catch(() => undefined);
    throw new StartupError(
      `Cannot connect to MongoDB at ${describeMongoServer(url)}: ${describeFailure(error, url, connectTimeoutMs)}`,
      { cause: error },
    );
  }
}
