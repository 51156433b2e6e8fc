import type { GuestVisit } from '../../guests/guest';
import { lobbyNote, type LobbyNote } from '../../rooms/room';
import type {
  DeniedVisit,
  GuestLogEntry,
  PrivateMessageResult,
  WaitingPageReads,
  GuestStore,
  JoinRefusal,
  JoinRequest,
  JoinResult,
  ComeBackRequest,
  ComeBackResult,
  LinkEntry,
  VisitContext,
  WaitingVisit,
} from '../../guests/guest.store';
import { CallBatcher } from './call-batcher';
import { lockLobby, lockRoomLinks, recordAudit } from './guest-access.pg-store';
import type { SqlClient, SqlExecutor } from './sql-client';
import type { Actor, InviteRole } from '../../rooms/room-role';

export interface VisitRow {
  id: string;
  room_id: string;
  link_id: string | null;
  link_name: string | null;
  invitation_id?: string | null;
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
  private_message?: string | null;
  private_message_at?: Date | string | null;
}

export function toVisit(row: VisitRow): GuestVisit {
  return {
    id: row.id,
    roomId: row.room_id,
    linkId: row.link_id,
    linkName: row.link_name ?? '',
    invitationId: row.invitation_id ?? null,
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
    privateMessage: lobbyNote(row.private_message, row.private_message_at),
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
    // A guest's visit reads its link's access row, an invitee's its invitation's (the same
    // columns, routines/invitation_access.sql); the invitee's role is read each time, never copied.
    const [row] = await this.sql.query<
      AccessRow & {
        visit: VisitRow;
        lobby_message: string | null;
        lobby_message_at: Date | null;
        invite_role: InviteRole | null;
        invite_starts_at: Date | null;
        invited_by_name: string | null;
      }
    >(
      `SELECT to_jsonb(v.*) AS visit, r.lobby_message, r.lobby_message_updated_at AS lobby_message_at,
              coalesce(a.room_title, ia.room_title) AS room_title, coalesce(a.room_type, ia.room_type) AS room_type,
              coalesce(a.media_url, ia.media_url) AS media_url,
              coalesce(a.context_title, ia.context_title) AS context_title,
              coalesce(a.link_deleted, ia.link_deleted) AS link_deleted,
              coalesce(a.link_expires_at, ia.link_expires_at) AS link_expires_at,
              coalesce(a.guest_access_enabled, ia.guest_access_enabled) AS guest_access_enabled,
              coalesce(a.room_available, ia.room_available) AS room_available,
              coalesce(a.modules_enabled, ia.modules_enabled) AS modules_enabled,
              a.click_limit, i.role AS invite_role, i.starts_at AS invite_starts_at,
              i.created_by_name AS invited_by_name
       FROM guest_visits v
       JOIN rooms r ON r.id = v.room_id
       LEFT JOIN guest_link_access a ON a.link_id = v.link_id
       LEFT JOIN invitation_access ia ON ia.invitation_id = v.invitation_id
       LEFT JOIN invitations i ON i.id = v.invitation_id
       WHERE v.id = $1 AND (a.link_id IS NOT NULL OR ia.invitation_id IS NOT NULL)`,
      [visitId],
    );
    if (!row) return null;
    const visit = visitFromJson(row.visit);
    return {
      ...accessState(row),
      visit,
      roomTitle: row.room_title,
      roomType: row.room_type,
      mediaUrl: row.media_url,
      contextTitle: row.context_title,
      linkClickLimit: row.click_limit,
      lobbyMessage: lobbyNote(row.lobby_message, row.lobby_message_at),
      invitee:
        visit.invitationId && row.invite_role
          ? {
              invitationId: visit.invitationId,
              role: row.invite_role,
              startsAt: row.invite_starts_at,
              invitedByName: row.invited_by_name,
            }
          : null,
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

  async listWaiting(roomId: string): Promise<WaitingVisit[]> {
    const rows = await this.sql.query<VisitRow & { invite_role: InviteRole | null }>(
      `SELECT v.*, i.role AS invite_role
       FROM guest_visits v LEFT JOIN invitations i ON i.id = v.invitation_id
       WHERE v.room_id = $1 AND v.status = 'waiting' ORDER BY v.created_at, v.id`,
      [roomId],
    );
    return rows.map((row) => ({ ...toVisit(row), inviteRole: row.invite_role }));
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

  denyAll(roomId: string, actor: Actor): Promise<DeniedVisit[]> {
    return this.sql.transaction(async (tx) => {
      // The lobby lock orders this against join batches: a guest joining now is either
      // denied here or still waiting afterwards, never lost between the two. The room's links
      // first, as a batch takes them: the denied guests' clicks go back to them (fair clicks).
      await lockRoomLinks(tx, roomId);
      await lockLobby(tx, roomId);
      const rows = await tx.query<{ id: string; link_id: string | null }>(
        `UPDATE guest_visits
         SET status = 'denied', outcome_reason = 'moderator', decided_at = now(), decided_by = $2, decided_by_name = $3
         WHERE room_id = $1 AND status = 'waiting'
         RETURNING id, link_id`,
        [roomId, actor.userId, actor.name],
      );
      if (rows.length > 0) await recordAudit(tx, roomId, actor, 'lobby.denied-all', { denied: rows.length });
      return rows.map((row) => ({ id: row.id, linkId: row.link_id }));
    });
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
    // Sending a guest back to the lobby clears their admission; the audit keeps who did it and when.
    const rows = await this.sql.query<
      VisitRow & {
        sent_to_lobby_at: Date | null;
        sent_to_lobby_by_name: string | null;
        sent_to_lobby_by: string | null;
        decided_by: string | null;
        removed_by: string | null;
        invite_role: InviteRole | null;
      }
    >(
      `WITH sent AS (
         SELECT DISTINCT ON (details ->> 'visitId')
                details ->> 'visitId' AS visit_id, created_at AS sent_to_lobby_at, actor_name AS sent_to_lobby_by_name,
                actor_user_id AS sent_to_lobby_by
         FROM audit_events
         WHERE room_id = $1 AND action = 'live.sent-to-lobby'
         ORDER BY details ->> 'visitId', created_at DESC, id DESC
       )
       SELECT v.*, sent.sent_to_lobby_at, sent.sent_to_lobby_by_name, sent.sent_to_lobby_by, i.role AS invite_role
       FROM guest_visits v LEFT JOIN sent ON sent.visit_id = v.id
       LEFT JOIN invitations i ON i.id = v.invitation_id
       WHERE v.room_id = $1 ORDER BY v.created_at DESC, v.id LIMIT 5000`,
      [roomId],
    );
    return rows.map((row) => ({
      visitId: row.id,
      name: row.name,
      email: row.email,
      linkName: row.link_name ?? '',
      role: row.invite_role,
      joinedAt: row.created_at,
      status: row.status,
      outcomeReason: row.outcome_reason,
      decidedAt: row.decided_at,
      decidedByName: row.decided_by_name,
      leftAt: row.left_at,
      removedAt: row.removed_at ?? null,
      removedByName: row.removed_by_name ?? null,
      sentToLobbyAt: row.sent_to_lobby_at,
      sentToLobbyByName: row.sent_to_lobby_by_name,
      decidedBy: row.decided_by,
      removedBy: row.removed_by ?? null,
      sentToLobbyBy: row.sent_to_lobby_by,
    }));
  }

  async setLobbyMessage(
    roomId: string,
    text: string | null,
    actor: Actor,
  ): Promise<{ changed: boolean; message: LobbyNote | null } | null> {
    return this.sql.transaction(async (tx) => {
      const [changed] = await tx.query<{ lobby_message: string | null; at: Date | null }>(
        `UPDATE rooms
         SET lobby_message = $2, lobby_message_updated_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END,
             lobby_message_updated_by = $3, updated_at = now()
         WHERE id = $1 AND lobby_message IS DISTINCT FROM $2::text
         RETURNING lobby_message, lobby_message_updated_at AS at`,
        [roomId, text, actor.userId],
      );
      if (changed) {
        await recordAudit(tx, roomId, actor, text === null ? 'lobby.message-cleared' : 'lobby.message-set', {
          length: text?.length ?? 0,
        });
        return { changed: true, message: lobbyNote(changed.lobby_message, changed.at) };
      }
      const [room] = await tx.query<{ lobby_message: string | null; at: Date | null }>(
        'SELECT lobby_message, lobby_message_updated_at AS at FROM rooms WHERE id = $1',
        [roomId],
      );
      return room ? { changed: false, message: lobbyNote(room.lobby_message, room.at) } : null;
    });
  }

  async sendPrivateMessage(roomId: string, visitId: string, text: string): Promise<PrivateMessageResult> {
    const [row] = await this.sql.query<VisitRow>(
      `UPDATE guest_visits SET private_message = $3, private_message_at = now()
       WHERE id = $2 AND room_id = $1 AND status = 'waiting'
       RETURNING *`,
      [roomId, visitId, text],
    );
    if (row) return { ok: true, visit: toVisit(row) };
    const [other] = await this.sql.query('SELECT 1 FROM guest_visits WHERE id = $2 AND room_id = $1', [
      roomId,
      visitId,
    ]);
    return { ok: false, reason: other ? 'not-waiting' : 'not-found' };
  }

  async waitingPageReads(roomId: string, visitIds: string[], withRoom: boolean): Promise<WaitingPageReads> {
    // One round trip: the room's message (when asked) and the visits, as rows of one shape.
    const rows = await this.sql.query<{
      id: string | null;
      status: GuestVisit['status'] | null;
      text: string | null;
      at: Date | null;
    }>(
      `SELECT NULL::text AS id, NULL::text AS status, lobby_message AS text, lobby_message_updated_at AS at
       FROM rooms WHERE id = $1 AND $3::boolean
       UNION ALL
       SELECT id, status, private_message, private_message_at
       FROM guest_visits WHERE room_id = $1 AND id = ANY($2::text[])`,
      [roomId, visitIds, withRoom],
    );
    const reads: WaitingPageReads = { visits: new Map() };
    for (const row of rows) {
      if (row.id === null) reads.lobbyMessage = lobbyNote(row.text, row.at);
      else reads.visits.set(row.id, { status: row.status!, privateMessage: lobbyNote(row.text, row.at) });
    }
    // A room deleted meanwhile has no message.
    if (withRoom && reads.lobbyMessage === undefined) reads.lobbyMessage = null;
    return reads;
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
