import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { LinkDoc } from './guest-access.mongo-store';
import type { GuestVisit } from '../../guests/guest';
import { LOBBY_NOTE_MAX, lobbyNote } from '../../rooms/room';
import type { Actor } from '../../rooms/room-role';

/** A visit as stored: the domain visit under `_id`, plus what only the store needs. */
export interface VisitDoc extends Omit<GuestVisit, 'id' | 'privateMessage' | 'invitationId'> {
  /** Set on an invited person's visit (linkId null); absent on older documents. */
  invitationId?: string | null;
  _id: string;
  /** The latest private message from a moderator (migration 009's columns). */
  privateMessage?: string | null;
  privateMessageAt?: Date | null;
  decidedBy: string | null;
  removedBy?: string | null;
  /**
   * The lobby place a waiting visit holds, 1..waitingCap: unique among the room's waiting
   * visits (index below), so parallel joins can never fill the lobby beyond its cap.
   * Unset on visits that never waited; ignored by the index once a visit stops waiting.
   */
  seat?: number;
  /** Marks the visits one bulk decision changed, so it can report exactly those. */
  decisionBatch?: string;
}

const nullableString = { type: String, default: null };
const nullableDate = { type: Date, default: null };

const visitSchema = new Schema<VisitDoc>(
  {
    _id: { type: String, required: true },
    roomId: { type: String, required: true },
    // Null for an invited person's visit, which has invitationId instead.
    linkId: nullableString,
    invitationId: nullableString,
    linkName: { type: String, default: '' },
    name: { type: String, required: true },
    email: { type: String, required: true },
    status: { type: String, required: true, enum: ['waiting', 'admitted', 'denied', 'left', 'removed'] },
    outcomeReason: nullableString,
    createdAt: { type: Date, required: true },
    decidedAt: nullableDate,
    decidedBy: nullableString,
    decidedByName: nullableString,
    leftAt: nullableDate,
    removedAt: nullableDate,
    removedBy: nullableString,
    removedByName: nullableString,
    mustWait: { type: Boolean, default: false },
    admittedOnce: { type: Boolean, default: false },
    privateMessage: { type: String, default: null, maxlength: LOBBY_NOTE_MAX },
    privateMessageAt: nullableDate,
    seat: { type: Number },
    decisionBatch: { type: String },
  },
  { versionKey: false },
);
visitSchema.index({ roomId: 1, status: 1, createdAt: 1 });
// The lobby cap, as live_slot is the link limit: only equality and $exists, which every
// server accepts in a partial filter. A visit leaves the index when it stops waiting.
visitSchema.index(
  { roomId: 1, seat: 1 },
  {
    name: 'waiting_seat',
    unique: true,
    partialFilterExpression: { status: { $eq: 'waiting' }, seat: { $exists: true } },
  },
);
visitSchema.index({ linkId: 1, status: 1 });
visitSchema.index({ invitationId: 1 }, { partialFilterExpression: { invitationId: { $type: 'string' } } });
visitSchema.index({ createdAt: 1 });

export function visitModel(connection: Connection): Model<VisitDoc> {
  return connection.model<VisitDoc>('GuestVisit', visitSchema, 'guest_visits');
}

export function toVisit(doc: VisitDoc): GuestVisit {
  return {
    id: doc._id,
    roomId: doc.roomId,
    linkId: doc.linkId ?? null,
    invitationId: doc.invitationId ?? null,
    linkName: doc.linkName,
    name: doc.name,
    email: doc.email,
    status: doc.status,
    outcomeReason: doc.outcomeReason ?? null,
    createdAt: doc.createdAt,
    decidedAt: doc.decidedAt ?? null,
    decidedByName: doc.decidedByName ?? null,
    leftAt: doc.leftAt ?? null,
    removedAt: doc.removedAt ?? null,
    removedByName: doc.removedByName ?? null,
    mustWait: doc.mustWait ?? false,
    admittedOnce: doc.admittedOnce ?? false,
    privateMessage: lobbyNote(doc.privateMessage, doc.privateMessageAt),
  };
}

/**
 * Fair clicks: the one place visits that stopped waiting without ever getting in give their
 * clicks back to their links (never below 0). Every path that denies, turns away or lets a
 * waiting guest leave calls it right after its own conditional update, with what that update
 * changed; a crash in between keeps the click used (the safe side for the limit).
 */
export async function giveClicksBack(links: Model<LinkDoc>, linkIds: Array<string | null>): Promise<void> {
  const perLink = new Map<string, number>();
  // An invited person's visit (no link) holds no click.
  for (const linkId of linkIds) if (linkId) perLink.set(linkId, (perLink.get(linkId) ?? 0) + 1);
  for (const [linkId, clicks] of perLink) {
    await links.updateOne({ _id: linkId }, [
      { $set: { clicksUsed: { $max: [0, { $subtract: ['$clicksUsed', clicks] }] } } },
    ]);
  }
}

/** Gives back the click of one visit that was waiting, if it never got in. */
export async function giveClickBackFor(
  links: Model<LinkDoc>,
  before: Pick<VisitDoc, 'status' | 'admittedOnce' | 'linkId'> | null,
): Promise<void> {
  if (before && before.status === 'waiting' && !before.admittedOnce)
    await giveClicksBack(links, [before.linkId]);
}

/** Ends every waiting visit matching the filter with the given reason; admitted ones stay. */
export async function turnAwayWaiting(
  visits: Model<VisitDoc>,
  links: Model<LinkDoc>,
  filter: { roomId: string; linkId: { $ne: null } } | { linkId: string },
  reason: 'guest-access-off' | 'link-deleted',
  actor: Actor,
): Promise<void> {
  const batch = randomUUID();
  const result = await visits.updateMany(
    { ...filter, status: 'waiting' },
    {
      $set: {
        status: 'denied',
        outcomeReason: reason,
        decidedAt: new Date(),
        decidedBy: actor.userId,
        decidedByName: actor.name,
        decisionBatch: batch,
      },
    },
  );
  if (result.modifiedCount === 0) return;
  const turnedAway = await visits
    .find({ ...filter, decisionBatch: batch, admittedOnce: { $ne: true } }, { linkId: 1 })
    .lean<Pick<VisitDoc, 'linkId'>[]>();
  await giveClicksBack(
    links,
    turnedAway.map((doc) => doc.linkId),
  );
}

/**
 * Moves every waiting visit of the room to admitted and returns exactly their ids: the
 * update tags them with a fresh batch id, which a plain updateMany cannot report.
 */
export async function admitWaiting(
  visits: Model<VisitDoc>,
  roomId: string,
  reason: 'moderator' | 'lobby-off',
  actor: Actor,
  batch: string,
): Promise<string[]> {
  const result = await visits.updateMany(
    { roomId, status: 'waiting' },
    {
      $set: {
        status: 'admitted',
        outcomeReason: reason,
        decidedAt: new Date(),
        decidedBy: actor.userId,
        decidedByName: actor.name,
        decisionBatch: batch,
        admittedOnce: true,
      },
    },
  );
  if (result.modifiedCount === 0) return [];
  const admitted = await visits.find({ roomId, decisionBatch: batch }, { _id: 1 }).lean<{ _id: string }[]>();
  return admitted.map((doc) => doc._id);
}

/**
 * Moves every waiting visit of the room to denied by a moderator and returns exactly those
 * visits with their links (tagged with a fresh batch id, as admitWaiting does). Each visit
 * changes in one atomic document update conditioned on still waiting, so a visit another
 * moderator decided, or one that left meanwhile, is never decided twice; a join inserted
 * after the update keeps waiting.
 */
export async function denyWaiting(
  visits: Model<VisitDoc>,
  roomId: string,
  actor: Actor,
  batch: string,
): Promise<{ id: string; linkId: string | null; admittedOnce: boolean }[]> {
  const result = await visits.updateMany(
    { roomId, status: 'waiting' },
    {
      $set: {
        status: 'denied',
        outcomeReason: 'moderator',
        decidedAt: new Date(),
        decidedBy: actor.userId,
        decidedByName: actor.name,
        decisionBatch: batch,
      },
    },
  );
  if (result.modifiedCount === 0) return [];
  const denied = await visits
    .find({ roomId, decisionBatch: batch }, { _id: 1, linkId: 1, admittedOnce: 1 })
    .lean<{ _id: string; linkId?: string | null; admittedOnce?: boolean }[]>();
  return denied.map((doc) => ({
    id: doc._id,
    linkId: doc.linkId ?? null,
    admittedOnce: doc.admittedOnce ?? false,
  }));
}
