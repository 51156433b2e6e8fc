import globalSetup from '../helpers/global-setup';
import { JANUS_ADMIN_KEY_ENV, JANUS_URL_ENV, startJanus, type JanusServer } from './janus-server';

/** The suite's Janus, for the teardown (global setup and teardown share this process). */
export const running: { janus: JanusServer | null } = (
  globalThis as { guestlinkJanus?: { janus: JanusServer | null } }
).guestlinkJanus ?? { janus: null };
(globalThis as { guestlinkJanus?: typeof running }).guestlinkJanus = running;

export default async function janusSetup(): Promise<void> {
  // The suite runs in a private network namespace: nothing outside it (PostgreSQL) is reachable.
  delete process.env.TEST_DATABASE_URL;
  await globalSetup();
  running.janus = await startJanus();
  process.env[JANUS_URL_ENV] = running.janus.url;
  process.env[JANUS_ADMIN_KEY_ENV] = running.janus.adminKey;
}
