import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { judgeAudit, exitCodeFor } = require('../../../scripts/advisory-check.js') as {
  judgeAudit: (stdout: string) => { verdict: string; lines: string[] };
  exitCodeFor: (verdict: string, required: boolean) => number;
};

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'advisory-check.js');

/** What npm 11 printed here on 2026-11-29: the registry refuses the bulk advisory POST. */
const RECORDED_405 = JSON.stringify({
  message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  method: 'POST',
  uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  headers: { allow: ['GET,HEAD'], 'content-length': ['0'] },
  statusCode: 405,
  body: '',
  error: { summary: '', detail: '' },
});

/** A registry for `npm audit` alone: answers the bulk advisory endpoint as told. */
async function fakeRegistry(answer: { status: number; body: unknown }): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/-/npm/v1/security/advisories/bulk') {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(answer.status === 200 ? JSON.stringify(answer.body) : '');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Runs the lint step's check against a registry, as `npm run lint` does. */
function runCheck(registry: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [SCRIPT], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, npm_config_registry: registry, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the advisory check of the lint step', () => {
  it('reads the recorded 405 as unavailable: one line, lint stays green unless required', () => {
    const judged = judgeAudit(RECORDED_405);
    expect(judged).toEqual({
      verdict: 'unavailable',
      lines: [
        'advisory check unavailable: 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      ],
    });
    expect(exitCodeFor(judged.verdict, false)).toBe(0);
    expect(exitCodeFor(judged.verdict, true)).toBe(1);
    expect(judgeAudit('npm ERR! something').verdict).toBe('unavailable');
  });

  it('fails on a real advisory for a production dependency, naming it', async () => {
    const registry = await fakeRegistry({
      status: 200,
      body: {
        ltijs: [
          {
            id: 1099999,
            url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
            title: 'A made-up advisory for this test',
            severity: 'high',
            vulnerable_versions: '<=5.9.9',
            cwe: ['CWE-20'],
            cvss: { score: 7.5, vectorString: null },
          },
        ],
      },
    });
    try {
      const { code, output } = await runCheck(
        `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`,
      );
      expect(output).toContain('production dependencies have known advisories');
      expect(output).toMatch(/ {2}ltijs \(high/);
      expect(code).toBe(1);
    } finally {
      registry.close();
    }
  });

  it('passes a registry that knows no advisories', async () => {
    const registry = await fakeRegistry({ status: 200, body: {} });
    try {
      const { code, output } = await runCheck(
        `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`,
      );
      expect(output).toMatch(/^advisory check: no known advisories \(\d+ production dependencies\)/);
      expect(code).toBe(0);
    } finally {
      registry.close();
    }
  });

  it('says in one line that the check is unavailable when the registry refuses, and passes', async () => {
    const registry = await fakeRegistry({ status: 405, body: null });
    try {
      const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
      const { code, output } = await runCheck(url);
      expect(output.trim().split('\n')).toEqual([
        `advisory check unavailable: 405 Method Not Allowed - POST ${url}-/npm/v1/security/advisories/bulk`,
      ]);
      expect(code).toBe(0);
      expect((await runCheck(url, { ADVISORY_CHECK_REQUIRED: '1' })).code).toBe(1);
    } finally {
      registry.close();
    }
  });
});
