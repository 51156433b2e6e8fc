const base = require('./jest.e2e.config');

/**
 * The Janus suite (test/janus): the live session through Debian's Janus WebRTC Server, in
 * Chromium. Janus ignores loopback for ICE, so this suite only runs inside the private
 * network namespace that test/janus/run.sh makes (as root) — `npm run test:janus`.
 */
if (!process.env.GUESTLINK_JANUS_NETNS) {
  process.stdout.write(
    'Janus tests skipped: run them with `npm run test:janus` (root, Janus and iproute2).\n',
  );
  process.exit(0);
}

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/janus'],
  testMatch: ['**/*.janus.test.ts'],
  globalSetup: '<rootDir>/test/janus/janus-setup.ts',
  globalTeardown: '<rootDir>/test/janus/janus-teardown.ts',
};
