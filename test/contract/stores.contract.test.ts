import { randomUUID } from 'node:crypto';
import type { NewGuestLink } from '../../src/guest-access/guest-access.store';
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
 * The domain store contract: the same expectations for every backend. Each backend
 * listed in STORAGE_BACKENDS runs this whole file against a real database.
 */

if (!TEST_MONGODB_URI) {
  // One visible line instead of silence: the MongoDB backend is only ever tested against a real server.
  describe.skip('MongoDB store contract: skipped, set TEST_MONGODB_URI to run it', () => {
    it('runs this file against MongoDB', () => undefined);
  });
}

describe.each(STORAGE_BACKENDS)('store contract on %s', (backend) => {
  let handle: TestStorage;
  let storage: Storage;
  let lms: Platform;
  let linkCounter = 0;

  function launch(overrides: Partial<RoomLaunch> = {}): RoomLaunch {
    return {
      platformId: lms.id,
      deploymentId: 'deployment-1',
      contextId: '_1_1',
      resourceLinkId: `_${++linkCounter}_1`,
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

  beforeAll(async () => {
    handle = await openTestStorage(backend);
    storage = handle.storage;
    lms = testPlatform();
    await storage.platforms.sync([lms]);
  });

  afterAll(async () => {
    await handle.close();
  });

  describe('platforms', () => {
    it('stores registrations, updates them, and deactivates those no longer listed', async () => {
      const other = testPlatform({ name: 'Other LMS' });
      await storage.platforms.sync([lms, other]);
      expect(await storage.platforms.findById(other.id)).toMatchObject({
        issuer: other.issuer,
        clientId: other.clientId,
        deploymentIds: ['deployment-1'],
        active: true,
        settings: other.settings,
      });
      await storage.platforms.sync([{ ...lms, deploymentIds: ['deployment-1', 'deployment-2'] }]);
      expect((await storage.platforms.findById(lms.id))!.deploymentIds).toEqual([
        'deployment-1',
        'deployment-2',
      ]);
      expect((await storage.platforms.findById(other.id))!.active).toBe(false);
      await storage.platforms.sync([lms, other]);
      expect((await storage.platforms.findById(other.id))!.active).toBe(true);
      expect(await storage.platforms.findById('nope')).toBeNull();
    });

    it('keeps a registration’s preset, changes it, and leaves it out when none is named', async () => {
      const moodle = testPlatform({ name: 'Moodle', preset: 'moodle' });
      await storage.platforms.sync([lms, moodle]);
      expect((await storage.platforms.findById(moodle.id))!.preset).toBe('moodle');
      expect(await storage.platforms.findById(lms.id)).not.toHaveProperty('preset');
      await storage.platforms.sync([lms, { ...moodle, preset: 'custom' }]);
      expect((await storage.platforms.findById(moodle.id))!.preset).toBe('custom');
      await storage.platforms.sync([lms, { ...moodle, preset: undefined }]);
      expect(await storage.platforms.findById(moodle.id)).not.toHaveProperty('preset');
    });
  });

  describe('rooms', () => {
    it('creates a room on the first launch of a resource link and reuses it later', async () => {
      const first = launch();
      const room = await storage.rooms.openForLaunch(first);
      expect(room).toMatchObject({
        platformId: lms.id,
        title: 'Weekly session',
        contextTitle: 'Biology',
        roomType: 'room',
        hostUserId: 'teacher',
        hostName: 'Ada',
        lobbyEnabled: true,
      });
      const again = await storage.rooms.openForLaunch({
        ...first,
        hostCandidate: { userId: 'other', name: 'Bob' },
      });
      expect(again.id).toBe(room.id);
      expect(again.hostUserId).toBe('teacher');
      expect(await storage.rooms.findById(room.id)).toEqual(again);
    });

    it('follows a renamed link and a changed room type', async () => {
      const first = launch();
      const room = await storage.rooms.openForLaunch(first);
      const renamed = await storage.rooms.openForLaunch({
        ...first,
        title: 'Renamed',
        roomType: 'media-gallery',
      });
      expect(renamed).toMatchObject({ id: room.id, title: 'Renamed', roomType: 'media-gallery' });
      expect(renamed.updatedAt.getTime()).toBeGreaterThanOrEqual(room.updatedAt.getTime());
    });

    it('gives a room opened first by a student its host at the first moderator launch', async () => {
      const first = launch({ hostCandidate: null, launcherUserId: 'student', launcherName: 'Sam' });
      const room = await storage.rooms.openForLaunch(first);
      expect(room.hostUserId).toBeNull();
      const hosted = await storage.rooms.openForLaunch({
        ...first,
        hostCandidate: { userId: 'teacher', name: 'Ada' },
      });
      expect(hosted).toMatchObject({ id: room.id, hostUserId: 'teacher', hostName: 'Ada' });
    });

    it('refreshes the host’s display name when the host launches', async () => {
      const first = launch({ hostCandidate: { userId: 'placer', name: null } });
      const room = await storage.rooms.openForLaunch(first);
      expect(room.hostName).toBeNull();
      const named = await storage.rooms.openForLaunch({
        ...first,
        launcherUserId: 'placer',
        launcherName: 'Grace',
      });
      expect(named.hostName).toBe('Grace');
    });

    it('creates exactly one room when a whole class launches a new link at once', async () => {
      const first = launch();
      const rooms = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          storage.rooms.openForLaunch({ ...first, launcherUserId: `user-${index}`, hostCandidate: null }),
        ),
      );
      expect(new Set(rooms.map((room) => room.id)).size).toBe(1);
    });

    it('keeps rooms of different deployments and courses apart', async () => {
      await storage.platforms.sync([{ ...lms, deploymentIds: ['deployment-1', 'deployment-2'] }]);
      const first = launch();
      const a = await storage.rooms.openForLaunch(first);
      const b = await storage.rooms.openForLaunch({ ...first, deploymentId: 'deployment-2' });
      const c = await storage.rooms.openForLaunch({ ...first, contextId: '_2_1' });
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });

    it('finds nothing for an unknown id', async () => {
      expect(await storage.rooms.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
    });
  });

  describe('guest access', () => {
    const actor = { userId: 'teacher', name: 'Ada' };
    let seedCounter = 0;

    function newLink(roomId: string, name: string, extra: Partial<NewGuestLink> = {}): NewGuestLink {
      const seed = `seed-${backend}-${seedCounter++}`;
      return {
        id: randomUUID(),
        roomId,
        name,
        nameKey: name.toLowerCase(),
        tokenSeed: seed,
        tokenHash: `hash-${seed}`,
        clickLimit: null,
        durationDays: null,
        actor,
        ...extra,
      };
    }

    async function roomWithAccess(): Promise<string> {
      const room = await storage.rooms.openForLaunch(launch());
      expect(room.guestAccessEnabled).toBe(false);
      await storage.guestAccess.setEnabled(room.id, true, actor);
      return room.id;
    }

    it('toggles guest access, reporting whether anything changed', async () => {
      const room = await storage.rooms.openForLaunch(launch());
      expect(await storage.guestAccess.setEnabled(room.id, true, actor)).toEqual({ changed: true });
      expect(await storage.guestAccess.setEnabled(room.id, true, actor)).toEqual({ changed: false });
      expect((await storage.rooms.findById(room.id))!.guestAccessEnabled).toBe(true);
      expect(await storage.guestAccess.setEnabled('missing-room', true, actor)).toBeNull();
    });

    it('creates links with their limits and lists them oldest first', async () => {
      const roomId = await roomWithAccess();
      const created = await storage.guestAccess.createLink(
        newLink(roomId, 'First', { clickLimit: 5, durationDays: 2 }),
      );
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      expect(created.link).toMatchObject({
        roomId,
        name: 'First',
        clickLimit: 5,
        clicksUsed: 0,
        createdBy: 'teacher',
      });
      const days = (created.link.expiresAt!.getTime() - created.link.createdAt.getTime()) / 86400_000;
      expect(days).toBeCloseTo(2, 5);
      await storage.guestAccess.createLink(newLink(roomId, 'Second'));
      const state = await storage.guestAccess.getState(roomId);
      expect(state!.enabled).toBe(true);
      expect(state!.links.map((link) => link.name)).toEqual(['First', 'Second']);
    });

    it('refuses a link while access is off, a fourth link, a taken name, and an unknown room', async () => {
      const closed = await storage.rooms.openForLaunch(launch());
      expect(await storage.guestAccess.createLink(newLink(closed.id, 'A'))).toEqual({
        ok: false,
        reason: 'guest-access-disabled',
      });
      const roomId = await roomWithAccess();
      for (const name of ['A', 'B', 'C'])
        expect((await storage.guestAccess.createLink(newLink(roomId, name))).ok).toBe(true);
      expect(await storage.guestAccess.createLink(newLink(roomId, 'D'))).toEqual({
        ok: false,
        reason: 'limit-reached',
      });
      const other = await roomWithAccess();
      await storage.guestAccess.createLink(newLink(other, 'Same'));
      expect(await storage.guestAccess.createLink(newLink(other, 'Same'))).toEqual({
        ok: false,
        reason: 'name-taken',
      });
      expect(await storage.guestAccess.createLink(newLink('missing-room', 'A'))).toEqual({
        ok: false,
        reason: 'room-missing',
      });
    });

    it('never holds more than three live links, whatever races', async () => {
      const roomId = await roomWithAccess();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          storage.guestAccess.createLink(newLink(roomId, `Race ${index}`)),
        ),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(3);
      expect((await storage.guestAccess.getState(roomId))!.links).toHaveLength(3);
    });

    it('deletes a live link once, freeing its place and its name', async () => {
      const roomId = await roomWithAccess();
      const created = await storage.guestAccess.createLink(newLink(roomId, 'Gone'));
      if (!created.ok) throw new Error('not created');
      expect((await storage.guestAccess.deleteLink(roomId, created.link.id, actor))!.name).toBe('Gone');
      expect(await storage.guestAccess.deleteLink(roomId, created.link.id, actor)).toBeNull();
      expect((await storage.guestAccess.getState(roomId))!.links).toEqual([]);
      expect((await storage.guestAccess.createLink(newLink(roomId, 'Gone'))).ok).toBe(true);
      const other = await roomWithAccess();
      expect(await storage.guestAccess.deleteLink(other, created.link.id, actor)).toBeNull();
    });
  });

  describe('guests', () => {
    const actor = { userId: 'teacher', name: 'Ada' };
    let tokenCounter = 0;

    async function roomWithLink(
      clickLimit: number | null = null,
    ): Promise<{ roomId: string; token: string }> {
      const room = await storage.rooms.openForLaunch(launch());
      await storage.guestAccess.setEnabled(room.id, true, actor);
      const seed = `guest-${backend}-${tokenCounter++}`;
      const created = await storage.guestAccess.createLink({
        id: randomUUID(),
        roomId: room.id,
        name: 'Guests',
        nameKey: 'guests',
        tokenSeed: seed,
        tokenHash: `hash-${seed}`,
        clickLimit,
        durationDays: null,
        actor,
      });
      if (!created.ok) throw new TypeError(`link not created: ${created.reason}`);
      return { roomId: room.id, token: `hash-${seed}` };
    }

    function join(token: string, waitingCap = 100) {
      return storage.guests.join({
        tokenHash: token,
        visitId: randomUUID(),
        name: 'Grace',
        email: 'grace@example.org',
        waitingCap,
        mustWait: false,
      });
    }

    async function clicksUsed(roomId: string): Promise<number> {
      return (await storage.guestAccess.getState(roomId))!.links[0]!.clicksUsed;
    }

    it('counts a click per join and records the visit; a refusal counts nothing', async () => {
      const { roomId, token } = await roomWithLink(5);
      const first = await join(token);
      expect(first).toMatchObject({ ok: true, visit: { roomId, status: 'waiting', name: 'Grace' } });
      expect(await clicksUsed(roomId)).toBe(1);
      expect(await storage.guests.findLinkEntry(token)).toMatchObject({
        roomId,
        linkExhausted: false,
        guestAccessEnabled: true,
        roomAvailable: true,
        modulesEnabled: true,
        roomSupportsGuests: true,
      });
      expect(await join('hash-unknown')).toEqual({ ok: false, reason: 'unknown-link' });
      expect(await join(token, 1)).toEqual({ ok: false, reason: 'lobby-full' });
      await storage.guestAccess.setEnabled(roomId, false, actor);
      expect(await join(token)).toEqual({ ok: false, reason: 'guest-access-off' });
      // The waiting guest was turned away without getting in: the click went back (fair clicks).
      expect(await clicksUsed(roomId)).toBe(0);
      if (!first.ok) return;
      const context = await storage.guests.findVisit(first.visit.id);
      expect(context).toMatchObject({ guestAccessEnabled: false, roomType: 'room' });
      expect(context!.visit).toMatchObject({ status: 'denied', outcomeReason: 'guest-access-off' });
    });

    it('never counts beyond the click limit nor fills the lobby beyond its cap, whatever races', async () => {
      const limited = await roomWithLink(3);
      const byLimit = await Promise.all(Array.from({ length: 12 }, () => join(limited.token)));
      expect(byLimit.filter((result) => result.ok)).toHaveLength(3);
      expect(await clicksUsed(limited.roomId)).toBe(3);
      expect((await storage.guests.findLinkEntry(limited.token))!.linkExhausted).toBe(true);

      const capped = await roomWithLink();
      const byCap = await Promise.all(Array.from({ length: 12 }, () => join(capped.token, 3)));
      // Exactly the cap on every backend. On MongoDB too: a join claims a place 1..cap by
      // inserting on the unique waiting_seat index, trying every place it saw free until one
      // takes, and is refused only when each was held by another waiting visit (or none was
      // free when it read). Nobody leaves the lobby here, so a refusal means all three are taken.
      const admitted = byCap.filter((result) => result.ok).length;
      expect(admitted).toBe(3);
      expect(byCap.filter((result) => !result.ok)).toEqual(
        Array.from({ length: 9 }, () => ({ ok: false, reason: 'lobby-full' })),
      );
      expect(await storage.guests.listWaiting(capped.roomId)).toHaveLength(3);
      expect(await clicksUsed(capped.roomId)).toBe(3);
    });

    it('frees a place in a full lobby whichever way a waiting guest leaves it', async () => {
      const { roomId, token } = await roomWithLink();
      const cap = 2;
      const waitingJoin = async () => {
        const result = await join(token, cap);
        if (!result.ok) throw new TypeError(result.reason);
        return result.visit.id;
      };
      const [first, second] = [await waitingJoin(), await waitingJoin()];
      expect(await join(token, cap)).toEqual({ ok: false, reason: 'lobby-full' });

      await storage.guests.decide(roomId, first, 'denied', actor);
      const third = await waitingJoin();
      expect(await join(token, cap)).toEqual({ ok: false, reason: 'lobby-full' });

      await storage.guests.leave(second);
      const fourth = await waitingJoin();
      await storage.guests.decide(roomId, third, 'admitted', actor);
      await waitingJoin();
      expect(await join(token, cap)).toEqual({ ok: false, reason: 'lobby-full' });

      expect(await storage.guests.admitAll(roomId, actor)).toHaveLength(2);
      await Promise.all([waitingJoin(), waitingJoin()]);
      expect(await join(token, cap)).toEqual({ ok: false, reason: 'lobby-full' });

      await storage.guestAccess.setEnabled(roomId, false, actor);
      await storage.guestAccess.setEnabled(roomId, true, actor);
      await Promise.all([waitingJoin(), waitingJoin()]);
      expect(await join(token, cap)).toEqual({ ok: false, reason: 'lobby-full' });
      expect(await storage.guests.listWaiting(roomId)).toHaveLength(2);
      expect((await storage.guests.findVisit(fourth))!.visit.status).toBe('admitted');
    });

    it('decides, admits, lets guests leave, and admits everyone when the lobby is turned off', async () => {
      const { roomId, token } = await roomWithLink();
      const visits = [];
      for (let index = 0; index < 4; index++) {
        const result = await join(token);
        if (!result.ok) throw new TypeError(result.reason);
        visits.push(result.visit.id);
      }
      const [a, b, c, d] = visits as [string, string, string, string];
      expect(await storage.guests.decide(roomId, a, 'admitted', actor)).toMatchObject({
        id: a,
        status: 'admitted',
        outcomeReason: 'moderator',
        decidedByName: 'Ada',
      });
      expect(await storage.guests.decide(roomId, a, 'denied', actor)).toBeNull();
      expect(await storage.guests.decide('missing-room', b, 'denied', actor)).toBeNull();
      expect(await storage.guests.decide(roomId, b, 'denied', actor)).toMatchObject({ status: 'denied' });
      expect(await storage.guests.leave(c)).toBe(true);
      expect(await storage.guests.leave(c)).toBe(false);
      expect((await storage.guests.listWaiting(roomId)).map((visit) => visit.id)).toEqual([d]);
      expect(await storage.guests.setLobbyEnabled(roomId, false, actor)).toEqual({ admitted: [d] });
      expect(await storage.guests.setLobbyEnabled(roomId, false, actor)).toEqual({ admitted: [] });
      expect(await storage.guests.setLobbyEnabled('missing-room', true, actor)).toBeNull();
      const direct = await join(token);
      expect(direct).toMatchObject({ ok: true, visit: { status: 'admitted' } });
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      const waiting = await join(token);
      if (!waiting.ok) throw new TypeError(waiting.reason);
      expect(await storage.guests.admitAll(roomId, actor)).toEqual([waiting.visit.id]);
      expect(await storage.guests.admitAll(roomId, actor)).toEqual([]);
      const statuses = await storage.guests.visitStatuses([a, b, c, d, 'missing']);
      expect(Object.fromEntries(statuses)).toEqual({
        [a]: 'admitted',
        [b]: 'denied',
        [c]: 'left',
        [d]: 'admitted',
      });
      const log = await storage.guests.guestLog(roomId);
      expect(log).toHaveLength(6);
      // Who decided, by id too: the log labels a moderator whose platform sent no name from it.
      expect(log.find((entry) => entry.visitId === a)).toMatchObject({
        decidedByName: 'Ada',
        decidedBy: 'teacher',
      });
      expect(log.find((entry) => entry.visitId === d)).toMatchObject({
        status: 'admitted',
        outcomeReason: 'lobby-off',
      });
    });

    it('denies everyone waiting with deny all, returning each denied visit with its link', async () => {
      const { roomId, token } = await roomWithLink();
      expect(await storage.guests.denyAll(roomId, actor)).toEqual([]);
      const visits: string[] = [];
      for (let index = 0; index < 3; index++) {
        const result = await join(token);
        if (!result.ok) throw new TypeError(result.reason);
        visits.push(result.visit.id);
      }
      const [admitted, ...waiting] = visits as [string, string, string];
      await storage.guests.decide(roomId, admitted, 'admitted', actor);
      const [link] = (await storage.guestAccess.getState(roomId))!.links;
      const denied = await storage.guests.denyAll(roomId, actor);
      expect(denied.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        waiting.map((id) => ({ id, linkId: link!.id })).sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(await storage.guests.denyAll(roomId, actor)).toEqual([]);
      expect(await storage.guests.denyAll('missing-room', actor)).toEqual([]);
      expect(await storage.guests.listWaiting(roomId)).toEqual([]);
      const statuses = Object.fromEntries(await storage.guests.visitStatuses(visits));
      expect(statuses).toEqual({ [admitted]: 'admitted', [waiting[0]]: 'denied', [waiting[1]]: 'denied' });
      expect(
        (await storage.guests.guestLog(roomId)).find((entry) => entry.visitId === waiting[0]),
      ).toMatchObject({
        status: 'denied',
        outcomeReason: 'moderator',
        decidedByName: 'Ada',
      });
      // The denied places are free again: a full lobby takes new guests.
      const refill = await Promise.all([join(token, 2), join(token, 2)]);
      expect(refill.every((result) => result.ok)).toBe(true);
    });

    it('loses no guest and decides none twice when deny all races joins and single decisions', async () => {
      const { roomId, token } = await roomWithLink();
      const early: string[] = [];
      for (let index = 0; index < 4; index++) {
        const result = await join(token);
        if (!result.ok) throw new TypeError(result.reason);
        early.push(result.visit.id);
      }
      const [joins, denied, single] = await Promise.all([
        Promise.all(Array.from({ length: 8 }, () => join(token))),
        storage.guests.denyAll(roomId, actor),
        storage.guests.decide(roomId, early[0]!, 'admitted', actor),
      ]);
      const joined = joins.map((result) => {
        if (!result.ok) throw new TypeError(result.reason);
        return result.visit.id;
      });
      const deniedIds = denied.map((visit) => visit.id);
      expect(new Set(deniedIds).size).toBe(deniedIds.length);
      // The single admit and deny all never both decide the same visit.
      expect(deniedIds.includes(early[0]!)).toBe(single === null);
      for (const id of early.slice(1)) expect(deniedIds).toContain(id);
      const statuses = await storage.guests.visitStatuses([...early, ...joined]);
      const waitingNow = (await storage.guests.listWaiting(roomId)).map((visit) => visit.id);
      // Every guest who joined during the race was either denied by it or is still waiting.
      for (const id of joined) {
        const status = statuses.get(id);
        expect(status === 'denied' ? deniedIds.includes(id) : status === 'waiting').toBe(true);
      }
      expect(waitingNow.sort()).toEqual(joined.filter((id) => !deniedIds.includes(id)).sort());
      for (const id of deniedIds) expect(statuses.get(id)).toBe('denied');
    });

    it('turns away the guests waiting on a deleted link', async () => {
      const { roomId, token } = await roomWithLink();
      const result = await join(token);
      if (!result.ok) throw new TypeError(result.reason);
      const [link] = (await storage.guestAccess.getState(roomId))!.links;
      await storage.guestAccess.deleteLink(roomId, link!.id, actor);
      expect((await storage.guests.findVisit(result.visit.id))!.visit).toMatchObject({
        status: 'denied',
        outcomeReason: 'link-deleted',
      });
      expect(await join(token)).toEqual({ ok: false, reason: 'link-invalid' });
    });
  });

  describe('guest link edits', () => {
    const actor = { userId: 'teacher', name: 'Ada' };
    let editCounter = 0;

    async function linkIn(
      roomId: string,
      name: string,
      clickLimit: number | null,
      durationDays: number | null,
    ) {
      const seed = `edit-${backend}-${editCounter++}`;
      const created = await storage.guestAccess.createLink({
        id: randomUUID(),
        roomId,
        name,
        nameKey: name.toLowerCase(),
        tokenSeed: seed,
        tokenHash: `hash-${seed}`,
        clickLimit,
        durationDays,
        actor,
      });
      if (!created.ok) throw new TypeError(`link not created: ${created.reason}`);
      return { link: created.link, token: `hash-${seed}` };
    }

    async function openRoom(): Promise<string> {
      const room = await storage.rooms.openForLaunch(launch());
      await storage.guestAccess.setEnabled(room.id, true, actor);
      return room.id;
    }

    function join(token: string) {
      return storage.guests.join({
        tokenHash: token,
        visitId: randomUUID(),
        name: 'Grace',
        email: 'grace@example.org',
        waitingCap: 1000,
        mustWait: false,
      });
    }

    it('changes what it is given, keeping the token, the clicks used and the rest', async () => {
      const roomId = await openRoom();
      const { link, token } = await linkIn(roomId, 'Panel', 5, 2);
      await join(token);
      const before = Date.now();
      const edited = await storage.guestAccess.editLink(
        roomId,
        link.id,
        { name: 'Guest panel', nameKey: 'guest panel', durationDays: 7 },
        actor,
      );
      if (!edited.ok) throw new Error(edited.reason);
      expect(edited.guestAccessEnabled).toBe(true);
      expect(edited.link).toMatchObject({
        id: link.id,
        name: 'Guest panel',
        tokenSeed: link.tokenSeed,
        clickLimit: 5,
        clicksUsed: 1,
        createdAt: link.createdAt,
      });
      expect(edited.link.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 7 * 86400_000 - 5000);
      const cleared = await storage.guestAccess.editLink(
        roomId,
        link.id,
        { clickLimit: null, durationDays: null },
        actor,
      );
      expect(cleared).toMatchObject({
        ok: true,
        link: { name: 'Guest panel', clickLimit: null, expiresAt: null },
      });
      expect((await storage.guests.findLinkEntry(token))!.roomId).toBe(roomId);
    });

    it('refuses a limit below the clicks used, a taken name, and a link that is not live in the room', async () => {
      const roomId = await openRoom();
      const { link, token } = await linkIn(roomId, 'First', 5, null);
      await linkIn(roomId, 'Second', null, null);
      for (let index = 0; index < 3; index++) await join(token);
      expect(await storage.guestAccess.editLink(roomId, link.id, { clickLimit: 2 }, actor)).toEqual({
        ok: false,
        reason: 'clicks-below-used',
        clicksUsed: 3,
      });
      expect(
        await storage.guestAccess.editLink(roomId, link.id, { name: 'Second', nameKey: 'second' }, actor),
      ).toEqual({ ok: false, reason: 'name-taken' });
      expect((await storage.guestAccess.getState(roomId))!.links[0]).toMatchObject({
        name: 'First',
        clickLimit: 5,
      });
      const other = await openRoom();
      expect(await storage.guestAccess.editLink(other, link.id, { clickLimit: 9 }, actor)).toEqual({
        ok: false,
        reason: 'link-missing',
      });
      await storage.guestAccess.deleteLink(roomId, link.id, actor);
      expect(await storage.guestAccess.editLink(roomId, link.id, { clickLimit: 9 }, actor)).toEqual({
        ok: false,
        reason: 'link-missing',
      });
    });

    it('never leaves more clicks used than the limit when an edit lowers it during joins', async () => {
      for (let round = 0; round < 5; round++) {
        const roomId = await openRoom();
        const { link, token } = await linkIn(roomId, 'Race', 30, null);
        for (let index = 0; index < 2; index++) await join(token);
        const joins = Array.from({ length: 15 }, () => join(token));
        const edit = storage.guestAccess.editLink(roomId, link.id, { clickLimit: 6 }, actor);
        const [edited, ...joined] = await Promise.all([edit, ...joins]);
        const state = (await storage.guestAccess.getState(roomId))!.links[0]!;
        expect(state.clicksUsed).toBe(2 + joined.filter((result) => result.ok).length);
        expect(state.clicksUsed).toBeLessThanOrEqual(state.clickLimit!);
        expect(state.clickLimit).toBe(edited!.ok ? 6 : 30);
        if (!edited!.ok) expect(edited).toMatchObject({ reason: 'clicks-below-used' });
      }
    });
  });

  describe('login states', () => {
    function newLogin(storageTarget: string | null = null) {
      return {
        state: `s-${linkCounter++}`,
        nonce: 'n',
        platformId: lms.id,
        targetLinkUri: 'https://tool/lti/launch',
        storageTarget,
      };
    }

    it('can be consumed once', async () => {
      const login = newLogin();
      await storage.loginStates.save(login, 60);
      const results = await Promise.all([
        storage.loginStates.consume(login.state),
        storage.loginStates.consume(login.state),
      ]);
      expect(results.filter(Boolean)).toEqual([login]);
    });

    it('keep the platform storage target, and can be read without being used up', async () => {
      const login = newLogin('lti_storage_frame');
      await storage.loginStates.save(login, 60);
      expect(await storage.loginStates.find(login.state)).toEqual(login);
      expect(await storage.loginStates.find(login.state)).toEqual(login);
      expect(await storage.loginStates.consume(login.state)).toEqual(login);
      expect(await storage.loginStates.find(login.state)).toBeNull();
      expect(await storage.loginStates.find('no-such-state')).toBeNull();
    });

    it('expire', async () => {
      const login = newLogin();
      await storage.loginStates.save(login, -1);
      expect(await storage.loginStates.find(login.state)).toBeNull();
      expect(await storage.loginStates.consume(login.state)).toBeNull();
    });
  });

  describe('sandbox keys', () => {
    it('keep the first key stored', async () => {
      const first = await storage.sandboxKeys.getOrCreate({ kid: 'first', sealedPrivateJwk: 'sealed-1' });
      const second = await storage.sandboxKeys.getOrCreate({ kid: 'second', sealedPrivateJwk: 'sealed-2' });
      expect(second).toEqual(first);
    });
  });

  it('answers ping and purges expired rows', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
    await expect(storage.purgeExpired()).resolves.toBeUndefined();
  });
});
