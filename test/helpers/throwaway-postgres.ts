import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's server binaries; POSTGRES_BIN points elsewhere on other systems. */
const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
/** The shared server the rest of the suite may use: a throwaway cluster never takes its port. */
const SHARED_PORT = 5432;
/** initdb refuses to run as root; as root the cluster runs as this OS user. */
const CLUSTER_USER = 'postgres';

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function clusterUserIds(): { uid: number; gid: number } | null {
  try {
    const line = fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${CLUSTER_USER}:`));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/** Why a throwaway cluster cannot run here, or null when it can. */
export function throwawayPostgresUnavailable(): string | null {
  for (const binary of ['initdb', 'pg_ctl']) {
    if (!fs.existsSync(path.join(POSTGRES_BIN, binary)))
      return `no PostgreSQL server binaries in ${POSTGRES_BIN} (set POSTGRES_BIN)`;
  }
  if (isRoot() && !clusterUserIds()) return `running as root without a "${CLUSTER_USER}" OS user`;
  if (isRoot() && !fs.existsSync('/usr/sbin/runuser') && !fs.existsSync('/sbin/runuser'))
    return 'running as root without runuser';
  return null;
}

/** A TCP port nothing listens on right now (and never the shared server's). */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (port !== SHARED_PORT) return port;
  }
}

async function asClusterUser(binary: string, args: string[]): Promise<void> {
  const file = path.join(POSTGRES_BIN, binary);
  try {
    if (isRoot()) await run('runuser', ['-u', CLUSTER_USER, '--', file, ...args]);
    else await run(file, args);
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(' ')} failed:\n${stderr || stdout || String(error)}`);
  }
}

export interface ThrowawayPostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication, no password). */
  url: string;
  /** Starts the server again after stop(); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server the way an operator would (`pg_ctl stop -m fast`): sessions are terminated. */
  stop(): Promise<void>;
  /** Stops the server if it runs and deletes the cluster. */
  destroy(): Promise<void>;
}

/**
 * Creates a PostgreSQL cluster of its own in a temporary directory and starts it on a
 * free loopback port, so a test can stop and restart "the database" without touching
 * the shared server on 5432. Its socket lives in the same directory, not /var/run.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const reason = throwawayPostgresUnavailable();
  if (reason) throw new Error(`Cannot create a throwaway PostgreSQL cluster: ${reason}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-throwaway-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const ids = isRoot() ? clusterUserIds() : null;
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
  const port = await freePort();

  const start = async () => {
    await asClusterUser('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      logFile,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      '-w',
      '-t',
      '30',
      'start',
    ]);
  };
  const stop = async () => {
    await asClusterUser('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  };

  try {
    await asClusterUser('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '--no-instructions',
      '-E',
      'UTF8',
    ]);
    await start();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      // Fails harmlessly when the server is already down.
      await asClusterUser('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
