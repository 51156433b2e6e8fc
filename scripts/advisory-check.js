'use strict';
/**
 * The dependency advisory check of `npm run lint`: `npm audit --omit=dev` (what ships, not
 * the tools), judged here so that
 * - known advisories fail the step, listing each package and its severity;
 * - a registry that cannot answer audits (some mirrors and proxies answer the bulk
 *   advisory POST with 405; offline machines cannot reach it at all) prints one line,
 *   "advisory check unavailable: …", and does not fail, unless ADVISORY_CHECK_REQUIRED=1
 *   (for a CI that must have the answer).
 * An answer npm gives that is neither a report nor an error is "unavailable" too: the check
 * must not turn lint red for a reason nobody can act on, but it says so.
 */
const { spawnSync } = require('node:child_process');

const AUDIT_ARGS = ['audit', '--omit=dev', '--json'];
const SEVERITIES = ['critical', 'high', 'moderate', 'low', 'info'];

/**
 * @param {string} stdout what `npm audit --json` printed
 * @returns {{ verdict: 'clean' | 'advisories' | 'unavailable', lines: string[] }}
 */
function judgeAudit(stdout) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return unavailable('npm audit gave no JSON report');
  }
  if (!report || typeof report !== 'object') return unavailable('npm audit gave no JSON report');
  const counts = report.metadata && report.metadata.vulnerabilities;
  if (
    counts &&
    typeof counts === 'object' &&
    report.vulnerabilities &&
    typeof report.vulnerabilities === 'object'
  ) {
    const found = Object.entries(report.vulnerabilities);
    if (found.length === 0) {
      const total = report.metadata.dependencies && report.metadata.dependencies.prod;
      return {
        verdict: 'clean',
        lines: [`advisory check: no known advisories (${total ?? '?'} production dependencies)`],
      };
    }
    const summary = SEVERITIES.filter((level) => counts[level] > 0)
      .map((level) => `${counts[level]} ${level}`)
      .join(', ');
    return {
      verdict: 'advisories',
      lines: [
        `advisory check: ${found.length} production dependencies have known advisories (${summary}):`,
        ...found.map(
          ([name, entry]) => `  ${name} (${entry.severity}${entry.fixAvailable ? ', fix available' : ''})`,
        ),
        'Run `npm audit --omit=dev` for details.',
      ],
    };
  }
  const message =
    typeof report.message === 'string' && report.message
      ? report.message
      : report.error && typeof report.error.summary === 'string' && report.error.summary
        ? report.error.summary
        : 'npm audit gave neither a report nor an error';
  return unavailable(message);
}

function unavailable(reason) {
  return { verdict: 'unavailable', lines: [`advisory check unavailable: ${reason}`] };
}

/** Exit code for a verdict: advisories fail; unavailable fails only when required. */
function exitCodeFor(verdict, required) {
  if (verdict === 'advisories') return 1;
  if (verdict === 'unavailable' && required) return 1;
  return 0;
}

function main() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const audit = spawnSync(npm, AUDIT_ARGS, { encoding: 'utf8', timeout: 120_000 });
  const { verdict, lines } = audit.error ? unavailable(audit.error.message) : judgeAudit(audit.stdout);
  const out = verdict === 'clean' ? process.stdout : process.stderr;
  out.write(`${lines.join('\n')}\n`);
  process.exit(exitCodeFor(verdict, process.env.ADVISORY_CHECK_REQUIRED === '1'));
}

module.exports = { judgeAudit, exitCodeFor };

if (require.main === module) main();
