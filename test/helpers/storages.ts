import { postgresStorageOn } from '../../src/storage/postgres/postgres-storage';
import type { Storage } from '../../src/storage';
import { openTestDatabase, SQL_BACKENDS, type SqlBackend } from './databases';

export type StorageBackend = SqlBackend;

/** Every backend this run can test the store contract against. */
export const STORAGE_BACKENDS: StorageBackend[] = [...SQL_BACKENDS];

export interface TestStorage {
  storage: Storage;
  close(): Promise<void>;
}

export async function openTestStorage(backend: StorageBackend): Promise<TestStorage> {
  const database = await openTestDatabase(backend);
  return { storage: postgresStorageOn(database.sql), close: () => database.close() };
}
