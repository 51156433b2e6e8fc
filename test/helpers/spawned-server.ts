import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testEnv } from './constants';

const SERVER_SOURCE = path.resolve(__dirname, '../../src/server.ts');

/**
 * Runs src/server.ts in a child process, as `npm start` would, compiling TypeScript on
 * load with the compiler's transpileModule (no type check, no build output on disk).
 */
const LOADER = `
const ts = require(${JSON.stringify(require.resolve('typescript'))});
const fs = require('node:fs');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
  });
  module._compile(outputText, filename);
};
require(${JSON.stringify(SERVER_SOURCE)});`;

export interface SpawnedServer {
  child: ChildProcess;
  /** Everything written to stderr so far (when stderr is captured). */
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGKILL if still running; waits for the exit. */
  kill(): Promise<void>;
}

export function spawnServer(
  env: Record<string, string>,
  output: { stdoutFile?: string; stderrFile?: string } = {},
): SpawnedServer {
  const stdoutFd = output.stdoutFile ? fs.openSync(output.stdoutFile, 'w') : 'ignore';
  const stderrFd = output.stderrFile ? fs.openSync(output.stderrFile, 'w') : 'pipe';
  const child = spawn(process.execPath, ['-e', LOADER], {
    env: { PATH: process.env.PATH ?? '', ...testEnv(env) } as NodeJS.ProcessEnv,
    stdio: ['ignore', stdoutFd, stderrFd],
  });
  for (const fd of [stdoutFd, stderrFd]) if (typeof fd === 'number') fs.closeSync(fd);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits for the server's exit, failing after timeoutMs (a hang is a failure too). */
export async function exitWithin(server: SpawnedServer, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), timeoutMs)));
  const result = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  if (result === 'hung') throw new Error(`The server did not exit within ${timeoutMs} ms`);
  return result;
}
