import type { Config } from '../config';
import type { Logger } from '../logger';
import { openMongoStorage } from './mongo/mongo-storage';
import { openPostgresStorage } from './postgres/postgres-storage';
import type { Storage } from './storage';

export type { Storage } from './storage';

/** Opens the backend the configuration selects. */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  const options = { connectTimeoutMs: config.databaseConnectTimeoutMs, logger };
  if (config.database.kind === 'mongodb') return openMongoStorage(config.database.url, options);
  return openPostgresStorage(config.database, options);
}
