import { roomWithLink } from '../../helpers/guests';
import { admittedGuest, connectGuest, connectLaunched, type LiveClient } from '../../helpers/live';
import { hiddenField } from '../../helpers/lti-launch';
import { STORAGE_BACKENDS, TEST_MONGODB_URI } from '../../helpers/storages';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { startOnBackend, type TestServer } from '../../helpers/test-server';

/**
 * Send back to the lobby and fair clicks (issue 12): the guest got in, so the click is kept
 * whatever happens next, and coming back with "Join again" waits for a moderator again.
 */

if (!TEST_MONGODB_URI) {
  describe.skip('Send back to the lobby on MongoDB: skipped, set TEST_MONGODB_URI to run it', () => {
    it('runs this file on MongoDB', () => undefined);
  });
}

describe.each(STORAGE_BACKENDS)('a guest sent back to the lobby on %s', (backend) => {
  let server: TestServer;
  const open: LiveClient[] = [];

  beforeAll(async () => {
    server = await startOnBackend(backend, GENEROUS_GUEST_LIMITS, 'sendback');
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  it('keeps the click, and Join again waits for a moderator instead of skipping the lobby', async () => {
    const { api, host, link } = await roomWithLink(server, { clicks: 2 });
    const roomPath = `/guest/rooms/${host.roomId}`;
    const clicksUsed = async () =>
      (await api.get('/guest-access').expect(200)).body.links.find(
        (each: { id: string }) => each.id === link.id,
      ).clicksUsed as number;
    const waitingNames = async () =>
      ((await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; name: string }>).map(
        (guest) => guest.name,
      );
    const admit = async (name: string) => {
      const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{
        id: string;
        name: string;
      }>;
      await api.post(`/lobby/${waiting.find((guest) => guest.name === name)!.id}/admit`).expect(200);
    };
    const moderator = await connectLaunched(server, host);
    open.push(moderator);
    const guest = await admittedGuest(server, { ...link }, host.roomId, admit, 'Sent Back');
    const onStage = await connectGuest(server, guest);
    open.push(onStage);
    expect(await clicksUsed()).toBe(1);

    await moderator.post(`/participants/${onStage.id}/lobby`, { participant: moderator.id }).expect(204);
    expect(await waitingNames()).toContain('Sent Back');
    const waitingPage = await guest.agent.get(roomPath).expect(303);
    expect(waitingPage.headers.location).toBe(`${roomPath}/waiting`);

    // Leaving the lobby now keeps the click: they got in.
    const waiting = await guest.agent.get(`${roomPath}/waiting`).expect(200);
    await guest.agent
      .post(`${roomPath}/leave`)
      .type('form')
      .send({ _csrf: hiddenField(waiting.text, '_csrf') })
      .expect(200);
    expect(await clicksUsed()).toBe(1);

    // Join again, well within the comeback window: still back to the lobby, still no click.
    const entry = await guest.agent.get(link.path).expect(200);
    expect(entry.text).toContain('>Join again</button>');
    const back = await guest.agent
      .post(`${roomPath}/come-back`)
      .type('form')
      .send({ _csrf: hiddenField(entry.text, '_csrf') })
      .expect(303);
    expect(back.headers.location).toBe(`${roomPath}/waiting`);
    expect(await waitingNames()).toContain('Sent Back');
    expect(await clicksUsed()).toBe(1);

    // Denied now: the click stays used, since the guest got in before.
    const [visit] = (
      (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; name: string }>
    ).filter((each) => each.name === 'Sent Back');
    await api.post(`/lobby/${visit!.id}/deny`).expect(200);
    expect(await clicksUsed()).toBe(1);
  });
});
