import type { Browser, Page } from 'playwright-core';
import { JanusKeys } from '../../src/live/engines/janus/janus-room-keys';
import { apiFor } from '../helpers/api';
import { invitedPerson, type InvitedPerson } from '../helpers/invitees';
import { sdp, TRACKS } from '../helpers/live';
import { sandboxLaunch, type Launch } from '../helpers/lti-launch';
import type { TestServer } from '../helpers/test-server';
import { launchBrowser, startE2eServer } from '../e2e/helpers/browser';
import { openInviteeRoom } from '../e2e/helpers/invitations';
import { identityOfVisit } from '../../src/live/participant';
import { janusEnv } from './janus-server';

/** One request to the room's VideoRoom in Janus, on a session of its own (as no page can). */
async function videoroom(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const url = janusEnv().JANUS_URL!;
  const post = async (path: string, message: Record<string, unknown>) =>
    (await (
      await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify({ ...message, transaction: 't' }) })
    ).json()) as { data: { id: number }; plugindata?: { data: Record<string, unknown> } };
  const session = (await post('', { janus: 'create' })).data.id;
  try {
    const handle = (await post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
    return (await post(`/${session}/${handle}`, { janus: 'message', body })).plugindata?.data ?? {};
  } finally {
    await post(`/${session}`, { janus: 'destroy' });
  }
}

/** Waits until `check` holds for what `read` answers (Janus hears of a change in milliseconds). */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * An invited speaker's rights in Janus itself end with their role: a demotion or a revoke takes
 * their token off the room's allowed list and their publisher handle out of the room, whatever
 * their page does, and the page that reconnects as a viewer is refused by Janus too.
 */
describe('Janus and an invited speaker whose invitation changes', () => {
  let server: TestServer;
  let browser: Browser;
  let host: Launch;
  let roomId: string;
  let keys: JanusKeys;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(janusEnv()), launchBrowser({ fakeMedia: true })]);
    host = await sandboxLaunch(server, { placement: 'hist-210/office-hours' });
    roomId = host.roomId;
    keys = new JanusKeys(server.config.appSecret);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const room = () => keys.forRoom(roomId);
  /** The room's allowed list as Janus holds it (an `allowed add` answers with the whole list). */
  const allowed = async () =>
    (
      ((
        await videoroom({
          request: 'allowed',
          room: room().room,
          secret: room().secret,
          action: 'add',
          allowed: ['probe'],
        })
      ).allowed as string[] | undefined) ?? []
    ).filter((token) => token !== 'probe');
  /** The publisher handles joined to the room, as Janus lists them (whether sending now or not). */
  const publishers = async () =>
    (
      ((await videoroom({ request: 'listparticipants', room: room().room })).participants as
        Array<{ id: string }> | undefined) ?? []
    ).map((participant) => participant.id);

  /** The invitee's browser on their room page, sending their camera. */
  async function presenting(person: InvitedPerson): Promise<{ page: Page; id: string }> {
    const { page, id } = await openInviteeRoom(browser, server, roomId, person);
    await page.getByRole('button', { name: 'Camera' }).click();
    await until(publishers, (ids) => ids.includes(id), 'The speaker never joined as a publisher');
    expect(await allowed()).toContain(keys.presenterToken(roomId, id));
    return { page, id };
  }

  it('takes a demoted speaker’s token and publisher handle out of Janus, and Janus refuses the viewer they become', async () => {
    const person = await invitedPerson(server, roomId, 'speaker', { name: 'Demoted Dee' });
    const { page, id } = await presenting(person);

    await apiFor(host).patch(`/invitations/${person.invitationId}`, { role: 'viewer' }).expect(200);
    await until(
      publishers,
      (ids) => !ids.includes(id),
      'The demoted speaker’s publisher handle is still in the room',
    );
    await until(
      allowed,
      (tokens) => !tokens.includes(keys.presenterToken(roomId, id)),
      'Their token is still listed',
    );

    // The page connects again as a viewer: never listed, and refused by Janus itself when
    // Guestlink's own rules are passed by and the engine is asked straight away.
    const reconnected = await page.waitForFunction((old) => {
      const self = (
        window as unknown as { Guestlink: { live: { current?: { self(): { id: string } | null } } } }
      ).Guestlink.live.current?.self();
      return self && self.id !== old ? self.id : null;
    }, id);
    const viewerId = (await reconnected.jsonValue()) as string;
    const viewer = (await server.runtime.storage.live.find(viewerId))!;
    expect(viewer.baseRole).toBe('viewer');
    expect(await allowed()).not.toContain(keys.presenterToken(roomId, viewerId));
    await expect(
      server.runtime.engine.signal(
        viewer,
        { publisher: viewer.id, subscriber: 'sfu' },
        { type: 'offer', link: `${viewer.id}~sfu`, sdp: sdp('sendonly'), tracks: TRACKS },
      ),
    ).rejects.toMatchObject({ status: 403, code: 'RECEIVE_ONLY' });
    expect(await publishers()).not.toContain(viewerId);
  });

  it('takes a revoked speaker’s token and publisher handle out of Janus, for good', async () => {
    const person = await invitedPerson(server, roomId, 'speaker', { name: 'Revoked Rae' });
    const { page, id } = await presenting(person);

    await apiFor(host).delete(`/invitations/${person.invitationId}`).expect(200);
    await until(
      publishers,
      (ids) => !ids.includes(id),
      'The revoked speaker’s publisher handle is still in the room',
    );
    await until(
      allowed,
      (tokens) => !tokens.includes(keys.presenterToken(roomId, id)),
      'Their token is still listed',
    );
    await page.getByRole('heading', { name: 'Your invitation was withdrawn' }).waitFor({ timeout: 5000 });
    // Nothing of theirs is on the stage, nor comes back.
    const theirs = (await server.runtime.storage.live.list(roomId)).filter(
      (participant) => participant.identity === identityOfVisit(person.visitId),
    );
    expect(theirs).toEqual([]);
    expect(await publishers()).toEqual([]);
  });
});
