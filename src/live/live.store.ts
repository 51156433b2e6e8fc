import type { BaseRole, LiveParticipant, MediaState } from './participant';
import type { Actor } from '../rooms/room-role';

export interface LiveJoinRequest {
  id: string;
  roomId: string;
  identity: string;
  visitId: string | null;
  userId: string | null;
  name: string;
  /** An invited person's is their invitation's role as the join reads it, whatever this says. */
  baseRole: BaseRole;
  instanceId: string;
  /** Most participants the room may hold; hosts and moderators are never refused. Null: no cap. */
  cap: number | null;
}

export type LiveJoinRefusal = 'full' | 'not-admitted' | 'removed';

export type LiveJoinResult =
  | { ok: true; participant: LiveParticipant; replaced: LiveParticipant | null }
  | { ok: false; reason: LiveJoinRefusal };

export interface ParticipantChange {
  speaking?: boolean;
  handRaised?: boolean;
  /** The media named change; the others stay as they are (a mute touches the microphone only). */
  media?: Partial<MediaState>;
}

/** Why a participant is no longer in the room, as their page and the others learn it. */
export type DepartureReason =
  | 'left'
  | 'removed'
  | 'lobby'
  | 'replaced'
  | 'ended'
  | 'lost'
  /** An invited person's invitation was revoked. */
  | 'revoked'
  /** An invited person's role changed: their page connects again with the new rights. */
  | 'role-changed';

/** A launched user kept off a room's stage by a moderator. */
export interface RemovedUser {
  identity: string;
  name: string;
  /** Their role when removed: only the host lets a moderator back. */
  baseRole: BaseRole;
  removedAt: Date;
}

export interface LiveStore {
  /**
   * In one atomic step: refuses a guest whose visit is not admitted (nor an invited person's
   * whose invitation was revoked or has expired) and a user a moderator removed, replaces the
   * identity's earlier connection, applies the cap (counting only participants seen recently)
   * and records the participant. An invited person is recorded with their invitation's role as
   * it is then, not the request's (read earlier): a role change either comes first, or finds the
   * connection to end. A refused join ends nothing: the earlier connection stays.
   */
  join(request: LiveJoinRequest): Promise<LiveJoinResult>;
  /** The participant, if connected and seen recently. */
  find(participantId: string): Promise<LiveParticipant | null>;
  /** The room's connected participants, oldest first. */
  list(roomId: string): Promise<LiveParticipant[]>;
  /** Whether a host or moderator is connected to the room's live session now (seen recently). */
  moderatorPresent(roomId: string): Promise<boolean>;
  /** How many participants count toward the room's cap now, leaving out one identity's own connection. */
  countTowardCap(roomId: string, exceptIdentity?: string): Promise<number>;
  /**
   * Applies a change. Only viewers and guests can be invited to speak (or stopped), media
   * can only be set where the participant may present once the change applies, and stopping
   * someone speaking clears their media too. Null: no such participant, or a change these
   * rules refuse (which changes nothing, and is never an error).
   */
  update(participantId: string, change: ParticipantChange): Promise<LiveParticipant | null>;
  /** Ends a connection; null when it had already ended. */
  leave(participantId: string): Promise<LiveParticipant | null>;
  /**
   * Removes a participant and keeps them out: a guest's visit becomes removed (recorded with
   * who did it), a launched user is barred from the room's live session until let back in.
   */
  remove(participantId: string, actor: Actor): Promise<LiveParticipant | null>;
  /** Ends an admitted guest's connection and puts their visit back in the lobby. */
  sendToLobby(participantId: string, actor: Actor): Promise<LiveParticipant | null>;
  /** Launched users a moderator removed from the room's live session. */
  listRemovedUsers(roomId: string): Promise<RemovedUser[]>;
  isRemoved(roomId: string, identity: string): Promise<boolean>;
  allowBack(roomId: string, identity: string): Promise<boolean>;
  /** Ends every connection of the room. */
  endAll(roomId: string): Promise<LiveParticipant[]>;
  /**
   * Marks these participants (the connections an instance holds) as seen now; answers those of
   * them that no longer exist (ended meanwhile, perhaps without their instance hearing of it).
   * Only connections that really are held are touched: an orphaned row ages out and is swept.
   */
  touch(participantIds: string[]): Promise<string[]>;
  /** Ends connections not seen for a while (their instance went away); returns them. */
  sweepStale(): Promise<LiveParticipant[]>;
}

/** How often each instance marks its participants as seen. */
export const HEARTBEAT_SECONDS = 15;
/** A participant not seen for this long is gone: its instance stopped or lost the database. */
export const STALE_AFTER_SECONDS = 45;
