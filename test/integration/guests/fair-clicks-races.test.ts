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
 * Clicks given back (guestlink_fair_clicks.sql) take link row locks from inside a visit
 * update. Two instances on one PostgreSQL join in batches (links, then the room's lobby lock)
 * while moderators deny, guests leave the lobby and guest access goes off and on (lobby lock
 * turning guests away): no deadlock, and every link's clicks_used ends equal to its guests
 * who got in plus those still waiting.
 */
(TEST_DATABASE_URL ? describe : describe.skip)(
  'fair clicks racing across two instances on PostgreSQL',
  () => {
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

    it('re-opens a visit once when two Join again arrive while its row is busy', async () => {
      const room = await first.rooms.openForLaunch({
        platformId: lms.id,
        deploymentId: 'deployment-1',
        contextId: '_1_1',
        resourceLinkId: 'fair-come-back',
        title: 'Fair',
        contextTitle: 'Biology',
        roomType: 'room',
        mediaUrl: null,
        hostCandidate: actor,
        launcherUserId: actor.userId,
        launcherName: actor.name,
        lobbyDefault: false,
      });
      await first.guestAccess.setEnabled(room.id, true, actor);
      const created = await first.guestAccess.createLink({
        id: randomUUID(),
        roomId: room.id,
        name: 'Link',
        nameKey: 'link',
        tokenSeed: 'fair-come-back',
        tokenHash: 'fair-come-back',
        clickLimit: 2,
        durationDays: null,
        actor,
      });
      if (!created.ok) throw new TypeError(created.reason);
      const joined = await first.guests.join({
        tokenHash: 'fair-come-back',
        visitId: randomUUID(),
        name: 'Grace',
        email: 'grace@example.org',
        waitingCap: 100,
        mustWait: false,
      });
      if (!joined.ok) throw new TypeError(joined.reason);
      await first.guests.leave(joined.visit.id);

      // Something else holds the visit's row (a moderator's statement, the retention sweep):
      // both "Join again" have read it as left by the time it is free.
      const busy = new pg.Client({ connectionString: database.url! });
      await busy.connect();
      try {
        await busy.query('BEGIN');
        await busy.query('SELECT 1 FROM guest_visits WHERE id = $1 FOR UPDATE', [joined.visit.id]);
        const request = { visitId: joined.visit.id, waitingCap: 100, windowMs: 3 * 3_600_000 };
        const racing = Promise.all([first.guests.comeBack(request), second.guests.comeBack(request)]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await busy.query('COMMIT');
        const results = await racing;
        expect(results.map((result) => (result.ok ? 'ok' : result.reason)).sort()).toEqual([
          'already-back',
          'ok',
        ]);
      } finally {
        await busy.end();
      }
      const [link] = await database.sql.query<{ clicks_used: number }>(
        'SELECT clicks_used FROM guest_links WHERE id = $1',
        [created.link.id],
      );
      expect(link!.clicks_used).toBe(1);
    });

    it('keeps clicks_used at admitted plus waiting while joins, denials, leaving and access changes race', async () => {
      const room = await first.rooms.openForLaunch({
        platformId: lms.id,
        deploymentId: 'deployment-1',
        contextId: '_1_1',
        resourceLinkId: 'fair-races',
        title: 'Fair',
        contextTitle: 'Biology',
        roomType: 'room',
        mediaUrl: null,
        hostCandidate: actor,
        launcherUserId: actor.userId,
        launcherName: actor.name,
        lobbyDefault: true,
      });
      await first.guestAccess.setEnabled(room.id, true, actor);
      const tokens: string[] = [];
      for (const [index, clickLimit] of [2, 40].entries()) {
        const token = `fair-race-${index}`;
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
        tokens.push(token);
      }

      let joining = true;
      const joins = Promise.all(
        Array.from({ length: 240 }, (_unused, index) =>
          (index % 2 ? first : second).guests.join({
            tokenHash: tokens[index % 2]!,
            visitId: randomUUID(),
            name: `Guest ${index}`,
            email: `guest${index}@example.org`,
            waitingCap: 1000,
            mustWait: false,
          }),
        ),
      ).finally(() => (joining = false));
      const moderator = async (storage: Storage, turn: number) => {
        while (joining) {
          const waiting = await storage.guests.listWaiting(room.id);
          await Promise.all(
            waiting
              .slice(0, 6)
              .map((visit, index) =>
                index % 3 === 0
                  ? storage.guests.leave(visit.id)
                  : storage.guests.decide(room.id, visit.id, index % 3 === 1 ? 'denied' : 'admitted', actor),
              ),
          );
          if (turn === 0) {
            await storage.guestAccess.setEnabled(room.id, false, actor);
            await storage.guestAccess.setEnabled(room.id, true, actor);
          }
        }
      };
      const [results] = await Promise.all([joins, moderator(first, 0), moderator(second, 1)]);
      const reasons = new Set(results.flatMap((result) => (result.ok ? [] : [result.reason])));
      expect(
        [...reasons].filter((reason) => reason !== 'link-invalid' && reason !== 'guest-access-off'),
      ).toEqual([]);
      expect(results.filter((result) => result.ok).length).toBeGreaterThan(2);

      const links = await database.sql.query<{ token_hash: string; clicks_used: number; holding: number }>(
        `SELECT l.token_hash, l.clicks_used,
              (SELECT count(*)::int FROM guest_visits v
               WHERE v.link_id = l.id AND (v.admitted_once OR v.status = 'waiting')) AS holding
       FROM guest_links l WHERE l.room_id = $1 ORDER BY l.token_hash`,
        [room.id],
      );
      for (const link of links) expect(link.clicks_used).toBe(link.holding);
      expect(links[0]!.clicks_used).toBeLessThanOrEqual(2);
    });
  },
);
