import request from 'supertest';
import { JanusKeys } from '../../src/live/engines/janus/janus-room-keys';
import { TEST_APP_SECRET } from '../helpers/constants';
import { roomWithLink } from '../helpers/guests';
import { invitedPerson } from '../helpers/invitees';
import { admittedGuest, connectGuest, connectLaunched, sdp, TRACKS, type LiveClient } from '../helpers/live';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { janusEnv } from './janus-server';

/** The room's allowed list as Janus holds it (an `allowed add` answers with the whole list). */
async function allowedList(roomId: string): Promise<string[]> {
  const url = janusEnv().JANUS_URL!;
  const post = async (path: string, body: Record<string, unknown>) =>
    (await (
      await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify({ ...body, transaction: 't' }) })
    ).json()) as { data: { id: number }; plugindata?: { data: { allowed?: string[] } } };
  const session = (await post('', { janus: 'create' })).data.id;
  try {
    const handle = (await post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
    const keys = new JanusKeys(TEST_APP_SECRET).forRoom(roomId);
    const answer = await post(`/${session}/${handle}`, {
      janus: 'message',
      body: { request: 'allowed', room: keys.room, secret: keys.secret, action: 'add', allowed: ['probe'] },
    });
    return (answer.plugindata?.data.allowed ?? []).filter((token) => token !== 'probe');
  } finally {
    await post(`/${session}`, { janus: 'destroy' });
  }
}

describe('Janus’s own enforcement of the room’s roles', () => {
  let server: TestServer;
  const open: LiveClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: janusEnv() });
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await server?.close();
  });

  it('refuses a guest’s attempt to publish, even when Guestlink itself asks', async () => {
    const room = await roomWithLink(server);
    await room.api.put('/lobby', { enabled: false }).expect(200);
    const guest = await connectGuest(
      server,
      await admittedGuest(server, room.link, room.host.roomId, async () => undefined, 'Janus Guest'),
    );
    open.push(guest);
    expect(guest.welcome.config).toEqual({ engine: 'janus', topology: 'sfu', iceServers: [] });
    const participant = (await server.runtime.storage.live.find(guest.id))!;
    // Past Guestlink's own rules, straight to the engine: Janus's allowed list says no.
    await expect(
      server.runtime.engine.signal(
        participant,
        { publisher: participant.id, subscriber: 'sfu' },
        { type: 'offer', link: `${participant.id}~sfu`, sdp: sdp('sendonly'), tracks: TRACKS },
      ),
    ).rejects.toMatchObject({ status: 403, code: 'RECEIVE_ONLY' });
  });

  it('lists a speaker’s own token while they may present, and only then', async () => {
    const room = await roomWithLink(server);
    await room.api.put('/lobby', { enabled: false }).expect(200);
    const host = await connectLaunched(server, room.host);
    const guest = await connectGuest(
      server,
      await admittedGuest(server, room.link, room.host.roomId, async () => undefined, 'Janus Speaker'),
    );
    open.push(host, guest);
    const keys = new JanusKeys(TEST_APP_SECRET);
    const hostToken = keys.presenterToken(room.host.roomId, host.id);
    const guestToken = keys.presenterToken(room.host.roomId, guest.id);
    expect(await allowedList(room.host.roomId)).toEqual([hostToken]);

    await host.post(`/participants/${guest.id}/speak`, { participant: host.id }).expect(204);
    await guest.stream.next(
      (event) => event.event === 'participant' && (event.data as { role: string }).role === 'speaker',
    );
    let list: string[] = [];
    for (let attempt = 0; attempt < 50 && !list.includes(guestToken); attempt++) {
      list = await allowedList(room.host.roomId);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(list.sort()).toEqual([hostToken, guestToken].sort());

    await host.post(`/participants/${guest.id}/unspeak`, { participant: host.id }).expect(204);
    for (let attempt = 0; attempt < 50 && list.includes(guestToken); attempt++) {
      list = await allowedList(room.host.roomId);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(list).toEqual([hostToken]);
  });

  it('lists an invited speaker’s token from the start, never an invited viewer’s', async () => {
    const room = await roomWithLink(server);
    const roomId = room.host.roomId;
    const host = await connectLaunched(server, room.host);
    const speaker = await connectGuest(server, await invitedPerson(server, roomId, 'speaker'));
    const viewerPerson = await invitedPerson(server, roomId, 'viewer');
    const viewer = await connectGuest(server, viewerPerson);
    open.push(host, speaker, viewer);
    const keys = new JanusKeys(TEST_APP_SECRET);
    const speakerToken = keys.presenterToken(roomId, speaker.id);
    let list: string[] = [];
    for (let attempt = 0; attempt < 50 && !list.includes(speakerToken); attempt++) {
      list = await allowedList(roomId);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(list.sort()).toEqual([keys.presenterToken(roomId, host.id), speakerToken].sort());
    expect(list).not.toContain(keys.presenterToken(roomId, viewer.id));
    // Past Guestlink's own rules, straight to the engine: Janus refuses the invited viewer.
    const participant = (await server.runtime.storage.live.find(viewer.id))!;
    await expect(
      server.runtime.engine.signal(
        participant,
        { publisher: participant.id, subscriber: 'sfu' },
        { type: 'offer', link: `${participant.id}~sfu`, sdp: sdp('sendonly'), tracks: TRACKS },
      ),
    ).rejects.toMatchObject({ status: 403, code: 'RECEIVE_ONLY' });
  });

  it('hands a signal posted to another instance to the one holding the page’s media', async () => {
    const b = await startTestServer({ sql: server.sql, env: janusEnv() });
    try {
      const room = await roomWithLink(server);
      const host = await connectLaunched(server, room.host);
      open.push(host);
      const cookie = room.host.agent.jar
        .getCookies({ domain: new URL(server.url).hostname, path: '/', secure: false, script: false })
        .toString();
      // Not a browser's offer: the instance holding the page's media takes it to Janus, which
      // refuses it, and that instance tells the page.
      await request(b.url)
        .post(`/api/rooms/${room.host.roomId}/live/signal`)
        .set('Authorization', `Bearer ${room.host.ltik}`)
        .set('Cookie', cookie)
        .send({
          participant: host.id,
          signal: { type: 'offer', link: `${host.id}~sfu`, sdp: sdp('sendonly'), tracks: TRACKS },
        })
        .expect(204);
      const refused = await host.stream.next((event) => event.event === 'refused', 5000);
      expect(refused.data).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    } finally {
      await b.close();
    }
  });
});
