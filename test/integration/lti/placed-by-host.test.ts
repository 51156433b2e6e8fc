import { randomInt } from 'node:crypto';
import { decodeJwt } from 'jose';
import { SANDBOX_USERS } from '../../../src/sandbox/sample-data';
import { hiddenField, sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * The `guestlink_host` custom parameter is editable in the LMS (Moodle's "Custom parameters"
 * field): only a value Guestlink signed for this platform, deployment and course names a host.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

type UserKey = 'instructor' | 'co-instructor' | 'student';
const idOf = (key: UserKey) => SANDBOX_USERS.find((user) => user.key === key)!.id;
const DL_ITEMS = 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items';

/** The instructor places a room through Deep Linking in `course`; returns the item's custom parameters. */
async function placeThroughDeepLinking(course: string): Promise<Record<string, string>> {
  const picker = await sandboxLaunch(server, { user: 'instructor', placement: `${course}/deep-linking` });
  const answer = await picker.agent
    .post('/lti/deep-linking')
    // The picker's own form: same-origin (src/lti/ltik-transport.ts).
    .set('Origin', server.url)
    .type('form')
    .send({ ltik: picker.ltik, title: 'Placed room', roomType: 'room' });
  const items = decodeJwt(hiddenField(answer.text, 'JWT'))[DL_ITEMS] as Array<{
    custom: Record<string, string>;
  }>;
  return items[0]!.custom;
}

/**
 * A placed item as the LMS would launch it after someone edited its custom parameters: the
 * sandbox signs its own placed-item links, so this is what the platform itself would send.
 */
async function placedItemQuery(course: string, custom: Record<string, string>) {
  const item = await server.runtime.sandbox!.signPlacedItem({
    id: `_${randomInt(100000, 999999)}_1`,
    title: 'Placed room',
    custom,
  });
  return (user: UserKey) => new URLSearchParams({ user, placement: `${course}/placed`, item });
}

async function launchAs(query: (user: UserKey) => URLSearchParams, user: UserKey) {
  const launch = await sandboxLaunch(server, { query: query(user) });
  expect(launch.status).toBe(200);
  return { ...launch, role: /role-badge">([^<]+)</.exec(launch.html)?.[1] };
}

async function hostOf(roomId: string): Promise<string | null> {
  const [room] = await server.sql.query<{ host_user_id: string | null }>(
    'SELECT host_user_id FROM rooms WHERE id = $1',
    [roomId],
  );
  return room!.host_user_id;
}

describe('who hosts a placed room', () => {
  it('signs the parameter Deep Linking puts in the item, not a plain user id', async () => {
    const custom = await placeThroughDeepLinking('bio-101');
    expect(custom.guestlink_host).toMatch(new RegExp(`^v1\\.${idOf('instructor')}\\.[A-Za-z0-9_-]{43}$`));
  });

  it('makes the placing instructor host even when a student opens the room first', async () => {
    const query = await placedItemQuery('bio-101', await placeThroughDeepLinking('bio-101'));
    const student = await launchAs(query, 'student');
    expect(student.role).toBe('Viewer');
    expect(await hostOf(student.roomId)).toBe(idOf('instructor'));
    const placer = await launchAs(query, 'instructor');
    expect(placer.roomId).toBe(student.roomId);
    expect(placer.role).toBe('Host');
  });

  it('does not make a student host through a plain guestlink_host naming them', async () => {
    const query = await placedItemQuery('bio-101', { guestlink_host: idOf('student') });
    const student = await launchAs(query, 'student');
    expect(student.role).toBe('Viewer');
    expect(await hostOf(student.roomId)).toBeNull();
    // The first launcher the platform's signed roles make a moderator becomes host.
    const teacher = await launchAs(query, 'co-instructor');
    expect(teacher.role).toBe('Host');
    expect(await hostOf(student.roomId)).toBe(idOf('co-instructor'));
    expect((await launchAs(query, 'student')).role).toBe('Viewer');
  });

  it('ignores a genuine value edited to name another user', async () => {
    const genuine = (await placeThroughDeepLinking('bio-101')).guestlink_host!;
    const edited = genuine.replace(idOf('instructor'), idOf('student'));
    expect(edited).not.toBe(genuine);
    const query = await placedItemQuery('bio-101', { guestlink_host: edited });
    const student = await launchAs(query, 'student');
    expect(student.role).toBe('Viewer');
    expect(await hostOf(student.roomId)).toBeNull();
    // Nor does the edit take host rights from the instructor who opens it first.
    expect((await launchAs(query, 'instructor')).role).toBe('Host');
  });

  it('ignores a genuine value copied into another course', async () => {
    const fromHistory = await placeThroughDeepLinking('hist-210');
    const query = await placedItemQuery('bio-101', fromHistory);
    const student = await launchAs(query, 'student');
    expect(await hostOf(student.roomId)).toBeNull();
    expect((await launchAs(query, 'co-instructor')).role).toBe('Host');
    expect((await launchAs(query, 'instructor')).role).toBe('Moderator');
  });
});
