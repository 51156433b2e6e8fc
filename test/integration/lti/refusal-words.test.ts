import request from 'supertest';
import { SANDBOX_PLATFORM } from '../../../src/sandbox/sample-data';
import { beginLogin, postIdToken, tamperedIdToken } from '../../helpers/lti-launch';
import { CANVAS, MOODLE, NO_PRESET } from '../../helpers/lms-registrations';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * Refusal pages name the platform the launch came from, in that LMS's words, and show the
 * administrator the issuer, client id and deployment id as received, as text.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ platforms: [MOODLE, CANVAS, NO_PRESET] });
});

afterAll(async () => {
  await server.close();
});

function login(params: Record<string, string>, agent = request.agent(server.url)) {
  const query = new URLSearchParams({
    login_hint: 'user-1',
    target_link_uri: `${server.url}/lti/launch`,
    lti_message_hint: 'hint-1',
    ...params,
  });
  return agent.get(`/lti/login?${query}`);
}

/** The definition list of what was received, as the admin reads it. */
function receivedList(html: string): Record<string, string> {
  const list = /<dl class="facts">([\s\S]*?)<\/dl>/.exec(html)?.[1] ?? '';
  return Object.fromEntries(
    [...list.matchAll(/<dt>([^<]*)<\/dt><dd><code>([^<]*)<\/code><\/dd>/g)].map((match) => [
      match[1],
      match[2],
    ]),
  );
}

describe('the deployment refusal', () => {
  it('names Moodle, says where Moodle shows the deployment id, and lists what was received', async () => {
    const response = await login({ iss: MOODLE.issuer, client_id: MOODLE.clientId, lti_deployment_id: '9' });
    expect(response.status).toBe(403);
    expect(response.text).toContain('This deployment of Moodle is not registered with Guestlink.');
    expect(response.text).toContain('your Moodle administrator');
    expect(response.text).toContain(
      'Site administration → Plugins → Activity modules → External tool → Manage tools',
    );
    expect(response.text).not.toContain('Blackboard');
    expect(receivedList(response.text)).toEqual({
      Issuer: MOODLE.issuer,
      'Client ID': MOODLE.clientId,
      'Deployment ID': '9',
    });
  });

  it('names Canvas and its Apps settings', async () => {
    const response = await login({
      iss: CANVAS.issuer,
      client_id: CANVAS.clientId,
      lti_deployment_id: '13:def',
    });
    expect(response.status).toBe(403);
    expect(response.text).toContain('This deployment of Canvas is not registered with Guestlink.');
    expect(response.text).toContain('Settings → Apps → View App Configurations');
    expect(response.text).not.toMatch(/Blackboard|Moodle/);
    expect(receivedList(response.text)['Deployment ID']).toBe('13:def');
  });

  it('uses neutral words for a registration without a preset', async () => {
    const response = await login({
      iss: NO_PRESET.issuer,
      client_id: NO_PRESET.clientId,
      lti_deployment_id: 'x9',
    });
    expect(response.status).toBe(403);
    expect(response.text).toContain('This deployment of Example LMS is not registered with Guestlink.');
    expect(response.text).toContain('Your LMS shows the deployment id where its administrator registered');
    expect(response.text).not.toMatch(/Blackboard|Moodle|Canvas/);
  });

  it('shows a hostile deployment id as text, shortened', async () => {
    const hostile = `"><script>alert(1)</script>${'x'.repeat(1000)}`;
    const response = await login({
      iss: MOODLE.issuer,
      client_id: MOODLE.clientId,
      lti_deployment_id: hostile,
    });
    expect(response.status).toBe(403);
    expect(response.text).not.toContain('<script>alert(1)');
    const shown = receivedList(response.text)['Deployment ID']!;
    expect(shown.startsWith('&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;')).toBe(true);
    expect(shown.endsWith('x…')).toBe(true);
    expect(shown.length).toBeLessThan(300);
  });

  it('at the launch, takes the ids from the id_token and the words from the registration', async () => {
    // A login for the Moodle registration, then an id_token naming a deployment it does not list.
    const agent = request.agent(server.url);
    const toMoodle = await login({ iss: MOODLE.issuer, client_id: MOODLE.clientId }, agent);
    expect(toMoodle.status).toBe(302);
    const authRequest = new URL(toMoodle.headers.location!);
    const idToken = await server.runtime.sandbox!.signIdToken({
      iss: MOODLE.issuer,
      aud: MOODLE.clientId,
      sub: 'user-1',
      nonce: authRequest.searchParams.get('nonce')!,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 60,
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': '<b>7</b>',
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
      'https://purl.imsglobal.org/spec/lti/claim/tool_platform': { product_family_code: 'canvas' },
    });
    const response = await agent
      .post('/lti/launch')
      .type('form')
      .send({ id_token: idToken, state: authRequest.searchParams.get('state')! });
    expect(response.status).toBe(403);
    // The preset wins over what the token claims.
    expect(response.text).toContain('This deployment of Moodle is not registered with Guestlink.');
    expect(response.text).toContain('Manage tools');
    expect(receivedList(response.text)).toEqual({
      Issuer: MOODLE.issuer,
      'Client ID': MOODLE.clientId,
      'Deployment ID': '&lt;b&gt;7&lt;/b&gt;',
    });
  });

  it('without a preset, words a launch by its signed product family (the sandbox says BlackboardLearn)', async () => {
    const auth = await beginLogin(server);
    const idToken = await tamperedIdToken(server, auth, (claims) => ({
      ...claims,
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': SANDBOX_PLATFORM.unregisteredDeploymentId,
    }));
    const response = await postIdToken(auth, idToken);
    expect(response.status).toBe(403);
    expect(response.text).toContain(`This deployment of ${SANDBOX_PLATFORM.name} is not registered`);
    expect(response.text).toContain('LTI Tool Providers');
    expect(receivedList(response.text)['Deployment ID']).toBe(SANDBOX_PLATFORM.unregisteredDeploymentId);
  });

  it('answers JSON clients with the code, without the page', async () => {
    const response = await login({
      iss: MOODLE.issuer,
      client_id: MOODLE.clientId,
      lti_deployment_id: '9',
    }).set('Accept', 'application/json');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('DEPLOYMENT_NOT_REGISTERED');
  });
});

describe('the platform refusal', () => {
  it('shows an unregistered issuer and client id in neutral words', async () => {
    const response = await login({
      iss: 'https://unknown-lms.example.org',
      client_id: '<i>c</i>',
      lti_deployment_id: 'd-1',
    });
    expect(response.status).toBe(401);
    expect(response.text).toContain('Platform not registered');
    expect(response.text).toContain('Ask your LMS administrator');
    expect(response.text).not.toMatch(/Blackboard|Moodle|Canvas/);
    expect(receivedList(response.text)).toEqual({
      Issuer: 'https://unknown-lms.example.org',
      'Client ID': '&lt;i&gt;c&lt;/i&gt;',
      'Deployment ID': 'd-1',
    });
  });
});

describe('pages without a launch', () => {
  it('the home page names no single LMS', async () => {
    const response = await request(server.url).get('/').expect(200);
    expect(response.text).toContain('Blackboard Learn, Moodle, Canvas');
    expect(response.text).not.toContain('launched from your course in Blackboard Learn.');
    // Each address under the names Moodle and Canvas give its field.
    expect(response.text).toContain('Moodle: Initiate login URL · Canvas: OpenID Connect Initiation Url');
  });
});
