import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import {
  accessProblem,
  canComeBack,
  withinComebackWindow,
  type AccessState,
  type GuestVisit,
} from '../../guests/guest';
import { lobbyNote, type LobbyNote } from '../../rooms/room';
import type {
  ComeBackRequest,
  ComeBackResult,
  DeniedVisit,
  GuestLogEntry,
  PrivateMessageResult,
  WaitingPageReads,
  GuestStore,
  JoinRequest,
  JoinResult,
  LinkEntry,
  VisitContext,
  WaitingVisit,
} from '../../guests/guest.store';
import type { AuditDoc } from './audit-events.mongo-model';
import { recordAudit } from './audit-events.mongo-model';
import type { LinkDoc } from './guest-access.mongo-store';
import { isDuplicateKey } from './connection';
import {
  admitWaiting,
  denyWaiting,
  giveClickBackFor,
  giveClicksBack,
  toVisit,
  type VisitDoc,
} from './guest-visits.mongo-model';
import { invitationAccessState, type InvitationDoc } from './invitation.mongo-model';
import type { PlatformDoc } from './platform.mongo-store';
import type { RoomDoc } from './room.mongo-store';
import type { Actor, InviteRole } from '../../rooms/room-role';

export interface GuestModels {
  platforms: Model<PlatformDoc>;
  invitations: Model<InvitationDoc>;
  rooms: Model<RoomDoc>;
  links: Model<LinkDoc>;
  visits: Model<VisitDoc>;
  audit: Model<AuditDoc>;
}

/** A link with its room and platform: everything that decides whether guests get in. */
interface Access {
  link: LinkDoc;
  room: RoomDoc | null;
  platform: PlatformDoc | null;
}

function accessState({ link, room, platform }: Access): AccessState {
  const modules = (platform?.settings as { modules?: Record<string, unknown> } | undefined)?.modules;
  return {
    linkDeleted: !link.live,
    linkExpiresAt: link.expiresAt ?? null,
    guestAccessEnabled: room?.guestAccessEnabled ?? false,
    roomAvailable: Boolean(
      room &&
      room.deletedAt == null &&
      platform?.active &&
      platform.deploymentIds.includes(room.deploymentId),
    ),
    modulesEnabled: modules?.invitetomedia === true && modules?.mediapage === true,
    roomSupportsGuests: room?.roomType === 'room',
  };
}

function isExhausted(link: LinkDoc): boolean {
  return link.clickLimit != null && link.clicksUsed >= link.clickLimit;
}

export class MongoGuestStore implements GuestStore {
  constructor(private readonly models: GuestModels) {}

  private async access(link: LinkDoc | null): Promise<Access | null> {
    if (!link) return null;
    const room = await this.models.rooms.findById(link.roomId).lean<RoomDoc>();
    const platform = room ? await this.models.platforms.findById(room.platformId).lean<PlatformDoc>() : null;
    return { link, room, platform };
  }

  async findLinkEntry(tokenHash: string): Promise<LinkEntry | null> {
    const access = await this.access(await this.models.links.findOne({ tokenHash }).lean<LinkDoc>());
    if (!access?.room) return null;
    return {
      ...accessState(access),
      linkId: access.link._id,
      roomId: access.room._id,
      roomTitle: access.room.title,
      linkExhausted: isExhausted(access.link),
    };
  }

  async join(request: JoinRequest): Promise<JoinResult> {
    const access = await this.access(
      await this.models.links.findOne({ tokenHash: request.tokenHash }).lean<LinkDoc>(),
    );
    if (!access?.room) return { ok: false, reason: 'unknown-link' };
    const { link, room } = access;
    // Refusals decided before counting, so that they count nothing.
    const now = new Date();
    const problem = accessProblem(accessState(access), now);
    if (problem) return { ok: false, reason: problem };
    if (isExhausted(link)) return { ok: false, reason: 'link-invalid' };
    const waits = room.lobbyEnabled || request.mustWait;
    const seats = waits ? await this.freeSeats(room._id, request.waitingCap) : [];
    if (waits && seats.length === 0) return { ok: false, reason: 'lobby-full' };

    // The click, atomically: only while the link is live, unexpired and under its limit.
    const counted = await this.models.links.updateOne(
      {
        _id: link._id,
        live: true,
        $and: [
          { $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
          { $or: [{ clickLimit: null }, { $expr: { $lt: ['$clicksUsed', '$clickLimit'] } }] },
        ],
      },
      { $inc: { clicksUsed: 1 } },
    );
    if (counted.modifiedCount === 0) return { ok: false, reason: 'link-invalid' };
    const uncount = () =>
      this.models.links.updateOne({ _id: link._id, clicksUsed: { $gt: 0 } }, { $inc: { clicksUsed: -1 } });

    const visit: Omit<VisitDoc, 'status' | 'decidedAt'> = {
      _id: request.visitId,
      roomId: room._id,
      linkId: link._id,
      linkName: link.name,
      name: request.name,
      email: request.email,
      outcomeReason: null,
      createdAt: now,
      decidedBy: null,
      decidedByName: null,
      leftAt: null,
      removedAt: null,
      removedByName: null,
      mustWait: request.mustWait,
      admittedOnce: false,
    };
    let created: VisitDoc | null;
    try {
      created = waits
        ? await this.takeSeat(visit, seats)
        : await this.insertVisit({ ...visit, status: 'admitted', decidedAt: now, admittedOnce: true });
    } catch (error) {
      await uncount().catch(() => undefined);
      throw error;
    }
    // Every free place was taken by a parallel join: refused, so the click is given back.
    if (!created) {
      await uncount();
      return { ok: false, reason: 'lobby-full' };
    }
    return {
      ok: true,
      visit: toVisit(waits ? await this.settleWithRoomNow(created, request.mustWait) : created),
    };
  }

  /**
   * Without a transaction, guest access or the lobby may have been turned off between the
   * room read above and this visit's insert, after the moderator's change had already
   * decided every waiting visit it could see. Decide this one as that change would have
   * (a visit that must wait is let in only by a moderator).
   */
  private async settleWithRoomNow(visit: VisitDoc, mustWait: boolean): Promise<VisitDoc> {
    const room = await this.models.rooms.findById(visit.roomId).lean<RoomDoc>();
    const decision = !room?.guestAccessEnabled
      ? { status: 'denied', outcomeReason: 'guest-access-off' }
      : !room.lobbyEnabled && !mustWait
        ? { status: 'admitted', outcomeReason: 'lobby-off' }
        : null;
    if (!decision) return visit;
    const admitted = decision.status === 'admitted' ? { admittedOnce: true } : {};
    const decided = await this.models.visits
      .findOneAndUpdate(
        { _id: visit._id, status: 'waiting' },
        { $set: { ...decision, ...admitted, decidedAt: new Date() } },
        { new: true },
      )
      .lean<VisitDoc>();
    // Turned away before anyone saw it: its click goes back (a visit that must wait never got in).
    if (decided?.status === 'denied') await giveClickBackFor(this.models.links, visit);
    return decided ?? visit;
  }

  /**
   * The lobby places (1..cap) no waiting visit holds; none when the lobby is full. The
   * cap holds under concurrency because a place is claimed by a unique index (takeSeat),
   * not by a count: counting after inserting could refuse every one of a burst of joins.
   */
  private async freeSeats(roomId: string, cap: number): Promise<number[]> {
    const waiting = await this.models.visits
      .find({ roomId, status: 'waiting' }, { _id: 0, seat: 1 })
      .lean<Pick<VisitDoc, 'seat'>[]>();
    if (waiting.length >= cap) return [];
    const taken = new Set(waiting.map((doc) => doc.seat));
    const free: number[] = [];
    for (let seat = 1; seat <= cap; seat++) if (!taken.has(seat)) free.push(seat);
    return free;
  }

  /**
   * Inserts the waiting visit on one of these places, in random order so that parallel
   * joins rarely collide; a place claimed meanwhile fails with E11000 and the next is
   * tried. Null when every one was taken.
   */
  private async takeSeat(
    visit: Omit<VisitDoc, 'status' | 'decidedAt'>,
    seats: number[],
  ): Promise<VisitDoc | null> {
    const left = [...seats];
    while (left.length > 0) {
      const index = Math.floor(Math.random() * left.length);
      const seat = left[index]!;
      left[index] = left[left.length - 1]!;
      left.pop();
      try {
        return await this.insertVisit({ ...visit, status: 'waiting', decidedAt: null, seat });
      } catch (error) {
        if (!isDuplicateKey(error, 'seat', 'waiting_seat')) throw error;
      }
    }
    return null;
  }

  private async insertVisit(visit: VisitDoc): Promise<VisitDoc> {
    return (await this.models.visits.create(visit)).toObject<VisitDoc>();
  }

  async findVisit(visitId: string): Promise<VisitContext | null> {
    const visit = await this.models.visits.findById(visitId).lean<VisitDoc>();
    if (!visit) return null;
    if (visit.invitationId) return this.findInviteeVisit(visit, visit.invitationId);
    const access = await this.access(await this.models.links.findById(visit.linkId).lean<LinkDoc>());
    if (!access?.room) return null;
    return {
      ...accessState(access),
      visit: toVisit(visit),
      roomTitle: access.room.title,
      roomType: access.room.roomType,
      mediaUrl: access.room.mediaUrl ?? null,
      contextTitle: access.room.contextTitle ?? null,
      linkClickLimit: access.link.clickLimit ?? null,
      lobbyMessage: lobbyNote(access.room.lobbyMessage, access.room.lobbyMessageUpdatedAt),
      invitee: null,
    };
  }

  /** An invited person's visit: the invitation stands for the link, its role read each time. */
  private async findInviteeVisit(visit: VisitDoc, invitationId: string): Promise<VisitContext | null> {
    const invitation = await this.models.invitations.findById(invitationId).lean<InvitationDoc>();
    const room = invitation ? await this.models.rooms.findById(visit.roomId).lean<RoomDoc>() : null;
    if (!invitation || !room) return null;
    const platform = await this.models.platforms.findById(room.platformId).lean<PlatformDoc>();
    return {
      ...invitationAccessState(invitation, room, platform),
      visit: toVisit(visit),
      roomTitle: room.title,
      roomType: room.roomType,
      mediaUrl: room.mediaUrl ?? null,
      contextTitle: room.contextTitle ?? null,
      linkClickLimit: null,
      lobbyMessage: lobbyNote(room.lobbyMessage, room.lobbyMessageUpdatedAt),
      invitee: {
        invitationId,
        role: invitation.role,
        startsAt: invitation.startsAt ?? null,
        invitedByName: invitation.createdByName ?? null,
      },
    };
  }

  /** The current roles of these invitations (for the lobby and the guest log). */
  private async inviteRoles(docs: VisitDoc[]): Promise<Map<string, InviteRole>> {
    const ids = [...new Set(docs.map((doc) => doc.invitationId).filter((id): id is string => Boolean(id)))];
    if (ids.length === 0) return new Map();
    const invitations = await this.models.invitations
      .find({ _id: { $in: ids } }, { role: 1 })
      .lean<Pick<InvitationDoc, '_id' | 'role'>[]>();
    return new Map(invitations.map((doc) => [doc._id, doc.role]));
  }

  async comeBack(request: ComeBackRequest): Promise<ComeBackResult> {
    const visit = await this.models.visits.findById(request.visitId).lean<VisitDoc>();
    if (!visit) return { ok: false, reason: 'not-returnable' };
    if (visit.status === 'waiting' || visit.status === 'admitted')
      return { ok: false, reason: 'already-back', visit: toVisit(visit) };
    // An invited person comes back through their personal link (InvitationStore.enter), never here.
    if (!canComeBack(toVisit(visit)) || !visit.linkId) return { ok: false, reason: 'not-returnable' };
    const access = await this.access(await this.models.links.findById(visit.linkId).lean<LinkDoc>());
    if (!access?.room) return { ok: false, reason: 'link-invalid' };
    const now = new Date();
    // No click limit here: the guest holds the click they came in with.
    const problem = accessProblem(accessState(access), now);
    if (problem) return { ok: false, reason: problem };
    const windowOpen = withinComebackWindow(toVisit(visit), now, request.windowMs);
    const admits = windowOpen || (!access.room.lobbyEnabled && !visit.mustWait);
    const reopened = admits
      ? await this.reopen(
          visit._id,
          windowOpen
            ? {}
            : { outcomeReason: 'lobby-off', decidedAt: now, decidedBy: null, decidedByName: null },
          'admitted',
        )
      : await this.reopenWaiting(visit._id, request.waitingCap);
    if (reopened === 'lobby-full') return { ok: false, reason: 'lobby-full' };
    if (!reopened) {
      // A parallel "Join again" re-opened it first.
      const current = await this.models.visits.findById(visit._id).lean<VisitDoc>();
      return current && (current.status === 'waiting' || current.status === 'admitted')
        ? { ok: false, reason: 'already-back', visit: toVisit(current) }
        : { ok: false, reason: 'not-returnable' };
    }
    return {
      ok: true,
      visit: toVisit(
        reopened.status === 'waiting'
          ? await this.settleWithRoomNow(reopened, visit.mustWait ?? false)
          : reopened,
      ),
    };
  }

  /** Moves the visit from left back to status, only if it still is left: one of two parallel calls wins. */
  private reopen(visitId: string, set: Partial<VisitDoc>, status: 'admitted' | 'waiting') {
    return this.models.visits
      .findOneAndUpdate(
        { _id: visitId, status: 'left', admittedOnce: true },
        { $set: { ...set, status, leftAt: null } },
        { returnDocument: 'after' },
      )
      .lean<VisitDoc>();
  }

  /** Back in the lobby on a free place (the cap holds as for a join), or lobby-full. */
  private async reopenWaiting(visitId: string, cap: number): Promise<VisitDoc | null | 'lobby-full'> {
    const visit = await this.models.visits.findById(visitId).lean<VisitDoc>();
    const seats = visit ? await this.freeSeats(visit.roomId, cap) : [];
    if (seats.length === 0) return 'lobby-full';
    for (const seat of seats) {
      try {
        return await this.reopen(
          visitId,
          { seat, outcomeReason: null, decidedAt: null, decidedBy: null, decidedByName: null },
          'waiting',
        );
      } catch (error) {
        if (!isDuplicateKey(error, 'seat', 'waiting_seat')) throw error;
      }
    }
    return 'lobby-full';
  }

  async leave(visitId: string): Promise<boolean> {
    const before = await this.models.visits
      .findOneAndUpdate(
        { _id: visitId, status: { $in: ['waiting', 'admitted'] } },
        { $set: { status: 'left', leftAt: new Date() } },
        { returnDocument: 'before' },
      )
      .lean<VisitDoc>();
    // Left the lobby before getting in: the click goes back.
    await giveClickBackFor(this.models.links, before);
    return before !== null;
  }

  async listWaiting(roomId: string): Promise<WaitingVisit[]> {
    const docs = await this.models.visits
      .find({ roomId, status: 'waiting' })
      .sort({ createdAt: 1, _id: 1 })
      .lean<VisitDoc[]>();
    const roles = await this.inviteRoles(docs);
    return docs.map((doc) => ({
      ...toVisit(doc),
      inviteRole: doc.invitationId ? (roles.get(doc.invitationId) ?? null) : null,
    }));
  }

  async decide(
    roomId: string,
    visitId: string,
    status: 'admitted' | 'denied',
    actor: Actor,
  ): Promise<GuestVisit | null> {
    const doc = await this.models.visits
      .findOneAndUpdate(
        { _id: visitId, roomId, status: 'waiting' },
        {
          $set: {
            status,
            outcomeReason: 'moderator',
            decidedAt: new Date(),
            decidedBy: actor.userId,
            decidedByName: actor.name,
            ...(status === 'admitted' ? { admittedOnce: true } : {}),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<VisitDoc>();
    if (doc?.status === 'denied') await giveClickBackFor(this.models.links, { ...doc, status: 'waiting' });
    return doc ? toVisit(doc) : null;
  }

  async admitAll(roomId: string, actor: Actor): Promise<string[]> {
    return admitWaiting(this.models.visits, roomId, 'moderator', actor, randomUUID());
  }

  async denyAll(roomId: string, actor: Actor): Promise<DeniedVisit[]> {
    const denied = await denyWaiting(this.models.visits, roomId, actor, randomUUID());
    if (denied.length === 0) return [];
    // Fair clicks: those who never got in give their clicks back (a guest sent back to the
    // lobby keeps theirs).
    await giveClicksBack(
      this.models.links,
      denied.filter((visit) => !visit.admittedOnce).map((visit) => visit.linkId),
    );
    await recordAudit(this.models.audit, roomId, actor, 'lobby.denied-all', { denied: denied.length });
    return denied.map(({ id, linkId }) => ({ id, linkId }));
  }

  async setLobbyEnabled(
    roomId: string,
    enabled: boolean,
    actor: Actor,
  ): Promise<{ admitted: string[] } | null> {
    const changed = await this.models.rooms
      .findOneAndUpdate(
        { _id: roomId, lobbyEnabled: !enabled },
        { $set: { lobbyEnabled: enabled, updatedAt: new Date() } },
      )
      .lean<RoomDoc>();
    if (!changed) return (await this.models.rooms.exists({ _id: roomId })) ? { admitted: [] } : null;
    await recordAudit(this.models.audit, roomId, actor, enabled ? 'lobby.enabled' : 'lobby.disabled');
    if (enabled) return { admitted: [] };
    // With the lobby off nobody waits: everyone waiting now goes in.
    return { admitted: await admitWaiting(this.models.visits, roomId, 'lobby-off', actor, randomUUID()) };
  }

  async guestLog(roomId: string): Promise<GuestLogEntry[]> {
    const docs = await this.models.visits
      .find({ roomId })
      .sort({ createdAt: -1, _id: 1 })
      .limit(5000)
      .lean<VisitDoc[]>();
    // Sending a guest back to the lobby clears their admission; the audit keeps who did it and when.
    const sends = await this.models.audit
      .find({ roomId, action: 'live.sent-to-lobby' })
      .sort({ createdAt: 1, _id: 1 })
      .lean<AuditDoc[]>();
    const lastSent = new Map(sends.map((send) => [String(send.details.visitId), send]));
    const roles = await this.inviteRoles(docs);
    return docs.map((doc) => ({
      visitId: doc._id,
      name: doc.name,
      email: doc.email,
      linkName: doc.linkName,
      role: doc.invitationId ? (roles.get(doc.invitationId) ?? null) : null,
      joinedAt: doc.createdAt,
      status: doc.status,
      outcomeReason: doc.outcomeReason ?? null,
      decidedAt: doc.decidedAt ?? null,
      decidedByName: doc.decidedByName ?? null,
      leftAt: doc.leftAt ?? null,
      removedAt: doc.removedAt ?? null,
      removedByName: doc.removedByName ?? null,
      sentToLobbyAt: lastSent.get(doc._id)?.createdAt ?? null,
      sentToLobbyByName: lastSent.get(doc._id)?.actorName ?? null,
      decidedBy: doc.decidedBy ?? null,
      removedBy: doc.removedBy ?? null,
      sentToLobbyBy: lastSent.get(doc._id)?.actorUserId ?? null,
    }));
  }

  async setLobbyMessage(
    roomId: string,
    text: string | null,
    actor: Actor,
  ): Promise<{ changed: boolean; message: LobbyNote | null } | null> {
    const at = text === null ? null : new Date();
    // Conditional, as the SQL update is: only a different message changes (and is audited).
    const changed = await this.models.rooms
      .findOneAndUpdate(
        { _id: roomId, lobbyMessage: { $ne: text } },
        {
          $set: {
            lobbyMessage: text,
            lobbyMessageUpdatedAt: at,
            lobbyMessageUpdatedBy: actor.userId,
            updatedAt: new Date(),
          },
        },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<RoomDoc>();
    if (changed) {
      await recordAudit(
        this.models.audit,
        roomId,
        actor,
        text === null ? 'lobby.message-cleared' : 'lobby.message-set',
        {
          length: text?.length ?? 0,
        },
      );
      return { changed: true, message: lobbyNote(changed.lobbyMessage, changed.lobbyMessageUpdatedAt) };
    }
    const room = await this.models.rooms.findById(roomId).lean<RoomDoc>();
    return room
      ? { changed: false, message: lobbyNote(room.lobbyMessage, room.lobbyMessageUpdatedAt) }
      : null;
  }

  async sendPrivateMessage(roomId: string, visitId: string, text: string): Promise<PrivateMessageResult> {
    const doc = await this.models.visits
      .findOneAndUpdate(
        { _id: visitId, roomId, status: 'waiting' },
        { $set: { privateMessage: text, privateMessageAt: new Date() } },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<VisitDoc>();
    if (doc) return { ok: true, visit: toVisit(doc) };
    const exists = await this.models.visits.exists({ _id: visitId, roomId });
    return { ok: false, reason: exists ? 'not-waiting' : 'not-found' };
  }

  async waitingPageReads(roomId: string, visitIds: string[], withRoom: boolean): Promise<WaitingPageReads> {
    const [room, docs] = await Promise.all([
      withRoom
        ? this.models.rooms.findById(roomId, { lobbyMessage: 1, lobbyMessageUpdatedAt: 1 }).lean<RoomDoc>()
        : null,
      visitIds.length > 0
        ? this.models.visits
            .find({ _id: { $in: visitIds }, roomId }, { status: 1, privateMessage: 1, privateMessageAt: 1 })
            .lean<VisitDoc[]>()
        : [],
    ]);
    const reads: WaitingPageReads = {
      visits: new Map(
        docs.map((doc) => [
          doc._id,
          { status: doc.status, privateMessage: lobbyNote(doc.privateMessage, doc.privateMessageAt) },
        ]),
      ),
    };
    if (withRoom) reads.lobbyMessage = lobbyNote(room?.lobbyMessage, room?.lobbyMessageUpdatedAt);
    return reads;
  }

  async visitStatuses(visitIds: string[]): Promise<Map<string, GuestVisit['status']>> {
    if (visitIds.length === 0) return new Map();
    const docs = await this.models.visits
      .find({ _id: { $in: visitIds } }, { status: 1 })
      .lean<Pick<VisitDoc, '_id' | 'status'>[]>();
    return new Map(docs.map((doc) => [doc._id, doc.status]));
  }
}
