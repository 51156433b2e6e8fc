import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Platform } from '../../../src/platforms/platform';
import type { Storage } from '../../../src/storage';
import { openPgClient } from '../../../src/storage/postgres/pg-client';
import { postgresStorageOn } from '../../../src/storage/postgres/postgres-storage';
import type { SqlClient } from '../../../src/storage/postgres/sql-client';
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../../helpers/databases';
import { testPlatform } from '../../helpers/storages';

const actor = { userId: 'teacher', name: 'Ada' };

/**
 * Two instances on one PostgreSQL, each batching its joins, while moderators delete
 * links, decide and admit in the same rooms: no deadlock, no error, and every rule holds
 * (the lobby cap under races is in the store contract).
 */
(TEST_DATABASE_URL ? describe : describe.skip)('joins racing across two instances on PostgreSQL', () => {
  let database: TestDatabase;
  let secondClient: SqlClient;
  let first: Storage;
  let second: Storage;
  let lms: Platform;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    secondClient = await openPgClient({ url: database.url!, connectTimeoutMs: 5000 });
    first = postgresStorageOn(database.sql);
    second = postgresStorageOn(secondClient);
    lms = testPlatform();
    await first.platforms.sync([lms]);
  });

  afterAll(async () => {
    await second.close();
    await database.close();
  });

  async function roomWithLinks(
    platformId: string,
    resourceLinkId: string,
    clickLimits: Array<number | null>,
  ) {
    const room = await first.rooms.openForLaunch({
      platformId,
      deploymentId: 'deployment-1',
      contextId: '_1_1',
      resourceLinkId,
      title: 'Surge',
      contextTitle: 'Biology',
      roomType: 'room',
      mediaUrl: null,
      hostCandidate: actor,
      launcherUserId: actor.userId,
      launcherName: actor.name,
      lobbyDefault: true,
    });
    await first.guestAccess.setEnabled(room.id, true, actor);
    const tokens = [];
    for (const [index, clickLimit] of clickLimits.entries()) {
      const token = `race-${resourceLinkId}-${index}`;
      const created = await first.guestAccess.createLink({
        id: randomUUID(),
        roomId: room.id,
        name: `Link ${index}`,
        nameKey: `link ${index}`,
        tokenSeed: token,
        tokenHash: token,
        clickLimit,
        durationDays: null,
        actor,
      });
      if (!created.ok) throw new TypeError(created.reason);
      tokens.push({ token, linkId: created.link.id });
    }
    return { roomId: room.id, links: tokens };
  }

  it('keeps click limits, the lobby cap and the waiting count exact', async () => {
    const roomA = await roomWithLinks(lms.id, 'room-a', [40, null, null]);
    const roomB = await roomWithLinks(lms.id, 'room-b', [null, 25]);
    const cap = 1000;
    const tokens = [...roomA.links, ...roomB.links].map((link) => link.token);

    const joins = Array.from({ length: 600 }, (_unused, index) =>
      (index % 2 ? first : second).guests.join({
        tokenHash: tokens[index % tokens.length]!,
        visitId: randomUUID(),
        name: `Guest ${index}`,
        email: `guest${index}@example.org`,
        waitingCap: cap,
        mustWait: false,
      }),
    );
    // Moderators at work in both rooms while the class joins.
    const moderation = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await second.guestAccess.deleteLink(roomA.roomId, roomA.links[2]!.linkId, actor);
      await first.guests.admitAll(roomB.roomId, actor);
      const [someone] = await first.guests.listWaiting(roomA.roomId);
      if (someone) await second.guests.decide(roomA.roomId, someone.id, 'denied', actor);
      await first.guests.admitAll(roomA.roomId, actor);
    })();
    const [results] = await Promise.all([Promise.all(joins), moderation]);

    const reasons = new Set(results.flatMap((result) => (result.ok ? [] : [result.reason])));
    expect([...reasons].filter((reason) => reason !== 'link-invalid')).toEqual([]);

    for (const room of [roomA, roomB]) {
      const log = await first.guests.guestLog(room.roomId);
      const allLinks = await database.sql.query<{
        id: string;
        clicks_used: number;
        click_limit: number | null;
      }>('SELECT id, clicks_used, click_limit FROM guest_links WHERE room_id = $1', [room.roomId]);
      for (const link of allLinks) {
        if (link.click_limit !== null) expect(link.clicks_used).toBeLessThanOrEqual(link.click_limit);
      }
      const joined = results.filter((result) => result.ok && result.visit.roomId === room.roomId).length;
      expect(log).toHaveLength(joined);
      // A guest denied before getting in gave the click back (fair clicks).
      const holding = log.filter((entry) => entry.status === 'admitted' || entry.status === 'waiting').length;
      expect(allLinks.reduce((sum, link) => sum + link.clicks_used, 0)).toBe(holding);
      const [counted] = await database.sql.query<{ waiting: number }>(
        'SELECT waiting FROM room_lobby_counts WHERE room_id = $1',
        [room.roomId],
      );
      const waiting = await first.guests.listWaiting(room.roomId);
      expect(counted?.waiting ?? 0).toBe(waiting.length);
    }
    const limited = await database.sql.query<{ clicks_used: number; click_limit: number }>(
      'SELECT clicks_used, click_limit FROM guest_links WHERE click_limit IS NOT NULL ORDER BY click_limit',
    );
    // Room A's limited link may have got back the click of the guest denied there.
    expect(limited[0]!.clicks_used).toBe(25);
    expect([39, 40]).toContain(limited[1]!.clicks_used);
  });

  it('lets guests leave and be decided while a moderator holds the room for a settings change', async () => {
    const room = await roomWithLinks(lms.id, 'room-settings', [null]);
    const waitingGuest = async () => {
      const result = await first.guests.join({
        tokenHash: room.links[0]!.token,
        visitId: randomUUID(),
        name: 'Grace',
        email: 'grace@example.org',
        waitingCap: 100,
        mustWait: false,
      });
      if (!result.ok) throw new TypeError(result.reason);
      return result.visit.id;
    };
    const [leaving, denied, remaining] = [await waitingGuest(), await waitingGuest(), await waitingGuest()];

    // What turning the lobby off does: lock the room, then admit its waiting visits.
    const settings = new pg.Client({ connectionString: database.url! });
    await settings.connect();
    try {
      await settings.query('BEGIN');
      await settings.query('SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE', [room.roomId]);
      const withinTwoSeconds = <T>(work: Promise<T>) =>
        Promise.race([
          work,
          new Promise<never>((_resolve, reject) =>
            setTimeout(() => reject(new RangeError('blocked behind the room lock')), 2000),
          ),
        ]);
      expect(await withinTwoSeconds(second.guests.leave(leaving))).toBe(true);
      expect(
        await withinTwoSeconds(second.guests.decide(room.roomId, denied, 'denied', actor)),
      ).toMatchObject({
        status: 'denied',
      });
      const admitted = await settings.query(
        `UPDATE guest_visits SET status = 'admitted' WHERE room_id = $1 AND status = 'waiting' RETURNING id`,
        [room.roomId],
      );
      await settings.query('COMMIT');
      expect(admitted.rows.map((row: { id: string }) => row.id)).toEqual([remaining]);
    } finally {
      await settings.end();
    }
    const [counted] = await database.sql.query<{ waiting: number }>(
      'SELECT waiting FROM room_lobby_counts WHERE room_id = $1',
      [room.roomId],
    );
    expect(counted!.waiting).toBe(0);
  });

  it('lets a lobby turned off in the middle of a join batch admit that batch’s guests too', async () => {
    const room = await roomWithLinks(lms.id, 'room-lobby-off', [null]);
    const [link] = await database.sql.query<{ id: string }>(
      'SELECT id FROM guest_links WHERE token_hash = $1',
      [room.links[0]!.token],
    );
    // A batch has decided under the room's lobby lock that its guest waits, and has not
    // written the visit yet.
    const batch = new pg.Client({ connectionString: database.url! });
    await batch.connect();
    try {
      await batch.query('BEGIN');
      await batch.query(`SELECT pg_advisory_xact_lock(hashtext('lobby:' || $1))`, [room.roomId]);
      let settled = false;
      const lobbyOff = second.guests.setLobbyEnabled(room.roomId, false, actor).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      const visitId = randomUUID();
      await batch.query(
        `INSERT INTO guest_visits (id, room_id, link_id, link_name, name, email, status)
         VALUES ($1, $2, $3, 'Link 0', 'Grace', 'grace@example.org', 'waiting')`,
        [visitId, room.roomId, link!.id],
      );
      await batch.query('COMMIT');
      expect(await lobbyOff).toEqual({ admitted: [visitId] });
    } finally {
      await batch.end();
    }
  });
});
