import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPgliteClient } from '../../../src/storage/postgres/pglite-client';
import { exitWithin, spawnServer } from '../../helpers/spawned-server';
import { freePort } from '../../helpers/throwaway-postgres';
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../../helpers/small-disk';

/** A failed start must end the process; a hang counts as a failure. */
const EXIT_TIMEOUT_MS = 90_000;

/** Starts the real server (src/server.ts) on dataDir and returns what it printed to stderr. */
async function failedStartMessage(dataDir: string): Promise<string> {
  const server = spawnServer({ DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1' });
  try {
    expect(await exitWithin(server, EXIT_TIMEOUT_MS)).toBe(1);
  } finally {
    await server.kill();
  }
  return server.stderr();
}

function expectOneClearMessage(stderr: string, dataDir: string): void {
  expect(stderr.startsWith('Guestlink cannot start.\n')).toBe(true);
  expect(stderr).toContain(`DATA_DIR (${dataDir})`);
  // One message, not a stack trace or an unprinted object.
  expect(stderr).not.toMatch(/\[object Object\]|\n\s+at /);
}

const noSmallDisk = smallDiskUnavailable();
const describeWithSmallDisk = noSmallDisk ? describe.skip : describe;

describeWithSmallDisk(`start-up on a bad data disk${noSmallDisk ? ` (skipped: ${noSmallDisk})` : ''}`, () => {
  let disk: SmallDisk;

  afterEach(() => disk?.destroy());

  it('names DATA_DIR, "no space left" and what to do when the disk is full', async () => {
    disk = mountSmallDisk(8);
    const dataDir = path.join(disk.dir, 'data');
    fs.mkdirSync(dataDir);
    disk.fill();
    const stderr = await failedStartMessage(dataDir);
    expectOneClearMessage(stderr, dataDir);
    expect(stderr).toMatch(/No space left/);
    expect(stderr).toMatch(/Free some space/);
  }, 120_000);

  it('names DATA_DIR, "read-only" and what to do when the disk is read-only', async () => {
    disk = mountSmallDisk(8);
    const dataDir = path.join(disk.dir, 'data');
    fs.mkdirSync(dataDir);
    disk.remount('ro');
    const stderr = await failedStartMessage(dataDir);
    expectOneClearMessage(stderr, dataDir);
    expect(stderr).toMatch(/read-only/);
    expect(stderr).toMatch(/Make it writable/);
  }, 120_000);
});

describe('start-up on a damaged PGlite folder', () => {
  let dataDir: string;

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('names DATA_DIR, says the data looks damaged, and suggests a backup or moving it aside', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-damaged-'));
    const pgliteDir = path.join(dataDir, 'pglite');
    await (await openPgliteClient(pgliteDir)).close();
    // Garbage over the control file and the catalog: what a bad copy or a failing disk leaves.
    const garbage = Buffer.alloc(8192, 0x5a);
    fs.writeFileSync(path.join(pgliteDir, 'global', 'pg_control'), garbage);
    for (const database of fs.readdirSync(path.join(pgliteDir, 'base'))) {
      const folder = path.join(pgliteDir, 'base', database);
      for (const file of fs.readdirSync(folder).slice(0, 50))
        fs.writeFileSync(path.join(folder, file), garbage);
    }
    const stderr = await failedStartMessage(dataDir);
    expectOneClearMessage(stderr, dataDir);
    expect(stderr).toMatch(/looks damaged/);
    expect(stderr).toMatch(/Restore the folder from a backup, or move it aside/);
    // Nothing was deleted for the user.
    expect(fs.existsSync(path.join(pgliteDir, 'PG_VERSION'))).toBe(true);
  }, 180_000);
});
