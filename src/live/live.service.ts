import { randomBytes } from 'node:crypto';
import type { EventStream } from '../http/sse';
import { publishRoomChange, type RoomEventChannel } from '../rooms/room-events';
import type { Logger } from '../logger';
import {
  LiveRefusedError,
  NotAdmittedError,
  NotConnectedError,
  ParticipantGoneError,
  RemovedFromSessionError,
  RoomFullError,
} from './live-errors';
import { iceServersFor } from './ice-servers';
import type { LiveConfig } from '../config/live-config';
import { toWire } from './live-events';
import type { LiveHub } from './live-hub';
import type { LiveJoinRefusal, LiveStore } from './live.store';
import {
  actionRefusal,
  allowedMedia,
  canModerate,
  canPublish,
  countsTowardCap,
  viewFor,
  type BaseRole,
  type LiveParticipant,
  type MediaState,
  type ModeratorAction,
  identityOfVisit,
} from './participant';
import type { RoomEngine } from './room-engine';
import { parseLink, SFU_END, signalRefusal, type ClientSignal } from './signal';
import type { Actor } from '../rooms/room-role';
import { text, type LocalizedText, type Translator } from '../i18n/translator';

/** Who is asking, as their launch or guest pass says, checked for this request. */
export interface LiveIdentity {
  roomId: string;
  identity: string;
  visitId: string | null;
  userId: string | null;
  name: string;
  baseRole: BaseRole;
  actor: Actor;
}

const refuse = (status: number, code: string, message: LocalizedText) =>
  new LiveRefusedError({ status, code, message });

/** The live session's use cases: connecting, signalling, presenting, raising hands, moderating. */
export class LiveService {
  constructor(
    private readonly store: LiveStore,
    private readonly hub: LiveHub,
    private readonly engine: RoomEngine,
    private readonly lobbyEvents: RoomEventChannel,
    private readonly instanceId: string,
    private readonly logger: Logger,
    private readonly iceConfig: Pick<LiveConfig, 'iceServers' | 'turn'>,
  ) {}

  private joinRefusal(reason: LiveJoinRefusal): Error {
    if (reason === 'full') return new RoomFullError(this.engine.participantCap ?? 0);
    if (reason === 'removed') return new RemovedFromSessionError();
    return new NotAdmittedError();
  }

  /**
   * Why this person's page cannot join the stage now, checked when the page loads (and again,
   * atomically, when it connects): a full room is a page of its own, a removal a notice.
   */
  /** Whether a host or moderator is on the room's live stage now: the waiting page says so. */
  moderatorPresent(roomId: string): Promise<boolean> {
    return this.store.moderatorPresent(roomId);
  }

  async pageProblem(who: LiveIdentity): Promise<'removed' | null> {
    if (who.visitId === null && (await this.store.isRemoved(who.roomId, who.identity))) return 'removed';
    const cap = this.engine.participantCap;
    if (cap !== null && countsTowardCap(who.baseRole)) {
      if ((await this.store.countTowardCap(who.roomId, who.identity)) >= cap) throw new RoomFullError(cap);
    }
    return null;
  }

  /**
   * Connects a page: records the participant (refusing a full room, a guest no longer
   * admitted, a removed user), opens its event stream and sends it the room as it is. An
   * invited person's role is the one the store recorded (their invitation's as it joined), which
   * may be newer than `who`'s: everything below reads the participant.
   */
  async connect(who: LiveIdentity, open: () => EventStream, i18n: Translator): Promise<void> {
    await this.engine.ensureSession(who.roomId);
    const result = await this.store.join({
      id: randomBytes(16).toString('base64url'),
      roomId: who.roomId,
      identity: who.identity,
      visitId: who.visitId,
      userId: who.userId,
      name: who.name,
      baseRole: who.baseRole,
      instanceId: this.instanceId,
      cap: this.engine.participantCap,
    });
    if (!result.ok) throw this.joinRefusal(result.reason);
    const { participant, replaced } = result;
    const stream = open();
    this.hub.add(participant, stream, i18n);
    stream.onClose(() => void this.disconnected(participant.id));
    // The page went away while it was being connected: disconnected() has ended it.
    if (stream.closed) return;
    if (replaced) this.hub.departed(replaced, 'replaced');
    this.hub.joined(participant);
    try {
      const everyone = await this.store.list(who.roomId);
      this.hub.ready(participant.id, 'welcome', {
        self: viewFor(participant, participant),
        participants: everyone.map((other) => viewFor(participant, other)),
        config: { ...this.engine.clientConfig(), iceServers: iceServersFor(this.iceConfig, participant.id) },
        canModerate: canModerate(participant.baseRole),
      });
      await this.engine.join(participant);
    } catch (error) {
      this.logger.warn({ err: error, roomId: who.roomId }, 'Setting up a live connection failed');
      stream.close();
    }
  }

  private async disconnected(participantId: string): Promise<void> {
    this.hub.forget(participantId);
    try {
      const left = await this.store.leave(participantId);
      if (left) this.hub.departed(left, 'left');
    } catch (error) {
      // No instance touches it any more: the sweep ends it within a minute instead.
      this.logger.warn({ err: error }, 'Recording a live departure failed');
    }
  }

  /** The caller's own connection, which every participant request names. */
  private async own(who: LiveIdentity, participantId: string): Promise<LiveParticipant> {
    const participant = await this.store.find(participantId);
    if (!participant || participant.identity !== who.identity || participant.roomId !== who.roomId)
      throw new NotConnectedError();
    return participant;
  }

  private async inRoom(roomId: string, participantId: string): Promise<LiveParticipant> {
    const participant = await this.store.find(participantId);
    if (!participant || participant.roomId !== roomId) throw new ParticipantGoneError();
    return participant;
  }

  /** Relays a page's offer, answer or candidate on one of its links, after the room's rules. */
  async signal(who: LiveIdentity, participantId: string, signal: ClientSignal): Promise<void> {
    const sender = await this.own(who, participantId);
    const link = parseLink(signal.link);
    if (!link) throw refuse(400, 'BAD_LINK', text('live:refused.badLink'));
    const refusal = signalRefusal(sender, link, signal);
    if (refusal) throw new LiveRefusedError(refusal);
    const sfu = this.engine.clientConfig().topology === 'sfu';
    if ((link.subscriber === SFU_END) !== (sfu && link.publisher === sender.id))
      throw refuse(400, 'BAD_LINK', text('live:refused.badLink'));
    if (link.subscriber !== SFU_END) {
      const other = await this.inRoom(
        who.roomId,
        link.publisher === sender.id ? link.subscriber : link.publisher,
      );
      if (other.id === link.publisher && !canPublish(other))
        throw refuse(409, 'NOT_PRESENTING', text('live:refused.notPresenting'));
    }
    // With a media server, a page's handles live on the instance holding its stream: a post
    // that reached another instance (no sticky load balancing) is handed over to that one.
    if (sfu && sender.instanceId !== this.instanceId) {
      await this.hub.publish({
        roomId: who.roomId,
        type: 'relay',
        instanceId: sender.instanceId,
        from: toWire(sender),
        link,
        signal,
      });
      return;
    }
    await this.engine.signal(sender, link, signal);
  }

  /** A presenter's camera, microphone and screen as they are now. */
  async setMedia(who: LiveIdentity, participantId: string, media: MediaState): Promise<void> {
    const participant = await this.own(who, participantId);
    if (!allowedMedia(participant, media))
      throw refuse(403, 'RECEIVE_ONLY', text('live:refused.receiveOnly'));
    const updated = await this.store.update(participantId, { media });
    if (!updated) throw new NotConnectedError();
    this.hub.joined(updated, 'changed');
  }

  async setHand(who: LiveIdentity, participantId: string, raised: boolean): Promise<void> {
    await this.own(who, participantId);
    const updated = await this.store.update(participantId, { handRaised: raised });
    if (!updated) throw new NotConnectedError();
    this.hub.joined(updated, 'changed');
  }

  /** A moderator's action on another participant. */
  async act(
    who: LiveIdentity,
    actorParticipantId: string | null,
    targetId: string,
    action: ModeratorAction,
  ): Promise<void> {
    await this.requireModerator(who);
    const target = await this.inRoom(who.roomId, targetId);
    const refusal = actionRefusal(
      { participantId: actorParticipantId, baseRole: who.baseRole },
      target,
      action,
    );
    if (refusal) throw new LiveRefusedError(refusal);
    switch (action) {
      case 'remove':
      case 'lobby': {
        const gone =
          action === 'remove'
            ? await this.store.remove(targetId, who.actor)
            : await this.store.sendToLobby(targetId, who.actor);
        if (!gone) throw new ParticipantGoneError();
        // Awaited: the moderator's answer comes once every instance can end the connection.
        await this.hub.publish({
          roomId: who.roomId,
          type: 'departed',
          participant: toWire(gone),
          reason: action === 'remove' ? 'removed' : 'lobby',
        });
        if (gone.visitId) publishRoomChange(this.lobbyEvents, this.logger, who.roomId, [gone.visitId]);
        return;
      }
      case 'mute': {
        const updated = await this.change(targetId, { media: { audio: false } });
        await this.hub.publish({ roomId: who.roomId, type: 'muted', to: targetId, by: who.name });
        await this.engine.mute(updated);
        return;
      }
      case 'speak':
      case 'unspeak':
        await this.change(targetId, { speaking: action === 'speak' });
        return;
      case 'lower-hand':
        await this.change(targetId, { handRaised: false });
        return;
    }
  }

  private async change(
    participantId: string,
    change: Parameters<LiveStore['update']>[1],
  ): Promise<LiveParticipant> {
    const updated = await this.store.update(participantId, change);
    if (!updated) throw new ParticipantGoneError();
    this.hub.joined(updated, 'changed');
    return updated;
  }

  /** Ends the session for everyone in the room (hosts and moderators). */
  async end(who: LiveIdentity): Promise<{ ended: number }> {
    await this.requireModerator(who);
    const ended = await this.store.endAll(who.roomId);
    await this.hub.publish({ roomId: who.roomId, type: 'ended', by: who.name });
    await this.engine.end(who.roomId);
    return { ended: ended.length };
  }

  async removedUsers(who: LiveIdentity) {
    await this.requireModerator(who);
    return this.store.listRemovedUsers(who.roomId);
  }

  async allowBack(who: LiveIdentity, identity: string): Promise<void> {
    await this.requireModerator(who);
    const removed = (await this.store.listRemovedUsers(who.roomId)).find(
      (entry) => entry.identity === identity,
    );
    if (!removed) throw refuse(404, 'NOT_REMOVED', text('live:refused.notRemoved'));
    if (removed.baseRole !== 'viewer' && who.baseRole !== 'host')
      throw refuse(403, 'OUTRANKED', text('live:refused.outrankedLetBack'));
    if (!(await this.store.allowBack(who.roomId, identity)))
      throw refuse(404, 'NOT_REMOVED', text('live:refused.notRemoved'));
  }

  /**
   * Ends an invited person's connection when their invitation changes (Invite users): revoked,
   * they are out; a new role, their page connects again and gets the new role's rights. Their
   * media stop at once: every instance ends the connection and its engine handles on the event.
   */
  async endVisitConnection(
    roomId: string,
    visitId: string,
    reason: 'revoked' | 'role-changed',
  ): Promise<void> {
    const identity = identityOfVisit(visitId);
    const connected = (await this.store.list(roomId)).filter(
      (participant) => participant.identity === identity,
    );
    for (const participant of connected) {
      const gone = await this.store.leave(participant.id);
      if (gone) await this.hub.publish({ roomId, type: 'departed', participant: toWire(gone), reason });
    }
  }

  /**
   * Moderation is for hosts and moderators on the stage's side: one the host removed keeps
   * their launch role but none of its powers here until let back in.
   */
  private async requireModerator(who: LiveIdentity): Promise<void> {
    if (!canModerate(who.baseRole)) throw refuse(403, 'FORBIDDEN', text('live:refused.notModerator'));
    if (await this.store.isRemoved(who.roomId, who.identity))
      throw refuse(403, 'REMOVED', text('live:errors.removed'));
  }
}
