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
  // Whatever goes wrong here, the caller opens the folder next: initdb then runs in this
  // process, or PGlite reports the real problem (e.g. a folder it may not write).
  try {
    await createInChild(dataDir);
  } catch {
    // reported by PGlite when the folder is opened
  }
}

async function createInChild(dataDir: string): Promise<void> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  // Only into a missing or empty folder; anything else is for PGlite itself to report.
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) return;
  // Built beside the folder and moved into place whole: a child stopped half-way leaves
  // no half-made folder that would later be opened as if it were complete.
  const building = `${dataDir}.initdb-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const pglite = require.resolve('@electric-sql/pglite');
  const script = `
    const { PGlite } = require(${JSON.stringify(pglite)});
    (async () => {
      const db = new PGlite(${JSON.stringify(building)});
      await db.waitReady;
      await db.close();
    })().catch(() => process.exit(1));`;
  try {
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), INITDB_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(null));
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    clearTimeout(timer);
    if (code === 0 && fs.existsSync(path.join(building, 'PG_VERSION'))) {
      if (fs.existsSync(dataDir)) fs.rmdirSync(dataDir);
      fs.renameSync(building, dataDir);
    }
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
}
