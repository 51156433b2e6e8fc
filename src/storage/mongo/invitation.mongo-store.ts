import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import { ServiceUnavailableError } from '../../errors';
import { INVITATIONS_LISTED_MAX, type Invitation } from '../../invitations/invitation';
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
import type { Actor, InviteRole } from '../../rooms/room-role';
import { recordAudit, type AuditDoc } from './audit-events.mongo-model';
import { isDuplicateKey } from './connection';
import { toVisit, type VisitDoc } from './guest-visits.mongo-model';
import {
  invitationAccessState,
  toInvitation,
  type InvitationDoc,
  type InvitationLockDoc,
} from './invitation.mongo-model';
import type { PlatformDoc } from './platform.mongo-store';
import type { RoomDoc } from './room.mongo-store';

export interface InvitationModels {
  invitations: Model<InvitationDoc>;
  invitationLocks: Model<InvitationLockDoc>;
  rooms: Model<RoomDoc>;
  platforms: Model<PlatformDoc>;
  visits: Model<VisitDoc>;
  audit: Model<AuditDoc>;
}

/** Longer than any create takes; a holder that died frees the room after it. */
const LOCK_LEASE_MS = 10_000;
/** How long a create waits for its turn before giving up with 503. */
const LOCK_WAIT_MS = 8_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const live = (now: Date) => ({ revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] });
/** Revoked or expired: what the window lists after the active ones. */
const past = (now: Date) => ({
  $or: [{ revokedAt: { $ne: null } }, { expiresAt: { $ne: null, $lte: now } }],
});

function expired(doc: Pick<InvitationDoc, 'expiresAt'>, now: Date): boolean {
  return doc.expiresAt != null && doc.expiresAt.getTime() <= now.getTime();
}

export class MongoInvitationStore implements InvitationStore {
  constructor(private readonly models: InvitationModels) {}

  /**
   * The 500-active limit without transactions. A per-room counter would have to be given back
   * when an invitation expires, which happens by time, not by any write; so creates in one room
   * take turns under a lease document instead (inserted, or taken over once its lease ran out),
   * and count the active invitations with a query under it. Duplicates are also kept out by the
   * unique partial index (roomId, emailKey) should a lease ever run out mid-create.
   */
  private async withRoomLock<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    const giveUpAt = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const now = new Date();
      try {
        const taken = await this.models.invitationLocks
          .findOneAndUpdate(
            { _id: roomId, until: { $lte: now } },
            { $set: { holder, until: new Date(now.getTime() + LOCK_LEASE_MS) } },
            { upsert: true, new: true },
          )
          .lean<InvitationLockDoc>();
        if (taken?.holder === holder) break;
      } catch (error) {
        // Another create holds the room (the upsert met its document).
        if (!isDuplicateKey(error)) throw error;
      }
      if (Date.now() > giveUpAt) throw new ServiceUnavailableError();
      await sleep(Math.min(200, 10 * 2 ** attempt) * (0.5 + Math.random()));
    }
    try {
      return await fn();
    } finally {
      await this.models.invitationLocks.deleteOne({ _id: roomId, holder }).catch(() => undefined);
    }
  }

  async create(
    roomId: string,
    invitations: NewInvitation[],
    actor: Actor,
    limit: number,
  ): Promise<CreateInvitationsResult> {
    const room = await this.models.rooms.findOne({ _id: roomId, deletedAt: null }, { _id: 1 }).lean();
    if (!room) return { ok: false, reason: 'no-room' };
    return this.withRoomLock(roomId, async (): Promise<CreateInvitationsResult> => {
      const now = new Date();
      const active = await this.models.invitations.countDocuments({ roomId, ...live(now) });
      if (active + invitations.length > limit) return { ok: false, reason: 'limit', active };
      const duplicates = await this.duplicates(roomId, invitations, now);
      if (duplicates.length > 0) return { ok: false, reason: 'duplicate', emails: duplicates };
      const replaced = await this.replaceExpired(roomId, invitations, now);
      const docs: InvitationDoc[] = invitations.map((invitation) => ({
        _id: invitation.id,
        roomId,
        name: invitation.name,
        email: invitation.email,
        emailKey: invitation.emailKey,
        role: invitation.role,
        locale: invitation.locale ?? 'en',
        tokenSeed: invitation.tokenSeed,
        tokenHash: invitation.tokenHash,
        expiresAt: invitation.expiresAt,
        startsAt: invitation.startsAt,
        createdAt: now,
        createdBy: actor.userId,
        createdByName: actor.name,
        claimedAt: null,
        claimHash: null,
        visitId: null,
        lastJoinedAt: null,
        revokedAt: null,
        revokedBy: null,
        revokedByName: null,
        live: true,
        emailStatus: invitation.emailStatus ?? 'not-sent',
        emailError: null,
        emailSentAt: null,
      }));
      try {
        await this.models.invitations.insertMany(docs, { ordered: true });
      } catch (error) {
        // All or nothing: what this batch inserted before the refusal goes again.
        await this.models.invitations.deleteMany({ _id: { $in: docs.map((doc) => doc._id) } });
        // ... and the expired ones it replaced hold their addresses again (should another
        // request have taken an address meanwhile, that one stays replaced: it is expired anyway).
        await this.models.invitations
          .updateMany(
            // Not one revoked meanwhile (revoke does not wait for the lease): it stays off.
            {
              _id: { $in: replaced.map((doc) => doc._id) },
              replacedBy: { $in: docs.map((doc) => doc._id) },
              revokedAt: null,
            },
            { $set: { live: true, replacedAt: null, replacedBy: null } },
          )
          .catch((undo: unknown) => {
            if (!isDuplicateKey(undo)) throw undo;
          });
        if (!isDuplicateKey(error, 'emailKey', 'live_email')) throw error;
        const emails = await this.duplicates(roomId, invitations, new Date());
        return { ok: false, reason: 'duplicate', emails };
      }
      const byKey = new Map(invitations.map((invitation) => [invitation.emailKey, invitation.id]));
      await this.models.audit.insertMany([
        ...replaced.map((doc) => ({
          roomId,
          actorUserId: actor.userId,
          actorName: actor.name,
          action: 'invitation.replaced',
          details: { invitationId: doc._id, email: doc.email, replacedBy: byKey.get(doc.emailKey) },
          createdAt: now,
        })),
        ...docs.map((doc) => ({
          roomId,
          actorUserId: actor.userId,
          actorName: actor.name,
          action: 'invitation.created',
          details: { invitationId: doc._id, email: doc.email, role: doc.role },
          createdAt: now,
        })),
      ]);
      return { ok: true, invitations: docs.map(toInvitation) };
    });
  }

  /** Addresses held by an invitation that still works (an expired one is replaced instead). */
  private async duplicates(roomId: string, invitations: NewInvitation[], now: Date): Promise<string[]> {
    const taken = await this.models.invitations
      .find(
        { roomId, live: true, ...live(now), emailKey: { $in: invitations.map((i) => i.emailKey) } },
        { emailKey: 1 },
      )
      .lean<Pick<InvitationDoc, 'emailKey'>[]>();
    const keys = new Set(taken.map((doc) => doc.emailKey));
    return invitations
      .filter((invitation) => keys.has(invitation.emailKey))
      .map((invitation) => invitation.email);
  }

  /**
   * Under the room's lease: the expired invitations that still hold these addresses stop
   * holding them (live false, as a revocation does), each by the new invitation for its address.
   */
  private async replaceExpired(
    roomId: string,
    invitations: NewInvitation[],
    now: Date,
  ): Promise<Pick<InvitationDoc, '_id' | 'email' | 'emailKey'>[]> {
    const filter = {
      roomId,
      live: true,
      revokedAt: null,
      expiresAt: { $ne: null, $lte: now },
      emailKey: { $in: invitations.map((invitation) => invitation.emailKey) },
    };
    const expired = await this.models.invitations
      .find(filter, { _id: 1, email: 1, emailKey: 1 })
      .lean<Pick<InvitationDoc, '_id' | 'email' | 'emailKey'>[]>();
    const byKey = new Map(invitations.map((invitation) => [invitation.emailKey, invitation.id]));
    const replaced: Pick<InvitationDoc, '_id' | 'email' | 'emailKey'>[] = [];
    for (const doc of expired) {
      // Only what this request changed counts as its own (to audit, or to give back).
      const changed = await this.models.invitations.updateOne(
        { ...filter, _id: doc._id },
        { $set: { live: false, replacedAt: now, replacedBy: byKey.get(doc.emailKey) ?? null } },
      );
      if (changed.modifiedCount === 1) replaced.push(doc);
    }
    return replaced;
  }

  async list(roomId: string): Promise<Invitation[]> {
    const now = new Date();
    // All active ones (at most the room's limit), then the newest others to fill the window.
    const active = await this.models.invitations.find({ roomId, ...live(now) }).lean<InvitationDoc[]>();
    const others =
      active.length >= INVITATIONS_LISTED_MAX
        ? []
        : await this.models.invitations
            .find({ roomId, ...past(now) })
            .sort({ createdAt: -1, _id: -1 })
            .limit(INVITATIONS_LISTED_MAX - active.length)
            .lean<InvitationDoc[]>();
    return [...active, ...others]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1))
      .map(toInvitation);
  }

  async counts(roomId: string): Promise<{ active: number; total: number }> {
    const [active, total] = await Promise.all([
      this.models.invitations.countDocuments({ roomId, ...live(new Date()) }),
      this.models.invitations.countDocuments({ roomId }),
    ]);
    return { active, total };
  }

  async find(roomId: string, invitationId: string): Promise<Invitation | null> {
    const doc = await this.models.invitations.findOne({ _id: invitationId, roomId }).lean<InvitationDoc>();
    return doc ? toInvitation(doc) : null;
  }

  async findEntry(tokenHash: string): Promise<InvitationEntry | null> {
    const doc = await this.models.invitations.findOne({ tokenHash }).lean<InvitationDoc>();
    if (!doc) return null;
    const room = await this.models.rooms.findById(doc.roomId).lean<RoomDoc>();
    if (!room) return null;
    const platform = await this.models.platforms.findById(room.platformId).lean<PlatformDoc>();
    return {
      ...invitationAccessState(doc, room, platform),
      invitation: toInvitation(doc),
      claimHash: doc.claimHash ?? null,
      roomTitle: room.title,
      contextTitle: room.contextTitle ?? null,
      inviteesWait: Boolean(room.inviteesWait && room.lobbyEnabled),
    };
  }

  async setRole(
    roomId: string,
    invitationId: string,
    role: InviteRole,
    actor: Actor,
  ): Promise<{ invitation: Invitation; changed: boolean } | null> {
    const before = await this.models.invitations
      .findOneAndUpdate(
        // Only one that still works: an expired link's role means nothing any more.
        { _id: invitationId, roomId, ...live(new Date()) },
        { $set: { role } },
        { returnDocument: 'before' },
      )
      .lean<InvitationDoc>();
    if (!before) return null;
    const changed = before.role !== role;
    if (changed)
      await recordAudit(this.models.audit, roomId, actor, 'invitation.role-changed', {
        invitationId,
        from: before.role,
        to: role,
      });
    return { invitation: toInvitation({ ...before, role }), changed };
  }

  async revoke(
    roomId: string,
    invitationId: string,
    actor: Actor,
  ): Promise<{ invitation: Invitation; endedVisitId: string | null } | null> {
    const revoked = await this.models.invitations
      .findOneAndUpdate(
        { _id: invitationId, roomId, revokedAt: null },
        { $set: { revokedAt: new Date(), revokedBy: actor.userId, revokedByName: actor.name, live: false } },
        { returnDocument: 'after' },
      )
      .lean<InvitationDoc>();
    if (!revoked) {
      // Revoked before (a no-op), or no such invitation.
      const existing = await this.models.invitations
        .findOne({ _id: invitationId, roomId })
        .lean<InvitationDoc>();
      return existing ? { invitation: toInvitation(existing), endedVisitId: null } : null;
    }
    const endedVisitId = await this.endVisit(invitationId, actor);
    await recordAudit(this.models.audit, roomId, actor, 'invitation.revoked', {
      invitationId,
      email: revoked.email,
      endedVisitId,
    });
    return { invitation: toInvitation(revoked), endedVisitId };
  }

  /** The revoked invitation's visit, if waiting or admitted, ends (removed, invitation-revoked). */
  private async endVisit(invitationId: string, actor: Actor | null): Promise<string | null> {
    const ended = await this.models.visits
      .findOneAndUpdate(
        { invitationId, status: { $in: ['waiting', 'admitted'] } },
        {
          $set: {
            status: 'removed',
            outcomeReason: 'invitation-revoked',
            removedAt: new Date(),
            removedBy: actor?.userId ?? null,
            removedByName: actor?.name ?? null,
          },
        },
        { returnDocument: 'after' },
      )
      .lean<VisitDoc>();
    return ended?._id ?? null;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const now = new Date();
    // The one step that decides the race: only an unclaimed, live invitation for this address matches.
    const claimed = await this.models.invitations
      .findOneAndUpdate(
        {
          tokenHash: request.tokenHash,
          claimHash: null,
          emailKey: request.emailKey,
          ...live(now),
        },
        {
          $set: { claimedAt: now, claimHash: request.claimHash, visitId: request.visitId, lastJoinedAt: now },
        },
        { returnDocument: 'after' },
      )
      .lean<InvitationDoc>();
    if (!claimed) return { ok: false, reason: await this.claimRefusal(request.tokenHash) };
    let visit: VisitDoc;
    try {
      visit = await this.insertVisit(claimed, request.visitId, now);
    } catch (error) {
      // No visit, no claim: the link is free again.
      await this.models.invitations.updateOne(
        { _id: claimed._id, claimHash: request.claimHash },
        { $set: { claimedAt: null, claimHash: null, visitId: null, lastJoinedAt: null } },
      );
      throw error;
    }
    return { ok: true, invitation: toInvitation(claimed), visit: toVisit(await this.settle(visit)) };
  }

  /** A claimed link answers claimed-elsewhere whatever address was typed; see the SQL store. */
  private async claimRefusal(tokenHash: string): Promise<Exclude<ClaimResult, { ok: true }>['reason']> {
    const doc = await this.models.invitations.findOne({ tokenHash }).lean<InvitationDoc>();
    if (!doc) return 'unknown';
    if (doc.revokedAt) return 'revoked';
    if (expired(doc, new Date())) return 'expired';
    if (doc.claimHash != null) return 'claimed-elsewhere';
    return 'email-mismatch';
  }

  private async inviteeMustWait(roomId: string): Promise<boolean> {
    const room = await this.models.rooms
      .findById(roomId, { inviteesWait: 1, lobbyEnabled: 1 })
      .lean<RoomDoc>();
    return Boolean(room?.inviteesWait && room.lobbyEnabled);
  }

  private async insertVisit(invitation: InvitationDoc, visitId: string, now: Date): Promise<VisitDoc> {
    const wait = await this.inviteeMustWait(invitation.roomId);
    const doc: VisitDoc = {
      _id: visitId,
      roomId: invitation.roomId,
      linkId: null,
      linkName: '',
      invitationId: invitation._id,
      name: invitation.name,
      email: invitation.email,
      status: wait ? 'waiting' : 'admitted',
      outcomeReason: null,
      createdAt: now,
      decidedAt: wait ? null : now,
      decidedBy: null,
      decidedByName: null,
      leftAt: null,
      removedAt: null,
      removedByName: null,
      mustWait: false,
      admittedOnce: !wait,
    };
    return (await this.models.visits.create(doc)).toObject<VisitDoc>();
  }

  /**
   * Without a transaction, the lobby may have been turned off, or the invitation revoked,
   * between the reads above and the visit's write, after that change had already dealt with
   * every visit it could see. Deal with this one as it would have.
   */
  private async settle(visit: VisitDoc): Promise<VisitDoc> {
    const invitation = await this.models.invitations
      .findById(visit.invitationId, { revokedAt: 1, revokedBy: 1, revokedByName: 1 })
      .lean<InvitationDoc>();
    if (invitation?.revokedAt) {
      await this.endVisit(visit.invitationId!, {
        userId: invitation.revokedBy ?? 'unknown',
        name: invitation.revokedByName ?? null,
      });
      return (await this.models.visits.findById(visit._id).lean<VisitDoc>()) ?? visit;
    }
    if (visit.status !== 'waiting' || (await this.inviteeMustWait(visit.roomId))) return visit;
    const admitted = await this.models.visits
      .findOneAndUpdate(
        { _id: visit._id, status: 'waiting' },
        {
          $set: { status: 'admitted', outcomeReason: 'lobby-off', decidedAt: new Date(), admittedOnce: true },
        },
        { returnDocument: 'after' },
      )
      .lean<VisitDoc>();
    return admitted ?? visit;
  }

  async enter(tokenHash: string, claimHash: string): Promise<EnterResult> {
    const doc = await this.models.invitations.findOne({ tokenHash }).lean<InvitationDoc>();
    if (!doc) return { ok: false, reason: 'unknown' };
    const now = new Date();
    if (doc.revokedAt) return { ok: false, reason: 'revoked' };
    if (expired(doc, now)) return { ok: false, reason: 'expired' };
    if (doc.claimHash == null || doc.claimHash !== claimHash)
      return { ok: false, reason: 'claimed-elsewhere' };
    const visit = doc.visitId ? await this.models.visits.findById(doc.visitId).lean<VisitDoc>() : null;
    // The visit went with the guest log's retention (retention.mongo.ts): a new one, as at the claim.
    if (!visit) return this.enterAnew(doc, claimHash, now);
    if (visit.status === 'removed' && visit.outcomeReason === 'invitation-revoked')
      return { ok: false, reason: 'revoked' };
    // Waiting or admitted: already in. Coming back counts as joining (and keeps the visit from
    // the guest log's retention, which counts from the last time the invitee came).
    if (visit.status === 'waiting' || visit.status === 'admitted') {
      const joined = await this.models.invitations
        .findOneAndUpdate({ _id: doc._id }, { $set: { lastJoinedAt: now } }, { returnDocument: 'after' })
        .lean<InvitationDoc>();
      return { ok: true, invitation: toInvitation(joined ?? doc), visit: toVisit(visit) };
    }
    // Denied in the lobby or removed from the room by a moderator: back to the lobby, whatever
    // its setting, for a moderator to decide again (as a removed guest's browser must wait).
    const turnedAway = visit.status === 'denied' || visit.status === 'removed';
    const wait = turnedAway || visit.mustWait === true || (await this.inviteeMustWait(doc.roomId));
    const reopened = await this.models.visits
      .findOneAndUpdate(
        { _id: visit._id, status: visit.status, outcomeReason: visit.outcomeReason ?? null },
        {
          $set: {
            ...(turnedAway ? { mustWait: true } : {}),
            status: wait ? 'waiting' : 'admitted',
            leftAt: null,
            outcomeReason: null,
            decidedBy: null,
            decidedByName: null,
            decidedAt: wait ? null : now,
            ...(wait ? {} : { admittedOnce: true }),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<VisitDoc>();
    // A parallel return re-opened it first: it is in either way.
    const current = reopened
      ? await this.settle(reopened)
      : await this.models.visits.findById(visit._id).lean<VisitDoc>();
    const invitation = await this.models.invitations
      .findOneAndUpdate({ _id: doc._id }, { $set: { lastJoinedAt: now } }, { returnDocument: 'after' })
      .lean<InvitationDoc>();
    return { ok: true, invitation: toInvitation(invitation ?? doc), visit: toVisit(current ?? visit) };
  }

  /**
   * A new visit for a returning invitee whose visit the retention removed. The invitation names
   * it first (conditionally: a parallel return that got there first wins, and this one takes
   * its visit), then the visit is written and settled as a claim's is.
   */
  private async enterAnew(doc: InvitationDoc, claimHash: string, now: Date): Promise<EnterResult> {
    const visitId = randomUUID();
    const named = await this.models.invitations
      .findOneAndUpdate(
        { _id: doc._id, claimHash, visitId: doc.visitId ?? null, revokedAt: null },
        { $set: { visitId, lastJoinedAt: now } },
        { returnDocument: 'after' },
      )
      .lean<InvitationDoc>();
    if (!named) {
      const current = await this.models.invitations.findById(doc._id).lean<InvitationDoc>();
      // Revoked meanwhile, or another return named a visit: read it again (once, not a loop).
      if (!current?.visitId || current.visitId === doc.visitId || current.revokedAt)
        return { ok: false, reason: current?.revokedAt ? 'revoked' : 'unknown' };
      const theirs = await this.models.visits.findById(current.visitId).lean<VisitDoc>();
      return theirs
        ? { ok: true, invitation: toInvitation(current), visit: toVisit(theirs) }
        : { ok: false, reason: 'unknown' };
    }
    let visit: VisitDoc;
    try {
      visit = await this.insertVisit(named, visitId, now);
    } catch (error) {
      await this.models.invitations.updateOne({ _id: doc._id, visitId }, { $set: { visitId: null } });
      throw error;
    }
    return { ok: true, invitation: toInvitation(named), visit: toVisit(await this.settle(visit)) };
  }

  async recordEmail(invitationId: string, outcome: EmailOutcome, actor: Actor): Promise<Invitation | null> {
    const doc = await this.models.invitations
      .findOneAndUpdate(
        { _id: invitationId },
        {
          $set: {
            emailStatus: outcome.status,
            emailError: outcome.status === 'failed' ? outcome.error.slice(0, 500) : null,
            ...(outcome.status === 'sent' ? { emailSentAt: outcome.at } : {}),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<InvitationDoc>();
    if (!doc) return null;
    const audit = sendAudit({ id: doc._id, email: doc.email }, outcome);
    if (audit) await recordAudit(this.models.audit, doc.roomId, actor, audit.action, audit.details);
    return toInvitation(doc);
  }

  async setInviteesWait(roomId: string, wait: boolean, actor: Actor): Promise<boolean | null> {
    const changed = await this.models.rooms
      .findOneAndUpdate(
        { _id: roomId, inviteesWait: { $ne: wait } },
        { $set: { inviteesWait: wait, updatedAt: new Date() } },
      )
      .lean<RoomDoc>();
    if (!changed) return (await this.models.rooms.exists({ _id: roomId })) ? wait : null;
    await recordAudit(this.models.audit, roomId, actor, 'invitation.settings', { inviteesWait: wait });
    return wait;
  }
}
