/** Why the database cannot store anything right now, whatever the backend. */
export type StorageFault = 'full' | 'read-only';

/** errno names (Node, PGlite's file system), PostgreSQL SQLSTATEs and MongoDB's code names. */
const FAULT_BY_CODE: ReadonlyMap<string, StorageFault> = new Map([
  ['ENOSPC', 'full'],
  ['EDQUOT', 'full'],
  ['53100', 'full'], // disk_full
  ['OutOfDiskSpace', 'full'],
  ['EROFS', 'read-only'],
  ['25006', 'read-only'], // read_only_sql_transaction
]);

/**
 * The same by message alone: ltijs catches its own database errors and passes on only
 * their message. These are the operating system's and PostgreSQL's own wordings.
 */
const FULL_MESSAGE = /No space left on device|could not extend file|Disk quota exceeded/i;
const READ_ONLY_MESSAGE = /Read-only file system|in a read-only transaction/i;

export function storageFault(error: unknown): StorageFault | null {
  if (!error || typeof error !== 'object') return null;
  const { code, codeName, message } = error as { code?: unknown; codeName?: unknown; message?: unknown };
  for (const key of [code, codeName]) {
    const fault = typeof key === 'string' ? FAULT_BY_CODE.get(key) : undefined;
    if (fault) return fault;
  }
  if (typeof message !== 'string') return null;
  if (FULL_MESSAGE.test(message)) return 'full';
  if (READ_ONLY_MESSAGE.test(message)) return 'read-only';
  return null;
}

/**
 * Remembers the last time a write failed for lack of space or a read-only database, so
 * /readyz can say so: reads (SELECT 1) still succeed on a full disk, so pinging alone
 * reports ready while every write fails. Cheap (no probe writes, which on a full disk
 * may still fit in a page and pass) and self-healing: once writes stop failing for the
 * window, the instance reports ready again.
 */
export class RecentStorageFaults {
  private last: { fault: StorageFault; at: number } | null = null;

  constructor(private readonly windowMs: number) {}

  /** Records the error if it is a storage fault; returns the fault, if any. */
  note(error: unknown): StorageFault | null {
    const fault = storageFault(error);
    if (fault) this.last = { fault, at: Date.now() };
    return fault;
  }

  current(): StorageFault | null {
    if (!this.last || Date.now() - this.last.at > this.windowMs) return null;
    return this.last.fault;
  }
}
