const fs = require('node:fs');
const base = require('./jest.config');

/**
 * The browser end-to-end suite (test/e2e): Debian's Chromium driven by playwright-core
 * against the real tool. On a machine without Chromium it skips with one line, so
 * `npm test` still passes where only Node is installed; .ci/run installs Chromium first.
 */
const chromium = process.env.E2E_CHROMIUM_PATH || '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  process.stdout.write(
    `E2E browser tests skipped: ${chromium} is not installed (apt-get install chromium to run them).\n`,
  );
  process.exit(0);
}

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
  // One browser at a time: this suite runs on small CI machines.
  maxWorkers: 1,
};
