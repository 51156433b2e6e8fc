import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { SANDBOX_PLATFORM } from '../../../src/sandbox/sample-data';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../../helpers/databases';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer } from '../../helpers/test-server';

async function launchTwice(env: Record<string, string>) {
  const first = await startTestServer({ configuredStorage: true, env });
  const before = await sandboxLaunch(first, { placement: 'hist-210/office-hours' });
  const keysBefore = (await request(first.url).get('/lti/keys')).body.keys.map(
    (key: { kid: string }) => key.kid,
  );
  await first.close();

  const second = await startTestServer({ configuredStorage: true, env });
  try {
    const after = await sandboxLaunch(second, { placement: 'hist-210/office-hours' });
    const keysAfter = (await request(second.url).get('/lti/keys')).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
    return { before, after, keysBefore, keysAfter };
  } finally {
    await second.close();
  }
}

describe('restarting the tool', () => {
  it('keeps rooms and registrations in the PGlite folder under DATA_DIR', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-restart-'));
    try {
      const { before, after, keysBefore, keysAfter } = await launchTwice({ DATA_DIR: dataDir });
      expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      expect(after.roomId).toBe(before.roomId);
      expect(keysAfter).toEqual(keysBefore);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  (TEST_DATABASE_URL ? it : it.skip)('keeps rooms and registrations in PostgreSQL', async () => {
    const database = await createPostgresDatabase();
    try {
      const { before, after, keysBefore, keysAfter } = await launchTwice({ DATABASE_URL: database.url });
      expect(after.roomId).toBe(before.roomId);
      expect(keysAfter).toEqual(keysBefore);
    } finally {
      await database.drop();
    }
  });
});

describe('served over HTTPS (PUBLIC_URL https://…)', () => {
  it('sets SameSite=None; Secure cookies so they survive the Blackboard frame', async () => {
    const server = await startTestServer({ env: { PUBLIC_URL: 'https://guestlink.example.edu' } });
    try {
      const response = await request(
        server.url.replace('https://guestlink.example.edu', `http://127.0.0.1:${server.config.port}`),
      )
        .get('/lti/login')
        .query({
          iss: SANDBOX_PLATFORM.issuer,
          client_id: SANDBOX_PLATFORM.clientId,
          login_hint: 'someone',
          target_link_uri: 'https://guestlink.example.edu/lti/launch',
        });
      expect(response.status).toBe(302);
      const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
      expect(cookies.length).toBeGreaterThan(0);
      for (const cookie of cookies) {
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).toMatch(/SameSite=None/);
        expect(cookie).toMatch(/HttpOnly/);
      }
      expect(response.headers['strict-transport-security']).toBeDefined();
    } finally {
      await server.close();
    }
  });
});
