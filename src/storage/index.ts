import type { Config } from '../config';
import type { Logger } from '../logger';
import { openPostgresStorage } from './postgres/postgres-storage';
import type { Storage } from './storage';

export type { Storage } from './storage';

/** Opens the backend the configuration selects. */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  return openPostgresStorage(config.database, { connectTimeoutMs: config.databaseConnectTimeoutMs, logger });
}
