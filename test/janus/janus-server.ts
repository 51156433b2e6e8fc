import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';

export const JANUS_URL_ENV = 'GUESTLINK_TEST_JANUS_URL';
export const JANUS_ADMIN_KEY_ENV = 'GUESTLINK_TEST_JANUS_ADMIN_KEY';

export interface JanusServer {
  url: string;
  adminKey: string;
  log: string;
  stop(): Promise<void>;
  /** Leaves it running without holding this process open. */
  detach(): void;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/info`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts Debian's Janus the way the Docker image does (docker/janus/entrypoint.sh on the
 * repository's config/janus), with ICE on the test namespace's veth (test/janus/run.sh).
 */
export async function startJanus(adminKey = randomBytes(24).toString('hex')): Promise<JanusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-janus-'));
  const log = path.join(dir, 'janus.log');
  const url = 'http://127.0.0.1:8088/janus';
  const child: ChildProcess = spawn(
    'sh',
    [path.join(PROJECT_ROOT, 'docker', 'janus', 'entrypoint.sh'), `--log-file=${log}`, '--disable-stdout'],
    {
      env: {
        ...process.env,
        JANUS_CONFIG_TEMPLATE: path.join(PROJECT_ROOT, 'config', 'janus'),
        JANUS_CONFIG_DIR: path.join(dir, 'config'),
        JANUS_ADMIN_KEY: adminKey,
        JANUS_ICE_ENFORCE_LIST: 'v0',
        JANUS_RTP_PORT_RANGE: '20000-20400',
      },
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 20_000;
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '';
      throw new Error(`Janus did not start (exit ${child.exitCode}):\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    adminKey,
    log,
    detach: () => child.unref(),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment a test server needs to use the suite's Janus. */
export function janusEnv(): Record<string, string> {
  const url = process.env[JANUS_URL_ENV];
  const adminKey = process.env[JANUS_ADMIN_KEY_ENV];
  if (!url || !adminKey) throw new Error('No Janus for this run: start the suite with npm run test:janus');
  return { ROOM_ENGINE: 'janus', JANUS_URL: url, JANUS_ADMIN_KEY: adminKey };
}
