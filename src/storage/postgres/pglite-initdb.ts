import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const INITDB_TIMEOUT_MS = 120_000;

/**
 * Creates a PGlite data folder in a short-lived child process. PGlite runs initdb in the
 * process that opens a new folder, and that WebAssembly memory stays with the process:
 * measured here, a tool that created its folder itself held about 300 MB more for as
 * long as it ran than one that opened an existing folder.
 */
export async function createPgliteDataDirOutOfProcess(dataDir: string): Promise<void> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const pglite = require.resolve('@electric-sql/pglite');
  const script = `
    const { PGlite } = require(${JSON.stringify(pglite)});
    (async () => {
      const db = new PGlite(${JSON.stringify(dataDir)});
      await db.waitReady;
      await db.close();
    })().catch((error) => { console.error(error && error.message ? error.message : error); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), INITDB_TIMEOUT_MS);
  // Whatever the child's fate, the caller opens the folder next: that succeeds (initdb
  // then runs in this process) or reports the real problem, e.g. a folder it may not write.
  await new Promise<void>((resolve) => {
    child.once('error', () => resolve());
    child.once('exit', () => resolve());
  });
  clearTimeout(timer);
}
