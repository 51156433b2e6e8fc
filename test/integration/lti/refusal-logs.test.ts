import pino from 'pino';
import request from 'supertest';
import { platformIdFor } from '../../../src/platforms/platform';
import { SANDBOX_PLATFORM } from '../../../src/sandbox/sample-data';
import { beginLogin, postIdToken, sandboxIdToken, type AuthRequest } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * An administrator at LOG_LEVEL=info sees every refused launch: one warn line with the
 * reason and the ids, and never a token (id_token, state, nonce, hints, ltik) anywhere.
 */

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const WARN = 40;
const lines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  const capture = { write: (line: string) => void lines.push(line) };
  server = await startTestServer({ env: { LOG_LEVEL: 'info' }, logger: pino({ level: 'info' }, capture) });
});

afterAll(async () => {
  await server.close();
});

/** The warn lines about refusals written while `act` ran. */
async function refusalsDuring(act: () => Promise<unknown>): Promise<LogLine[]> {
  const before = lines.length;
  await act();
  return lines
    .slice(before)
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.level === WARN && line.msg.startsWith('Launch refused'));
}

/** Every secret a login and launch carried: none may appear in the log. */
const secrets = new Set<string>();

function remember(auth: AuthRequest, idToken?: string): void {
  secrets.add(auth.state);
  secrets.add(auth.nonce);
  secrets.add(auth.url.searchParams.get('login_hint')!);
  secrets.add(auth.url.searchParams.get('lti_message_hint')!);
  if (idToken) {
    secrets.add(idToken);
    // The signature alone would let no one in, but it is the token's tail: not logged either.
    secrets.add(idToken.split('.')[2]!);
  }
}

const SANDBOX_IDS = {
  issuer: SANDBOX_PLATFORM.issuer,
  clientId: SANDBOX_PLATFORM.clientId,
  platformId: platformIdFor(SANDBOX_PLATFORM.issuer, SANDBOX_PLATFORM.clientId),
};

describe('refused launches in the log', () => {
  it('logs an unregistered deployment at login with the ids received', async () => {
    const refusals = await refusalsDuring(async () => {
      const agent = request.agent(server.url);
      const toLogin = await agent.get(
        '/sandbox/launch?user=instructor&placement=bio-101/live-session&deployment=unregistered',
      );
      const loginUrl = new URL(toLogin.headers.location!);
      secrets.add(loginUrl.searchParams.get('lti_message_hint')!);
      await agent.get(`${loginUrl.pathname}${loginUrl.search}`).expect(403);
    });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      code: 'DEPLOYMENT_NOT_REGISTERED',
      status: 403,
      route: '/lti/login',
      ...SANDBOX_IDS,
      deploymentId: SANDBOX_PLATFORM.unregisteredDeploymentId,
      msg: `Launch refused: This deployment of ${SANDBOX_PLATFORM.name} is not registered with Guestlink.`,
    });
  });

  it('logs a tampered token with ltijs’s reason and the ids it claimed', async () => {
    const auth = await beginLogin(server);
    const genuine = await sandboxIdToken(auth);
    const [header, payload, signature] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = [
      header,
      Buffer.from(JSON.stringify({ ...claims, name: 'Mallory' })).toString('base64url'),
      signature,
    ].join('.');
    remember(auth, genuine);
    secrets.add(tampered);
    const refusals = await refusalsDuring(() => postIdToken(auth, tampered).expect(401));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      code: 'LAUNCH_REFUSED',
      route: '/lti/launch',
      ...SANDBOX_IDS,
      deploymentId: SANDBOX_PLATFORM.deploymentId,
      messageType: 'LtiResourceLinkRequest',
      msg: 'Launch refused: The launch was not signed by the registered platform.',
    });
    expect(refusals[0]!.ltijsCode).toEqual(expect.any(String));
  });

  it('logs a replayed state', async () => {
    const auth = await beginLogin(server);
    const idToken = await sandboxIdToken(auth);
    remember(auth, idToken);
    await postIdToken(auth, idToken).expect(200);
    const refusals = await refusalsDuring(() => postIdToken(auth, idToken).expect(401));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      code: 'LAUNCH_REFUSED',
      route: '/lti/launch',
      ...SANDBOX_IDS,
      deploymentId: SANDBOX_PLATFORM.deploymentId,
    });
    expect(refusals[0]!.msg).toContain('already been used');
  });

  it('logs a login request missing its parameters', async () => {
    const query = new URLSearchParams({
      iss: SANDBOX_PLATFORM.issuer,
      client_id: SANDBOX_PLATFORM.clientId,
      lti_message_hint: 'secret-message-hint-0001',
    });
    secrets.add('secret-message-hint-0001');
    const refusals = await refusalsDuring(() => request(server.url).get(`/lti/login?${query}`).expect(400));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      code: 'MISSING_LOGIN_PARAMETERS',
      status: 400,
      route: '/lti/login',
      ...SANDBOX_IDS,
    });
  });

  it('wrote no token, state, nonce or hint anywhere in the log', () => {
    const log = lines.join('\n');
    expect(secrets.size).toBeGreaterThan(8);
    for (const secret of secrets) expect(log).not.toContain(secret);
    // The request lines are still there, with the parameters' names.
    expect(log).toContain('/lti/login?');
    expect(log).toMatch(/lti_message_hint=…/);
  });
});
