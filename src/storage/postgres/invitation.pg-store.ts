import { randomUUID } from 'node:crypto';
import type { GuestVisit } from '../../guests/guest';
import { INVITATIONS_LISTED_MAX, type EmailStatus, type Invitation } from '../../invitations/invitation';
import type {
  ClaimRequest,
  ClaimResult,
  CreateInvitationsResult,
  EmailOutcome,
  EnterResult,
  InvitationEntry,
  InvitationStore,
  NewInvitation,
} from '../../invitations/invitation.store';
import { sendAudit } from '../../invitations/invitation.store';
import type { Locale } from '../../i18n/locales';
import type { Actor, InviteRole } from '../../rooms/room-role';
import { lockLobby, recordAudit } from './guest-access.pg-store';
import { toVisit, type VisitRow } from './guest.pg-store';
import type { SqlClient, SqlExecutor } from './sql-client';

interface InvitationRow {
  id: string;
  room_id: string;
  token_seed: string;
  name: string;
  email: string;
  role: InviteRole;
  locale: Locale;
  expires_at: Date | null;
  starts_at: Date | null;
  created_at: Date;
  created_by: string;
  created_by_name: string | null;
  claimed_at: Date | null;
  claim_hash: string | null;
  visit_id: string | null;
  last_joined_at: Date | null;
  revoked_at: Date | null;
  revoked_by_name: string | null;
  email_status: EmailStatus;
  email_error: string | null;
  email_sent_at: Date | null;
}

/** A row of the invitation_access view (routines/invitation_access.sql). */
interface InvitationAccessRow {
  room_title: string;
  room_type: string;
  context_title: string | null;
  invitees_wait: boolean;
  link_deleted: boolean;
  link_expires_at: Date | null;
  guest_access_enabled: boolean;
  room_available: boolean;
  modules_enabled: boolean;
}

export function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    roomId: row.room_id,
    name: row.name,
    email: row.email,
    role: row.role,
    locale: row.locale,
    tokenSeed: row.token_seed,
    expiresAt: row.expires_at,
    startsAt: row.starts_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    claimedAt: row.claimed_at,
    visitId: row.visit_id,
    lastJoinedAt: row.last_joined_at,
    revokedAt: row.revoked_at,
    revokedByName: row.revoked_by_name,
    emailStatus: row.email_status,
    emailError: row.email_error,
    emailSentAt: row.email_sent_at,
  };
}

const UNIQUE_VIOLATION = '23505';

function isDuplicateEmail(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && (constraint === undefined || constraint === 'invitations_room_email');
}

/** Neither revoked nor expired, in SQL (`now()`: the transaction's time). */
export const ACTIVE = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())';

function expired(row: Pick<InvitationRow, 'expires_at'>, now: Date): boolean {
  return row.expires_at !== null && row.expires_at.getTime() <= now.getTime();
}

/**
 * Whether the invitee waits in the lobby: the room's setting, only while its lobby is on. Read
 * under the room's lobby lock, as join batches decide it, so turning the lobby off (which
 * admits everyone waiting under that lock) never misses an invitee arriving at that moment.
 */
async function inviteeMustWait(db: SqlExecutor, roomId: string): Promise<boolean> {
  const [room] = await db.query<{ wait: boolean }>(
    'SELECT (invitees_wait AND lobby_enabled) AS wait FROM rooms WHERE id = $1',
    [roomId],
  );
  return room?.wait ?? false;
}

/** The claiming browser came back in: that counts as joining (and as activity for retention). */
async function cameBack(tx: SqlExecutor, invitationId: string): Promise<Invitation> {
  const [invitation] = await tx.query<InvitationRow>(
    'UPDATE invitations SET last_joined_at = now() WHERE id = $1 RETURNING *',
    [invitationId],
  );
  return toInvitation(invitation!);
}

export class PgInvitationStore implements InvitationStore {
  constructor(private readonly sql: SqlClient) {}

  async create(
    roomId: string,
    invitations: NewInvitation[],
    actor: Actor,
    limit: number,
  ): Promise<CreateInvitationsResult> {
    try {
      return await this.sql.transaction((tx) => this.createIn(tx, roomId, invitations, actor, limit));
    } catch (error) {
      // A parallel request took one of these addresses between our check and our insert.
      if (!isDuplicateEmail(error)) throw error;
      const emails = await this.duplicates(this.sql, roomId, invitations);
      return {
        ok: false,
        reason: 'duplicate',
        emails: emails.length > 0 ? emails : invitations.map((i) => i.email),
      };
    }
  }

  private async duplicates(db: SqlExecutor, roomId: string, invitations: NewInvitation[]): Promise<string[]> {
    const keys = new Set(
      (
        await db.query<{ email_key: string }>(
          `SELECT email_key FROM invitations WHERE room_id = $1 AND ${ACTIVE} AND email_key = ANY($2::text[])`,
          [roomId, invitations.map((invitation) => invitation.emailKey)],
        )
      ).map((row) => row.email_key),
    );
    return invitations
      .filter((invitation) => keys.has(invitation.emailKey))
      .map((invitation) => invitation.email);
  }

  private async createIn(
    tx: SqlExecutor,
    roomId: string,
    invitations: NewInvitation[],
    actor: Actor,
    limit: number,
  ): Promise<CreateInvitationsResult> {
    // The room row lock serialises creates in this room, so the count and the duplicate check
    // below cannot be overtaken; NO KEY UPDATE leaves visit inserts (FOR KEY SHARE) alone.
    const [room] = await tx.query(
      'SELECT 1 FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE',
      [roomId],
    );
    if (!room) return { ok: false, reason: 'no-room' };
    const [{ active }] = (await tx.query<{ active: number }>(
      `SELECT count(*)::int AS active FROM invitations WHERE room_id = $1 AND ${ACTIVE}`,
      [roomId],
    )) as [{ active: number }];
    if (active + invitations.length > limit) return { ok: false, reason: 'limit', active };
    const duplicates = await this.duplicates(tx, roomId, invitations);
    if (duplicates.length > 0) return { ok: false, reason: 'duplicate', emails: duplicates };
    await this.replaceExpired(tx, roomId, invitations, actor);
    const column = <K extends keyof NewInvitation>(key: K) =>
      invitations.map((invitation) => invitation[key]);
    const rows = await tx.query<InvitationRow>(
      `INSERT INTO invitations (id, room_id, name, email, email_key, role, token_seed, token_hash, expires_at, starts_at,
                                created_by, created_by_name, locale, email_status)
       SELECT n.id, $1, n.name, n.email, n.email_key, n.role, n.token_seed, n.token_hash, n.expires_at, n.starts_at, $11, $12,
              n.locale, n.email_status
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::timestamptz[], $10::timestamptz[], $13::text[], $14::text[]) WITH ORDINALITY
            AS n(id, name, email, email_key, role, token_seed, token_hash, expires_at, starts_at, locale, email_status, ord)
       ORDER BY n.ord
       RETURNING *`,
      [
        roomId,
        column('id'),
        column('name'),
        column('email'),
        column('emailKey'),
        column('role'),
        column('tokenSeed'),
        column('tokenHash'),
        column('expiresAt'),
        column('startsAt'),
        actor.userId,
        actor.name,
        invitations.map((invitation) => invitation.locale ?? 'en'),
        invitations.map((invitation) => invitation.emailStatus ?? 'not-sent'),
      ],
    );
    await tx.query(
      `INSERT INTO audit_events (room_id, actor_user_id, actor_name, action, details)
       SELECT $1, $2, $3, 'invitation.created', jsonb_build_object('invitationId', n.id, 'email', n.email, 'role', n.role)
       FROM unnest($4::text[], $5::text[], $6::text[]) AS n(id, email, role)`,
      [roomId, actor.userId, actor.name, column('id'), column('email'), column('role')],
    );
    const byId = new Map(rows.map((row) => [row.id, toInvitation(row)]));
    return { ok: true, invitations: invitations.map((invitation) => byId.get(invitation.id)!) };
  }

  /**
   * The expired invitations that still hold these addresses (the duplicate check above found
   * none that works) stop holding them, under the same room lock as the insert that follows,
   * so a parallel request for the same address meets the new invitation, not the old one.
   */
  private async replaceExpired(
    tx: SqlExecutor,
    roomId: string,
    invitations: NewInvitation[],
    actor: Actor,
  ): Promise<void> {
    await tx.query(
      `WITH replaced AS (
         UPDATE invitations i SET replaced_at = now(), replaced_by = n.id
         FROM unnest($2::text[], $3::text[]) AS n(email_key, id)
         WHERE i.room_id = $1 AND i.email_key = n.email_key AND i.revoked_at IS NULL AND i.replaced_at IS NULL
           AND i.expires_at <= now()
         RETURNING i.id, i.email, n.id AS by
       )
       INSERT INTO audit_events (room_id, actor_user_id, actor_name, action, details)
       SELECT $1, $4, $5, 'invitation.replaced', jsonb_build_object('invitationId', id, 'email', email, 'replacedBy', by)
       FROM replaced`,
      [
        roomId,
        invitations.map((invitation) => invitation.emailKey),
        invitations.map((invitation) => invitation.id),
        actor.userId,
        actor.name,
      ],
    );
  }

  async list(roomId: string): Promise<Invitation[]> {
    // All active ones (at most the room's limit), then the newest others to fill the window.
    const rows = await this.sql.query<InvitationRow>(
      `WITH active AS (SELECT * FROM invitations WHERE room_id = $1 AND ${ACTIVE}),
            past AS (SELECT * FROM invitations WHERE room_id = $1 AND NOT (${ACTIVE})
                     ORDER BY created_at DESC, id DESC
                     LIMIT GREATEST($2 - (SELECT count(*) FROM active), 0))
       SELECT * FROM active UNION ALL SELECT * FROM past
       ORDER BY created_at DESC, id DESC`,
      [roomId, INVITATIONS_LISTED_MAX],
    );
    return rows.map(toInvitation);
  }

  async counts(roomId: string): Promise<{ active: number; total: number }> {
    const [row] = await this.sql.query<{ active: number; total: number }>(
      `SELECT count(*) FILTER (WHERE ${ACTIVE})::int AS active, count(*)::int AS total
       FROM invitations WHERE room_id = $1`,
      [roomId],
    );
    return row ?? { active: 0, total: 0 };
  }

  async find(roomId: string, invitationId: string): Promise<Invitation | null> {
    const [row] = await this.sql.query<InvitationRow>(
      'SELECT * FROM invitations WHERE id = $1 AND room_id = $2',
      [invitationId, roomId],
    );
    return row ? toInvitation(row) : null;
  }

  async findEntry(tokenHash: string): Promise<InvitationEntry | null> {
    const [row] = await this.sql.query<InvitationRow & InvitationAccessRow>(
      `SELECT i.*, a.room_title, a.room_type, a.context_title, a.invitees_wait, a.link_deleted, a.link_expires_at,
              a.guest_access_enabled, a.room_available, a.modules_enabled
       FROM invitations i JOIN invitation_access a ON a.invitation_id = i.id
       WHERE i.token_hash = $1`,
      [tokenHash],
    );
    if (!row) return null;
    return {
      invitation: toInvitation(row),
      claimHash: row.claim_hash,
      roomTitle: row.room_title,
      contextTitle: row.context_title,
      inviteesWait: row.invitees_wait,
      linkDeleted: row.link_deleted,
      linkExpiresAt: row.link_expires_at,
      guestAccessEnabled: row.guest_access_enabled,
      roomAvailable: row.room_available,
      modulesEnabled: row.modules_enabled,
      roomSupportsGuests: row.room_type === 'room',
    };
  }

  async setRole(
    roomId: string,
    invitationId: string,
    role: InviteRole,
    actor: Actor,
  ): Promise<{ invitation: Invitation; changed: boolean } | null> {
    return this.sql.transaction(async (tx) => {
      const [current] = await tx.query<InvitationRow>(
        // Only one that still works: an expired link's role means nothing any more.
        `SELECT * FROM invitations WHERE id = $1 AND room_id = $2 AND ${ACTIVE} FOR UPDATE`,
        [invitationId, roomId],
      );
      if (!current) return null;
      if (current.role === role) return { invitation: toInvitation(current), changed: false };
      const [row] = await tx.query<InvitationRow>(
        'UPDATE invitations SET role = $2 WHERE id = $1 RETURNING *',
        [invitationId, role],
      );
      await recordAudit(tx, roomId, actor, 'invitation.role-changed', {
        invitationId,
        from: current.role,
        to: role,
      });
      return { invitation: toInvitation(row!), changed: true };
    });
  }

  async revoke(
    roomId: string,
    invitationId: string,
    actor: Actor,
  ): Promise<{ invitation: Invitation; endedVisitId: string | null } | null> {
    return this.sql.transaction(async (tx) => {
      // The lobby lock first, as claim and enter take it: a claim or a return racing this
      // revocation either finishes before it (and its visit is ended here) or sees it revoked.
      await lockLobby(tx, roomId);
      const [current] = await tx.query<InvitationRow>(
        'SELECT * FROM invitations WHERE id = $1 AND room_id = $2 FOR UPDATE',
        [invitationId, roomId],
      );
      if (!current) return null;
      if (current.revoked_at) return { invitation: toInvitation(current), endedVisitId: null };
      const [row] = await tx.query<InvitationRow>(
        `UPDATE invitations SET revoked_at = now(), revoked_by = $2, revoked_by_name = $3 WHERE id = $1 RETURNING *`,
        [invitationId, actor.userId, actor.name],
      );
      const [ended] = await tx.query<{ id: string }>(
        `UPDATE guest_visits
         SET status = 'removed', outcome_reason = 'invitation-revoked', removed_at = now(), removed_by = $2,
             removed_by_name = $3
         WHERE invitation_id = $1 AND status IN ('waiting', 'admitted')
         RETURNING id`,
        [invitationId, actor.userId, actor.name],
      );
      await recordAudit(tx, roomId, actor, 'invitation.revoked', {
        invitationId,
        email: current.email,
        endedVisitId: ended?.id ?? null,
      });
      return { invitation: toInvitation(row!), endedVisitId: ended?.id ?? null };
    });
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    return this.sql.transaction(async (tx): Promise<ClaimResult> => {
      const [found] = await tx.query<{ room_id: string }>(
        'SELECT room_id FROM invitations WHERE token_hash = $1',
        [request.tokenHash],
      );
      if (!found) return { ok: false, reason: 'unknown' };
      await lockLobby(tx, found.room_id);
      // The one step that decides the race: only a row still unclaimed, live and for this
      // address matches, and the row lock makes every other claim re-read it claimed.
      const [claimed] = await tx.query<InvitationRow>(
        `UPDATE invitations
         SET claimed_at = now(), claim_hash = $2, visit_id = $4, last_joined_at = now()
         WHERE token_hash = $1 AND claim_hash IS NULL AND revoked_at IS NULL
           AND (expires_at IS NULL OR expires_at > now()) AND email_key = $3
         RETURNING *`,
        [request.tokenHash, request.claimHash, request.emailKey, request.visitId],
      );
      if (!claimed) return { ok: false, reason: await this.claimRefusal(tx, request.tokenHash) };
      const visit = await this.insertVisit(tx, claimed, request.visitId);
      return { ok: true, invitation: toInvitation(claimed), visit };
    });
  }

  /**
   * Why a claim matched nothing. A claimed link answers claimed-elsewhere whatever address was
   * typed, so nobody can try addresses on it; only an unclaimed, live one says the address is wrong.
   */
  private async claimRefusal(
    db: SqlExecutor,
    tokenHash: string,
  ): Promise<Exclude<ClaimResult, { ok: true }>['reason']> {
    const [row] = await db.query<InvitationRow & { now: Date }>(
      'SELECT *, now() AS now FROM invitations WHERE token_hash = $1',
      [tokenHash],
    );
    if (!row) return 'unknown';
    if (row.revoked_at) return 'revoked';
    if (expired(row, row.now)) return 'expired';
    if (row.claim_hash !== null) return 'claimed-elsewhere';
    return 'email-mismatch';
  }

  private async insertVisit(
    db: SqlExecutor,
    invitation: InvitationRow,
    visitId: string,
  ): Promise<GuestVisit> {
    const wait = await inviteeMustWait(db, invitation.room_id);
    const [row] = await db.query<VisitRow>(
      `INSERT INTO guest_visits (id, room_id, link_id, link_name, invitation_id, name, email, status, decided_at)
       VALUES ($1, $2, NULL, NULL, $3, $4, $5, $6, CASE WHEN $6 = 'admitted' THEN now() END)
       RETURNING *`,
      [
        visitId,
        invitation.room_id,
        invitation.id,
        invitation.name,
        invitation.email,
        wait ? 'waiting' : 'admitted',
      ],
    );
    return toVisit(row!);
  }

  async enter(tokenHash: string, claimHash: string): Promise<EnterResult> {
    return this.sql.transaction(async (tx): Promise<EnterResult> => {
      const [found] = await tx.query<{ room_id: string }>(
        'SELECT room_id FROM invitations WHERE token_hash = $1',
        [tokenHash],
      );
      if (!found) return { ok: false, reason: 'unknown' };
      await lockLobby(tx, found.room_id);
      const [row] = await tx.query<InvitationRow & { now: Date }>(
        'SELECT *, now() AS now FROM invitations WHERE token_hash = $1 FOR UPDATE',
        [tokenHash],
      );
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.revoked_at) return { ok: false, reason: 'revoked' };
      if (expired(row, row.now)) return { ok: false, reason: 'expired' };
      if (row.claim_hash === null || row.claim_hash !== claimHash)
        return { ok: false, reason: 'claimed-elsewhere' };
      const [visit] = row.visit_id
        ? await tx.query<VisitRow>('SELECT * FROM guest_visits WHERE id = $1 FOR UPDATE', [row.visit_id])
        : [];
      // The visit went with the guest log's retention (purgeExpired): a new one, as at the claim.
      if (!visit) {
        const visitId = randomUUID();
        const [invitation] = await tx.query<InvitationRow>(
          'UPDATE invitations SET visit_id = $2, last_joined_at = now() WHERE id = $1 RETURNING *',
          [row.id, visitId],
        );
        return {
          ok: true,
          invitation: toInvitation(invitation!),
          visit: await this.insertVisit(tx, row, visitId),
        };
      }
      if (visit.status === 'removed' && visit.outcome_reason === 'invitation-revoked')
        return { ok: false, reason: 'revoked' };
      // Waiting or admitted: already in. Coming back counts as joining (and keeps the visit from
      // the guest log's retention, which counts from the last time the invitee came).
      if (visit.status === 'waiting' || visit.status === 'admitted') {
        return { ok: true, invitation: await cameBack(tx, row.id), visit: toVisit(visit) };
      }
      // Denied in the lobby or removed from the room by a moderator: back to the lobby, whatever
      // its setting, for a moderator to decide again (as a removed guest's browser must wait).
      const turnedAway = visit.status === 'denied' || visit.status === 'removed';
      const wait = turnedAway || visit.must_wait === true || (await inviteeMustWait(tx, row.room_id));
      const [reopened] = await tx.query<VisitRow>(
        `UPDATE guest_visits
         SET status = $2, left_at = NULL, outcome_reason = NULL, decided_by = NULL, decided_by_name = NULL,
             decided_at = CASE WHEN $2 = 'admitted' THEN now() END, must_wait = must_wait OR $3
         WHERE id = $1 RETURNING *`,
        [visit.id, wait ? 'waiting' : 'admitted', turnedAway],
      );
      return { ok: true, invitation: await cameBack(tx, row.id), visit: toVisit(reopened!) };
    });
  }

  async recordEmail(invitationId: string, outcome: EmailOutcome, actor: Actor): Promise<Invitation | null> {
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<InvitationRow>(
        `UPDATE invitations
         SET email_status = $2, email_error = $3, email_sent_at = CASE WHEN $2 = 'sent' THEN $4 ELSE email_sent_at END
         WHERE id = $1 RETURNING *`,
        [
          invitationId,
          outcome.status,
          outcome.status === 'failed' ? outcome.error.slice(0, 500) : null,
          outcome.status === 'sent' ? outcome.at : null,
        ],
      );
      if (!row) return null;
      const audit = sendAudit(row, outcome);
      if (audit) await recordAudit(tx, row.room_id, actor, audit.action, audit.details);
      return toInvitation(row);
    });
  }

  async setInviteesWait(roomId: string, wait: boolean, actor: Actor): Promise<boolean | null> {
    return this.sql.transaction(async (tx) => {
      const [room] = await tx.query<{ invitees_wait: boolean }>(
        'SELECT invitees_wait FROM rooms WHERE id = $1 FOR NO KEY UPDATE',
        [roomId],
      );
      if (!room) return null;
      if (room.invitees_wait === wait) return wait;
      await tx.query('UPDATE rooms SET invitees_wait = $2, updated_at = now() WHERE id = $1', [roomId, wait]);
      await recordAudit(tx, roomId, actor, 'invitation.settings', { inviteesWait: wait });
      return wait;
    });
  }
}
