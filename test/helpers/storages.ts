import { createLogger } from '../../src/logger';
import { toPlatform, type Platform } from '../../src/platforms/platform';
import type { Storage } from '../../src/storage';
import { openMongoConnection } from '../../src/storage/mongo/connection';
import { mongoStorageOn } from '../../src/storage/mongo/mongo-storage';
import { postgresStorageOn } from '../../src/storage/postgres/postgres-storage';
import type { SqlClient } from '../../src/storage/postgres/sql-client';
import { openTestDatabase, SQL_BACKENDS, type SqlBackend } from './databases';

export type StorageBackend = SqlBackend | 'mongodb';

/** A MongoDB server to test against (never a fake): the Mongo backend is tested only when set. */
export const TEST_MONGODB_URI = process.env.TEST_MONGODB_URI || undefined;

/** Every backend this run can test the store contract against. */
export const STORAGE_BACKENDS: StorageBackend[] = [
  ...SQL_BACKENDS,
  ...(TEST_MONGODB_URI ? (['mongodb'] as const) : []),
];

export interface AuditEntry {
  action: string;
  actorUserId: string;
  actorName: string | null;
  details: Record<string, unknown>;
}

export interface TestStorage {
  storage: Storage;
  /**
   * Test-only, on the raw database: moves these live participants' last sighting `seconds`
   * into the past, as if their instance had stopped marking them as seen.
   */
  backdateLiveParticipants(participantIds: string[], seconds: number): Promise<void>;
  /**
   * Test-only, on the raw database: moves an invitation's revocation and expiry (those it has),
   * its creation and its visit's `days` into the past, as if that had happened long ago.
   */
  backdateInvitation(invitationId: string, days: number): Promise<void>;
  /** Test-only: the raw database of a SQL backend, to hold a lock while a store works. */
  sql?: SqlClient;
  /**
   * Test-only, on the raw database: moves every time of an invitee's visit (created, decided,
   * left, removed) and the invitation's claim and last return `days` into the past, as if the
   * invitee had last come that long ago.
   */
  backdateInviteeActivity(invitationId: string, days: number): Promise<void>;
  /** Test-only, on the raw database: a room's audit events, oldest first. */
  auditEvents(roomId: string): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * TEST_MONGODB_URI with its database replaced by `database`. Credentials authenticate
 * against the database in the URL unless authSource says otherwise, so keep the original.
 */
export function mongoUrlFor(database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(TEST_MONGODB_URI!);
  if (!match) throw new TypeError('TEST_MONGODB_URI must look like mongodb://host:port/database');
  const [, scheme, authority, original, query] = match;
  const params = new URLSearchParams(query ?? '');
  if (authority!.includes('@') && !params.has('authSource')) params.set('authSource', original || 'admin');
  const search = params.toString();
  return `${scheme}${authority}/${database}${search ? `?${search}` : ''}`;
}

async function openTestMongo(): Promise<TestStorage> {
  const url = mongoUrlFor(`guestlink_test_${process.pid}_${Date.now().toString(36)}_${counter++}`);
  const connection = await openMongoConnection({ url, connectTimeoutMs: 5000 });
  const storage = await mongoStorageOn(connection, {
    url,
    connectTimeoutMs: 5000,
    logger: createLogger('silent'),
  });
  return {
    storage,
    async backdateLiveParticipants(participantIds, seconds) {
      await connection
        .collection('live_participants')
        .updateMany(
          { pid: { $in: participantIds } },
          { $set: { seenAt: new Date(Date.now() - seconds * 1000) } },
        );
    },
    async backdateInvitation(invitationId, days) {
      const shift = (field: string) => ({
        $cond: [{ $eq: [`$${field}`, null] }, null, { $subtract: [`$${field}`, days * 86_400_000] }],
      });
      await connection.collection('invitations').updateOne({ _id: invitationId as never }, [
        {
          $set: {
            revokedAt: shift('revokedAt'),
            expiresAt: shift('expiresAt'),
            createdAt: shift('createdAt'),
          },
        },
      ]);
      await connection
        .collection('guest_visits')
        .updateMany({ invitationId }, [{ $set: { createdAt: shift('createdAt') } }]);
    },
    async backdateInviteeActivity(invitationId, days) {
      const shift = (field: string) => ({
        $cond: [
          { $eq: [{ $ifNull: [`$${field}`, null] }, null] },
          null,
          { $subtract: [`$${field}`, days * 86_400_000] },
        ],
      });
      await connection
        .collection('invitations')
        .updateOne({ _id: invitationId as never }, [
          { $set: { claimedAt: shift('claimedAt'), lastJoinedAt: shift('lastJoinedAt') } },
        ]);
      await connection.collection('guest_visits').updateMany({ invitationId }, [
        {
          $set: {
            createdAt: shift('createdAt'),
            decidedAt: shift('decidedAt'),
            leftAt: shift('leftAt'),
            removedAt: shift('removedAt'),
          },
        },
      ]);
    },
    async auditEvents(roomId) {
      const docs = await connection
        .collection('audit_events')
        .find({ roomId })
        .sort({ createdAt: 1, _id: 1 })
        .toArray();
      return docs.map((doc) => ({
        action: doc.action as string,
        actorUserId: doc.actorUserId as string,
        actorName: (doc.actorName as string | null) ?? null,
        details: (doc.details as Record<string, unknown>) ?? {},
      }));
    },
    async close() {
      // Each test file works in its own database and leaves nothing behind.
      await connection.dropDatabase().catch(() => undefined);
      await storage.close();
    },
  };
}

export async function openTestStorage(backend: StorageBackend): Promise<TestStorage> {
  if (backend === 'mongodb') return openTestMongo();
  const database = await openTestDatabase(backend);
  return {
    storage: postgresStorageOn(database.sql),
    sql: database.sql,
    async backdateLiveParticipants(participantIds, seconds) {
      await database.sql.query(
        'UPDATE live_participants SET seen_at = now() - make_interval(secs => $2) WHERE id = ANY($1::text[])',
        [participantIds, seconds],
      );
    },
    async backdateInvitation(invitationId, days) {
      const ago = `make_interval(days => $2)`;
      await database.sql.query(
        `UPDATE invitations SET revoked_at = revoked_at - ${ago}, expires_at = expires_at - ${ago},
                created_at = created_at - ${ago} WHERE id = $1`,
        [invitationId, days],
      );
      await database.sql.query(
        `UPDATE guest_visits SET created_at = created_at - ${ago} WHERE invitation_id = $1`,
        [invitationId, days],
      );
    },
    async backdateInviteeActivity(invitationId, days) {
      const ago = `make_interval(days => $2)`;
      await database.sql.query(
        `UPDATE invitations SET claimed_at = claimed_at - ${ago}, last_joined_at = last_joined_at - ${ago}
         WHERE id = $1`,
        [invitationId, days],
      );
      await database.sql.query(
        `UPDATE guest_visits SET created_at = created_at - ${ago}, decided_at = decided_at - ${ago},
                left_at = left_at - ${ago}, removed_at = removed_at - ${ago}
         WHERE invitation_id = $1`,
        [invitationId, days],
      );
    },
    async auditEvents(roomId) {
      const rows = await database.sql.query<{
        action: string;
        actor_user_id: string;
        actor_name: string | null;
        details: Record<string, unknown>;
      }>(
        'SELECT action, actor_user_id, actor_name, details FROM audit_events WHERE room_id = $1 ORDER BY id',
        [roomId],
      );
      return rows.map((row) => ({
        action: row.action,
        actorUserId: row.actor_user_id,
        actorName: row.actor_name,
        details: row.details,
      }));
    },
    close: () => database.close(),
  };
}

/** A registration with guest access available (both modules on), for store-level tests. */
export function testPlatform(overrides: Partial<Platform> = {}): Platform {
  return {
    ...toPlatform({
      name: 'Contract LMS',
      issuer: 'https://contract.example.edu',
      clientId: `client-${Math.random().toString(36).slice(2)}`,
      authEndpoint: 'https://contract.example.edu/auth',
      tokenEndpoint: 'https://contract.example.edu/token',
      jwksUrl: 'https://contract.example.edu/jwks',
      deploymentIds: ['deployment-1'],
      settings: {
        modules: { invitetomedia: true, mediapage: true },
        linkCreators: 'hosts-and-moderators',
        lobbyDefault: true,
        guestLogRetentionDays: 30,
      },
    }),
    ...overrides,
  };
}
