import { Schema, type Connection, type Model } from 'mongoose';
import type {
  CreateLinkResult,
  EditLinkResult,
  GuestLinkChanges,
  GuestAccessState,
  GuestAccessStore,
  NewGuestLink,
} from '../../guest-access/guest-access.store';
import {
  editAuditDetails,
  expiryFor,
  limitCoversUsed,
  LINK_SLOTS,
  MAX_LINKS_PER_ROOM,
  type GuestLink,
} from '../../guest-access/guest-link';
import { recordAudit, type AuditDoc } from './audit-events.mongo-model';
import { isDuplicateKey } from './connection';
import { turnAwayWaiting, type VisitDoc } from './guest-visits.mongo-model';
import type { RoomDoc } from './room.mongo-store';
import type { Actor } from '../../rooms/room-role';

/** A link as stored: the domain link under `_id`, plus what only the store needs. */
export interface LinkDoc extends Omit<GuestLink, 'id'> {
  _id: string;
  slot: number;
  nameKey: string;
  tokenHash: string;
  /** True until deleted: the partial unique indexes below cover live links only. */
  live: boolean;
  deletedAt: Date | null;
}

const linkSchema = new Schema<LinkDoc>(
  {
    _id: { type: String, required: true },
    roomId: { type: String, required: true },
    slot: { type: Number, required: true, min: 1, max: MAX_LINKS_PER_ROOM },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    tokenSeed: { type: String, required: true },
    tokenHash: { type: String, required: true },
    clickLimit: { type: Number, default: null },
    clicksUsed: { type: Number, required: true, default: 0 },
    expiresAt: { type: Date, default: null },
    createdBy: { type: String, required: true },
    createdByName: { type: String, default: null },
    createdAt: { type: Date, required: true },
    live: { type: Boolean, required: true },
    deletedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
// Up to three live links per room: each takes one of three slots, and (room, slot) is
// unique among live links, so no interleaving of creates can make a fourth. The filter
// is on a boolean rather than `deletedAt: null`: null equality in partial filters is
// not accepted by every server version (and would also match a missing field).
const LIVE = { partialFilterExpression: { live: { $eq: true } }, unique: true };
linkSchema.index({ roomId: 1, slot: 1 }, { ...LIVE, name: 'live_slot' });
linkSchema.index({ roomId: 1, nameKey: 1 }, { ...LIVE, name: 'live_name' });
linkSchema.index({ tokenHash: 1 }, { unique: true });
linkSchema.index({ roomId: 1, createdAt: 1 });

export function linkModel(connection: Connection): Model<LinkDoc> {
  return connection.model<LinkDoc>('GuestLink', linkSchema, 'guest_links');
}

export function toGuestLink(doc: LinkDoc): GuestLink {
  return {
    id: doc._id,
    roomId: doc.roomId,
    name: doc.name,
    tokenSeed: doc.tokenSeed,
    clickLimit: doc.clickLimit ?? null,
    clicksUsed: doc.clicksUsed,
    expiresAt: doc.expiresAt ?? null,
    createdBy: doc.createdBy,
    createdByName: doc.createdByName ?? null,
    createdAt: doc.createdAt,
  };
}

export interface GuestAccessModels {
  rooms: Model<RoomDoc>;
  links: Model<LinkDoc>;
  visits: Model<VisitDoc>;
  audit: Model<AuditDoc>;
}

export class MongoGuestAccessStore implements GuestAccessStore {
  constructor(private readonly models: GuestAccessModels) {}

  async getState(roomId: string): Promise<GuestAccessState | null> {
    const room = await this.models.rooms.findById(roomId, { guestAccessEnabled: 1 }).lean<RoomDoc>();
    if (!room) return null;
    const links = await this.models.links
      .find({ roomId, live: true })
      .sort({ createdAt: 1, slot: 1 })
      .lean<LinkDoc[]>();
    return { enabled: room.guestAccessEnabled, links: links.map(toGuestLink) };
  }

  async setEnabled(roomId: string, enabled: boolean, actor: Actor): Promise<{ changed: boolean } | null> {
    // Conditional on the old value: of two concurrent toggles to the same value one
    // changes the room and records the event, the other reports no change.
    const changed = await this.models.rooms
      .findOneAndUpdate(
        { _id: roomId, guestAccessEnabled: !enabled },
        { $set: { guestAccessEnabled: enabled, updatedAt: new Date() } },
      )
      .lean<RoomDoc>();
    if (!changed) return (await this.models.rooms.exists({ _id: roomId })) ? { changed: false } : null;
    await recordAudit(
      this.models.audit,
      roomId,
      actor,
      enabled ? 'guest-access.enabled' : 'guest-access.disabled',
    );
    // Guests still waiting are turned away; admitted ones stay until they reload. Invited
    // people are not guests of a link: the switch leaves them waiting.
    if (!enabled)
      await turnAwayWaiting(
        this.models.visits,
        this.models.links,
        { roomId, linkId: { $ne: null } },
        'guest-access-off',
        actor,
      );
    return { changed: true };
  }

  async createLink(link: NewGuestLink): Promise<CreateLinkResult> {
    const room = await this.models.rooms.findById(link.roomId, { guestAccessEnabled: 1 }).lean<RoomDoc>();
    if (!room) return { ok: false, reason: 'room-missing' };
    if (!room.guestAccessEnabled) return { ok: false, reason: 'guest-access-disabled' };
    const live = await this.models.links
      .find({ roomId: link.roomId, live: true }, { slot: 1, nameKey: 1 })
      .lean<Pick<LinkDoc, 'slot' | 'nameKey'>[]>();
    if (live.some((doc) => doc.nameKey === link.nameKey)) return { ok: false, reason: 'name-taken' };
    const taken = new Set(live.map((doc) => doc.slot));
    // Free slots first, then the ones that looked taken (they may have been freed since).
    // The unique indexes decide: a slot or name claimed by a parallel create fails the
    // insert with E11000, never a fourth link or a duplicate name.
    const slots = [...LINK_SLOTS].sort((a, b) => Number(taken.has(a)) - Number(taken.has(b)));
    for (const slot of slots) {
      const createdAt = new Date();
      try {
        const doc = await this.models.links.create({
          _id: link.id,
          roomId: link.roomId,
          slot,
          name: link.name,
          nameKey: link.nameKey,
          tokenSeed: link.tokenSeed,
          tokenHash: link.tokenHash,
          clickLimit: link.clickLimit,
          clicksUsed: 0,
          expiresAt: expiryFor(createdAt, link.durationDays),
          createdBy: link.actor.userId,
          createdByName: link.actor.name,
          createdAt,
          live: true,
          deletedAt: null,
        });
        const created = toGuestLink(doc.toObject<LinkDoc>());
        await recordAudit(this.models.audit, link.roomId, link.actor, 'guest-link.created', {
          linkId: created.id,
          linkName: created.name,
          clickLimit: created.clickLimit,
          expiresAt: created.expiresAt,
        });
        return { ok: true, link: created };
      } catch (error) {
        if (isDuplicateKey(error, 'nameKey', 'live_name')) return { ok: false, reason: 'name-taken' };
        if (!isDuplicateKey(error, 'slot', 'live_slot')) throw error;
      }
    }
    return { ok: false, reason: 'limit-reached' };
  }

  async editLink(
    roomId: string,
    linkId: string,
    changes: GuestLinkChanges,
    actor: Actor,
  ): Promise<EditLinkResult> {
    const set: Partial<LinkDoc> = {};
    if (changes.name !== undefined && changes.nameKey !== undefined) {
      set.name = changes.name;
      set.nameKey = changes.nameKey;
    }
    if (changes.clickLimit !== undefined) set.clickLimit = changes.clickLimit;
    if (changes.durationDays !== undefined) set.expiresAt = expiryFor(new Date(), changes.durationDays);
    // One conditional update, as a join's click is: a new limit is saved only while the
    // clicks used fit under it, so the two can interleave in any order and never leave
    // clicksUsed above clickLimit.
    const fits = typeof changes.clickLimit === 'number' ? { clicksUsed: { $lte: changes.clickLimit } } : {};
    let before: LinkDoc | null;
    try {
      before = await this.models.links
        .findOneAndUpdate({ _id: linkId, roomId, live: true, ...fits }, { $set: set })
        .lean<LinkDoc>();
    } catch (error) {
      // The live_name index settles a rename racing a create or another rename.
      if (isDuplicateKey(error, 'nameKey', 'live_name')) return { ok: false, reason: 'name-taken' };
      throw error;
    }
    if (!before) {
      const current = await this.models.links.findOne({ _id: linkId, roomId, live: true }).lean<LinkDoc>();
      if (!current) return { ok: false, reason: 'link-missing' };
      if (!limitCoversUsed(changes.clickLimit ?? null, current.clicksUsed))
        return { ok: false, reason: 'clicks-below-used', clicksUsed: current.clicksUsed };
      // Clicks given back between the update and this read: the limit fits now.
      return this.editLink(roomId, linkId, changes, actor);
    }
    const edited = toGuestLink({ ...before, ...set });
    await recordAudit(
      this.models.audit,
      roomId,
      actor,
      'guest-link.edited',
      editAuditDetails(toGuestLink(before), edited),
    );
    const room = await this.models.rooms.findById(roomId, { guestAccessEnabled: 1 }).lean<RoomDoc>();
    return { ok: true, link: edited, guestAccessEnabled: room?.guestAccessEnabled ?? false };
  }

  async deleteLink(roomId: string, linkId: string, actor: Actor): Promise<GuestLink | null> {
    const deleted = await this.models.links
      .findOneAndUpdate(
        { _id: linkId, roomId, live: true },
        { $set: { live: false, deletedAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean<LinkDoc>();
    if (!deleted) return null;
    await recordAudit(this.models.audit, roomId, actor, 'guest-link.deleted', {
      linkId,
      linkName: deleted.name,
    });
    await turnAwayWaiting(this.models.visits, this.models.links, { linkId }, 'link-deleted', actor);
    return toGuestLink(deleted);
  }
}
