/** Secrets and names the test suite shares with its global setup. */
export const TEST_APP_SECRET = 'guestlink-test-secret-0123456789abcdefghijklmnop';
export const PGLITE_SNAPSHOT_ENV = 'GUESTLINK_TEST_PGLITE_SNAPSHOT';
export const PG_TEMPLATE_ENV = 'GUESTLINK_TEST_PG_TEMPLATE';
export const PG_TEMPLATE_DATABASE = 'guestlink_test_template';

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
