/** Secrets and names the test suite shares with its global setup. */
export const TEST_APP_SECRET = 'guestlink-test-secret-0123456789abcdefghijklmnop';
export const PGLITE_SNAPSHOT_ENV = 'GUESTLINK_TEST_PGLITE_SNAPSHOT';
export const PG_TEMPLATE_ENV = 'GUESTLINK_TEST_PG_TEMPLATE';
/** Per run, so two runs on one server (CI and a developer, or parallel worktrees) never drop each other's. */
export const PG_TEMPLATE_DATABASE = `guestlink_test_template_${process.pid}`;

export function testEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    APP_SECRET: TEST_APP_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PLATFORMS_FILE: '/nonexistent/guestlink-test-platforms.json',
    ...overrides,
  };
}

/** The guests' rate limits out of the way, for tests that are not about them. */
export const GENEROUS_GUEST_LIMITS = {
  GUEST_JOINS_PER_IP_PER_MINUTE: '100000',
  GUEST_JOINS_PER_LINK_PER_MINUTE: '100000',
  GUEST_PAGES_PER_IP_PER_MINUTE: '100000',
};
