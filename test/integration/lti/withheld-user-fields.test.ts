import { postPage } from '../../helpers/launched-pages';
import request from 'supertest';
import { randomInt } from 'node:crypto';
import { apiFor } from '../../helpers/api';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { joinAs } from '../../helpers/guests';
import { unique } from '../../helpers/invitations';
import { connectLaunched, type LiveClient } from '../../helpers/live';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp-server';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { userTag } from '../../../src/lti/display-name';
import { SANDBOX_PLATFORM, SANDBOX_USERS } from '../../../src/sandbox/sample-data';
import { platformIdFor } from '../../../src/platforms/platform';

/**
 * Launches without name, email or both, as Blackboard's "User Fields to Send" or Moodle's
 * privacy settings make them: the sandbox leaves the fields out of its signed id_token.
 */
let server: TestServer;
let smtp: TestSmtpServer;
const open: LiveClient[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({
    env: { ...GENEROUS_GUEST_LIMITS, SMTP_URL: smtp.url, MAIL_FROM: 'Guestlink <guestlink@example.edu>' },
  });
});

afterAll(async () => {
  open.forEach((client) => client.close());
  await server.close();
  await smtp.close();
});

type UserKey = 'instructor' | 'student' | 'co-instructor';
type Field = 'name' | 'email';
const platformId = platformIdFor(SANDBOX_PLATFORM.issuer, SANDBOX_PLATFORM.clientId);
const userOf = (key: UserKey) => SANDBOX_USERS.find((user) => user.key === key)!;
const tagOf = (key: UserKey) => userTag(platformId, userOf(key).id);

/** A room nobody has opened yet: a new placed item in BIO-101. */
async function freshPlacement(): Promise<string> {
  return server.runtime.sandbox!.signPlacedItem({
    id: `_${randomInt(100000, 999999)}_1`,
    title: 'Office hours without names',
    custom: {},
  });
}

async function launchWithout(item: string, user: UserKey, withheld: Field[]): Promise<Launch> {
  const query = new URLSearchParams({ user, placement: 'bio-101/placed', item });
  for (const field of withheld) query.append('withhold', field);
  const launch = await sandboxLaunch(server, { query });
  expect(launch.status).toBe(200);
  return launch;
}

const signedInAs = (launch: Launch) => /Signed in as <strong>([^<]*)<\/strong>/.exec(launch.html)?.[1];

async function storedRoom(roomId: string) {
  const [room] = await server.sql.query<{ host_user_id: string | null; host_name: string | null }>(
    'SELECT host_user_id, host_name FROM rooms WHERE id = $1',
    [roomId],
  );
  return room!;
}

describe.each<[string, Field[]]>([
  ['the name', ['name']],
  ['the email', ['email']],
  ['both name and email', ['name', 'email']],
])('a launch without %s', (_label, withheld) => {
  const nameSent = !withheld.includes('name');

  it('opens the media page with a display name, and stores no made-up host name', async () => {
    const item = await freshPlacement();
    const host = await launchWithout(item, 'instructor', withheld);
    expect(signedInAs(host)).toBe(nameSent ? 'Ada Lovelace' : `Instructor ${tagOf('instructor')}`);
    expect(host.html).toMatch(/role-badge">Host</);
    expect(await storedRoom(host.roomId)).toEqual({
      host_user_id: userOf('instructor').id,
      host_name: nameSent ? 'Ada Lovelace' : null,
    });
    const settings = await postPage(server, host, `/rooms/${host.roomId}/settings`).expect(200);
    expect(settings.text).toContain(nameSent ? 'Ada Lovelace' : `Instructor ${tagOf('instructor')}`);

    const student = await launchWithout(item, 'student', withheld);
    expect(signedInAs(student)).toBe(nameSent ? 'Sam Student' : `Student ${tagOf('student')}`);
    expect(student.roomId).toBe(host.roomId);
  });
});

describe('unnamed people in one room', () => {
  it('are told apart on the live stage and in the participants list', async () => {
    const item = await freshPlacement();
    const host = await launchWithout(item, 'instructor', ['name']);
    const student = await launchWithout(item, 'student', ['name', 'email']);
    const hostLive = await connectLaunched(server, host);
    open.push(hostLive);
    const studentLive = await connectLaunched(server, student);
    open.push(studentLive);
    expect(hostLive.welcome.self.name).toBe(`Instructor ${tagOf('instructor')}`);
    expect(studentLive.welcome.self.name).toBe(`Student ${tagOf('student')}`);
    expect(studentLive.welcome.participants.map((participant) => participant.name).sort()).toEqual(
      [`Instructor ${tagOf('instructor')}`, `Student ${tagOf('student')}`].sort(),
    );
  });

  it('show another moderator the unnamed host by their label in the room settings', async () => {
    const item = await freshPlacement();
    const host = await launchWithout(item, 'instructor', ['name']);
    const colleague = await launchWithout(item, 'co-instructor', []);
    expect(colleague.roomId).toBe(host.roomId);
    const settings = await postPage(server, colleague, `/rooms/${colleague.roomId}/settings`).expect(200);
    expect(settings.text).toContain(`Moderator ${tagOf('instructor')}`);
  });

  it('show in the guest log by their label while the stored decider name stays null', async () => {
    const item = await freshPlacement();
    const host = await launchWithout(item, 'instructor', ['name', 'email']);
    const api = apiFor(host);
    await api.enable();
    await api.put('/lobby', { enabled: true }).expect(200);
    const created = await api.post('/guest-links', { name: 'Visitors' }).expect(201);
    await joinAs(server, new URL(created.body.url).pathname, {
      name: 'Vera Visitor',
      email: 'vera@example.org',
    });
    const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; name: string }>;
    const vera = waiting.find((guest) => guest.name === 'Vera Visitor')!;
    await api.post(`/lobby/${vera.id}/admit`).expect(200);

    const log = (await api.get('/guest-log').expect(200)).body.entries as Array<{
      name: string;
      admittedBy: string | null;
      outcome: string;
    }>;
    const entry = log.find((candidate) => candidate.name === 'Vera Visitor')!;
    expect(entry.admittedBy).toBe(`Moderator ${tagOf('instructor')}`);
    expect(entry.outcome).toContain(`Moderator ${tagOf('instructor')}`);
    const [stored] = await server.sql.query<{ decided_by: string; decided_by_name: string | null }>(
      'SELECT decided_by, decided_by_name FROM guest_visits WHERE id = $1',
      [vera.id],
    );
    expect(stored).toEqual({ decided_by: userOf('instructor').id, decided_by_name: null });
    const csv = await api.get('/guest-log?format=csv').expect(200);
    expect(csv.text).toContain(`Moderator ${tagOf('instructor')}`);
  });

  it('invite people in honest words: no made-up inviter in the email, null stored', async () => {
    const item = await freshPlacement();
    const host = await launchWithout(item, 'instructor', ['name', 'email']);
    smtp.received.length = 0;
    const email = unique('invitee');
    const created = await apiFor(host)
      .post('/invitations', { people: `Ivo Invitee <${email}>`, role: 'viewer' })
      .expect(201);
    expect(created.body).toMatchObject({ sent: 1, failed: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual([email]);
    expect(mail!.subject).toBe('You are invited to “Office hours without names” (Introduction to Biology)');
    expect(mail!.text).toContain(
      'You are invited to the live session “Office hours without names” of the course',
    );
    expect(mail!.text).not.toMatch(/Instructor [0-9A-F]{4}|Moderator [0-9A-F]{4}|null|undefined/);
    const [stored] = await server.sql.query<{ created_by: string; created_by_name: string | null }>(
      'SELECT created_by, created_by_name FROM invitations WHERE email = $1',
      [email],
    );
    expect(stored).toEqual({ created_by: userOf('instructor').id, created_by_name: null });
  });

  it('keep the name an instructor without an email sent: the invitation names them', async () => {
    const item = await freshPlacement();
    const host = await launchWithout(item, 'instructor', ['email']);
    smtp.received.length = 0;
    const email = unique('invitee');
    await apiFor(host)
      .post('/invitations', { people: `Ivo Invitee <${email}>`, role: 'viewer' })
      .expect(201);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe(
      'Ada Lovelace invited you to “Office hours without names” (Introduction to Biology)',
    );
  });
});

describe('the sandbox’s withhold option', () => {
  it('refuses a field it cannot withhold, naming the problem', async () => {
    const response = await request(server.url).get(
      '/sandbox/launch?user=student&placement=bio-101/live-session&withhold=roles',
    );
    expect(response.status).toBe(400);
    expect(response.text).toContain('withhold only the user’s name and email');
  });
});
