import type { GuestLink } from '../../guest-access/guest-link';
import {
  editAuditDetails,
  LINK_SLOTS,
  MAX_LINKS_PER_ROOM,
  limitCoversUsed,
} from '../../guest-access/guest-link';
import type {
  CreateLinkResult,
  EditLinkResult,
  GuestLinkChanges,
  GuestAccessState,
  GuestAccessStore,
  NewGuestLink,
} from '../../guest-access/guest-access.store';
import type { SqlClient, SqlExecutor } from './sql-client';
import type { Actor } from '../../rooms/room-role';

export interface GuestLinkRow {
  id: string;
  room_id: string;
  name: string;
  token_seed: string;
  click_limit: number | null;
  clicks_used: number;
  expires_at: Date | null;
  created_by: string;
  created_by_name: string | null;
  created_at: Date;
}

export function toGuestLink(row: GuestLinkRow): GuestLink {
  return {
    id: row.id,
    roomId: row.room_id,
    name: row.name,
    tokenSeed: row.token_seed,
    clickLimit: row.click_limit,
    clicksUsed: row.clicks_used,
    expiresAt: row.expires_at,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: row.created_at,
  };
}

/**
 * The room's lobby lock (migration 006): a join batch decides under it whether the room
 * lets guests in and whether they wait. A settings change that turns waiting guests away
 * or lets them in takes it first, before the room row (which a join's insert also
 * touches), so it never misses a visit a batch is about to commit.
 */
export async function lockLobby(db: SqlExecutor, roomId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('lobby:' || $1))`, [roomId]);
}

/**
 * The room's link rows, in the order a join batch locks them (guestlink_join_batch.sql). A
 * change that turns waiting guests away under the lobby lock takes them first: those guests'
 * clicks go back to their links (guestlink_fair_clicks.sql), and a batch holding a link while
 * it waits for the lobby lock would otherwise deadlock with it.
 */
export async function lockRoomLinks(db: SqlExecutor, roomId: string): Promise<void> {
  await db.query('SELECT 1 FROM guest_links WHERE room_id = $1 ORDER BY token_hash FOR UPDATE', [roomId]);
}

export async function recordAudit(
  db: SqlExecutor,
  roomId: string,
  actor: Actor,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (room_id, actor_user_id, actor_name, action, details) VALUES ($1, $2, $3, $4, $5::jsonb)`,
    [roomId, actor.userId, actor.name, action, JSON.stringify(details)],
  );
}

async function turnAwayWaiting(
  db: SqlExecutor,
  where: string,
  params: unknown[],
  reason: 'guest-access-off' | 'link-deleted',
  actor: Actor,
): Promise<void> {
  const next = params.length + 1;
  await db.query(
    `UPDATE guest_visits
     SET status = 'denied', outcome_reason = $${next}, decided_at = now(), decided_by = $${next + 1}, decided_by_name = $${next + 2}
     WHERE ${where} AND status = 'waiting'`,
    [...params, reason, actor.userId, actor.name],
  );
}

export class PgGuestAccessStore implements GuestAccessStore {
  constructor(private readonly sql: SqlClient) {}

  async getState(roomId: string): Promise<GuestAccessState | null> {
    const [room] = await this.sql.query<{ guest_access_enabled: boolean }>(
      'SELECT guest_access_enabled FROM rooms WHERE id = $1',
      [roomId],
    );
    if (!room) return null;
    const links = await this.sql.query<GuestLinkRow>(
      'SELECT * FROM guest_links WHERE room_id = $1 AND deleted_at IS NULL ORDER BY created_at, slot',
      [roomId],
    );
    return { enabled: room.guest_access_enabled, links: links.map(toGuestLink) };
  }

  async setEnabled(roomId: string, enabled: boolean, actor: Actor): Promise<{ changed: boolean } | null> {
    return this.sql.transaction(async (tx) => {
      await lockRoomLinks(tx, roomId);
      await lockLobby(tx, roomId);
      const [room] = await tx.query<{ guest_access_enabled: boolean }>(
        'SELECT guest_access_enabled FROM rooms WHERE id = $1 FOR UPDATE',
        [roomId],
      );
      if (!room) return null;
      if (room.guest_access_enabled === enabled) return { changed: false };
      await tx.query('UPDATE rooms SET guest_access_enabled = $2, updated_at = now() WHERE id = $1', [
        roomId,
        enabled,
      ]);
      await recordAudit(tx, roomId, actor, enabled ? 'guest-access.enabled' : 'guest-access.disabled');
      // Guests still waiting are turned away; admitted ones stay until they reload. Invited
      // people are not guests of a link: the switch leaves them waiting.
      if (!enabled)
        await turnAwayWaiting(
          tx,
          'room_id = $1 AND link_id IS NOT NULL',
          [roomId],
          'guest-access-off',
          actor,
        );
      return { changed: true };
    });
  }

  async createLink(link: NewGuestLink): Promise<CreateLinkResult> {
    return this.sql.transaction(async (tx): Promise<CreateLinkResult> => {
      // The room row lock serialises every create in this room: the count and the
      // name check below cannot be overtaken by a parallel request.
      const [room] = await tx.query<{ guest_access_enabled: boolean }>(
        'SELECT guest_access_enabled FROM rooms WHERE id = $1 FOR UPDATE',
        [link.roomId],
      );
      if (!room) return { ok: false, reason: 'room-missing' };
      if (!room.guest_access_enabled) return { ok: false, reason: 'guest-access-disabled' };
      const live = await tx.query<{ slot: number; name_key: string }>(
        'SELECT slot, name_key FROM guest_links WHERE room_id = $1 AND deleted_at IS NULL',
        [link.roomId],
      );
      if (live.some((row) => row.name_key === link.nameKey)) return { ok: false, reason: 'name-taken' };
      const taken = new Set(live.map((row) => row.slot));
      const slot = LINK_SLOTS.find((candidate) => !taken.has(candidate));
      if (live.length >= MAX_LINKS_PER_ROOM || slot === undefined)
        return { ok: false, reason: 'limit-reached' };
      const [row] = await tx.query<GuestLinkRow>(
        `INSERT INTO guest_links (id, room_id, slot, name, name_key, token_seed, token_hash, click_limit, expires_at,
                                  created_by, created_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                 CASE WHEN $9::int IS NULL THEN NULL ELSE now() + make_interval(days => $9::int) END, $10, $11)
         RETURNING *`,
        [
          link.id,
          link.roomId,
          slot,
          link.name,
          link.nameKey,
          link.tokenSeed,
          link.tokenHash,
          link.clickLimit,
          link.durationDays,
          link.actor.userId,
          link.actor.name,
        ],
      );
      const created = toGuestLink(row!);
      await recordAudit(tx, link.roomId, link.actor, 'guest-link.created', {
        linkId: created.id,
        linkName: created.name,
        clickLimit: created.clickLimit,
        expiresAt: created.expiresAt,
      });
      return { ok: true, link: created };
    });
  }

  async editLink(
    roomId: string,
    linkId: string,
    changes: GuestLinkChanges,
    actor: Actor,
  ): Promise<EditLinkResult> {
    return this.sql.transaction(async (tx): Promise<EditLinkResult> => {
      // Serialises with creates (FOR UPDATE) and other edits in this room, so the name
      // check below cannot be overtaken; a join's visit insert (FOR KEY SHARE) is not held up.
      const [room] = await tx.query<{ guest_access_enabled: boolean }>(
        'SELECT guest_access_enabled FROM rooms WHERE id = $1 FOR NO KEY UPDATE',
        [roomId],
      );
      if (!room) return { ok: false, reason: 'link-missing' };
      // The link's row lock is the one join batches take: clicks_used cannot move until we commit.
      const [link] = await tx.query<GuestLinkRow>(
        'SELECT * FROM guest_links WHERE id = $1 AND room_id = $2 AND deleted_at IS NULL FOR UPDATE',
        [linkId, roomId],
      );
      if (!link) return { ok: false, reason: 'link-missing' };
      if (changes.nameKey !== undefined) {
        const [taken] = await tx.query(
          'SELECT 1 FROM guest_links WHERE room_id = $1 AND name_key = $2 AND id <> $3 AND deleted_at IS NULL',
          [roomId, changes.nameKey, linkId],
        );
        if (taken) return { ok: false, reason: 'name-taken' };
      }
      const clickLimit = changes.clickLimit === undefined ? link.click_limit : changes.clickLimit;
      if (!limitCoversUsed(clickLimit, link.clicks_used))
        return { ok: false, reason: 'clicks-below-used', clicksUsed: link.clicks_used };
      const [row] = await tx.query<GuestLinkRow>(
        `UPDATE guest_links
         SET name = coalesce($3, name), name_key = coalesce($4, name_key), click_limit = $5,
             expires_at = CASE WHEN NOT $6::boolean THEN expires_at
                               WHEN $7::int IS NULL THEN NULL
                               ELSE now() + make_interval(days => $7::int) END
         WHERE id = $1 AND room_id = $2
         RETURNING *`,
        [
          linkId,
          roomId,
          changes.name ?? null,
          changes.nameKey ?? null,
          clickLimit,
          changes.durationDays !== undefined,
          changes.durationDays ?? null,
        ],
      );
      const edited = toGuestLink(row!);
      await recordAudit(tx, roomId, actor, 'guest-link.edited', editAuditDetails(toGuestLink(link), edited));
      return { ok: true, link: edited, guestAccessEnabled: room.guest_access_enabled };
    });
  }

  async deleteLink(roomId: string, linkId: string, actor: Actor): Promise<GuestLink | null> {
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<GuestLinkRow>(
        `UPDATE guest_links SET deleted_at = now() WHERE id = $1 AND room_id = $2 AND deleted_at IS NULL RETURNING *`,
        [linkId, roomId],
      );
      if (!row) return null;
      await recordAudit(tx, roomId, actor, 'guest-link.deleted', { linkId, linkName: row.name });
      await turnAwayWaiting(tx, 'link_id = $1', [linkId], 'link-deleted', actor);
      return toGuestLink(row);
    });
  }
}
