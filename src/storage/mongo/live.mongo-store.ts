import { Schema, type Connection, type Model } from 'mongoose';
import {
  STALE_AFTER_SECONDS,
  type LiveJoinRequest,
  type LiveJoinResult,
  type LiveStore,
  type ParticipantChange,
} from '../../live/live.store';
import { BASE_ROLES, countsTowardCap, NO_MEDIA, type LiveParticipant } from '../../live/participant';
import { recordAudit, type AuditDoc } from './audit-events.mongo-model';
import { isDuplicateKey } from './connection';
import type { VisitDoc } from './guest-visits.mongo-model';
import type { InvitationDoc } from './invitation.mongo-model';
import type { Actor, InviteRole } from '../../rooms/room-role';

/**
 * A connected page. `pid` is the participant's id; the document itself stays when the
 * same identity reconnects (the new connection takes it over, and its cap seat with it).
 */
interface ParticipantDoc extends Omit<LiveParticipant, 'id'> {
  pid: string;
  userId: string | null;
  seenAt: Date;
  /** The cap place a viewer or guest holds, 1..cap: unique in the room (index below). */
  seat?: number;
}

interface RemovalDoc {
  roomId: string;
  identity: string;
  name: string;
  baseRole: LiveParticipant['baseRole'];
  removedBy: string;
  removedByName: string | null;
  removedAt: Date;
}

const participantSchema = new Schema<ParticipantDoc>(
  {
    pid: { type: String, required: true, unique: true },
    roomId: { type: String, required: true },
    identity: { type: String, required: true },
    visitId: { type: String, default: null },
    userId: { type: String, default: null },
    name: { type: String, required: true },
    baseRole: { type: String, required: true, enum: BASE_ROLES },
    speaking: { type: Boolean, default: false },
    handRaisedAt: { type: Date, default: null },
    media: {
      audio: { type: Boolean, default: false },
      video: { type: Boolean, default: false },
      screen: { type: Boolean, default: false },
    },
    instanceId: { type: String, required: true },
    joinedAt: { type: Date, required: true },
    seenAt: { type: Date, required: true },
    version: { type: Number, default: 1 },
    seat: { type: Number },
  },
  { versionKey: false },
);
participantSchema.index({ roomId: 1, identity: 1 }, { unique: true });
participantSchema.index(
  { roomId: 1, seat: 1 },
  { unique: true, partialFilterExpression: { seat: { $exists: true } } },
);
participantSchema.index({ instanceId: 1 });
participantSchema.index({ seenAt: 1 });
participantSchema.index({ visitId: 1 });

const removalSchema = new Schema<RemovalDoc>(
  {
    roomId: { type: String, required: true },
    identity: { type: String, required: true },
    name: { type: String, required: true },
    baseRole: { type: String, required: true, enum: BASE_ROLES },
    removedBy: { type: String, required: true },
    removedByName: { type: String, default: null },
    removedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
removalSchema.index({ roomId: 1, identity: 1 }, { unique: true });

export function liveParticipantModel(connection: Connection): Model<ParticipantDoc> {
  return connection.model<ParticipantDoc>('LiveParticipant', participantSchema, 'live_participants');
}

export function liveRemovalModel(connection: Connection): Model<RemovalDoc> {
  return connection.model<RemovalDoc>('LiveRemoval', removalSchema, 'live_removals');
}

export interface LiveModels {
  participants: Model<ParticipantDoc>;
  removals: Model<RemovalDoc>;
  visits: Model<VisitDoc>;
  invitations: Model<InvitationDoc>;
  audit: Model<AuditDoc>;
}

function toParticipant(doc: ParticipantDoc): LiveParticipant {
  return {
    id: doc.pid,
    roomId: doc.roomId,
    identity: doc.identity,
    visitId: doc.visitId ?? null,
    name: doc.name,
    baseRole: doc.baseRole,
    speaking: doc.speaking,
    handRaisedAt: doc.handRaisedAt ?? null,
    media: { audio: doc.media.audio, video: doc.media.video, screen: doc.media.screen },
    instanceId: doc.instanceId,
    joinedAt: doc.joinedAt,
    version: doc.version ?? 1,
  };
}

const freshSince = () => new Date(Date.now() - STALE_AFTER_SECONDS * 1000);
/** canPublish: hosts, moderators and invited speakers by role, others while invited to speak. */
const PRESENTER = { $or: [{ baseRole: { $in: ['host', 'moderator', 'speaker'] } }, { speaking: true }] };

export class MongoLiveStore implements LiveStore {
  constructor(private readonly models: LiveModels) {}

  async join(request: LiveJoinRequest): Promise<LiveJoinResult> {
    let replaced: ParticipantDoc | null = null;
    for (let attempt = 1; ; attempt++) {
      const standing = await this.standing(request);
      if (!standing) return this.refusalFor(request);
      // An invited person connects with their invitation's role now, whatever was read before.
      const baseRole = standing.inviteRole ?? request.baseRole;
      const now = new Date();
      const connection = {
        pid: request.id,
        name: request.name,
        baseRole,
        speaking: false,
        handRaisedAt: null,
        media: { audio: false, video: false, screen: false },
        instanceId: request.instanceId,
        joinedAt: now,
        seenAt: now,
        version: 1,
      };
      const placed = await this.place({ ...request, baseRole }, connection);
      if (!placed) return { ok: false, reason: 'full' };
      const { doc, previous } = placed;
      replaced ??= previous;
      // Without a transaction: a removal, revoke or role change that ran between the read above
      // and this write found nothing to end; read again now that the connection is visible to it.
      const after = await this.standing(request);
      if (after && after.inviteRole === standing.inviteRole)
        return {
          ok: true,
          participant: toParticipant(doc),
          replaced: replaced ? toParticipant(replaced) : null,
        };
      await this.models.participants.deleteOne({ pid: request.id });
      // The role moved on meanwhile: connect again, with the new one.
      if (!after || attempt >= 3) return this.refusalFor(request);
    }
  }

  /**
   * Whether this request may connect now, and the role an invitation gives it now (null for
   * a guest link's visit or a launched user). Null: a visit not admitted or whose invitation was
   * revoked or has expired, or a user a moderator removed.
   */
  private async standing(request: LiveJoinRequest): Promise<{ inviteRole: InviteRole | null } | null> {
    if (!request.visitId)
      return (await this.isRemoved(request.roomId, request.identity)) ? null : { inviteRole: null };
    const visit = await this.models.visits
      .findOne({ _id: request.visitId, roomId: request.roomId }, { status: 1, invitationId: 1 })
      .lean<Pick<VisitDoc, 'status' | 'invitationId'>>();
    if (visit?.status !== 'admitted') return null;
    if (!visit.invitationId) return { inviteRole: null };
    const invitation = await this.models.invitations
      .findOne({ _id: visit.invitationId }, { role: 1, revokedAt: 1, expiresAt: 1 })
      .lean<Pick<InvitationDoc, 'role' | 'revokedAt' | 'expiresAt'>>();
    if (!invitation || invitation.revokedAt) return null;
    if (invitation.expiresAt && invitation.expiresAt.getTime() <= Date.now()) return null;
    return { inviteRole: invitation.role };
  }

  private refusalFor(request: LiveJoinRequest): LiveJoinResult {
    return { ok: false, reason: request.visitId ? 'not-admitted' : 'removed' };
  }

  /**
   * Records the connection. A second page of the same identity takes over its document in
   * one step, and the cap place it holds with it; a connection that needs a place it does not
   * hold (a new one, or a moderator's page coming back as a viewer's) claims a free one.
   * Null: none is free, and an earlier connection of the identity stays as it was.
   */
  private async place(
    request: LiveJoinRequest,
    connection: Omit<ParticipantDoc, 'roomId' | 'identity' | 'visitId' | 'userId' | 'seat'>,
  ): Promise<{ doc: ParticipantDoc; previous: ParticipantDoc | null } | null> {
    const key = { roomId: request.roomId, identity: request.identity };
    const counts = countsTowardCap(request.baseRole);
    const cap = counts ? request.cap : null;
    // Hosts and moderators hold no place: one a viewer's page held is freed by their taking over.
    const takeOver = counts ? { $set: connection } : { $set: connection, $unset: { seat: '' } };
    for (;;) {
      try {
        const previous = await this.models.participants
          .findOneAndUpdate(cap === null ? key : { ...key, seat: { $lte: cap } }, takeOver)
          .lean<ParticipantDoc>();
        if (previous) return { doc: { ...previous, ...connection }, previous };
        const base = { ...connection, ...key, visitId: request.visitId, userId: request.userId };
        if (cap === null) return { doc: await this.insert(base), previous: null };
        const existing = await this.models.participants.findOne(key).lean<ParticipantDoc>();
        const doc = await this.claimSeat(request.roomId, cap, (seat) =>
          existing
            ? this.models.participants
                .findOneAndUpdate({ pid: existing.pid }, { $set: { ...connection, seat } }, { new: true })
                .lean<ParticipantDoc>()
            : this.insert({ ...base, seat }),
        );
        if (doc === null) return null;
        if (doc) return { doc, previous: existing };
        // The identity's document changed meanwhile (another page of it, or a sweep): again.
      } catch (error) {
        // Another page of the identity recorded its connection first: take that one over.
        if (!isDuplicateKey(error, 'identity')) throw error;
      }
    }
  }

  private async insert(doc: Omit<ParticipantDoc, 'seat'> & { seat?: number }): Promise<ParticipantDoc> {
    return (await this.models.participants.create(doc)).toObject<ParticipantDoc>();
  }

  /**
   * Claims a free place 1..cap for `write` (a unique index keeps two connections off one
   * place), after freeing the places of the room's stale connections, which would otherwise
   * never come free. Null: every place is taken. Undefined: `write` found nothing to write to.
   */
  private async claimSeat(
    roomId: string,
    cap: number,
    write: (seat: number) => Promise<ParticipantDoc | null>,
  ): Promise<ParticipantDoc | null | undefined> {
    // Stale connections give their places up; the sweep ends them (and announces it).
    await this.models.participants.updateMany(
      { roomId, seenAt: { $lte: freshSince() }, seat: { $exists: true } },
      { $unset: { seat: '' } },
    );
    const taken = await this.models.participants
      .find({ roomId, seat: { $exists: true } }, { _id: 0, seat: 1 })
      .lean<Pick<ParticipantDoc, 'seat'>[]>();
    const used = new Set(taken.map((entry) => entry.seat));
    const free: number[] = [];
    for (let seat = 1; seat <= cap; seat++) if (!used.has(seat)) free.push(seat);
    while (free.length > 0) {
      const seat = free.splice(Math.floor(Math.random() * free.length), 1)[0]!;
      try {
        return (await write(seat)) ?? undefined;
      } catch (error) {
        if (!isDuplicateKey(error, 'seat')) throw error;
      }
    }
    return null;
  }

  async find(participantId: string): Promise<LiveParticipant | null> {
    const doc = await this.models.participants
      .findOne({ pid: participantId, seenAt: { $gt: freshSince() } })
      .lean<ParticipantDoc>();
    return doc ? toParticipant(doc) : null;
  }

  async list(roomId: string): Promise<LiveParticipant[]> {
    const docs = await this.models.participants
      .find({ roomId, seenAt: { $gt: freshSince() } })
      .sort({ joinedAt: 1, pid: 1 })
      .lean<ParticipantDoc[]>();
    return docs.map(toParticipant);
  }

  async moderatorPresent(roomId: string): Promise<boolean> {
    const found = await this.models.participants.exists({
      roomId,
      baseRole: { $in: ['host', 'moderator'] },
      seenAt: { $gt: freshSince() },
    });
    return found !== null;
  }

  async countTowardCap(roomId: string, exceptIdentity?: string): Promise<number> {
    return this.models.participants.countDocuments({
      roomId,
      baseRole: { $in: ['speaker', 'viewer', 'guest'] },
      seenAt: { $gt: freshSince() },
      ...(exceptIdentity ? { identity: { $ne: exceptIdentity } } : {}),
    });
  }

  async update(participantId: string, change: ParticipantChange): Promise<LiveParticipant | null> {
    const set: Record<string, unknown> = {};
    const filter: Record<string, unknown> = { pid: participantId, seenAt: { $gt: freshSince() } };
    // A refused change changes nothing and answers null, as no document matches the filter.
    if (change.speaking !== undefined) {
      // Only viewers and guests are invited to speak (or stopped).
      filter.baseRole = { $in: ['viewer', 'guest'] };
      set.speaking = change.speaking;
    }
    if (change.speaking === false) {
      // Whoever stops speaking stops sending, whatever media the change names.
      set.media = { ...NO_MEDIA };
    } else if (change.media) {
      // Only the media the change names: a mute touches the microphone, not the camera.
      for (const [kind, on] of Object.entries(change.media)) if (on !== undefined) set[`media.${kind}`] = on;
      // Media on only for whoever presents once the change applies: a speaker just invited does.
      if (Object.values(change.media).some(Boolean) && change.speaking !== true)
        Object.assign(filter, PRESENTER);
    }
    const update: Record<string, unknown> = { $set: set, $inc: { version: 1 } };
    if (change.handRaised === false) set.handRaisedAt = null;
    if (change.handRaised === true) {
      // Keeps the time a hand first went up: the order hands are answered in.
      const raised = await this.models.participants
        .findOneAndUpdate(
          { ...filter, handRaisedAt: null },
          { $set: { ...set, handRaisedAt: new Date() }, $inc: { version: 1 } },
          { new: true },
        )
        .lean<ParticipantDoc>();
      if (raised) return toParticipant(raised);
    }
    const doc = await this.models.participants
      .findOneAndUpdate(filter, update, { new: true })
      .lean<ParticipantDoc>();
    return doc ? toParticipant(doc) : null;
  }

  async leave(participantId: string): Promise<LiveParticipant | null> {
    const doc = await this.models.participants
      .findOneAndDelete({ pid: participantId })
      .lean<ParticipantDoc>();
    return doc ? toParticipant(doc) : null;
  }

  async remove(participantId: string, actor: Actor): Promise<LiveParticipant | null> {
    const doc = await this.models.participants.findOne({ pid: participantId }).lean<ParticipantDoc>();
    if (!doc) return null;
    const now = new Date();
    await recordAudit(this.models.audit, doc.roomId, actor, 'live.removed', {
      identity: doc.identity,
      name: doc.name,
    });
    if (doc.visitId) {
      await this.models.visits.updateOne(
        { _id: doc.visitId, status: { $in: ['admitted', 'left'] } },
        { $set: { status: 'removed', removedAt: now, removedBy: actor.userId, removedByName: actor.name } },
      );
    } else {
      await this.models.removals.updateOne(
        { roomId: doc.roomId, identity: doc.identity },
        {
          $set: {
            name: doc.name,
            baseRole: doc.baseRole,
            removedBy: actor.userId,
            removedByName: actor.name,
            removedAt: now,
          },
        },
        { upsert: true },
      );
    }
    // After the visit changed: a join that raced this removal either sees it, or is ended here.
    return this.endIdentity(doc);
  }

  async sendToLobby(participantId: string, actor: Actor): Promise<LiveParticipant | null> {
    const doc = await this.models.participants.findOne({ pid: participantId }).lean<ParticipantDoc>();
    if (!doc?.visitId) return null;
    const moved = await this.models.visits.updateOne(
      { _id: doc.visitId, status: 'admitted' },
      {
        $set: {
          status: 'waiting',
          outcomeReason: null,
          decidedAt: null,
          decidedBy: null,
          decidedByName: null,
        },
        // Its old lobby place may belong to someone else by now: it waits without one.
        $unset: { seat: '' },
      },
    );
    if (moved.modifiedCount === 0) return null;
    await recordAudit(this.models.audit, doc.roomId, actor, 'live.sent-to-lobby', {
      visitId: doc.visitId,
      name: doc.name,
    });
    return this.endIdentity(doc);
  }

  private async endIdentity(doc: ParticipantDoc): Promise<LiveParticipant | null> {
    const gone = await this.models.participants
      .findOneAndDelete({ roomId: doc.roomId, identity: doc.identity })
      .lean<ParticipantDoc>();
    return gone ? toParticipant(gone) : null;
  }

  async listRemovedUsers(roomId: string) {
    const docs = await this.models.removals.find({ roomId }).sort({ removedAt: -1 }).lean<RemovalDoc[]>();
    return docs.map((doc) => ({
      identity: doc.identity,
      name: doc.name,
      baseRole: doc.baseRole,
      removedAt: doc.removedAt,
    }));
  }

  async isRemoved(roomId: string, identity: string): Promise<boolean> {
    return Boolean(await this.models.removals.exists({ roomId, identity }));
  }

  async allowBack(roomId: string, identity: string): Promise<boolean> {
    const result = await this.models.removals.deleteOne({ roomId, identity });
    return result.deletedCount > 0;
  }

  async endAll(roomId: string): Promise<LiveParticipant[]> {
    return this.deleteAll({ roomId });
  }

  async touch(participantIds: string[]): Promise<string[]> {
    if (participantIds.length === 0) return [];
    await this.models.participants.updateMany(
      { pid: { $in: participantIds } },
      { $set: { seenAt: new Date() } },
    );
    const found = await this.models.participants
      .find({ pid: { $in: participantIds } }, { _id: 0, pid: 1 })
      .lean<Array<{ pid: string }>>();
    const existing = new Set(found.map((doc) => doc.pid));
    return participantIds.filter((id) => !existing.has(id));
  }

  async sweepStale(): Promise<LiveParticipant[]> {
    return this.deleteAll({ seenAt: { $lte: freshSince() } });
  }

  /** Deletes exactly the documents it reports: those it read, if still there. */
  private async deleteAll(filter: Record<string, unknown>): Promise<LiveParticipant[]> {
    const docs = await this.models.participants.find(filter).lean<ParticipantDoc[]>();
    const ended: LiveParticipant[] = [];
    for (const doc of docs) {
      const gone = await this.models.participants.findOneAndDelete({ pid: doc.pid }).lean<ParticipantDoc>();
      if (gone) ended.push(toParticipant(gone));
    }
    return ended;
  }
}
