import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { storageFault } from '../../faults/storage-faults';

/** Below this much free space PGlite cannot start (it writes WAL segments of 16 MB). */
const MIN_FREE_BYTES = 16 * 1024 * 1024;
const PROBE_BYTES = 64 * 1024;

type FolderProblem = 'full' | 'read-only' | 'not-writable' | null;

function nearestExisting(folder: string): string {
  let current = folder;
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** Finds out what the folder's file system says, by asking it and by writing a small file. */
function folderProblem(folder: string): FolderProblem {
  const existing = nearestExisting(folder);
  const probe = path.join(existing, `.guestlink-write-check-${process.pid}`);
  try {
    fs.writeFileSync(probe, Buffer.alloc(PROBE_BYTES));
  } catch (error) {
    const fault = storageFault(error);
    if (fault) return fault;
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'not-writable' : null;
  } finally {
    fs.rmSync(probe, { force: true });
  }
  const stats = fs.statfsSync(existing);
  return stats.bavail * stats.bsize < MIN_FREE_BYTES ? 'full' : null;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return inspect(error, { depth: 2, breakLength: Infinity });
}

/**
 * Why PGlite cannot use its folder's disk, checked before opening it: PGlite creating a
 * folder on a full disk stalls (its initdb child runs into its timeout) before failing.
 */
export function pgliteDiskProblem(pgliteDir: string): string | null {
  return diskMessage(pgliteDir, folderProblem(pgliteDir));
}

/** The message for a disk problem PGlite's folder has, or null when it has none. */
function diskMessage(pgliteDir: string, problem: FolderProblem): string | null {
  const where = `DATA_DIR (${path.dirname(pgliteDir)}), PGlite folder ${pgliteDir}`;
  switch (problem) {
    case 'full':
      return `No space left on the disk of ${where}. Free some space on that disk (or point DATA_DIR at a larger one), then start Guestlink again.`;
    case 'read-only':
      return `The disk of ${where} is read-only. Make it writable (e.g. remount it read-write, or point DATA_DIR at a writable folder), then start Guestlink again.`;
    case 'not-writable':
      return `This user may not write to ${where}. Give it write permission there (or point DATA_DIR at a folder it may write), then start Guestlink again.`;
    default:
      return null;
  }
}

/**
 * One plain message for PGlite failing to open its folder: PGlite itself says "[object
 * Object]", "failed to initialize properly" or "RuntimeError: Aborted()". Names DATA_DIR,
 * the cause, and what to do; it never suggests deleting data.
 */
export function explainPgliteStartFailure(pgliteDir: string, error: unknown): string {
  const disk = diskMessage(pgliteDir, folderProblem(pgliteDir));
  if (disk) return disk;
  const where = `DATA_DIR (${path.dirname(pgliteDir)}), PGlite folder ${pgliteDir}`;
  if (fs.existsSync(path.join(pgliteDir, 'PG_VERSION'))) {
    return `The database in ${where} looks damaged: PGlite could not open it (${describeError(error)}). Restore the folder from a backup, or move it aside (e.g. mv "${pgliteDir}" "${pgliteDir}.damaged") to start with an empty database; Guestlink never deletes it for you.`;
  }
  return `PGlite could not create its database in ${where}: ${describeError(error)}`;
}
