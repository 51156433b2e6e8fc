import { createHash, randomUUID } from 'node:crypto';
import { emailKey, MAX_ACTIVE_INVITATIONS } from '../../src/invitations/invitation';
import type { LiveJoinRequest } from '../../src/live/live.store';
import { identityOfVisit } from '../../src/live/participant';
import type { Platform } from '../../src/platforms/platform';
import type { InviteRole } from '../../src/rooms/room-role';
import type { Storage } from '../../src/storage';
import {
  openTestStorage,
  STORAGE_BACKENDS,
  TEST_MONGODB_URI,
  testPlatform,
  type TestStorage,
} from '../helpers/storages';

/**
 * An invited person joining the live stage, at the store level on every backend: the role
 * recorded with the connection is the invitation's as the join reads it, whatever the page's
 * identity said a moment before, so a role change never misses a connection being made.
 */

if (!TEST_MONGODB_URI) {
  describe.skip('MongoDB invitee live contract: skipped, set TEST_MONGODB_URI to run it', () => {
    it('runs this file against MongoDB', () => undefined);
  });
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe.each(STORAGE_BACKENDS)('an invitee joining the live stage, on %s', (backend) => {
  const actor = { userId: 'teacher', name: 'Ada' };
  let handle: TestStorage;
  let storage: Storage;
  let lms: Platform;
  let counter = 0;

  async function newRoom(): Promise<string> {
    const room = await storage.rooms.openForLaunch({
      platformId: lms.id,
      deploymentId: 'deployment-1',
      contextId: '_1_1',
      resourceLinkId: `_invitee_live_${++counter}_1`,
      title: 'Seminar',
      contextTitle: 'Physics',
      roomType: 'room',
      mediaUrl: null,
      hostCandidate: actor,
      launcherUserId: actor.userId,
      launcherName: actor.name,
      lobbyDefault: false,
    });
    return room.id;
  }

  /** An invitation claimed by its invitee: their visit is admitted. */
  async function invitee(
    roomId: string,
    role: InviteRole,
    expiresAt: Date | null = null,
  ): Promise<{ invitationId: string; visitId: string }> {
    const email = `invitee${++counter}@example.org`;
    const seed = randomUUID();
    const invitationId = randomUUID();
    const created = await storage.invitations.create(
      roomId,
      [
        {
          id: invitationId,
          name: 'Lena',
          email,
          emailKey: emailKey(email),
          role,
          locale: 'en',
          tokenSeed: seed,
          tokenHash: sha256(seed),
          expiresAt,
          startsAt: null,
        },
      ],
      actor,
      MAX_ACTIVE_INVITATIONS,
    );
    if (!created.ok) throw new TypeError(created.reason);
    const visitId = randomUUID();
    const claimed = await storage.invitations.claim({
      tokenHash: sha256(seed),
      claimHash: sha256(randomUUID()),
      emailKey: emailKey(email),
      visitId,
    });
    if (!claimed.ok) throw new TypeError(claimed.reason);
    expect(claimed.visit.status).toBe('admitted');
    return { invitationId, visitId };
  }

  /** The join a page makes, with the role its identity was read with (perhaps a moment ago). */
  function joinAs(roomId: string, visitId: string, baseRole: InviteRole): LiveJoinRequest {
    return {
      id: randomUUID(),
      roomId,
      identity: identityOfVisit(visitId),
      visitId,
      userId: null,
      name: 'Lena',
      baseRole,
      instanceId: 'instance-1',
      cap: null,
    };
  }

  /** InvitationService.changeRole through the stores: the change, then the end of the connections it finds. */
  async function changeRole(roomId: string, invitationId: string, visitId: string, role: InviteRole) {
    const result = await storage.invitations.setRole(roomId, invitationId, role, actor);
    if (!result?.changed) return;
    for (const participant of await storage.live.list(roomId))
      if (participant.identity === identityOfVisit(visitId)) await storage.live.leave(participant.id);
  }

  const connectedRoles = async (roomId: string, visitId: string) =>
    (await storage.live.list(roomId))
      .filter((participant) => participant.identity === identityOfVisit(visitId))
      .map((participant) => participant.baseRole);

  beforeAll(async () => {
    handle = await openTestStorage(backend);
    storage = handle.storage;
    lms = testPlatform();
    await storage.platforms.sync([lms]);
  });

  afterAll(async () => {
    await handle.close();
  });

  it('records the role the invitation has when the connection is made, not the one read before', async () => {
    const roomId = await newRoom();
    const { invitationId, visitId } = await invitee(roomId, 'viewer');
    // Viewer to speaker: the page reconnects, and its identity is read as a speaker...
    await changeRole(roomId, invitationId, visitId, 'speaker');
    const read = (await storage.guests.findVisit(visitId))!.invitee!.role;
    expect(read).toBe('speaker');
    // ...then, before its connection is recorded, back to viewer: there is nothing to end yet.
    await changeRole(roomId, invitationId, visitId, 'viewer');
    const joined = await storage.live.join(joinAs(roomId, visitId, read));
    expect(joined).toMatchObject({ ok: true, participant: { baseRole: 'viewer' } });
    expect(await connectedRoles(roomId, visitId)).toEqual(['viewer']);

    // Promoted the same way, a moderator counts as one from the start (no cap place).
    await changeRole(roomId, invitationId, visitId, 'moderator');
    const promoted = await storage.live.join({ ...joinAs(roomId, visitId, 'viewer'), cap: 1 });
    expect(promoted).toMatchObject({ ok: true, participant: { baseRole: 'moderator' } });
  });

  it('never leaves a connection with a role its invitation no longer has, whatever races', async () => {
    const roomId = await newRoom();
    const people = await Promise.all(Array.from({ length: 12 }, () => invitee(roomId, 'viewer')));
    let connections = 0;
    await Promise.all(
      people.map(async ({ invitationId, visitId }, index) => {
        for (const role of ['speaker', 'viewer', 'moderator', 'viewer'] as const) {
          // The page reads its identity, then connects while the role changes again.
          const read = (await storage.guests.findVisit(visitId))!.invitee!.role;
          const pause = new Promise((resolve) => setTimeout(resolve, index % 3));
          await Promise.all([
            storage.live.join(joinAs(roomId, visitId, read)),
            pause.then(() => changeRole(roomId, invitationId, visitId, role)),
          ]);
          const roles = await connectedRoles(roomId, visitId);
          connections += roles.length;
          for (const connected of roles) expect(connected).toBe(role);
        }
      }),
    );
    // Some joins came after their change and stayed connected: the check above had work to do.
    // (PGlite runs one statement at a time, so there every join comes first and is ended by the
    // change: the fixed-order test above covers the other order.)
    if (backend !== 'pglite') expect(connections).toBeGreaterThan(0);
  });

  // PGlite runs one statement at a time: only PostgreSQL can hold a change open during a join.
  (backend === 'postgres' ? it : it.skip)(
    'makes a join wait for a role change being written, then records the new role',
    async () => {
      const roomId = await newRoom();
      const { invitationId, visitId } = await invitee(roomId, 'speaker');
      let commit!: () => void;
      let written!: () => void;
      const changeWritten = new Promise<void>((resolve) => (written = resolve));
      const changing = handle.sql!.transaction(async (tx) => {
        await tx.query("UPDATE invitations SET role = 'viewer' WHERE id = $1", [invitationId]);
        written();
        await new Promise<void>((resolve) => (commit = resolve));
      });
      await changeWritten;
      const joining = storage.live.join(joinAs(roomId, visitId, 'speaker'));
      const early = await Promise.race([
        joining.then(() => 'joined'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 300)),
      ]);
      commit();
      await changing;
      expect(early).toBe('waiting');
      expect(await joining).toMatchObject({ ok: true, participant: { baseRole: 'viewer' } });
    },
  );

  it('connects nobody whose invitation has expired or was revoked', async () => {
    const roomId = await newRoom();
    const expiring = await invitee(roomId, 'moderator', new Date(Date.now() + 60_000));
    await handle.backdateInvitation(expiring.invitationId, 1);
    expect(await storage.live.join(joinAs(roomId, expiring.visitId, 'moderator'))).toEqual({
      ok: false,
      reason: 'not-admitted',
    });
    const revoked = await invitee(roomId, 'viewer');
    await storage.invitations.revoke(roomId, revoked.invitationId, actor);
    expect(await storage.live.join(joinAs(roomId, revoked.visitId, 'viewer'))).toEqual({
      ok: false,
      reason: 'not-admitted',
    });
    expect(await storage.live.list(roomId)).toEqual([]);
  });

  // The store's revoke also ends the visit; on SQL the invitation alone can be revoked, to show
  // that the join checks the invitation itself.
  (backend === 'mongodb' ? it.skip : it)('reads the revocation from the invitation itself', async () => {
    const roomId = await newRoom();
    const { invitationId, visitId } = await invitee(roomId, 'viewer');
    await handle.sql!.query('UPDATE invitations SET revoked_at = now() WHERE id = $1', [invitationId]);
    expect(await storage.live.join(joinAs(roomId, visitId, 'viewer'))).toEqual({
      ok: false,
      reason: 'not-admitted',
    });
  });
});
