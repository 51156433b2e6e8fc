import { randomUUID } from 'node:crypto';
import { STALE_AFTER_SECONDS, type LiveJoinRequest, type LiveJoinResult } from '../../src/live/live.store';
import {
  identityOfUser,
  identityOfVisit,
  liveRole,
  NO_MEDIA,
  type BaseRole,
  type LiveParticipant,
} from '../../src/live/participant';
import type { Platform } from '../../src/platforms/platform';
import type { RoomLaunch } from '../../src/rooms/room.store';
import type { Storage } from '../../src/storage';
import {
  openTestStorage,
  STORAGE_BACKENDS,
  TEST_MONGODB_URI,
  testPlatform,
  type TestStorage,
} from '../helpers/storages';

/**
 * The live session's store contract (src/live/live.store.ts): the same expectations for
 * every backend in STORAGE_BACKENDS, each against a real database. Rooms and guest visits
 * come from the backend's own stores, as in stores.contract.test.ts.
 */

if (!TEST_MONGODB_URI) {
  // One visible line instead of silence: the MongoDB backend is only ever tested against a real server.
  describe.skip('MongoDB live store contract: skipped, set TEST_MONGODB_URI to run it', () => {
    it('runs this file against MongoDB', () => undefined);
  });
}

const ALL_ON = { audio: true, video: true, screen: true };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORAGE_BACKENDS)('live store contract on %s', (backend) => {
  const actor = { userId: 'teacher', name: 'Ada' };
  let handle: TestStorage;
  let storage: Storage;
  let lms: Platform;
  let linkCounter = 0;
  let tokenCounter = 0;
  /** One instance of the tool per test: touching and sweeping stay within the test. */
  let instanceId: string;
  /** The guest link of each room this file opened, by room id. */
  const tokens = new Map<string, string>();

  function launch(overrides: Partial<RoomLaunch> = {}): RoomLaunch {
    return {
      platformId: lms.id,
      deploymentId: 'deployment-1',
      contextId: '_1_1',
      resourceLinkId: `_live_${++linkCounter}_1`,
      title: 'Weekly session',
      contextTitle: 'Biology',
      roomType: 'room',
      mediaUrl: null,
      hostCandidate: { userId: 'teacher', name: 'Ada' },
      launcherUserId: 'teacher',
      launcherName: 'Ada',
      lobbyDefault: true,
      ...overrides,
    };
  }

  /** A room with guest access on, its lobby on, and one guest link. */
  async function newRoom(): Promise<string> {
    const room = await storage.rooms.openForLaunch(launch());
    await storage.guestAccess.setEnabled(room.id, true, actor);
    const seed = `live-${backend}-${tokenCounter++}`;
    const created = await storage.guestAccess.createLink({
      id: randomUUID(),
      roomId: room.id,
      name: 'Guests',
      nameKey: 'guests',
      tokenSeed: seed,
      tokenHash: `hash-${seed}`,
      clickLimit: null,
      durationDays: null,
      actor,
    });
    if (!created.ok) throw new TypeError(`link not created: ${created.reason}`);
    tokens.set(room.id, `hash-${seed}`);
    return room.id;
  }

  /** A guest's visit through the room's link: waiting in the lobby, or admitted by the host. */
  async function visit(roomId: string, status: 'waiting' | 'admitted' = 'admitted'): Promise<string> {
    const joined = await storage.guests.join({
      tokenHash: tokens.get(roomId)!,
      visitId: randomUUID(),
      name: 'Grace',
      email: 'grace@example.org',
      waitingCap: 1000,
      mustWait: false,
    });
    if (!joined.ok) throw new TypeError(`visit not recorded: ${joined.reason}`);
    expect(joined.visit.status).toBe('waiting');
    if (status === 'admitted') await storage.guests.decide(roomId, joined.visit.id, 'admitted', actor);
    return joined.visit.id;
  }

  async function visitStatus(visitId: string) {
    return (await storage.guests.findVisit(visitId))!.visit.status;
  }

  function asUser(
    roomId: string,
    userId: string,
    baseRole: Exclude<BaseRole, 'guest'> = 'viewer',
    extra: Partial<LiveJoinRequest> = {},
  ): LiveJoinRequest {
    return {
      id: randomUUID(),
      roomId,
      identity: identityOfUser(userId),
      visitId: null,
      userId,
      name: userId,
      baseRole,
      instanceId,
      cap: null,
      ...extra,
    };
  }

  function asGuest(roomId: string, visitId: string, extra: Partial<LiveJoinRequest> = {}): LiveJoinRequest {
    return {
      id: randomUUID(),
      roomId,
      identity: identityOfVisit(visitId),
      visitId,
      userId: null,
      name: 'Grace',
      baseRole: 'guest',
      instanceId,
      cap: null,
      ...extra,
    };
  }

  /** Joins and expects to get in. */
  async function joined(request: LiveJoinRequest): Promise<LiveParticipant> {
    const result = await storage.live.join(request);
    if (!result.ok) throw new TypeError(`join refused: ${result.reason}`);
    return result.participant;
  }

  async function listedIds(roomId: string): Promise<string[]> {
    return (await storage.live.list(roomId)).map((participant) => participant.id);
  }

  const admittedCount = (results: LiveJoinResult[]) => results.filter((result) => result.ok).length;

  beforeAll(async () => {
    handle = await openTestStorage(backend);
    storage = handle.storage;
    lms = testPlatform();
    await storage.platforms.sync([lms]);
  });

  beforeEach(() => {
    instanceId = `instance-${randomUUID()}`;
  });

  afterAll(async () => {
    await handle.close();
  });

  describe('joining', () => {
    it('records a participant, and a second page of the same identity replaces the first', async () => {
      const roomId = await newRoom();
      const first = await joined(asUser(roomId, 'sam'));
      expect(first).toMatchObject({
        roomId,
        identity: 'user:sam',
        visitId: null,
        name: 'sam',
        baseRole: 'viewer',
        speaking: false,
        handRaisedAt: null,
        media: NO_MEDIA,
        instanceId,
      });
      expect(first.joinedAt).toBeInstanceOf(Date);
      expect(await storage.live.find(first.id)).toEqual(first);
      await pause(5);
      const other = await joined(asUser(roomId, 'kim'));
      await pause(5);

      const second = await storage.live.join(asUser(roomId, 'sam', 'viewer', { instanceId: 'elsewhere' }));
      expect(second).toMatchObject({ ok: true, replaced: first });
      if (!second.ok) return;
      expect(second.participant).toMatchObject({ identity: 'user:sam', instanceId: 'elsewhere' });
      expect(second.participant.id).not.toBe(first.id);
      expect(await storage.live.find(first.id)).toBeNull();
      expect(await storage.live.find(second.participant.id)).toEqual(second.participant);
      expect(await listedIds(roomId)).toEqual([other.id, second.participant.id]);

      const visitId = await visit(roomId);
      const guest = await joined(asGuest(roomId, visitId));
      expect(guest).toMatchObject({ identity: `visit:${visitId}`, visitId, baseRole: 'guest' });
      const again = await storage.live.join(asGuest(roomId, visitId));
      expect(again).toMatchObject({ ok: true, replaced: { id: guest.id } });
      expect(await storage.live.find(guest.id)).toBeNull();
      expect(await storage.live.list(roomId)).toHaveLength(3);
    });

    it('ends a connection once', async () => {
      const roomId = await newRoom();
      const sam = await joined(asUser(roomId, 'sam'));
      expect(await storage.live.leave(sam.id)).toMatchObject({ id: sam.id, roomId });
      expect(await storage.live.leave(sam.id)).toBeNull();
      expect(await storage.live.find(sam.id)).toBeNull();
      expect(await storage.live.list(roomId)).toEqual([]);
    });

    it('lets a guest in only while their visit to this very room is admitted', async () => {
      const roomId = await newRoom();
      const refused = { ok: false, reason: 'not-admitted' };

      const waiting = await visit(roomId, 'waiting');
      expect(await storage.live.join(asGuest(roomId, waiting))).toEqual(refused);

      const denied = await visit(roomId, 'waiting');
      await storage.guests.decide(roomId, denied, 'denied', actor);
      expect(await storage.live.join(asGuest(roomId, denied))).toEqual(refused);

      const left = await visit(roomId);
      expect(await storage.guests.leave(left)).toBe(true);
      expect(await storage.live.join(asGuest(roomId, left))).toEqual(refused);

      const removed = await visit(roomId);
      await storage.live.remove((await joined(asGuest(roomId, removed))).id, actor);
      expect(await visitStatus(removed)).toBe('removed');
      expect(await storage.live.join(asGuest(roomId, removed))).toEqual(refused);

      const otherRoom = await newRoom();
      const elsewhere = await visit(otherRoom);
      expect(await storage.live.join(asGuest(roomId, elsewhere))).toEqual(refused);
      expect(await storage.live.join(asGuest(roomId, randomUUID()))).toEqual(refused);

      expect(await storage.live.list(roomId)).toEqual([]);
      const admitted = await visit(roomId);
      expect(await storage.live.join(asGuest(roomId, admitted))).toMatchObject({ ok: true });
      expect(await storage.live.join(asGuest(otherRoom, elsewhere))).toMatchObject({ ok: true });
    });
  });

  describe('the cap', () => {
    /** Fills a room with the cap's worth of viewers and guests out of three times as many joining at once. */
    async function fullRoom(cap: number) {
      const roomId = await newRoom();
      const visits = await Promise.all(Array.from({ length: cap }, () => visit(roomId)));
      const requests = [
        ...Array.from({ length: 2 * cap }, (_, index) =>
          asUser(roomId, `viewer-${index}`, 'viewer', { cap }),
        ),
        ...visits.map((visitId) => asGuest(roomId, visitId, { cap })),
      ];
      const results = await Promise.all(requests.map((request) => storage.live.join(request)));
      return { roomId, requests, results };
    }

    it('admits exactly as many viewers and guests as the cap, whatever races', async () => {
      const cap = 3;
      for (let round = 0; round < 5; round++) {
        const { roomId, results } = await fullRoom(cap);
        expect(admittedCount(results)).toBe(cap);
        for (const result of results) if (!result.ok) expect(result.reason).toBe('full');
        expect(await storage.live.countTowardCap(roomId)).toBe(cap);
        expect(await storage.live.list(roomId)).toHaveLength(cap);
        expect(await storage.live.join(asUser(roomId, 'late', 'viewer', { cap }))).toEqual({
          ok: false,
          reason: 'full',
        });
      }
    });

    it('lets hosts and moderators into a full room, and someone inside back in', async () => {
      const cap = 3;
      const { roomId, requests, results } = await fullRoom(cap);
      const hosts = await Promise.all([
        storage.live.join(asUser(roomId, 'teacher', 'host', { cap })),
        storage.live.join(asUser(roomId, 'assistant', 'moderator', { cap })),
        storage.live.join(asUser(roomId, 'second-assistant', 'moderator', { cap })),
      ]);
      expect(admittedCount(hosts)).toBe(3);
      expect(await storage.live.countTowardCap(roomId)).toBe(cap);
      expect(await storage.live.list(roomId)).toHaveLength(cap + 3);

      // Someone inside reconnecting keeps their place in a full room.
      const inside = results.find((result) => result.ok)!;
      if (!inside.ok) return;
      const request = requests[results.indexOf(inside)]!;
      const back = await storage.live.join({ ...request, id: randomUUID() });
      expect(back).toMatchObject({ ok: true, replaced: { id: inside.participant.id } });
      expect(await storage.live.countTowardCap(roomId)).toBe(cap);
      expect(await storage.live.join(asUser(roomId, 'late', 'viewer', { cap }))).toEqual({
        ok: false,
        reason: 'full',
      });
    });

    it('refuses a full room without ending the connection the join would have replaced', async () => {
      const cap = 2;
      const roomId = await newRoom();
      await joined(asUser(roomId, 'ann', 'viewer', { cap }));
      const bob = await joined(asUser(roomId, 'bob', 'viewer', { cap }));
      const moderator = await joined(asUser(roomId, 'max', 'moderator', { cap }));

      // The moderator's second page comes as a viewer (their role changed): there is no place for it.
      expect(await storage.live.join(asUser(roomId, 'max', 'viewer', { cap }))).toEqual({
        ok: false,
        reason: 'full',
      });
      expect(await storage.live.find(moderator.id)).toEqual(moderator);
      expect(await storage.live.countTowardCap(roomId)).toBe(cap);

      // A viewer coming back as a moderator frees their place for someone else.
      const promoted = await storage.live.join(asUser(roomId, 'bob', 'moderator', { cap }));
      expect(promoted).toMatchObject({ ok: true, replaced: { id: bob.id } });
      expect(await storage.live.countTowardCap(roomId)).toBe(cap - 1);
      expect(await storage.live.join(asUser(roomId, 'cat', 'viewer', { cap }))).toMatchObject({ ok: true });
      expect(await storage.live.countTowardCap(roomId)).toBe(cap);
      expect(await storage.live.list(roomId)).toHaveLength(cap + 2);
    });
  });

  describe('changes', () => {
    it('invites only viewers and guests to speak', async () => {
      const roomId = await newRoom();
      const viewer = await joined(asUser(roomId, 'sam'));
      const guest = await joined(asGuest(roomId, await visit(roomId)));
      const host = await joined(asUser(roomId, 'teacher', 'host'));
      const moderator = await joined(asUser(roomId, 'max', 'moderator'));

      const speaking = await storage.live.update(viewer.id, { speaking: true });
      expect(speaking).toMatchObject({ id: viewer.id, speaking: true });
      expect(liveRole(speaking!)).toBe('speaker');
      expect(await storage.live.update(guest.id, { speaking: true })).toMatchObject({ speaking: true });

      for (const presenter of [host, moderator]) {
        await expect(storage.live.update(presenter.id, { speaking: true })).resolves.toBeNull();
        // A refused change changes nothing, not even its other parts.
        await expect(
          storage.live.update(presenter.id, { speaking: true, handRaised: true }),
        ).resolves.toBeNull();
        expect(await storage.live.find(presenter.id)).toEqual(presenter);
      }
      expect(await storage.live.update(randomUUID(), { speaking: true })).toBeNull();
    });

    it('lets only presenters send media, and stopping someone speaking stops their media', async () => {
      const roomId = await newRoom();
      const viewer = await joined(asUser(roomId, 'sam'));
      const guest = await joined(asGuest(roomId, await visit(roomId)));
      const host = await joined(asUser(roomId, 'teacher', 'host'));
      const moderator = await joined(asUser(roomId, 'max', 'moderator'));

      for (const listener of [viewer, guest]) {
        await expect(storage.live.update(listener.id, { media: ALL_ON })).resolves.toBeNull();
        await expect(
          storage.live.update(listener.id, { media: { audio: true, video: false, screen: false } }),
        ).resolves.toBeNull();
        await expect(
          storage.live.update(listener.id, { media: ALL_ON, handRaised: true }),
        ).resolves.toBeNull();
        expect(await storage.live.find(listener.id)).toEqual(listener);
        expect(await storage.live.update(listener.id, { media: NO_MEDIA })).toMatchObject({
          media: NO_MEDIA,
        });
      }
      for (const presenter of [host, moderator])
        expect(await storage.live.update(presenter.id, { media: ALL_ON })).toMatchObject({ media: ALL_ON });

      await storage.live.update(viewer.id, { speaking: true });
      const sending = { audio: true, video: true, screen: false };
      expect(await storage.live.update(viewer.id, { media: sending })).toMatchObject({ media: sending });
      const stopped = await storage.live.update(viewer.id, { speaking: false });
      expect(stopped).toMatchObject({ speaking: false, media: NO_MEDIA });
      expect(await storage.live.find(viewer.id)).toMatchObject({ speaking: false, media: NO_MEDIA });
      await expect(storage.live.update(viewer.id, { media: sending })).resolves.toBeNull();

      // The rules apply to the participant as the change leaves them.
      expect(await storage.live.update(guest.id, { speaking: true, media: sending })).toMatchObject({
        speaking: true,
        media: sending,
      });
      expect(await storage.live.update(guest.id, { speaking: false, media: ALL_ON })).toMatchObject({
        speaking: false,
        media: NO_MEDIA,
      });
      expect(await storage.live.update(randomUUID(), { media: NO_MEDIA })).toBeNull();
    });

    it('keeps the time a hand first went up until it is lowered', async () => {
      const roomId = await newRoom();
      const viewer = await joined(asUser(roomId, 'sam'));
      const raised = await storage.live.update(viewer.id, { handRaised: true });
      expect(raised!.handRaisedAt).toBeInstanceOf(Date);
      await pause(20);
      const again = await storage.live.update(viewer.id, { handRaised: true });
      expect(again!.handRaisedAt).toEqual(raised!.handRaisedAt);
      expect((await storage.live.find(viewer.id))!.handRaisedAt).toEqual(raised!.handRaisedAt);
      expect(await storage.live.update(viewer.id, { handRaised: false })).toMatchObject({
        handRaisedAt: null,
      });
      await pause(20);
      const later = await storage.live.update(viewer.id, { handRaised: true });
      expect(later!.handRaisedAt!.getTime()).toBeGreaterThan(raised!.handRaisedAt!.getTime());
    });

    it('counts every change, and changes only the media a change names', async () => {
      const roomId = await newRoom();
      const host = await joined(asUser(roomId, 'teacher', 'host'));
      expect(host.version).toBe(1);
      const sending = await storage.live.update(host.id, {
        media: { audio: true, video: true, screen: false },
      });
      expect(sending!.version).toBe(2);
      // A moderator's mute: the microphone only, whatever the camera did meanwhile.
      const muted = await storage.live.update(host.id, { media: { audio: false } });
      expect(muted).toMatchObject({ version: 3, media: { audio: false, video: true, screen: false } });
    });
  });

  describe('moderation', () => {
    it('removes a guest for good: their visit is recorded as removed and cannot come back', async () => {
      const roomId = await newRoom();
      const visitId = await visit(roomId);
      const guest = await joined(asGuest(roomId, visitId));
      expect(await storage.live.remove(guest.id, actor)).toMatchObject({ id: guest.id, visitId });
      expect(await storage.live.find(guest.id)).toBeNull();
      expect(await storage.live.list(roomId)).toEqual([]);
      const { visit: removed } = (await storage.guests.findVisit(visitId))!;
      expect(removed).toMatchObject({ status: 'removed', removedByName: 'Ada' });
      expect(removed.removedAt).toBeInstanceOf(Date);
      expect(
        (await storage.guests.guestLog(roomId)).find((entry) => entry.visitId === visitId),
      ).toMatchObject({
        status: 'removed',
        removedByName: 'Ada',
        // The id too: the log labels a remover whose platform sent no name from it.
        removedBy: actor.userId,
      });
      expect(await storage.live.join(asGuest(roomId, visitId))).toEqual({
        ok: false,
        reason: 'not-admitted',
      });
      expect(await storage.live.remove(guest.id, actor)).toBeNull();
      expect(await storage.live.isRemoved(roomId, guest.identity)).toBe(false);
    });

    it('keeps a removed launched user out of the room until a moderator lets them back', async () => {
      const roomId = await newRoom();
      const otherRoom = await newRoom();
      const sam = await joined(asUser(roomId, 'sam'));
      const elsewhere = await joined(asUser(otherRoom, 'sam'));
      expect(await storage.live.isRemoved(roomId, sam.identity)).toBe(false);
      expect(await storage.live.remove(sam.id, actor)).toMatchObject({ id: sam.id });
      expect(await storage.live.find(sam.id)).toBeNull();
      expect(await storage.live.isRemoved(roomId, sam.identity)).toBe(true);
      const [entry, ...rest] = await storage.live.listRemovedUsers(roomId);
      expect(rest).toEqual([]);
      expect(entry).toMatchObject({ identity: sam.identity, name: 'sam' });
      expect(entry!.removedAt).toBeInstanceOf(Date);
      expect(await storage.live.join(asUser(roomId, 'sam'))).toEqual({ ok: false, reason: 'removed' });
      expect(await storage.live.join(asUser(roomId, 'sam', 'viewer', { cap: 10 }))).toEqual({
        ok: false,
        reason: 'removed',
      });

      // Another room of the same user is not affected.
      expect(await storage.live.isRemoved(otherRoom, sam.identity)).toBe(false);
      expect(await storage.live.listRemovedUsers(otherRoom)).toEqual([]);
      expect(await storage.live.find(elsewhere.id)).toEqual(elsewhere);

      expect(await storage.live.allowBack(roomId, sam.identity)).toBe(true);
      expect(await storage.live.allowBack(roomId, sam.identity)).toBe(false);
      expect(await storage.live.isRemoved(roomId, sam.identity)).toBe(false);
      expect(await storage.live.listRemovedUsers(roomId)).toEqual([]);
      expect(await storage.live.join(asUser(roomId, 'sam'))).toMatchObject({ ok: true });
    });

    it('sends an admitted guest back to the lobby, and nobody else', async () => {
      const roomId = await newRoom();
      const visitId = await visit(roomId);
      const guest = await joined(asGuest(roomId, visitId));
      const sam = await joined(asUser(roomId, 'sam'));

      expect(await storage.live.sendToLobby(guest.id, actor)).toMatchObject({ id: guest.id, visitId });
      expect(await storage.live.find(guest.id)).toBeNull();
      expect(await visitStatus(visitId)).toBe('waiting');
      expect((await storage.guests.listWaiting(roomId)).map((waiting) => waiting.id)).toContain(visitId);
      expect(await storage.live.join(asGuest(roomId, visitId))).toEqual({
        ok: false,
        reason: 'not-admitted',
      });
      expect(await storage.live.sendToLobby(guest.id, actor)).toBeNull();

      // Back from the lobby is not a ban: admitted again, the guest comes in again.
      await storage.guests.decide(roomId, visitId, 'admitted', actor);
      expect(await storage.live.join(asGuest(roomId, visitId))).toMatchObject({ ok: true });

      expect(await storage.live.sendToLobby(sam.id, actor)).toBeNull();
      expect(await storage.live.find(sam.id)).toEqual(sam);
      expect(await storage.live.sendToLobby(randomUUID(), actor)).toBeNull();
    });

    it('keeps who sent a guest back to the lobby, and when, in the guest log', async () => {
      const roomId = await newRoom();
      const visitId = await visit(roomId);
      const other = await visit(roomId);
      const logged = async (id: string) =>
        (await storage.guests.guestLog(roomId)).find((entry) => entry.visitId === id)!;
      expect(await logged(visitId)).toMatchObject({ sentToLobbyAt: null, sentToLobbyByName: null });

      const first = await joined(asGuest(roomId, visitId));
      await storage.live.sendToLobby(first.id, actor);
      const sent = await logged(visitId);
      expect(sent).toMatchObject({
        status: 'waiting',
        decidedAt: null,
        sentToLobbyByName: 'Ada',
        sentToLobbyBy: actor.userId,
      });
      expect(sent.sentToLobbyAt).toBeInstanceOf(Date);

      // Sent back twice: the log keeps the latest, by whoever did it.
      await storage.guests.decide(roomId, visitId, 'admitted', actor);
      const again = await joined(asGuest(roomId, visitId));
      await pause(5);
      await storage.live.sendToLobby(again.id, { userId: 'ta', name: 'Bo' });
      const latest = await logged(visitId);
      expect(latest).toMatchObject({ sentToLobbyByName: 'Bo', sentToLobbyBy: 'ta' });
      expect(latest.sentToLobbyAt!.getTime()).toBeGreaterThan(sent.sentToLobbyAt!.getTime());
      expect(await logged(other)).toMatchObject({ sentToLobbyAt: null, sentToLobbyByName: null });
    });

    it('never leaves a removed guest connected when the removal races their reconnection', async () => {
      const roomId = await newRoom();
      for (let round = 0; round < 20; round++) {
        const visitId = await visit(roomId);
        const first = await joined(asGuest(roomId, visitId));
        const [rejoin] = await Promise.all([
          storage.live.join(asGuest(roomId, visitId)),
          storage.live.remove(first.id, actor),
        ]);
        const connected = (await storage.live.list(roomId)).filter(
          (participant) => participant.visitId === visitId,
        );
        if ((await visitStatus(visitId)) === 'removed') expect(connected).toEqual([]);
        else
          expect(connected.map((participant) => participant.id)).toEqual([
            rejoin.ok && rejoin.participant.id,
          ]);
      }
    });

    it('never leaves a guest connected once sent back to the lobby, even while they reconnect', async () => {
      const roomId = await newRoom();
      for (let round = 0; round < 20; round++) {
        const visitId = await visit(roomId);
        const first = await joined(asGuest(roomId, visitId));
        const [rejoin] = await Promise.all([
          storage.live.join(asGuest(roomId, visitId)),
          storage.live.sendToLobby(first.id, actor),
        ]);
        const connected = (await storage.live.list(roomId)).filter(
          (participant) => participant.visitId === visitId,
        );
        if ((await visitStatus(visitId)) === 'waiting') expect(connected).toEqual([]);
        else
          expect(connected.map((participant) => participant.id)).toEqual([
            rejoin.ok && rejoin.participant.id,
          ]);
      }
    });

    it('never leaves a removed user connected when the removal races their reconnection', async () => {
      const roomId = await newRoom();
      for (let round = 0; round < 20; round++) {
        const first = await joined(asUser(roomId, `user-${round}`));
        const [rejoin] = await Promise.all([
          storage.live.join(asUser(roomId, `user-${round}`)),
          storage.live.remove(first.id, actor),
        ]);
        const connected = (await storage.live.list(roomId)).filter(
          (participant) => participant.identity === first.identity,
        );
        if (await storage.live.isRemoved(roomId, first.identity)) expect(connected).toEqual([]);
        else
          expect(connected.map((participant) => participant.id)).toEqual([
            rejoin.ok && rejoin.participant.id,
          ]);
      }
    });
  });

  describe('presence', () => {
    const longAgo = STALE_AFTER_SECONDS + 15;

    it('counts only recently seen viewers and guests toward the cap', async () => {
      const cap = 3;
      const roomId = await newRoom();
      await joined(asUser(roomId, 'teacher', 'host', { cap }));
      await joined(asUser(roomId, 'max', 'moderator', { cap }));
      const sam = await joined(asUser(roomId, 'sam', 'viewer', { cap }));
      const kim = await joined(asUser(roomId, 'kim', 'viewer', { cap }));
      await joined(asGuest(roomId, await visit(roomId), { cap }));
      expect(await storage.live.countTowardCap(roomId)).toBe(3);
      expect(await storage.live.countTowardCap(roomId, sam.identity)).toBe(2);
      expect(await storage.live.countTowardCap(roomId, 'user:teacher')).toBe(3);
      expect(await storage.live.countTowardCap(await newRoom())).toBe(0);

      await handle.backdateLiveParticipants([kim.id], longAgo);
      expect(await storage.live.countTowardCap(roomId)).toBe(2);
      expect(await storage.live.find(kim.id)).toBeNull();
      expect(await storage.live.update(kim.id, { handRaised: true })).toBeNull();
      expect(await listedIds(roomId)).not.toContain(kim.id);

      // A participant not seen for a while holds no place.
      expect(await storage.live.join(asUser(roomId, 'cat', 'viewer', { cap }))).toMatchObject({ ok: true });
      expect(await storage.live.join(asUser(roomId, 'dan', 'viewer', { cap }))).toEqual({
        ok: false,
        reason: 'full',
      });
    });

    it('sweeps the participants of an instance that stopped marking them as seen', async () => {
      const roomId = await newRoom();
      const stopped = `instance-${randomUUID()}`;
      const kept = [
        await joined(asUser(roomId, 'sam')),
        await joined(asGuest(roomId, await visit(roomId))),
        await joined(asUser(roomId, 'teacher', 'host')),
      ];
      const lost = [
        await joined(asUser(roomId, 'kim', 'viewer', { instanceId: stopped })),
        await joined(asUser(roomId, 'max', 'moderator', { instanceId: stopped })),
      ];
      const all = [...kept, ...lost].map((participant) => participant.id);
      await handle.backdateLiveParticipants(all, longAgo);
      expect(await storage.live.list(roomId)).toEqual([]);
      expect(await storage.live.countTowardCap(roomId)).toBe(0);

      // This instance holds the kept ones (and one that ended meanwhile), not the lost ones.
      const ended = await joined(asUser(roomId, 'eve'));
      await storage.live.leave(ended.id);
      expect(await storage.live.touch([...kept.map((participant) => participant.id), ended.id])).toEqual([
        ended.id,
      ]);
      expect(await listedIds(roomId)).toEqual(kept.map((participant) => participant.id));
      expect(await storage.live.find(lost[0]!.id)).toBeNull();
      const swept = (await storage.live.sweepStale()).filter((participant) => participant.roomId === roomId);
      expect(swept.map((participant) => participant.id).sort()).toEqual(lost.map((p) => p.id).sort());
      expect(
        (await storage.live.sweepStale()).filter((participant) => participant.roomId === roomId),
      ).toEqual([]);
      expect(await listedIds(roomId)).toEqual(kept.map((participant) => participant.id));
      // A swept connection is over: its page joins again as a new one.
      expect(await storage.live.join(asUser(roomId, 'kim', 'viewer', { instanceId: stopped }))).toMatchObject(
        {
          ok: true,
          replaced: null,
        },
      );
    });

    it('ends every connection of a room at once and reports them', async () => {
      const roomId = await newRoom();
      const otherRoom = await newRoom();
      const everyone = [
        await joined(asUser(roomId, 'teacher', 'host')),
        await joined(asUser(roomId, 'sam')),
        await joined(asGuest(roomId, await visit(roomId))),
      ];
      const other = await joined(asUser(otherRoom, 'sam'));
      const ended = await storage.live.endAll(roomId);
      expect(ended.map((participant) => participant.id).sort()).toEqual(everyone.map((p) => p.id).sort());
      expect(await storage.live.list(roomId)).toEqual([]);
      expect(await storage.live.endAll(roomId)).toEqual([]);
      expect(await listedIds(otherRoom)).toEqual([other.id]);
    });
  });
});
