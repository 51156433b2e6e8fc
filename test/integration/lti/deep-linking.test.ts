import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { SANDBOX_PLATFORM, SANDBOX_USERS } from '../../../src/sandbox/sample-data';
import { hiddenField, sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

const LTI = 'https://purl.imsglobal.org/spec/lti/claim';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim';
const instructor = SANDBOX_USERS.find((user) => user.key === 'instructor')!;

async function pickerFor(user: 'instructor' | 'student' = 'instructor') {
  return sandboxLaunch(server, { user, placement: 'hist-210/deep-linking' });
}

describe('Deep Linking', () => {
  it('shows instructors a room picker', async () => {
    const picker = await pickerFor();
    expect(picker.status).toBe(200);
    expect(picker.html).toContain('Add a live room to Modern European History');
    expect(picker.html).toContain('name="ltik"');
  });

  it('answers with a signed response that carries sub = client id, as Blackboard requires', async () => {
    const picker = await pickerFor();
    const answer = await picker.agent
      .post('/lti/deep-linking')
      // The picker's own form: same-origin (src/lti/ltik-transport.ts).
      .set('Origin', server.url)
      .type('form')
      .send({ ltik: picker.ltik, title: 'Guest lecture', roomType: 'room' });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(`action="${server.url}/sandbox/deep-linking/return"`);
    const jwt = hiddenField(answer.text, 'JWT');

    const keys = createRemoteJWKSet(new URL(`${server.url}/lti/keys`));
    const { payload, protectedHeader } = await jwtVerify(jwt, keys, {
      issuer: SANDBOX_PLATFORM.clientId,
      audience: SANDBOX_PLATFORM.issuer,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(SANDBOX_PLATFORM.clientId);
    expect(payload[`${LTI}/message_type`]).toBe('LtiDeepLinkingResponse');
    expect(payload[`${LTI}/version`]).toBe('1.3.0');
    expect(payload[`${LTI}/deployment_id`]).toBe(SANDBOX_PLATFORM.deploymentId);
    expect(typeof payload[`${DL}/data`]).toBe('string');
    expect(payload[`${DL}/content_items`]).toEqual([
      {
        type: 'ltiResourceLink',
        title: 'Guest lecture',
        url: `${server.url}/lti/launch`,
        custom: { guestlink_host: expect.stringMatching(new RegExp(`^v1\\.${instructor.id}\\.`)) },
      },
    ]);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(300);
  });

  it('creates the placed room on its first launch, with the placer as host', async () => {
    const picker = await pickerFor();
    const answer = await picker.agent
      .post('/lti/deep-linking')
      .set('Origin', server.url)
      .type('form')
      .send({ ltik: picker.ltik, title: 'Visiting speaker series', roomType: 'room' });
    const added = await picker.agent
      .post('/sandbox/deep-linking/return')
      .type('form')
      .send({ JWT: hiddenField(answer.text, 'JWT') });
    expect(added.status).toBe(200);
    expect(added.text).toContain('Visiting speaker series');
    const launchHref = /href="(\/sandbox\/launch\?[^"]+)"/.exec(added.text)![1]!.replace(/&amp;/g, '&');

    // A student happens to open it first; the placer still owns the room.
    const query = new URL(launchHref, server.url).searchParams;
    const studentQuery = new URLSearchParams(query);
    studentQuery.set('user', 'student');
    const student = await sandboxLaunch(server, { query: studentQuery });
    expect(student.html).toMatch(/role-badge">Viewer</);
    const placer = await sandboxLaunch(server, { query });
    expect(placer.roomId).toBe(student.roomId);
    expect(placer.html).toMatch(/role-badge">Host</);
    const [room] = await server.sql.query(
      'SELECT host_user_id, host_name, title, room_type FROM rooms WHERE id = $1',
      [placer.roomId],
    );
    expect(room).toEqual({
      host_user_id: instructor.id,
      host_name: 'Ada Lovelace',
      title: 'Visiting speaker series',
      room_type: 'room',
    });
  });

  it('keeps students out of the picker', async () => {
    const picker = await pickerFor('student');
    expect(picker.status).toBe(403);
    expect(picker.html).toContain('Only instructors can add Guestlink rooms');
  });

  it('re-shows the form with a message for an empty title, and creates nothing', async () => {
    const picker = await pickerFor();
    const answer = await picker.agent
      .post('/lti/deep-linking')
      .set('Origin', server.url)
      .type('form')
      .send({ ltik: picker.ltik, title: '   ' });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Enter a title.');
    expect(answer.text).toContain('aria-invalid="true"');
  });

  it('is refused by the platform when the data claim is altered', async () => {
    const picker = await pickerFor();
    const answer = await picker.agent
      .post('/lti/deep-linking')
      .set('Origin', server.url)
      .type('form')
      .send({ ltik: picker.ltik, title: 'Room', roomType: 'room' });
    const jwt = hiddenField(answer.text, 'JWT');
    expect(decodeJwt(jwt)[`${DL}/data`]).toBeDefined();
    const [header, , signature] = jwt.split('.');
    const claims = decodeJwt(jwt);
    const altered = Buffer.from(JSON.stringify({ ...claims, [`${DL}/data`]: 'tampered' })).toString(
      'base64url',
    );
    const refused = await picker.agent
      .post('/sandbox/deep-linking/return')
      .type('form')
      .send({ JWT: `${header}.${altered}.${signature}` });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('refused');
  });
});
