import type { DatabaseConfig } from '../../config';
import { StartupError } from '../../errors';
import type { Logger } from '../../logger';
import { describeStartupFailure } from '../../faults/database-errors';
import type { Storage } from '../storage';
import { PgGuestAccessStore } from './guest-access.pg-store';
import { PgGuestStore } from './guest.pg-store';
import { PgInvitationStore } from './invitation.pg-store';
import { hasRoomId } from '../../events/event-channel';
import { isLiveEvent, LIVE_CHANNEL, type LiveEvent } from '../../live/live-events';
import { ROOM_EVENTS_CHANNEL, type RoomEvent } from '../../rooms/room-events';
import { ThrottledRoomEvents } from '../../rooms/throttled-room-events';
import { PgEventChannel } from './event-channel.pg';
import { PgLiveStore } from './live.pg-store';
import { LtijsSqlPlugin } from './ltijs-sql-plugin';
import { PgLoginStateStore } from './login-state.pg-store';
import { migrate } from './migrate';
import { openPgClient } from './pg-client';
import { openPgliteClient } from './pglite-client';
import { explainPgliteStartFailure, pgliteDiskProblem } from './pglite-start-failure';
import { PgPlatformStore } from './platform.pg-store';
import { PgRoomStore } from './room.pg-store';
import { PgSandboxKeyStore } from './sandbox-key.pg-store';
import type { SqlClient } from './sql-client';

function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/** The driver's reason, with a hint for timeouts and never the URL's password. */
function describeFailure(error: unknown, url: string, connectTimeoutMs: number): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // An unparseable URL has no password to hide.
  }
  return describeStartupFailure(error, [password], connectTimeoutMs);
}

async function connect(
  database: Exclude<DatabaseConfig, { kind: 'mongodb' }>,
  connectTimeoutMs: number,
  logger: Logger,
) {
  if (database.kind === 'pglite') {
    const { dataDir } = database;
    if (dataDir === null) return openPgliteClient(null);
    const diskProblem = pgliteDiskProblem(dataDir);
    if (diskProblem) throw new StartupError(diskProblem);
    try {
      return await openPgliteClient(dataDir);
    } catch (error) {
      throw new StartupError(explainPgliteStartFailure(dataDir, error), { cause: error });
    }
  }
  try {
    // Bounded: the pool gives up on a connection attempt after connectTimeoutMs, whether
    // the port is closed (at once) or something accepts and never answers (at the timeout).
    return await openPgClient({
      url: database.url,
      connectTimeoutMs,
      onError: (error) => logger.warn({ err: error.message }, 'PostgreSQL connection error'),
    });
  } catch (error) {
    throw new StartupError(
      `Cannot connect to PostgreSQL at ${describeServer(database.url)}: ${describeFailure(error, database.url, connectTimeoutMs)}`,
      { cause: error },
    );
  }
}

/** Builds every store on one SQL client. Exposed so tests can share a client they opened. */
export function postgresStorageOn(sql: SqlClient): Storage {
  const lobbyEvents = new ThrottledRoomEvents(
    new PgEventChannel<RoomEvent>(sql, ROOM_EVENTS_CHANNEL, hasRoomId),
  );
  return {
    backend: sql.kind,
    platforms: new PgPlatformStore(sql),
    rooms: new PgRoomStore(sql),
    guestAccess: new PgGuestAccessStore(sql),
    guests: new PgGuestStore(sql),
    invitations: new PgInvitationStore(sql),
    lobbyEvents,
    live: new PgLiveStore(sql),
    liveEvents: new PgEventChannel<LiveEvent>(sql, LIVE_CHANNEL, isLiveEvent),
    loginStates: new PgLoginStateStore(sql),
    sandboxKeys: new PgSandboxKeyStore(sql),
    ltiDatabase: { plugin: new LtijsSqlPlugin(sql) },
    async ping() {
      await sql.query('SELECT 1');
    },
    async purgeExpired() {
      await sql.query('DELETE FROM lti_documents WHERE expires_at <= now()');
      await sql.query('DELETE FROM lti_login_states WHERE expires_at <= now()');
      const retention = `now() - make_interval(days => COALESCE((p.settings ->> 'guestLogRetentionDays')::int, 90))`;
      // An invitee's visit belongs to the invitation: it goes with it, below.
      for (const [table, only] of [
        ['guest_visits', 'AND t.invitation_id IS NULL'],
        ['audit_events', ''],
      ] as const) {
        await sql.query(
          `DELETE FROM ${table} t USING rooms r, platforms p
           WHERE t.room_id = r.id AND r.platform_id = p.id AND t.created_at < ${retention} ${only}`,
        );
      }
      // An invitee's visit by its own age too, counted from the last time anything happened to it
      // or the invitee came back (GREATEST ignores NULL): an invitation that never ends keeps no
      // guest-log entry forever. The invitation and its claim stay; a return opens a new visit.
      // Not a visit a moderator turned away (denied, removed, or must-wait since): it is what sends
      // the invitee back to the lobby, and it goes with the invitation.
      // One statement: the invitation lets go of the visit (its row lock first, as a return
      // takes it) and the visit is deleted.
      await sql.query(
        `WITH idle AS (
           UPDATE invitations i SET visit_id = NULL
           FROM guest_visits v, rooms r, platforms p
           WHERE v.id = i.visit_id AND r.id = i.room_id AND p.id = r.platform_id
             AND greatest(v.created_at, v.decided_at, v.left_at, v.removed_at, i.last_joined_at) < ${retention}
             AND v.status NOT IN ('denied', 'removed') AND v.must_wait IS NOT TRUE
           RETURNING v.id
         )
         DELETE FROM guest_visits WHERE id IN (SELECT id FROM idle)`,
      );
      // Revoked or expired invitations past the retention (counted from the revocation or the
      // expiry: LEAST ignores NULL), with their visits, in one transaction (each refers to the other).
      await sql.transaction(async (tx) => {
        const gone = await tx.query<{ id: string }>(
          `SELECT i.id FROM invitations i JOIN rooms r ON r.id = i.room_id JOIN platforms p ON p.id = r.platform_id
           WHERE least(i.revoked_at, i.expires_at) < ${retention}
           LIMIT 10000`,
        );
        if (gone.length === 0) return;
        const ids = gone.map((row) => row.id);
        await tx.query('DELETE FROM guest_visits WHERE invitation_id = ANY($1::text[])', [ids]);
        await tx.query('DELETE FROM invitations WHERE id = ANY($1::text[])', [ids]);
      });
    },
    async close() {
      await lobbyEvents.flush().catch(() => undefined);
      await sql.close();
    },
  };
}

/** Opens PGlite or a PostgreSQL server, applies migrations, and returns the stores. */
export async function openPostgresStorage(
  database: Exclude<DatabaseConfig, { kind: 'mongodb' }>,
  options: { connectTimeoutMs: number; logger: Logger },
): Promise<Storage> {
  const sql = await connect(database, options.connectTimeoutMs, options.logger);
  try {
    const applied = await migrate(sql);
    if (applied.migrations.length > 0 || applied.routines.length > 0)
      options.logger.info(applied, 'Database migrations and routines applied');
  } catch (error) {
    await sql.close().catch(() => undefined);
    // Already explained (an edited migration): not the folder's fault.
    if (error instanceof StartupError) throw error;
    // A damaged folder may open and fail only at its first query.
    if (database.kind === 'pglite' && database.dataDir !== null)
      throw new StartupError(explainPgliteStartFailure(database.dataDir, error), { cause: error });
    throw error;
  }
  return postgresStorageOn(sql);
}
