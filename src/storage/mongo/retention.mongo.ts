import type { Model } from 'mongoose';
import type { AuditDoc } from './audit-events.mongo-model';
import type { VisitDoc } from './guest-visits.mongo-model';
import type { InvitationDoc } from './invitation.mongo-model';
import type { PlatformDoc } from './platform.mongo-store';
import type { RoomDoc } from './room.mongo-store';

const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Rooms per deleteMany: keeps each $in list well under the 16 MB command limit. */
const ROOM_BATCH = 1000;

interface RetentionModels {
  platforms: Model<PlatformDoc>;
  rooms: Model<RoomDoc>;
  visits: Model<VisitDoc>;
  invitations: Model<InvitationDoc>;
  audit: Model<AuditDoc>;
}

function retentionDays(platform: PlatformDoc): number {
  const days = (platform.settings as { guestLogRetentionDays?: unknown }).guestLogRetentionDays;
  return typeof days === 'number' && Number.isFinite(days) ? days : DEFAULT_RETENTION_DAYS;
}

/**
 * Deletes guest visits and audit events older than their platform's guestLogRetentionDays.
 * A TTL index has one fixed lifetime per collection, so per-platform retention is purged here.
 */
export async function purgeRetention(models: RetentionModels): Promise<void> {
  const platforms = await models.platforms.find({}, { settings: 1 }).lean<PlatformDoc[]>();
  for (const platform of platforms) {
    const cutoff = new Date(Date.now() - retentionDays(platform) * DAY_MS);
    const rooms = await models.rooms.find({ platformId: platform._id }, { _id: 1 }).lean<{ _id: string }[]>();
    for (let start = 0; start < rooms.length; start += ROOM_BATCH) {
      const roomIds = rooms.slice(start, start + ROOM_BATCH).map((room) => room._id);
      // An invitee's visit belongs to the invitation (invitationId null also matches older visits without it).
      await models.visits.deleteMany({
        roomId: { $in: roomIds },
        createdAt: { $lt: cutoff },
        invitationId: null,
      });
      await models.audit.deleteMany({ roomId: { $in: roomIds }, createdAt: { $lt: cutoff } });
      await purgeInviteeVisits(models, roomIds, cutoff);
      await purgeInvitations(models, roomIds, cutoff);
    }
  }
}

/** The last time anything happened to a visit ($max ignores missing and null times). */
const LAST_ACTIVITY = { $max: ['$createdAt', '$decidedAt', '$leftAt', '$removedAt'] };

/**
 * An invitee's visit by its own age too, counted from the last time anything happened to it or
 * the invitee came back (the invitation's lastJoinedAt): an invitation that never ends keeps no
 * guest-log entry forever. The invitation and its claim stay; a return opens a new visit
 * (`enter`). The visit goes first, then the invitation lets go of it (only of one deleted; a
 * return that already named a new visit keeps it). A return racing this purge to the moment
 * may find its re-opened visit gone; opening the link again opens a new one.
 */
async function purgeInviteeVisits(models: RetentionModels, roomIds: string[], cutoff: Date): Promise<void> {
  const idle = {
    roomId: { $in: roomIds },
    invitationId: { $ne: null },
    createdAt: { $lt: cutoff },
    // Not one a moderator turned away: it sends the invitee back to the lobby (the SQL rule).
    status: { $nin: ['denied', 'removed'] },
    mustWait: { $ne: true },
    $expr: { $lt: [LAST_ACTIVITY, cutoff] },
  };
  const candidates = await models.visits.find(idle, { _id: 1, invitationId: 1 }).lean<VisitDoc[]>();
  if (candidates.length === 0) return;
  const joinedSince = new Set(
    (
      await models.invitations
        .find(
          { _id: { $in: candidates.map((visit) => visit.invitationId) }, lastJoinedAt: { $gte: cutoff } },
          { _id: 1 },
        )
        .lean<{ _id: string }[]>()
    ).map((doc) => doc._id),
  );
  const ids = candidates.filter((visit) => !joinedSince.has(visit.invitationId!)).map((visit) => visit._id);
  if (ids.length === 0) return;
  await models.visits.deleteMany({ ...idle, _id: { $in: ids } });
  // Only those deleted: one re-opened meanwhile no longer matched and stays its invitation's.
  const kept = new Set(
    (await models.visits.find({ _id: { $in: ids } }, { _id: 1 }).lean<{ _id: string }[]>()).map(
      (doc) => doc._id,
    ),
  );
  const gone = ids.filter((id) => !kept.has(id));
  if (gone.length > 0)
    await models.invitations.updateMany({ visitId: { $in: gone } }, { $set: { visitId: null } });
}

/**
 * Revoked or expired invitations whose revocation or expiry is older than the cutoff, with
 * their visits: the visits first, so an interrupted purge never leaves a visit without its
 * invitation (the next run finishes it).
 */
async function purgeInvitations(models: RetentionModels, roomIds: string[], cutoff: Date): Promise<void> {
  const gone = await models.invitations
    .find(
      { roomId: { $in: roomIds }, $or: [{ revokedAt: { $lt: cutoff } }, { expiresAt: { $lt: cutoff } }] },
      { _id: 1 },
    )
    .lean<{ _id: string }[]>();
  if (gone.length === 0) return;
  const ids = gone.map((doc) => doc._id);
  await models.visits.deleteMany({ invitationId: { $in: ids } });
  await models.invitations.deleteMany({ _id: { $in: ids } });
}
