import type { GuestVisit } from '../../guests/guest';
import type {
  GuestLogEntry,
  GuestStore,
  JoinRefusal,
  JoinRequest,
  JoinResult,
  ComeBackRequest,
  ComeBackResult,
  LinkEntry,
  VisitContext,
} from '../../guests/guest.store';
import { CallBatcher } from './call-batcher';
import { lockLobby, recordAudit } from './guest-access.pg-store';
import type { SqlClient, SqlExecutor } from './sql-client';
import type { Actor } from '../../rooms/room-role';

interface VisitRow {
  id: string;
  room_id: string;
  link_id: string;
  link_name: string;
  name: string;
  email: string;
  status: GuestVisit['status'];
  outcome_reason: GuestVisit['outcomeReason'];
  created_at: Date;
  decided_at: Date | null;
  decided_by_name: string | null;
  left_at: Date | null;
  removed_at?: Date | null;
  removed_by_name?: string | null;
  must_wait?: boolean;
  admitted_once?: boolean;
}

function toVisit(row: VisitRow): GuestVisit {
  return {
    id: row.id,
    roomId: row.room_id,
    linkId: row.link_id,
    linkName: row.link_name,
    name: row.name,
    email: row.email,
    status: row.status,
    outcomeReason: row.outcome_reason,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedByName: row.decided_by_name,
    leftAt: row.left_at,
    removedAt: row.removed_at ?? null,
    removedByName: row.removed_by_name ?? null,
    mustWait: row.must_wait ?? false,
    admittedOnce: row.admitted_once ?? false,
  };
}

/** A row of the guest_link_access view (migration 006): what decides whether guests get in. */
interface AccessRow {
  link_id: string;
  link_name: string;
  room_id: string;
  room_title: string;
  room_type: string;
  media_url: string | null;
  context_title: string | null;
  lobby_enabled: boolean;
  link_deleted: boolean;
  link_expires_at: Date | null;
  link_exhausted: boolean;
  click_limit: number | null;
  guest_access_enabled: boolean;
  room_available: boolean;
  modules_enabled: boolean;
}

function accessState(row: AccessRow) {
  return {
    linkDeleted: row.link_deleted,
    linkExpiresAt: row.link_expires_at,
    guestAccessEnabled: row.guest_access_enabled,
    roomAvailable: row.room_available,
    modulesEnabled: row.modules_enabled,
    roomSupportsGuests: row.room_type === 'room',
  };
}

/** A visit row read as JSON (to_jsonb): its times arrive as strings. */
function visitFromJson(visitRow: VisitRow): GuestVisit {
  return toVisit({
    ...visitRow,
    created_at: new Date(visitRow.created_at),
    decided_at: visitRow.decided_at && new Date(visitRow.decided_at),
    left_at: visitRow.left_at && new Date(visitRow.left_at),
    removed_at: visitRow.removed_at && new Date(visitRow.removed_at),
  });
}

type JoinRow = VisitRow & { ord: number; reason: JoinRefusal | null };

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): one input's fault. */
function causedByData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/**
 * The visit's link row, before the visit: ending a wait gives the click back to the link
 * (guestlink_fair_clicks.sql), and settings changes and link deletions lock links before visits.
 */
async function lockVisitLink(db: SqlExecutor, visitId: string): Promise<void> {
  await db.query(
    'SELECT 1 FROM guest_links WHERE id = (SELECT link_id FROM guest_visits WHERE id = $1) FOR UPDATE',
    [visitId],
  );
}

/** Lets every guest waiting in the room in; the ids of those it let in. */
async function admitWaiting(
  db: SqlExecutor,
  roomId: string,
  reason: 'moderator' | 'lobby-off',
  actor: Actor,
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `UPDATE guest_visits
     SET status = 'admitted', outcome_reason = $2, decided_at = now(), decided_by = $3, decided_by_name = $4
     WHERE room_id = $1 AND status = 'waiting'
     RETURNING id`,
    [roomId, reason, actor.userId, actor.name],
  );
  return rows.map((row) => row.id);
}

export class PgGuestStore implements GuestStore {
  // One guestlink_join_batch call (migration 006) for the joins that arrive while the
  // previous call runs: it locks the links, re-checks each join in accessProblem's order,
  // applies the click limits and the lobby cap in arrival order, counts the clicks and
  // records the visits, all in that statement's own transaction. One call at a time:
  // a second one in flight mostly waited for the first's link locks (measured: 35 % more
  // database CPU per join, no more joins per second).
  private readonly joins = new CallBatcher<JoinRequest, JoinResult>((requests) => this.joinBatch(requests), {
    maxBatch: 50,
    maxInFlight: 1,
    compatible: (a, b) => a.waitingCap === b.waitingCap,
    retryOneByOne: causedByData,
  });

  constructor(private readonly sql: SqlClient) {}

  async findLinkEntry(tokenHash: string): Promise<LinkEntry | null> {
    const [row] = await this.sql.query<AccessRow>('SELECT * FROM guest_link_access WHERE token_hash = $1', [
      tokenHash,
    ]);
    if (!row) return null;
    return {
      ...accessState(row),
      linkId: row.link_id,
      roomId: row.room_id,
      roomTitle: row.room_title,
      linkExhausted: row.link_exhausted,
    };
  }

  join(request: JoinRequest): Promise<JoinResult> {
    return this.joins.submit(request);
  }

  private async joinBatch(requests: JoinRequest[]): Promise<JoinResult[]> {
    const rows = await this.sql.query<JoinRow>(
      'SELECT * FROM guestlink_join_batch($1::text[], $2::text[], $3::text[], $4::text[], $5, $6::boolean[])',
      [
        requests.map((request) => request.tokenHash),
        requests.map((request) => request.visitId),
        requests.map((request) => request.name),
        requests.map((request) => request.email),
        requests[0]!.waitingCap,
        requests.map((request) => request.mustWait),
      ],
    );
    const byOrder = new Map(rows.map((row) => [row.ord, row]));
    return requests.map((_request, index): JoinResult => {
      const row = byOrder.get(index + 1)!;
      return row.reason ? { ok: false, reason: row.reason } : { ok: true, visit: toVisit(row) };
    });
  }

  async findVisit(visitId: string): Promise<VisitContext | null> {
    const [row] = await this.sql.query<AccessRow & { visit: VisitRow }>(
      `SELECT a.*, to_jsonb(v.*) AS visit
       FROM guest_visits v JOIN guest_link_access a ON a.link_id = v.link_id
       WHERE v.id = $1`,
      [visitId],
    );
    if (!row) return null;
    return {
      ...accessState(row),
      visit: visitFromJson(row.visit),
      roomTitle: row.room_title,
      roomType: row.room_type,
      mediaUrl: row.media_url,
      contextTitle: row.context_title,
      linkClickLimit: row.click_limit,
    };
  }

  async comeBack(request: ComeBackRequest): Promise<ComeBackResult> {
    const [row] = await this.sql.query<{ reason: string | null; visit: VisitRow | null }>(
      'SELECT * FROM guestlink_come_back($1, $2, make_interval(secs => $3::double precision / 1000))',
      [request.visitId, request.waitingCap, request.windowMs],
    );
    if (!row?.visit || row.reason === 'not-returnable') return { ok: false, reason: 'not-returnable' };
    const visit = visitFromJson(row.visit);
    if (row.reason === null) return { ok: true, visit };
    if (row.reason === 'already-back') return { ok: false, reason: 'already-back', visit };
    return { ok: false, reason: row.reason as Exclude<ComeBackResult, { ok: true }>['reason'] & JoinRefusal };
  }

  async leave(visitId: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await lockVisitLink(tx, visitId);
      const rows = await tx.query(
        `UPDATE guest_visits SET status = 'left', left_at = now()
       WHERE id = $1 AND status IN ('waiting', 'admitted') RETURNING id`,
        [visitId],
      );
      return rows.length > 0;
    });
  }

  async listWaiting(roomId: string): Promise<GuestVisit[]> {
    const rows = await this.sql.query<VisitRow>(
      `SELECT * FROM guest_visits WHERE room_id = $1 AND status = 'waiting' ORDER BY created_at, id`,
      [roomId],
    );
    return rows.map(toVisit);
  }

  async decide(
    roomId: string,
    visitId: string,
    status: 'admitted' | 'denied',
    actor: Actor,
  ): Promise<GuestVisit | null> {
    const [row] = await this.sql.transaction(async (tx) => {
      await lockVisitLink(tx, visitId);
      return tx.query<VisitRow>(
        `UPDATE guest_visits
       SET status = $3, outcome_reason = 'moderator', decided_at = now(), decided_by = $4, decided_by_name = $5
       WHERE id = $2 AND room_id = $1 AND status = 'waiting'
       RETURNING *`,
        [roomId, visitId, status, actor.userId, actor.name],
      );
    });
    return row ? toVisit(row) : null;
  }

  admitAll(roomId: string, actor: Actor): Promise<string[]> {
    return admitWaiting(this.sql, roomId, 'moderator', actor);
  }

  async setLobbyEnabled(
    roomId: string,
    enabled: boolean,
    actor: Actor,
  ): Promise<{ admitted: string[] } | null> {
    return this.sql.transaction(async (tx) => {
      await lockLobby(tx, roomId);
      const [room] = await tx.query<{ lobby_enabled: boolean }>(
        'SELECT lobby_enabled FROM rooms WHERE id = $1 FOR UPDATE',
        [roomId],
      );
      if (!room) return null;
      if (room.lobby_enabled === enabled) return { admitted: [] };
      await tx.query('UPDATE rooms SET lobby_enabled = $2, updated_at = now() WHERE id = $1', [
        roomId,
        enabled,
      ]);
      await recordAudit(tx, roomId, actor, enabled ? 'lobby.enabled' : 'lobby.disabled');
      if (enabled) return { admitted: [] };
      // With the lobby off nobody waits: everyone waiting now goes in.
      return { admitted: await admitWaiting(tx, roomId, 'lobby-off', actor) };
    });
  }

  async guestLog(roomId: string): Promise<GuestLogEntry[]> {
    const rows = await this.sql.query<VisitRow>(
      `SELECT * FROM guest_visits WHERE room_id = $1 ORDER BY created_at DESC, id LIMIT 5000`,
      [roomId],
    );
    return rows.map((row) => ({
      visitId: row.id,
      name: row.name,
      email: row.email,
      linkName: row.link_name,
      joinedAt: row.created_at,
      status: row.status,
      outcomeReason: row.outcome_reason,
      decidedAt: row.decided_at,
      decidedByName: row.decided_by_name,
      leftAt: row.left_at,
      removedAt: row.removed_at ?? null,
      removedByName: row.removed_by_name ?? null,
    }));
  }

  async visitStatuses(visitIds: string[]): Promise<Map<string, GuestVisit['status']>> {
    if (visitIds.length === 0) return new Map();
    const rows = await this.sql.query<{ id: string; status: GuestVisit['status'] }>(
      'SELECT id, status FROM guest_visits WHERE id = ANY($1::text[])',
      [visitIds],
    );
    return new Map(rows.map((row) => [row.id, row.status]));
  }
}
