import {
  STALE_AFTER_SECONDS,
  type LiveJoinRequest,
  type LiveJoinResult,
  type LiveStore,
  type ParticipantChange,
} from '../../live/live.store';
import { countsTowardCap, type LiveParticipant } from '../../live/participant';
import type { InviteRole } from '../../rooms/room-role';
import { recordAudit } from './guest-access.pg-store';
import { ACTIVE } from './invitation.pg-store';
import type { SqlClient, SqlExecutor } from './sql-client';
import type { Actor } from '../../rooms/room-role';

interface ParticipantRow {
  id: string;
  room_id: string;
  identity: string;
  visit_id: string | null;
  name: string;
  base_role: LiveParticipant['baseRole'];
  speaking: boolean;
  hand_raised_at: Date | null;
  audio: boolean;
  video: boolean;
  screen: boolean;
  instance_id: string;
  joined_at: Date;
  version: number;
}

function toParticipant(row: ParticipantRow): LiveParticipant {
  return {
    id: row.id,
    roomId: row.room_id,
    identity: row.identity,
    visitId: row.visit_id,
    name: row.name,
    baseRole: row.base_role,
    speaking: row.speaking,
    handRaisedAt: row.hand_raised_at,
    media: { audio: row.audio, video: row.video, screen: row.screen },
    instanceId: row.instance_id,
    joinedAt: row.joined_at,
    version: Number(row.version),
  };
}

const FRESH = `seen_at > now() - make_interval(secs => ${STALE_AFTER_SECONDS})`;
/** countsTowardCap: everyone but hosts and moderators (launched or invited). */
const COUNTS_TOWARD_CAP = `base_role IN ('speaker', 'viewer', 'guest')`;

/** Only viewers and guests are invited to speak (or stopped): live_participants_speaking. */
const SPEAKING_CHANGE_ALLOWED = `$2::boolean IS NULL OR base_role IN ('viewer', 'guest')`;
/**
 * Media on only for whoever presents once the change applies (stopping to speak sends
 * nothing): live_participants_presenters_only, checked before the row is written.
 */
const MEDIA_CHANGE_ALLOWED = `$2::boolean IS FALSE
  OR NOT (coalesce($4, audio) OR coalesce($5, video) OR coalesce($6, screen))
  OR coalesce($2, speaking) OR base_role IN ('host', 'moderator', 'speaker')`;

/**
 * Serializes joins to one room's live session, so the cap holds under concurrency; a
 * user's removal takes it too, so that no join slips past it.
 */
async function lockRoomSession(db: SqlExecutor, roomId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('live:' || $1))`, [roomId]);
}

/**
 * Whether a visit may connect now, read under locks, with the role an invitation gives it now
 * (null for a guest link's visit). The invitation first, as revoke and setRole lock it before the
 * visit, FOR SHARE: a role change or revoke either commits before this read (and the join records
 * what it left), or waits until the connection is recorded and then finds and ends it. The visit
 * FOR SHARE likewise for a removal or a return to the lobby. Null: not admitted, or its invitation
 * was revoked or has expired.
 */
async function visitStanding(
  tx: SqlExecutor,
  visitId: string,
  roomId: string,
): Promise<{ inviteRole: InviteRole | null } | null> {
  const [invitation] = await tx.query<{ role: InviteRole; valid: boolean }>(
    `SELECT role, (${ACTIVE}) AS valid
     FROM invitations WHERE id = (SELECT invitation_id FROM guest_visits WHERE id = $1) FOR SHARE`,
    [visitId],
  );
  if (invitation && !invitation.valid) return null;
  const [visit] = await tx.query<{ status: string }>(
    'SELECT status FROM guest_visits WHERE id = $1 AND room_id = $2 FOR SHARE',
    [visitId, roomId],
  );
  if (visit?.status !== 'admitted') return null;
  return { inviteRole: invitation?.role ?? null };
}

export class PgLiveStore implements LiveStore {
  constructor(private readonly sql: SqlClient) {}

  join(request: LiveJoinRequest): Promise<LiveJoinResult> {
    return this.sql
      .transaction(async (tx): Promise<LiveJoinResult> => {
        await lockRoomSession(tx, request.roomId);
        let baseRole = request.baseRole;
        if (request.visitId) {
          const standing = await visitStanding(tx, request.visitId, request.roomId);
          if (!standing) return { ok: false, reason: 'not-admitted' };
          baseRole = standing.inviteRole ?? baseRole;
        } else if (await this.isRemoved(request.roomId, request.identity, tx)) {
          return { ok: false, reason: 'removed' };
        }
        const [replaced] = await tx.query<ParticipantRow>(
          'DELETE FROM live_participants WHERE room_id = $1 AND identity = $2 RETURNING *',
          [request.roomId, request.identity],
        );
        if (request.cap !== null && countsTowardCap(baseRole)) {
          const [count] = await tx.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM live_participants WHERE room_id = $1 AND ${COUNTS_TOWARD_CAP} AND ${FRESH}`,
            [request.roomId],
          );
          if (count!.n >= request.cap) {
            // The replaced connection stays: a refused page must not end the one that works.
            throw new RefusedJoin();
          }
        }
        const [row] = await tx.query<ParticipantRow>(
          `INSERT INTO live_participants (id, room_id, identity, visit_id, user_id, name, base_role, instance_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [
            request.id,
            request.roomId,
            request.identity,
            request.visitId,
            request.userId,
            request.name,
            baseRole,
            request.instanceId,
          ],
        );
        return {
          ok: true,
          participant: toParticipant(row!),
          replaced: replaced ? toParticipant(replaced) : null,
        };
      })
      .catch((error: unknown) => {
        if (error instanceof RefusedJoin) return { ok: false, reason: 'full' } as const;
        throw error;
      });
  }

  async find(participantId: string): Promise<LiveParticipant | null> {
    const [row] = await this.sql.query<ParticipantRow>(
      `SELECT * FROM live_participants WHERE id = $1 AND ${FRESH}`,
      [participantId],
    );
    return row ? toParticipant(row) : null;
  }

  async list(roomId: string): Promise<LiveParticipant[]> {
    const rows = await this.sql.query<ParticipantRow>(
      `SELECT * FROM live_participants WHERE room_id = $1 AND ${FRESH} ORDER BY joined_at, id`,
      [roomId],
    );
    return rows.map(toParticipant);
  }

  async moderatorPresent(roomId: string): Promise<boolean> {
    const [row] = await this.sql.query<{ present: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM live_participants
         WHERE room_id = $1 AND base_role IN ('host', 'moderator') AND ${FRESH}
       ) AS present`,
      [roomId],
    );
    return row!.present;
  }

  async countTowardCap(roomId: string, exceptIdentity?: string): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM live_participants
       WHERE room_id = $1 AND ${COUNTS_TOWARD_CAP} AND ${FRESH} AND identity IS DISTINCT FROM $2`,
      [roomId, exceptIdentity ?? null],
    );
    return row!.n;
  }

  async update(participantId: string, change: ParticipantChange): Promise<LiveParticipant | null> {
    const media = change.media;
    const [row] = await this.sql.query<ParticipantRow>(
      `UPDATE live_participants SET
         speaking = coalesce($2, speaking),
         hand_raised_at = CASE WHEN $3::boolean IS NULL THEN hand_raised_at
                               WHEN $3 THEN coalesce(hand_raised_at, now()) END,
         -- Whoever stops speaking stops sending.
         audio = CASE WHEN $2 = false THEN false ELSE coalesce($4, audio) END,
         video = CASE WHEN $2 = false THEN false ELSE coalesce($5, video) END,
         screen = CASE WHEN $2 = false THEN false ELSE coalesce($6, screen) END,
         version = version + 1
       WHERE id = $1 AND ${FRESH}
         -- A refused change changes nothing and answers null; the table's CHECK constraints
         -- would turn it into an error, so the same rules come first here.
         AND (${SPEAKING_CHANGE_ALLOWED})
         AND (${MEDIA_CHANGE_ALLOWED})
       RETURNING *`,
      [
        participantId,
        change.speaking ?? null,
        change.handRaised ?? null,
        media?.audio ?? null,
        media?.video ?? null,
        media?.screen ?? null,
      ],
    );
    return row ? toParticipant(row) : null;
  }

  async leave(participantId: string): Promise<LiveParticipant | null> {
    const [row] = await this.sql.query<ParticipantRow>(
      'DELETE FROM live_participants WHERE id = $1 RETURNING *',
      [participantId],
    );
    return row ? toParticipant(row) : null;
  }

  remove(participantId: string, actor: Actor): Promise<LiveParticipant | null> {
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<ParticipantRow>('SELECT * FROM live_participants WHERE id = $1', [
        participantId,
      ]);
      if (!row) return null;
      await recordAudit(tx, row.room_id, actor, 'live.removed', { identity: row.identity, name: row.name });
      if (row.visit_id) {
        await tx.query(
          `UPDATE guest_visits SET status = 'removed', removed_at = now(), removed_by = $2, removed_by_name = $3
           WHERE id = $1 AND status IN ('admitted', 'left')`,
          [row.visit_id, actor.userId, actor.name],
        );
      } else {
        // A user's join reads live_removals under this lock: it either sees this removal,
        // or committed first and the connection it made is ended below.
        await lockRoomSession(tx, row.room_id);
        await tx.query(
          `INSERT INTO live_removals (room_id, identity, name, base_role, removed_by, removed_by_name)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (room_id, identity) DO UPDATE SET removed_at = now(), removed_by = $5, removed_by_name = $6`,
          [row.room_id, row.identity, row.name, row.base_role, actor.userId, actor.name],
        );
      }
      // After the visit's (or the room's) lock: a join racing this removal has committed, and its row goes too.
      const [gone] = await tx.query<ParticipantRow>(
        'DELETE FROM live_participants WHERE room_id = $1 AND identity = $2 RETURNING *',
        [row.room_id, row.identity],
      );
      return gone ? toParticipant(gone) : null;
    });
  }

  sendToLobby(participantId: string, actor: Actor): Promise<LiveParticipant | null> {
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<ParticipantRow>('SELECT * FROM live_participants WHERE id = $1', [
        participantId,
      ]);
      if (!row?.visit_id) return null;
      const moved = await tx.query(
        `UPDATE guest_visits
         SET status = 'waiting', outcome_reason = NULL, decided_at = NULL, decided_by = NULL, decided_by_name = NULL
         WHERE id = $1 AND status = 'admitted' RETURNING id`,
        [row.visit_id],
      );
      if (moved.length === 0) return null;
      await recordAudit(tx, row.room_id, actor, 'live.sent-to-lobby', {
        visitId: row.visit_id,
        name: row.name,
      });
      const [gone] = await tx.query<ParticipantRow>(
        'DELETE FROM live_participants WHERE room_id = $1 AND identity = $2 RETURNING *',
        [row.room_id, row.identity],
      );
      return gone ? toParticipant(gone) : null;
    });
  }

  async listRemovedUsers(roomId: string) {
    const rows = await this.sql.query<{
      identity: string;
      name: string;
      base_role: LiveParticipant['baseRole'];
      removed_at: Date;
    }>(
      'SELECT identity, name, base_role, removed_at FROM live_removals WHERE room_id = $1 ORDER BY removed_at DESC',
      [roomId],
    );
    return rows.map((row) => ({
      identity: row.identity,
      name: row.name,
      baseRole: row.base_role,
      removedAt: row.removed_at,
    }));
  }

  async isRemoved(roomId: string, identity: string, db: SqlExecutor = this.sql): Promise<boolean> {
    const rows = await db.query('SELECT 1 FROM live_removals WHERE room_id = $1 AND identity = $2', [
      roomId,
      identity,
    ]);
    return rows.length > 0;
  }

  async allowBack(roomId: string, identity: string): Promise<boolean> {
    const rows = await this.sql.query(
      'DELETE FROM live_removals WHERE room_id = $1 AND identity = $2 RETURNING 1',
      [roomId, identity],
    );
    return rows.length > 0;
  }

  async endAll(roomId: string): Promise<LiveParticipant[]> {
    const rows = await this.sql.query<ParticipantRow>(
      'DELETE FROM live_participants WHERE room_id = $1 RETURNING *',
      [roomId],
    );
    return rows.map(toParticipant);
  }

  async touch(participantIds: string[]): Promise<string[]> {
    if (participantIds.length === 0) return [];
    const rows = await this.sql.query<{ id: string }>(
      'UPDATE live_participants SET seen_at = now() WHERE id = ANY($1::text[]) RETURNING id',
      [participantIds],
    );
    const found = new Set(rows.map((row) => row.id));
    return participantIds.filter((id) => !found.has(id));
  }

  async sweepStale(): Promise<LiveParticipant[]> {
    const rows = await this.sql.query<ParticipantRow>(
      `DELETE FROM live_participants WHERE NOT (${FRESH}) RETURNING *`,
    );
    return rows.map(toParticipant);
  }
}

/** Rolls the join's transaction back (the replaced connection stays) and reports a full room. */
class RefusedJoin extends Error {}
