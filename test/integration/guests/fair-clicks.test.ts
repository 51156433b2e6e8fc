import request from 'supertest';
import { GuestSessions } from '../../../src/guests/guest-session';
import { joinAs, openEntry, roomWithLink } from '../../helpers/guests';
import { hiddenField, type Agent } from '../../helpers/lti-launch';
import { STORAGE_BACKENDS, TEST_MONGODB_URI } from '../../helpers/storages';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { startOnBackend, type TestServer } from '../../helpers/test-server';

/**
 * Fair clicks and coming back (issue 12) through the real app over HTTP, on every backend:
 * denied strangers give their clicks back; a guest who got in and left comes back from the
 * same browser with "Join again" and no click; Leave asks first when coming back may cost one.
 */

if (!TEST_MONGODB_URI) {
  describe.skip('Fair clicks over HTTP on MongoDB: skipped, set TEST_MONGODB_URI to run it', () => {
    it('runs this file on MongoDB', () => undefined);
  });
}

describe.each(STORAGE_BACKENDS)('fair clicks over HTTP on %s', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startOnBackend(backend, GENEROUS_GUEST_LIMITS, 'fair');
  });

  afterAll(async () => {
    await server?.close();
  });

  async function setUp(clicks?: number) {
    const { api, host, link } = await roomWithLink(server, clicks ? { clicks } : {});
    const roomPath = `/guest/rooms/${host.roomId}`;
    const clicksUsed = async () =>
      (await api.get('/guest-access').expect(200)).body.links.find(
        (each: { id: string }) => each.id === link.id,
      ).clicksUsed as number;
    const waitingIds = async () =>
      ((await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string }>).map((guest) => guest.id);
    return { api, host, link, roomPath, clicksUsed, waitingIds };
  }

  /** A guest let in by the moderator, on the room page. */
  async function admittedGuest(world: Awaited<ReturnType<typeof setUp>>, name = 'Grace Guest') {
    const joined = await joinAs(server, world.link.path, { name, email: 'grace@example.org' });
    expect(joined.response.headers.location).toBe(`${world.roomPath}/waiting`);
    const [visitId] = await world.waitingIds();
    await world.api.post(`/lobby/${visitId}/admit`).expect(200);
    await joined.agent.get(world.roomPath).expect(200);
    return { agent: joined.agent, visitId: visitId! };
  }

  /** The guest log's lines for this guest (rooms are shared across tests: names are unique). */
  async function logLines(world: Awaited<ReturnType<typeof setUp>>, name: string) {
    const log = await world.api.get('/guest-log').expect(200);
    return (log.body.entries as Array<{ name: string; status: string }>).filter(
      (entry) => entry.name === name,
    );
  }

  async function leave(agent: Agent, roomPath: string) {
    const room = await agent.get(roomPath).expect(200);
    return agent
      .post(`${roomPath}/leave`)
      .type('form')
      .send({ _csrf: hiddenField(room.text, '_csrf') });
  }

  it('5 denied joins on a 2-click link leave 2 clicks', async () => {
    const world = await setUp(2);
    for (let stranger = 0; stranger < 5; stranger++) {
      const { response } = await joinAs(server, world.link.path, { name: `Stranger ${stranger}` });
      expect(response.headers.location).toBe(`${world.roomPath}/waiting`);
      const [visitId] = await world.waitingIds();
      await world.api.post(`/lobby/${visitId}/deny`).expect(200);
    }
    expect(await world.clicksUsed()).toBe(0);
    // The two real guests still get in; a third is refused, the link being used up.
    await admittedGuest(world, 'Ada');
    await admittedGuest(world, 'Bob');
    expect(await world.clicksUsed()).toBe(2);
    expect((await openEntry(server, world.link.path)).page.status).toBe(410);
  });

  it('gives the click back to a guest who leaves the lobby before being admitted', async () => {
    const world = await setUp(2);
    const { agent } = await joinAs(server, world.link.path);
    expect(await world.clicksUsed()).toBe(1);
    const waiting = await agent.get(`${world.roomPath}/waiting`).expect(200);
    const left = await agent
      .post(`${world.roomPath}/leave`)
      .type('form')
      .send({ _csrf: hiddenField(waiting.text, '_csrf') })
      .expect(200);
    expect(left.text).toContain('To join again, open the guest link you were given.');
    expect(await world.clicksUsed()).toBe(0);
    // Asking again is a new join through the form: a new click, given back if denied.
    const again = await agent.get(world.link.path).expect(200);
    expect(again.text).toContain('<label for="guest-name">Name</label>');
  });

  it('lets a guest who left come back with Join again, without a click, even on a used-up link', async () => {
    const world = await setUp(1);
    const name = `Grace ${Math.random().toString(36).slice(2, 8)}`;
    const { agent } = await admittedGuest(world, name);
    expect(await world.clicksUsed()).toBe(1);

    const left = await leave(agent, world.roomPath);
    expect(left.status).toBe(200);
    expect(left.text).toMatch(
      /You can come back from this browser until <time datetime="[^"]+Z" data-local-time>\d\d:\d\d UTC<\/time> without using a click\./,
    );
    // Leave keeps the pass.
    expect(String(left.headers['set-cookie'] ?? '')).not.toMatch(/gl_guest_[^=]+=;/);

    // The only click is used: a stranger is refused, the guest who holds it is offered Join again.
    expect((await openEntry(server, world.link.path)).page.status).toBe(410);
    const entry = await agent.get(world.link.path).expect(200);
    expect(entry.text).toContain('>Join again</button>');
    expect(entry.text).not.toContain('guest-name');

    const back = await agent
      .post(`${world.roomPath}/come-back`)
      .type('form')
      .send({ _csrf: hiddenField(entry.text, '_csrf') })
      .expect(303);
    // Admitted by a moderator moments ago: straight back in.
    expect(back.headers.location).toBe(world.roomPath);
    await agent.get(world.roomPath).expect(200);
    expect(await world.clicksUsed()).toBe(1);
    expect(await logLines(world, name)).toEqual([expect.objectContaining({ status: 'admitted' })]);
  });

  it('re-opens the same visit when a guest who left sends the entry form again', async () => {
    const world = await setUp(2);
    const name = `Grace ${Math.random().toString(36).slice(2, 8)}`;
    const { agent } = await admittedGuest(world, name);
    // A form opened in another tab is sent after leaving.
    const left = await leave(agent, world.roomPath);
    const sent = await agent
      .post(world.link.path)
      .type('form')
      .send({ _csrf: hiddenField(left.text, '_csrf'), name: 'Someone Else', email: 'else@example.org' })
      .expect(303);
    expect(sent.headers.location).toBe(world.roomPath);
    expect(await world.clicksUsed()).toBe(1);
    expect(await logLines(world, name)).toEqual([expect.objectContaining({ status: 'admitted' })]);
  });

  it('refuses Join again without the CSRF token, and to a browser without a pass', async () => {
    const world = await setUp(2);
    const { agent } = await admittedGuest(world);
    await leave(agent, world.roomPath);
    await agent.post(`${world.roomPath}/come-back`).type('form').send({}).expect(403);
    const stranger = await openEntry(server, world.link.path);
    await stranger.agent
      .post(`${world.roomPath}/come-back`)
      .type('form')
      .send({ _csrf: stranger.csrf })
      .expect(403);
    const entry = await agent.get(world.link.path).expect(200);
    expect(entry.text).toContain('>Join again</button>');
  });

  it('re-opens the visit once when two Join again posts race', async () => {
    const world = await setUp(2);
    const name = `Grace ${Math.random().toString(36).slice(2, 8)}`;
    const { agent } = await admittedGuest(world, name);
    await leave(agent, world.roomPath);
    const entry = await agent.get(world.link.path).expect(200);
    const csrf = hiddenField(entry.text, '_csrf');
    const posts = await Promise.all(
      [0, 1].map(() => agent.post(`${world.roomPath}/come-back`).type('form').send({ _csrf: csrf })),
    );
    expect(posts.map((post) => [post.status, post.headers.location])).toEqual([
      [303, world.roomPath],
      [303, world.roomPath],
    ]);
    expect(await world.clicksUsed()).toBe(1);
    expect(await logLines(world, name)).toEqual([expect.objectContaining({ status: 'admitted' })]);
  });

  it('offers no Join again to a denied guest: they ask through the form', async () => {
    const world = await setUp(2);
    const { agent } = await joinAs(server, world.link.path);
    const [visitId] = await world.waitingIds();
    await world.api.post(`/lobby/${visitId}/deny`).expect(200);
    const entry = await agent.get(world.link.path).expect(200);
    expect(entry.text).not.toContain('Join again');
    expect(entry.text).toContain('<label for="guest-name">Name</label>');
    const csrf = hiddenField(entry.text, '_csrf');
    await agent.post(`${world.roomPath}/come-back`).type('form').send({ _csrf: csrf }).expect(403);
  });

  it('asks before Leave only when the pass runs out within a class and the link counts clicks', async () => {
    const limited = await setUp(3);
    const { agent, visitId } = await admittedGuest(limited);
    const fresh = await agent.get(limited.roomPath).expect(200);
    expect(fresh.text).not.toContain('leave-dialog');
    // A pass issued 6 hours ago (of 8): coming back after it runs out would need a new click.
    const old = oldPass(server, limited.host.roomId, visitId, 6);
    const late = await request(server.url).get(limited.roomPath).set('Cookie', old).expect(200);
    expect(late.text).toContain('id="leave-dialog"');
    expect(late.text).toMatch(
      /Coming back after <time datetime="[^"]+" data-local-time>[^<]+<\/time> will use one of this link's clicks\./,
    );
    expect(late.text).toContain('data-leave-confirm');

    const unlimited = await setUp();
    const other = await admittedGuest(unlimited);
    const noLimit = oldPass(server, unlimited.host.roomId, other.visitId, 6);
    const page = await request(server.url).get(unlimited.roomPath).set('Cookie', noLimit).expect(200);
    expect(page.text).not.toContain('leave-dialog');
  });
});

/** A guest pass for this visit as the server would have issued it `hoursAgo` hours ago. */
function oldPass(server: TestServer, roomId: string, visitId: string, hoursAgo: number): string {
  const sessions = new GuestSessions(server.config.appSecret, false, () => Date.now() - hoursAgo * 3_600_000);
  let cookie = '';
  sessions.issue(
    { cookie: (name: string, value: string) => (cookie = `${name}=${encodeURIComponent(value)}`) } as never,
    roomId,
    visitId,
  );
  return cookie;
}
