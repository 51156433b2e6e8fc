import type { JWTPayload } from 'jose';
import { SANDBOX_PLATFORM } from '../../../src/sandbox/sample-data';
import { beginLogin, postIdToken, tamperedIdToken } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim';
const OURS = SANDBOX_PLATFORM.clientId;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

async function storedTokenCount(): Promise<number> {
  const [row] = await server.sql.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM lti_documents WHERE collection IN ('idtoken', 'contexttoken')`,
  );
  return row!.count;
}

/** A real sandbox launch whose signed claims are changed first; follows the redirect on success. */
async function launchWith(change: (claims: JWTPayload) => JWTPayload, placement = 'bio-101/live-session') {
  const auth = await beginLogin(server, { placement });
  const posted = await postIdToken(auth, await tamperedIdToken(server, auth, change));
  if (posted.status !== 302) return { status: posted.status, text: posted.text };
  const location = new URL(posted.headers.location!, server.url);
  const page = await auth.agent.get(`${location.pathname}${location.search}`);
  return { status: page.status, text: page.text };
}

describe('the audience of a launch (1EdTech Security Framework §5.1.3)', () => {
  it('refuses several audiences without azp, with 401, storing nothing', async () => {
    const tokens = await storedTokenCount();
    const response = await launchWith((claims) => ({ ...claims, aud: [OURS, 'another-tool'] }));
    expect(response.status).toBe(401);
    expect(response.text).toContain('names several audiences but no authorized party (azp)');
    expect(await storedTokenCount()).toBe(tokens);
  });

  it('refuses several audiences whose azp is another client', async () => {
    const response = await launchWith((claims) => ({
      ...claims,
      aud: [OURS, 'another-tool'],
      azp: 'another-tool',
    }));
    expect(response.status).toBe(401);
    expect(response.text).toContain('another authorized party (azp)');
  });

  it('refuses a single audience with an azp naming another client', async () => {
    const response = await launchWith((claims) => ({ ...claims, azp: 'another-tool' }));
    expect(response.status).toBe(401);
    expect(response.text).toContain('another authorized party (azp)');
  });

  it.each([
    ['several audiences with azp = our client id', { aud: [OURS, 'another-tool'], azp: OURS }],
    ['a one-element audience array without azp', { aud: [OURS] }],
    ['a single audience with azp = our client id', { azp: OURS }],
  ])('accepts %s', async (_name, change) => {
    const response = await launchWith((claims) => ({ ...claims, ...change }));
    expect(response.status).toBe(200);
    expect(response.text).toContain('data-live-stage');
  });
});

describe('the length of what a launch carries', () => {
  it('shortens a 40 KB name and a long course title by code points and stores them shortened', async () => {
    // 199 letters then emoji (two UTF-16 units each): a cut by UTF-16 units would leave half of one.
    const name = `${'N'.repeat(199)}${'😀'.repeat(10_000)}`;
    expect(Buffer.byteLength(name)).toBeGreaterThan(40_000);
    const response = await launchWith(
      (claims) => ({
        ...claims,
        name,
        [`${LTI}/context`]: { ...(claims[`${LTI}/context`] as object), title: 'C'.repeat(2_000) },
        [`${LTI}/resource_link`]: { id: 'long-texts-link', title: `${'T'.repeat(199)}😀😀` },
      }),
      'hist-210/office-hours',
    );
    expect(response.status).toBe(200);
    const [room] = await server.sql.query<{ host_name: string; context_title: string; title: string }>(
      `SELECT host_name, context_title, title FROM rooms WHERE resource_link_id = 'long-texts-link'`,
    );
    expect(room!.host_name).toBe(`${'N'.repeat(199)}😀`);
    expect([...room!.host_name]).toHaveLength(200);
    expect(room!.context_title).toBe('C'.repeat(255));
    expect(room!.title).toBe(`${'T'.repeat(199)}😀`);
    // A lone surrogate would not survive a UTF-8 round trip.
    expect(Buffer.from(room!.title).toString()).toBe(room!.title);
    expect(response.text).toContain(`${'N'.repeat(199)}😀`);
    expect(response.text).not.toContain('😀😀');
  });

  it.each([
    ['sub', (claims: JWTPayload) => ({ ...claims, sub: 'u'.repeat(256) })],
    [
      'resource_link.id',
      (claims: JWTPayload) => ({ ...claims, [`${LTI}/resource_link`]: { id: 'r'.repeat(256), title: 'x' } }),
    ],
    [
      'context.id',
      (claims: JWTPayload) => ({
        ...claims,
        [`${LTI}/context`]: { ...(claims[`${LTI}/context`] as object), id: 'c'.repeat(256) },
      }),
    ],
  ])(
    'refuses an identifier (%s) longer than 255 characters, naming it, storing nothing',
    async (claim, change) => {
      const tokens = await storedTokenCount();
      const response = await launchWith(change);
      expect(response.status).toBe(401);
      expect(response.text).toContain(`${claim} is longer than the 255 characters LTI allows`);
      expect(await storedTokenCount()).toBe(tokens);
    },
  );
});
