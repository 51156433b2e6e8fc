import { createHash, randomUUID } from 'node:crypto';
import { accessProblem, endedVisitProblem } from '../../src/guests/guest';
import {
  emailKey,
  INVITATIONS_LISTED_MAX,
  INVITEE_NAME_MAX,
  MAX_ACTIVE_INVITATIONS,
  nameFromEmail,
} from '../../src/invitations/invitation';
import type { NewInvitation } from '../../src/invitations/invitation.store';
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
 * Invite users (issue 13) at the store level, on every backend: creating within the room's
 * limit and without repeating an address (also when requests race), claiming a personal link
 * (one browser wins), coming back, revoking, roles, email outcomes, invitee visits in the
 * guest stores, and retention.
 */

if (!TEST_MONGODB_URI) {
  describe.skip('MongoDB invitations contract: skipped, set TEST_MONGODB_URI to run it', () => {
    it('runs this file against MongoDB', () => undefined);
  });
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe.each(STORAGE_BACKENDS)('invitations contract on %s', (backend) => {
  const actor = { userId: 'teacher', name: 'Ada' };
  let handle: TestStorage;
  let storage: Storage;
  let lms: Platform;
  let counter = 0;

  function launch(): RoomLaunch {
    return {
      platformId: lms.id,
      deploymentId: 'deployment-1',
      contextId: '_1_1',
      resourceLinkId: `_invitations_${++counter}_1`,
      title: 'Seminar',
      contextTitle: 'Physics',
      roomType: 'room',
      mediaUrl: null,
      hostCandidate: { userId: 'teacher', name: 'Ada' },
      launcherUserId: 'teacher',
      launcherName: 'Ada',
      lobbyDefault: false,
    };
  }

  async function newRoom(): Promise<string> {
    return (await storage.rooms.openForLaunch(launch())).id;
  }

  function invitation(email: string, changes: Partial<NewInvitation> = {}): NewInvitation {
    const seed = randomUUID();
    return {
      id: randomUUID(),
      name: email.split('@')[0]!,
      email,
      emailKey: emailKey(email),
      role: 'viewer',
      locale: 'en',
      tokenSeed: seed,
      tokenHash: sha256(`token-${seed}`),
      expiresAt: null,
      startsAt: null,
      ...changes,
    };
  }

  function people(count: number, prefix = 'person'): NewInvitation[] {
    const tag = ++counter;
    return Array.from({ length: count }, (_, index) => invitation(`${prefix}${index}.${tag}@example.org`));
  }

  async function invite(roomId: string, one: NewInvitation) {
    const created = await storage.invitations.create(roomId, [one], actor, MAX_ACTIVE_INVITATIONS);
    if (!created.ok) throw new TypeError(created.reason);
    return created.invitations[0]!;
  }

  /** A claim as the invitee's browser makes it: the hash of a fresh secret. */
  function claimFor(one: NewInvitation, typed = one.email) {
    return {
      tokenHash: one.tokenHash,
      claimHash: sha256(randomUUID()),
      emailKey: emailKey(typed),
      visitId: randomUUID(),
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

  describe('create', () => {
    it("keeps each invitation's language (its email's), by id, in the list and by token", async () => {
      const roomId = await newRoom();
      const german = invitation('greta@example.org', { locale: 'de' });
      const arabic = invitation('amal@example.org', { locale: 'ar' });
      const created = await storage.invitations.create(
        roomId,
        [german, arabic],
        actor,
        MAX_ACTIVE_INVITATIONS,
      );
      expect(created.ok && created.invitations.map((one) => one.locale)).toEqual(['de', 'ar']);
      expect((await storage.invitations.find(roomId, german.id))!.locale).toBe('de');
      expect((await storage.invitations.list(roomId)).map((one) => [one.email, one.locale])).toEqual(
        expect.arrayContaining([
          ['greta@example.org', 'de'],
          ['amal@example.org', 'ar'],
        ]),
      );
      expect((await storage.invitations.findEntry(arabic.tokenHash))!.invitation.locale).toBe('ar');
      // Sending and revoking leave it as it was.
      await storage.invitations.recordEmail(german.id, { status: 'sent', at: new Date() }, actor);
      await storage.invitations.revoke(roomId, german.id, actor);
      expect((await storage.invitations.find(roomId, german.id))!.locale).toBe('de');
    });

    it('refuses a language Guestlink does not ship: nothing is stored', async () => {
      const roomId = await newRoom();
      const unknown = invitation('pierre@example.org', { locale: 'pt' as NewInvitation['locale'] });
      await expect(
        storage.invitations.create(roomId, [unknown], actor, MAX_ACTIVE_INVITATIONS),
      ).rejects.toThrow();
      expect(await storage.invitations.list(roomId)).toEqual([]);
    });

    it('creates a batch, lists it newest first and finds each by id and by token', async () => {
      const roomId = await newRoom();
      const expiresAt = new Date(Date.now() + 86_400_000);
      const startsAt = new Date(Date.now() + 3_600_000);
      const first = await invite(
        roomId,
        invitation('grace@example.org', { role: 'speaker', expiresAt, startsAt }),
      );
      expect(first).toMatchObject({
        roomId,
        name: 'grace',
        email: 'grace@example.org',
        role: 'speaker',
        expiresAt,
        startsAt,
        createdBy: 'teacher',
        createdByName: 'Ada',
        claimedAt: null,
        visitId: null,
        revokedAt: null,
        emailStatus: 'not-sent',
        emailError: null,
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const batch = people(3);
      const created = await storage.invitations.create(roomId, batch, actor, MAX_ACTIVE_INVITATIONS);
      expect(created.ok && created.invitations.map((one) => one.email)).toEqual(
        batch.map((one) => one.email),
      );

      const listed = await storage.invitations.list(roomId);
      expect(listed).toHaveLength(4);
      expect(listed[3]!.id).toBe(first.id);
      expect(await storage.invitations.find(roomId, first.id)).toEqual(first);
      expect(await storage.invitations.find(await newRoom(), first.id)).toBeNull();
      expect(await storage.invitations.list(await newRoom())).toEqual([]);
    });

    it('refuses a room that does not exist', async () => {
      expect(await storage.invitations.create('no-such-room', people(1), actor, 500)).toEqual({
        ok: false,
        reason: 'no-room',
      });
    });

    it('keeps a room within its limit of active invitations; revoked and expired ones do not count', async () => {
      const roomId = await newRoom();
      const first = people(3);
      expect((await storage.invitations.create(roomId, first, actor, 5)).ok).toBe(true);
      expect(await storage.invitations.create(roomId, people(3), actor, 5)).toEqual({
        ok: false,
        reason: 'limit',
        active: 3,
      });
      expect(await storage.invitations.list(roomId)).toHaveLength(3);
      await storage.invitations.revoke(roomId, first[0]!.id, actor);
      const past = people(1).map((one) => ({ ...one, expiresAt: new Date(Date.now() - 1000) }));
      expect((await storage.invitations.create(roomId, past, actor, 5)).ok).toBe(true);
      expect((await storage.invitations.create(roomId, people(3), actor, 5)).ok).toBe(true);
      expect(await storage.invitations.create(roomId, people(1), actor, 5)).toMatchObject({
        reason: 'limit',
        active: 5,
      });
    });

    it('refuses one of two batches of 300 created at once in a room limited to 500', async () => {
      const roomId = await newRoom();
      const results = await Promise.all([
        storage.invitations.create(roomId, people(300, 'a'), actor, MAX_ACTIVE_INVITATIONS),
        storage.invitations.create(roomId, people(300, 'b'), actor, MAX_ACTIVE_INVITATIONS),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.find((result) => !result.ok)).toEqual({ ok: false, reason: 'limit', active: 300 });
      expect(await storage.invitations.list(roomId)).toHaveLength(300);
    }, 60_000);

    it('refuses an address the room already invited, however it is written, until that one is revoked', async () => {
      const roomId = await newRoom();
      const grace = await invite(roomId, invitation('grace@example.org'));
      const again = invitation(' Grace@Example.ORG'.trim());
      expect(
        await storage.invitations.create(roomId, [invitation('new@example.org'), again], actor, 500),
      ).toEqual({
        ok: false,
        reason: 'duplicate',
        emails: ['Grace@Example.ORG'],
      });
      // All or nothing: the new address was not created either.
      expect(await storage.invitations.list(roomId)).toHaveLength(1);
      // Another room may invite the same person.
      expect(
        (await storage.invitations.create(await newRoom(), [invitation('grace@example.org')], actor, 500)).ok,
      ).toBe(true);
      await storage.invitations.revoke(roomId, grace.id, actor);
      expect((await storage.invitations.create(roomId, [again], actor, 500)).ok).toBe(true);
    });

    it('lets only one of several parallel requests invite the same address', async () => {
      const roomId = await newRoom();
      // Batches large enough that their transactions overlap.
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          storage.invitations.create(
            roomId,
            [...people(40, `other${index}-`), invitation('same@example.org')],
            actor,
            500,
          ),
        ),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      for (const refused of results.filter((result) => !result.ok))
        expect(refused).toEqual({ ok: false, reason: 'duplicate', emails: ['same@example.org'] });
      expect(await storage.invitations.list(roomId)).toHaveLength(41);
    });
  });

  describe('the personal link', () => {
    it('reads the invitation with its room and what decides access', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org');
      await invite(roomId, one);
      const entry = await storage.invitations.findEntry(one.tokenHash);
      expect(entry).toMatchObject({
        invitation: { id: one.id, email: 'grace@example.org' },
        claimHash: null,
        roomTitle: 'Seminar',
        contextTitle: 'Physics',
        inviteesWait: false,
        linkDeleted: false,
        linkExpiresAt: null,
        guestAccessEnabled: true,
        roomAvailable: true,
        modulesEnabled: true,
        roomSupportsGuests: true,
      });
      expect(accessProblem(entry!, new Date())).toBeNull();
      expect(await storage.invitations.findEntry(sha256('nothing'))).toBeNull();

      // The guest-link switch is about guest links: it never closes an invitation.
      await storage.guestAccess.setEnabled(roomId, false, actor);
      expect((await storage.invitations.findEntry(one.tokenHash))!.guestAccessEnabled).toBe(true);
      // Invitees wait only while the room says so and its lobby is on.
      await storage.invitations.setInviteesWait(roomId, true, actor);
      expect((await storage.invitations.findEntry(one.tokenHash))!.inviteesWait).toBe(false);
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      expect((await storage.invitations.findEntry(one.tokenHash))!.inviteesWait).toBe(true);
    });

    it("follows the platform's modules and registration", async () => {
      const platform = testPlatform();
      await storage.platforms.sync([lms, platform]);
      const room = await storage.rooms.openForLaunch({ ...launch(), platformId: platform.id });
      const one = invitation('grace@example.org');
      await invite(room.id, one);
      await storage.platforms.sync([
        lms,
        {
          ...platform,
          settings: { ...platform.settings, modules: { invitetomedia: false, mediapage: true } },
        },
      ]);
      const entry = await storage.invitations.findEntry(one.tokenHash);
      expect(entry).toMatchObject({ modulesEnabled: false, roomAvailable: true });
      expect(accessProblem(entry!, new Date())).toBe('guest-access-off');
      await storage.platforms.sync([lms, { ...platform, deploymentIds: ['deployment-2'] }]);
      expect(accessProblem((await storage.invitations.findEntry(one.tokenHash))!, new Date())).toBe(
        'room-unavailable',
      );
      await storage.platforms.sync([lms]);
    });

    it('is claimed by the first browser that confirms the address, and by no other', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org', { role: 'moderator' });
      await invite(roomId, one);

      expect(await storage.invitations.claim(claimFor(one, 'someone@example.org'))).toEqual({
        ok: false,
        reason: 'email-mismatch',
      });
      // A wrong address changes nothing.
      expect((await storage.invitations.findEntry(one.tokenHash))!.claimHash).toBeNull();

      const mine = claimFor(one, '  GRACE@example.org ');
      const claimed = await storage.invitations.claim(mine);
      if (!claimed.ok) throw new TypeError(claimed.reason);
      expect(claimed.invitation).toMatchObject({ id: one.id, visitId: mine.visitId });
      expect(claimed.invitation.claimedAt).toBeInstanceOf(Date);
      expect(claimed.invitation.lastJoinedAt).toBeInstanceOf(Date);
      expect(claimed.visit).toMatchObject({
        id: mine.visitId,
        roomId,
        linkId: null,
        linkName: '',
        invitationId: one.id,
        name: 'grace',
        email: 'grace@example.org',
        status: 'admitted',
        admittedOnce: true,
      });
      expect(claimed.visit.decidedAt).toBeInstanceOf(Date);
      expect((await storage.invitations.findEntry(one.tokenHash))!.claimHash).toBe(mine.claimHash);

      // Claimed: every other browser hears the same, whatever address it types.
      expect(await storage.invitations.claim(claimFor(one))).toEqual({
        ok: false,
        reason: 'claimed-elsewhere',
      });
      expect(await storage.invitations.claim(claimFor(one, 'x@example.org'))).toEqual({
        ok: false,
        reason: 'claimed-elsewhere',
      });
      expect(await storage.invitations.claim(claimFor(invitation('nobody@example.org')))).toEqual({
        ok: false,
        reason: 'unknown',
      });
    });

    it('lets exactly one of 20 parallel confirmations claim the link', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org');
      await invite(roomId, one);
      const claims = Array.from({ length: 20 }, () => claimFor(one));
      const results = await Promise.all(claims.map((claim) => storage.invitations.claim(claim)));
      const winners = results.filter((result) => result.ok);
      expect(winners).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual(
        Array.from({ length: 19 }, () => ({ ok: false, reason: 'claimed-elsewhere' })),
      );
      const log = await storage.guests.guestLog(roomId);
      expect(log).toHaveLength(1);
      expect(log[0]!.visitId).toBe(winners[0]!.ok && winners[0]!.visit.id);
    });

    it('refuses revoked and expired invitations', async () => {
      const roomId = await newRoom();
      const revoked = invitation('revoked@example.org');
      const expired = invitation('expired@example.org', { expiresAt: new Date(Date.now() - 1000) });
      await invite(roomId, revoked);
      await invite(roomId, expired);
      await storage.invitations.revoke(roomId, revoked.id, actor);
      expect(await storage.invitations.claim(claimFor(revoked))).toEqual({ ok: false, reason: 'revoked' });
      expect(await storage.invitations.claim(claimFor(expired))).toEqual({ ok: false, reason: 'expired' });
      expect(await storage.invitations.claim(claimFor(expired, 'wrong@example.org'))).toEqual({
        ok: false,
        reason: 'expired',
      });
    });

    it('puts the invitee in the lobby when the room makes invitees wait', async () => {
      const roomId = await newRoom();
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      const one = invitation('grace@example.org', { role: 'speaker' });
      await invite(roomId, one);
      const claimed = await storage.invitations.claim(claimFor(one));
      expect(claimed.ok && claimed.visit).toMatchObject({
        status: 'waiting',
        decidedAt: null,
        admittedOnce: false,
      });

      const waiting = await storage.guests.listWaiting(roomId);
      expect(waiting).toMatchObject([
        { invitationId: one.id, linkId: null, linkName: '', inviteRole: 'speaker' },
      ]);
      const admitted = await storage.guests.decide(roomId, waiting[0]!.id, 'admitted', actor);
      expect(admitted).toMatchObject({ status: 'admitted', decidedByName: 'Ada', admittedOnce: true });
    });

    it('keeps waiting when guest access is turned off: the switch is about guest links', async () => {
      const roomId = await newRoom();
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      await storage.guestAccess.setEnabled(roomId, true, actor);
      const one = invitation('grace@example.org');
      await invite(roomId, one);
      const claimed = await storage.invitations.claim(claimFor(one));
      if (!claimed.ok) throw new TypeError(claimed.reason);
      await storage.guestAccess.setEnabled(roomId, false, actor);
      expect((await storage.guests.listWaiting(roomId)).map((visit) => visit.id)).toEqual([claimed.visit.id]);
    });

    it('is let in when the lobby is turned off, and can be denied with everyone else', async () => {
      const roomId = await newRoom();
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      const [first, second] = [invitation('first@example.org'), invitation('second@example.org')];
      await invite(roomId, first!);
      await invite(roomId, second!);
      const a = await storage.invitations.claim(claimFor(first!));
      expect((await storage.guests.setLobbyEnabled(roomId, false, actor))!.admitted).toEqual([
        a.ok && a.visit.id,
      ]);

      await storage.guests.setLobbyEnabled(roomId, true, actor);
      const b = await storage.invitations.claim(claimFor(second!));
      expect(await storage.guests.denyAll(roomId, actor)).toEqual([{ id: b.ok && b.visit.id, linkId: null }]);
    });
  });

  describe('an invitee visit in the guest stores', () => {
    it('reads the invitation as its link, with the current role', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org', {
        role: 'viewer',
        startsAt: new Date(Date.now() + 60_000),
      });
      await invite(roomId, one);
      const claimed = await storage.invitations.claim(claimFor(one));
      if (!claimed.ok) throw new TypeError(claimed.reason);

      const context = await storage.guests.findVisit(claimed.visit.id);
      expect(context).toMatchObject({
        visit: { id: claimed.visit.id, invitationId: one.id, status: 'admitted' },
        roomTitle: 'Seminar',
        roomType: 'room',
        contextTitle: 'Physics',
        linkClickLimit: null,
        linkDeleted: false,
        guestAccessEnabled: true,
        invitee: { invitationId: one.id, role: 'viewer', startsAt: one.startsAt, invitedByName: 'Ada' },
      });
      expect(accessProblem(context!, new Date())).toBeNull();

      const changed = await storage.invitations.setRole(roomId, one.id, 'moderator', actor);
      expect(changed).toMatchObject({ changed: true, invitation: { role: 'moderator' } });
      expect((await storage.guests.findVisit(claimed.visit.id))!.invitee!.role).toBe('moderator');
      expect(await storage.invitations.setRole(roomId, one.id, 'moderator', actor)).toMatchObject({
        changed: false,
        invitation: { role: 'moderator' },
      });
      expect(await storage.invitations.setRole(await newRoom(), one.id, 'viewer', actor)).toBeNull();

      const log = await storage.guests.guestLog(roomId);
      expect(log).toMatchObject([{ visitId: claimed.visit.id, linkName: '', role: 'moderator' }]);
    });

    it('ends when the invitation is revoked, and the visit says why', async () => {
      const roomId = await newRoom();
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      const [admitted, waiting] = [invitation('in@example.org'), invitation('lobby@example.org')];
      await invite(roomId, admitted!);
      await invite(roomId, waiting!);
      await storage.invitations.setInviteesWait(roomId, false, actor);
      const inside = await storage.invitations.claim(claimFor(admitted!));
      await storage.invitations.setInviteesWait(roomId, true, actor);
      const lobby = await storage.invitations.claim(claimFor(waiting!));
      if (!inside.ok || !lobby.ok) throw new TypeError('not claimed');

      const revoked = await storage.invitations.revoke(roomId, admitted!.id, actor);
      expect(revoked).toMatchObject({ endedVisitId: inside.visit.id, invitation: { revokedByName: 'Ada' } });
      expect(revoked!.invitation.revokedAt).toBeInstanceOf(Date);
      const context = await storage.guests.findVisit(inside.visit.id);
      expect(context!.visit).toMatchObject({
        status: 'removed',
        outcomeReason: 'invitation-revoked',
        removedByName: 'Ada',
      });
      expect(endedVisitProblem(context!.visit)).toBe('invitation-revoked');
      expect(accessProblem(context!, new Date())).toBe('link-invalid');

      // Twice: nothing more happens.
      const again = await storage.invitations.revoke(roomId, admitted!.id, actor);
      expect(again).toMatchObject({
        endedVisitId: null,
        invitation: { revokedAt: revoked!.invitation.revokedAt },
      });
      expect(await storage.invitations.revoke(await newRoom(), admitted!.id, actor)).toBeNull();
      expect(await storage.invitations.setRole(roomId, admitted!.id, 'speaker', actor)).toBeNull();

      // A waiting invitee leaves the lobby too.
      expect((await storage.invitations.revoke(roomId, waiting!.id, actor))!.endedVisitId).toBe(
        lobby.visit.id,
      );
      expect(await storage.guests.listWaiting(roomId)).toEqual([]);
      expect(await storage.guests.visitStatuses([lobby.visit.id])).toEqual(
        new Map([[lobby.visit.id, 'removed']]),
      );
    });

    it('an expired invitation makes its visit invalid', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org', { expiresAt: new Date(Date.now() + 400) });
      await invite(roomId, one);
      const claimed = await storage.invitations.claim(claimFor(one));
      if (!claimed.ok) throw new TypeError(claimed.reason);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(accessProblem((await storage.guests.findVisit(claimed.visit.id))!, new Date())).toBe(
        'link-invalid',
      );
    });
  });

  describe('coming back', () => {
    it('re-opens the claiming browser’s visit once left, and only for that browser', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org');
      await invite(roomId, one);
      const mine = claimFor(one);
      const claimed = await storage.invitations.claim(mine);
      if (!claimed.ok) throw new TypeError(claimed.reason);

      // Still inside: unchanged.
      expect(await storage.invitations.enter(one.tokenHash, mine.claimHash)).toMatchObject({
        ok: true,
        visit: { id: mine.visitId, status: 'admitted' },
      });
      expect(await storage.guests.leave(mine.visitId)).toBe(true);
      const back = await storage.invitations.enter(one.tokenHash, mine.claimHash);
      expect(back).toMatchObject({ ok: true, visit: { id: mine.visitId, status: 'admitted', leftAt: null } });
      expect(back.ok && back.invitation.lastJoinedAt!.getTime()).toBeGreaterThanOrEqual(
        claimed.invitation.lastJoinedAt!.getTime(),
      );

      // Left again, and the room now makes invitees wait: back in the lobby.
      await storage.guests.leave(mine.visitId);
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      expect(await storage.invitations.enter(one.tokenHash, mine.claimHash)).toMatchObject({
        ok: true,
        visit: { status: 'waiting' },
      });

      expect(await storage.invitations.enter(one.tokenHash, sha256('another browser'))).toEqual({
        ok: false,
        reason: 'claimed-elsewhere',
      });
      expect(await storage.invitations.enter(sha256('nothing'), mine.claimHash)).toEqual({
        ok: false,
        reason: 'unknown',
      });
      await storage.invitations.revoke(roomId, one.id, actor);
      expect(await storage.invitations.enter(one.tokenHash, mine.claimHash)).toEqual({
        ok: false,
        reason: 'revoked',
      });
    });

    it('puts an invitee a moderator turned away back in the lobby, for a moderator to decide again', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org');
      await invite(roomId, one);
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      const mine = claimFor(one);
      await storage.invitations.claim(mine);
      expect(await storage.guests.decide(roomId, mine.visitId, 'denied', actor)).toMatchObject({
        status: 'denied',
      });
      // The lobby is now off and invitees would skip it: a turned-away one still waits.
      await storage.invitations.setInviteesWait(roomId, false, actor);
      const back = await storage.invitations.enter(one.tokenHash, mine.claimHash);
      expect(back).toMatchObject({
        ok: true,
        visit: { id: mine.visitId, status: 'waiting', mustWait: true },
      });
      expect((await storage.guests.listWaiting(roomId)).map((visit) => visit.id)).toEqual([mine.visitId]);
      // Let in again, leaving and coming back keeps the must-wait mark: a moderator decides each time.
      await storage.guests.decide(roomId, mine.visitId, 'admitted', actor);
      await storage.guests.leave(mine.visitId);
      expect(await storage.invitations.enter(one.tokenHash, mine.claimHash)).toMatchObject({
        ok: true,
        visit: { status: 'waiting', mustWait: true },
      });
    });

    it('is never a guest\'s "Join again": that would skip the invitation\'s checks', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org');
      await invite(roomId, one);
      const mine = claimFor(one);
      await storage.invitations.claim(mine);
      await storage.guests.leave(mine.visitId);
      await storage.invitations.revoke(roomId, one.id, actor);
      expect(
        await storage.guests.comeBack({ visitId: mine.visitId, waitingCap: 100, windowMs: 3_600_000 }),
      ).toEqual({ ok: false, reason: 'not-returnable' });
      expect(await storage.guests.visitStatuses([mine.visitId])).toEqual(new Map([[mine.visitId, 'left']]));
    });

    it('is refused before anyone claimed the link', async () => {
      const roomId = await newRoom();
      const one = invitation('grace@example.org');
      await invite(roomId, one);
      expect(await storage.invitations.enter(one.tokenHash, sha256('x'))).toEqual({
        ok: false,
        reason: 'claimed-elsewhere',
      });
    });
  });

  describe('the audit of sends', () => {
    it('audits each send and each failure as who sent it, with the reason; nothing when nothing was tried', async () => {
      const roomId = await newRoom();
      const one = await invite(roomId, invitation('grace@example.org'));
      const resender = { userId: 'co-teacher', name: null };
      await storage.invitations.recordEmail(one.id, { status: 'failed', error: 'Refused' }, actor);
      await storage.invitations.recordEmail(one.id, { status: 'sent', at: new Date() }, resender);
      await storage.invitations.recordEmail(one.id, { status: 'not-configured' }, actor);
      const sends = (await handle.auditEvents(roomId)).filter(
        (event) => event.action !== 'invitation.created',
      );
      expect(sends).toEqual([
        {
          action: 'invitation.send-failed',
          actorUserId: 'teacher',
          actorName: 'Ada',
          details: { invitationId: one.id, email: 'grace@example.org', reason: 'Refused' },
        },
        {
          action: 'invitation.sent',
          actorUserId: 'co-teacher',
          actorName: null,
          details: { invitationId: one.id, email: 'grace@example.org' },
        },
      ]);
    });
  });

  describe('email and settings', () => {
    it('records each send’s outcome', async () => {
      const roomId = await newRoom();
      const one = await invite(roomId, invitation('grace@example.org'));
      const sentAt = new Date(Date.now() - 1000);
      expect(
        await storage.invitations.recordEmail(one.id, { status: 'failed', error: 'Refused' }, actor),
      ).toMatchObject({
        emailStatus: 'failed',
        emailError: 'Refused',
        emailSentAt: null,
      });
      expect(
        await storage.invitations.recordEmail(one.id, { status: 'sent', at: sentAt }, actor),
      ).toMatchObject({
        emailStatus: 'sent',
        emailError: null,
        emailSentAt: sentAt,
      });
      expect(
        await storage.invitations.recordEmail(one.id, { status: 'not-configured' }, actor),
      ).toMatchObject({
        emailStatus: 'not-configured',
        emailError: null,
      });
      expect(
        await storage.invitations.recordEmail(one.id, { status: 'failed', error: 'x'.repeat(2000) }, actor),
      ).toMatchObject({ emailError: 'x'.repeat(500) });
      expect(
        await storage.invitations.recordEmail('missing', { status: 'not-configured' }, actor),
      ).toBeNull();
    });

    it("keeps the room's invitees-wait setting", async () => {
      const roomId = await newRoom();
      expect((await storage.rooms.findById(roomId))!.inviteesWait).toBe(false);
      expect(await storage.invitations.setInviteesWait(roomId, true, actor)).toBe(true);
      expect((await storage.rooms.findById(roomId))!.inviteesWait).toBe(true);
      expect(await storage.invitations.setInviteesWait(roomId, true, actor)).toBe(true);
      expect(await storage.invitations.setInviteesWait(roomId, false, actor)).toBe(false);
      expect(await storage.invitations.setInviteesWait('missing-room', true, actor)).toBeNull();
    });
  });

  describe('an expired invitation', () => {
    const past = () => new Date(Date.now() - 60_000);

    it('refuses a role change, in the same step as the change', async () => {
      const roomId = await newRoom();
      const one = await invite(roomId, invitation('grace@example.org', { expiresAt: past() }));
      expect(await storage.invitations.setRole(roomId, one.id, 'moderator', actor)).toBeNull();
      expect(await storage.invitations.setRole(roomId, one.id, 'viewer', actor)).toBeNull();
      expect((await storage.invitations.find(roomId, one.id))!.role).toBe('viewer');
    });

    it('is replaced when its address is invited again: it stays, expired, with its visit', async () => {
      const roomId = await newRoom();
      const old = invitation('grace@example.org', { expiresAt: new Date(Date.now() + 300) });
      await invite(roomId, old);
      const claimed = await storage.invitations.claim(claimFor(old));
      if (!claimed.ok) throw new TypeError(claimed.reason);
      await new Promise((resolve) => setTimeout(resolve, 400));

      const again = await invite(roomId, invitation('Grace@Example.org'));
      const listed = await storage.invitations.list(roomId);
      expect(listed.map((one) => one.id)).toEqual([again.id, old.id]);
      expect(listed[1]).toMatchObject({ revokedAt: null, visitId: claimed.visit.id });
      expect(await storage.guests.visitStatuses([claimed.visit.id])).toEqual(
        new Map([[claimed.visit.id, 'admitted']]),
      );
      expect(await storage.invitations.counts(roomId)).toEqual({ active: 1, total: 2 });
      // The new one holds the address now, and the old one's link stays dead.
      expect(await storage.invitations.create(roomId, [invitation('grace@example.org')], actor, 500)).toEqual(
        {
          ok: false,
          reason: 'duplicate',
          emails: ['grace@example.org'],
        },
      );
      expect(await storage.invitations.claim(claimFor(old))).toEqual({ ok: false, reason: 'expired' });
    });

    it('is replaced by exactly one of several parallel requests for its address', async () => {
      const roomId = await newRoom();
      const old = await invite(roomId, invitation('same@example.org', { expiresAt: past() }));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          storage.invitations.create(
            roomId,
            [...people(40, `again${index}-`), invitation('same@example.org')],
            actor,
            500,
          ),
        ),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      for (const refused of results.filter((result) => !result.ok))
        expect(refused).toEqual({ ok: false, reason: 'duplicate', emails: ['same@example.org'] });
      const same = (await storage.invitations.list(roomId)).filter((one) => one.email === 'same@example.org');
      expect(same.map((one) => one.id)).toEqual([expect.not.stringMatching(old.id), old.id]);
      expect(await storage.invitations.counts(roomId)).toEqual({ active: 41, total: 42 });
    });

    it('is not replaced by a batch that is refused', async () => {
      const roomId = await newRoom();
      await invite(roomId, invitation('taken@example.org'));
      const old = await invite(roomId, invitation('grace@example.org', { expiresAt: past() }));
      expect(
        await storage.invitations.create(
          roomId,
          [invitation('grace@example.org'), invitation('taken@example.org')],
          actor,
          500,
        ),
      ).toMatchObject({ ok: false, reason: 'duplicate' });
      expect(await storage.invitations.list(roomId)).toHaveLength(2);
      expect(
        (await storage.invitations.create(roomId, [invitation('grace@example.org')], actor, 500)).ok,
      ).toBe(true);
      expect((await storage.invitations.find(roomId, old.id))!.revokedAt).toBeNull();
    });
  });

  describe('the list and its counts', () => {
    it('holds every active invitation and the newest others, and counts them all', async () => {
      const roomId = await newRoom();
      const oldest = await invite(roomId, invitation('oldest@example.org'));
      const expiredAt = new Date(Date.now() - 60_000);
      for (let batch = 0; batch < 2; batch++) {
        const expired = people(INVITATIONS_LISTED_MAX / 2, `gone${batch}-`).map((one) => ({
          ...one,
          expiresAt: expiredAt,
        }));
        expect((await storage.invitations.create(roomId, expired, actor, 5000)).ok).toBe(true);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      const newest = await invite(roomId, invitation('newest@example.org'));

      const listed = await storage.invitations.list(roomId);
      expect(listed).toHaveLength(INVITATIONS_LISTED_MAX);
      expect(listed[0]!.id).toBe(newest.id);
      // Older than a thousand others, but it still works: it is listed, so it can be revoked.
      expect(listed[listed.length - 1]!.id).toBe(oldest.id);
      expect(await storage.invitations.counts(roomId)).toEqual({
        active: 2,
        total: INVITATIONS_LISTED_MAX + 2,
      });
      expect(await storage.invitations.counts(await newRoom())).toEqual({ active: 0, total: 0 });
    }, 60_000);
  });

  describe('what create stores', () => {
    it('takes a stand-in name cut from a long address', async () => {
      const roomId = await newRoom();
      const email = `${'a'.repeat(100)}@example.org`;
      const one = await invite(roomId, invitation(email, { name: nameFromEmail(email) }));
      expect(one.name).toBe('a'.repeat(INVITEE_NAME_MAX));
      expect((await storage.invitations.find(roomId, one.id))!.name).toBe('a'.repeat(INVITEE_NAME_MAX));
    });

    it('stores the email status it is given, with the invitation', async () => {
      const roomId = await newRoom();
      const created = await storage.invitations.create(
        roomId,
        [invitation('copy@example.org', { emailStatus: 'not-configured' }), invitation('send@example.org')],
        actor,
        500,
      );
      expect(created.ok && created.invitations.map((one) => one.emailStatus)).toEqual([
        'not-configured',
        'not-sent',
      ]);
      expect((await storage.invitations.list(roomId)).map((one) => one.emailStatus).sort()).toEqual([
        'not-configured',
        'not-sent',
      ]);
    });
  });

  it('forgets revoked and expired invitations, with their visits, after the guest log retention', async () => {
    const roomId = await newRoom();
    const [kept, revokedLongAgo, expiredLongAgo, revokedLately] = [
      invitation('kept@example.org'),
      invitation('revoked@example.org'),
      invitation('expired@example.org', { expiresAt: new Date(Date.now() + 60_000) }),
      invitation('lately@example.org'),
    ];
    for (const one of [kept!, revokedLongAgo!, expiredLongAgo!, revokedLately!]) await invite(roomId, one);
    const visits: Record<string, string> = {};
    for (const one of [kept!, revokedLongAgo!, expiredLongAgo!]) {
      const claimed = await storage.invitations.claim(claimFor(one));
      if (!claimed.ok) throw new TypeError(claimed.reason);
      visits[one.id] = claimed.visit.id;
    }
    await storage.invitations.revoke(roomId, revokedLongAgo!.id, actor);
    await storage.invitations.revoke(roomId, revokedLately!.id, actor);
    // The test platform keeps the guest log 30 days; these happened 31 days ago.
    await handle.backdateInvitation(kept!.id, 31);
    await handle.backdateInvitation(revokedLongAgo!.id, 31);
    await handle.backdateInvitation(expiredLongAgo!.id, 31);

    await storage.purgeExpired();

    const left = (await storage.invitations.list(roomId)).map((one) => one.email).sort();
    expect(left).toEqual(['kept@example.org', 'lately@example.org']);
    // An invitation that still works keeps its invitee's visit while the invitee came lately
    // (only its creation is old here; the retention of the visit itself is tested below).
    expect(await storage.guests.findVisit(visits[kept!.id]!)).not.toBeNull();
    expect(await storage.guests.visitStatuses(Object.values(visits))).toEqual(
      new Map([[visits[kept!.id]!, 'admitted']]),
    );
  });
  describe("the retention of an invitee's visit", () => {
    it('forgets the visit by its own age, keeping the invitation and its claim; the return gets a new visit', async () => {
      const roomId = await newRoom();
      const [idle, inside, cameLately] = [
        invitation('idle@example.org'),
        invitation('inside@example.org'),
        invitation('lately@example.org'),
      ];
      const claims = new Map<string, ReturnType<typeof claimFor>>();
      for (const one of [idle!, inside!, cameLately!]) {
        await invite(roomId, one);
        const claim = claimFor(one);
        const claimed = await storage.invitations.claim(claim);
        if (!claimed.ok) throw new TypeError(claimed.reason);
        claims.set(one.id, claim);
      }
      const mine = claims.get(idle!.id)!;
      await storage.guests.leave(mine.visitId);
      // The test platform keeps the guest log 30 days: these invitees last came 31 days ago
      // (inside never left), the third created its visit then but came back today.
      await handle.backdateInviteeActivity(idle!.id, 31);
      await handle.backdateInviteeActivity(inside!.id, 31);
      await handle.backdateInviteeActivity(cameLately!.id, 31);
      await storage.invitations.enter(cameLately!.tokenHash, claims.get(cameLately!.id)!.claimHash);

      await storage.purgeExpired();

      // The invitations stay, still claimed; only the visits of those who did not come lately go.
      expect((await storage.invitations.list(roomId)).map((one) => one.email).sort()).toEqual([
        'idle@example.org',
        'inside@example.org',
        'lately@example.org',
      ]);
      const entry = await storage.invitations.findEntry(idle!.tokenHash);
      expect(entry).toMatchObject({ claimHash: mine.claimHash, invitation: { visitId: null } });
      expect(await storage.guests.findVisit(mine.visitId)).toBeNull();
      expect(await storage.guests.findVisit(claims.get(inside!.id)!.visitId)).toBeNull();
      expect(await storage.guests.findVisit(claims.get(cameLately!.id)!.visitId)).not.toBeNull();
      expect((await storage.guests.guestLog(roomId)).map((visit) => visit.email)).toEqual([
        'lately@example.org',
      ]);

      // The claiming browser comes back: a new visit, admitted, with the invitation's role.
      const back = await storage.invitations.enter(idle!.tokenHash, mine.claimHash);
      if (!back.ok) throw new TypeError(back.reason);
      expect(back.visit).toMatchObject({ roomId, status: 'admitted' });
      expect(back.visit.id).not.toBe(mine.visitId);
      expect(back.invitation.visitId).toBe(back.visit.id);
      expect((await storage.guests.findVisit(back.visit.id))!.invitee!.role).toBe('viewer');
      // Once in, the same visit; another browser is still told the link is in use.
      expect(await storage.invitations.enter(idle!.tokenHash, mine.claimHash)).toMatchObject({
        ok: true,
        visit: { id: back.visit.id },
      });
      expect(await storage.invitations.enter(idle!.tokenHash, sha256('another browser'))).toEqual({
        ok: false,
        reason: 'claimed-elsewhere',
      });
      // In a room whose invitees wait, the returning one waits in the lobby.
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      const insideClaim = claims.get(inside!.id)!;
      expect(await storage.invitations.enter(inside!.tokenHash, insideClaim.claimHash)).toMatchObject({
        ok: true,
        visit: { status: 'waiting' },
      });
      // Revoking ends the new visit as it would the first.
      const revoked = await storage.invitations.revoke(roomId, idle!.id, actor);
      expect(revoked!.endedVisitId).toBe(back.visit.id);
    });

    it('keeps the visit of an invitee a moderator turned away: it is what sends them back to the lobby', async () => {
      const roomId = await newRoom();
      const [denied, marked] = [invitation('denied@example.org'), invitation('marked@example.org')];
      await storage.guests.setLobbyEnabled(roomId, true, actor);
      await storage.invitations.setInviteesWait(roomId, true, actor);
      const claims = new Map<string, ReturnType<typeof claimFor>>();
      for (const one of [denied!, marked!]) {
        await invite(roomId, one);
        const claim = claimFor(one);
        await storage.invitations.claim(claim);
        await storage.guests.decide(roomId, claim.visitId, 'denied', actor);
        claims.set(one.id, claim);
      }
      // The second came back, was let in and left: its visit carries the must-wait mark.
      const markedClaim = claims.get(marked!.id)!;
      await storage.invitations.enter(marked!.tokenHash, markedClaim.claimHash);
      await storage.guests.decide(roomId, markedClaim.visitId, 'admitted', actor);
      await storage.guests.leave(markedClaim.visitId);
      await handle.backdateInviteeActivity(denied!.id, 31);
      await handle.backdateInviteeActivity(marked!.id, 31);
      await storage.invitations.setInviteesWait(roomId, false, actor);

      await storage.purgeExpired();

      for (const one of [denied!, marked!]) {
        const claim = claims.get(one.id)!;
        expect(await storage.guests.findVisit(claim.visitId)).not.toBeNull();
        expect(await storage.invitations.enter(one.tokenHash, claim.claimHash)).toMatchObject({
          ok: true,
          visit: { id: claim.visitId, status: 'waiting', mustWait: true },
        });
      }
    });
  });
});
