import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import request from 'supertest';
import { GuestLinkTokens } from '../../../src/guest-access/guest-link-token';
import type { JoinRefusal } from '../../../src/guests/guest.store';
import type { Room } from '../../../src/rooms/room';
import { mongoBackdoor, sqlBackdoor } from '../../helpers/admission-backdoors';
import {
  ADMISSION_CASES,
  comeBackOutcome,
  REFUSAL_PAGES,
  type AdmissionBackdoor,
  type AdmissionCase,
} from '../../helpers/admission-cases';
import { joinAs, openEntry } from '../../helpers/guests';
import { hiddenField } from '../../helpers/lti-launch';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { mongoUrlFor, STORAGE_BACKENDS, TEST_MONGODB_URI, type StorageBackend } from '../../helpers/storages';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * Every admission case (test/helpers/admission-cases.ts) through the real app over HTTP, on
 * every backend: the entry page, the join of a guest whose form was already open, and the
 * room page reload of a guest admitted before the change. Deleting a rule from the SQL, the
 * TypeScript or the MongoDB store makes one of these fail.
 */

if (!TEST_MONGODB_URI) {
  describe.skip('Admission table on MongoDB: skipped, set TEST_MONGODB_URI to run it', () => {
    it('runs every admission case on MongoDB', () => undefined);
  });
}

const ENV = {
  // One waiting guest fills the lobby (the lobby-full case); refusals must not hit rate limits.
  LOBBY_CAPACITY: '1',
  GUEST_JOINS_PER_IP_PER_MINUTE: '100000',
  GUEST_PAGES_PER_IP_PER_MINUTE: '100000',
};

interface Harness {
  server: TestServer;
  backdoor: AdmissionBackdoor;
  close(): Promise<void>;
}

async function startHarness(backend: StorageBackend): Promise<Harness> {
  if (backend !== 'mongodb') {
    const server = await startTestServer({ backend, env: ENV });
    return { server, backdoor: sqlBackdoor(server.sql), close: () => server.close() };
  }
  const url = mongoUrlFor(`guestlink_admission_${process.pid}_${Date.now().toString(36)}`);
  const server = await startTestServer({ configuredStorage: true, env: { ...ENV, MONGODB_URI: url } });
  const connection: Connection = await mongoose.createConnection(url).asPromise();
  return {
    server,
    backdoor: mongoBackdoor(connection),
    async close() {
      await server.close();
      await connection.dropDatabase();
      await connection.close();
    },
  };
}

function expectPage(response: request.Response, outcome: JoinRefusal): void {
  const page = REFUSAL_PAGES[outcome];
  expect({ status: response.status, title: response.text.includes(page.title) }).toEqual({
    status: page.status,
    title: true,
  });
}

describe.each(STORAGE_BACKENDS)('admission rules on %s', (backend) => {
  const actor = { userId: 'admission-host', name: 'Ada Host' };
  let harness: Harness;
  let server: TestServer;
  let launched: Room;
  let tokens: GuestLinkTokens;
  let counter = 0;

  beforeAll(async () => {
    harness = await startHarness(backend);
    server = harness.server;
    // Rooms of the sandbox's registration and deployment, as a launch makes them.
    launched = (await server.runtime.storage.rooms.findById((await sandboxLaunch(server)).roomId))!;
    tokens = new GuestLinkTokens(server.config.appSecret, server.url);
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** A room of its own for each case (lobby off, guest access on) with one link. */
  async function caseRoom(clickLimit: number | null) {
    const storage = server.runtime.storage;
    const room = await storage.rooms.openForLaunch({
      platformId: launched.platformId,
      deploymentId: launched.deploymentId,
      contextId: launched.contextId,
      resourceLinkId: `admission-${backend}-${++counter}`,
      title: `Admission ${counter}`,
      contextTitle: 'Biology',
      roomType: 'room',
      mediaUrl: null,
      hostCandidate: actor,
      launcherUserId: actor.userId,
      launcherName: actor.name,
      lobbyDefault: false,
    });
    await storage.guestAccess.setEnabled(room.id, true, actor);
    const minted = tokens.mint();
    const created = await storage.guestAccess.createLink({
      id: randomUUID(),
      roomId: room.id,
      name: 'Guests',
      nameKey: 'guests',
      tokenSeed: minted.seed,
      tokenHash: minted.hash,
      clickLimit,
      durationDays: null,
      actor,
    });
    if (!created.ok) throw new TypeError(`link not created: ${created.reason}`);
    return { room, linkId: created.link.id, path: `/g/${minted.token}` };
  }

  it.each(ADMISSION_CASES)('$name', async (admission: AdmissionCase) => {
    const storage = server.runtime.storage;
    const { room, linkId, path } = await caseRoom(admission.clickLimit ?? null);
    const roomPath = `/guest/rooms/${encodeURIComponent(room.id)}`;
    // A guest got in and left: they hold a click and may come back with "Join again".
    const leaver = await joinAs(server, path, { name: 'Lea Leaver', email: 'lea@example.org' });
    expect(leaver.response.headers.location).toBe(roomPath);
    const inside = await leaver.agent.get(roomPath).expect(200);
    const left = await leaver.agent
      .post(`${roomPath}/leave`)
      .type('form')
      .send({ _csrf: hiddenField(inside.text, '_csrf') })
      .expect(200);
    // One guest has the form open; another joins and is let in (which also drops this
    // instance's cached entry of the link, so the next entry page reads the database).
    const pending = await openEntry(server, path);
    expect(pending.page.status).toBe(200);
    const admitted = await joinAs(server, path, { name: 'Ada Admitted', email: 'ada@example.org' });
    expect(admitted.response.headers.location).toBe(roomPath);

    const arranged =
      (await admission.arrange({
        storage,
        backdoor: harness.backdoor,
        room,
        linkId,
        actor,
        async strangerTurnedAway(how) {
          await storage.guests.setLobbyEnabled(room.id, true, actor);
          const stranger = await joinAs(server, path, { name: 'Sam Stranger', email: 'sam@example.org' });
          const [visit] = await storage.guests.listWaiting(room.id);
          if (how === 'denied') await storage.guests.decide(room.id, visit!.id, 'denied', actor);
          else {
            const waiting = await stranger.agent.get(`${roomPath}/waiting`).expect(200);
            await stranger.agent
              .post(`${roomPath}/leave`)
              .type('form')
              .send({ _csrf: hiddenField(waiting.text, '_csrf') })
              .expect(200);
          }
          await storage.guests.setLobbyEnabled(room.id, false, actor);
        },
        async fillLobby() {
          await storage.guests.setLobbyEnabled(room.id, true, actor);
          const waiting = await joinAs(server, path, { name: 'Wanda Waiting', email: 'wanda@example.org' });
          expect(waiting.response.headers.location).toBe(`${roomPath}/waiting`);
        },
      })) ?? {};
    try {
      const casePath = arranged.token ? `/g/${arranged.token}` : path;

      const entry = await request(server.url).get(casePath);
      if (admission.entry === 'form') {
        expect(entry.status).toBe(200);
        expect(entry.text).toContain('name="_csrf"');
      } else expectPage(entry, admission.entry);

      const visitsBefore = (await storage.guests.guestLog(room.id)).length;
      const join = await pending.agent
        .post(casePath)
        .type('form')
        .send({ _csrf: pending.csrf, name: 'Bea Later', email: 'bea@example.org' });
      if (admission.join === 'enters') {
        expect({ status: join.status, location: join.headers.location }).toEqual({
          status: 303,
          location: roomPath,
        });
      } else {
        expectPage(join, admission.join);
        // A refused join records nothing.
        expect((await storage.guests.guestLog(room.id)).length).toBe(visitsBefore);
      }

      const recheck = await admitted.agent.get(roomPath);
      if (admission.recheck === 'stays') {
        expect(recheck.status).toBe(200);
        expect(recheck.text).toContain(room.title);
      } else expectPage(recheck, admission.recheck);

      const visitsNow = (await storage.guests.guestLog(room.id)).length;
      const back = await leaver.agent
        .post(`${roomPath}/come-back`)
        .type('form')
        .send({ _csrf: hiddenField(left.text, '_csrf') });
      const outcome = comeBackOutcome(admission);
      if (outcome === 'enters')
        expect({ status: back.status, location: back.headers.location }).toEqual({
          status: 303,
          location: roomPath,
        });
      else expectPage(back, outcome);
      // Coming back is never a new visit.
      expect((await storage.guests.guestLog(room.id)).length).toBe(visitsNow);
    } finally {
      await arranged.undo?.();
    }
  });
});
