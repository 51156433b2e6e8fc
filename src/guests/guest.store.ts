import type { AccessState, GuestVisit } from './guest';
import type { LobbyNote } from '../rooms/room';
import type { Actor, InviteRole } from '../rooms/room-role';

/** An invited person's standing, read with their visit: the role is current, never copied. */
export interface InviteeContext {
  invitationId: string;
  role: InviteRole;
  startsAt: Date | null;
  invitedByName: string | null;
}

/** A link as its entry page needs it, with everything that decides whether it still admits. */
export interface LinkEntry extends AccessState {
  linkId: string;
  roomId: string;
  roomTitle: string;
  linkExhausted: boolean;
}

/** A visit with the current state of its link, room and platform. */
export interface VisitContext extends AccessState {
  visit: GuestVisit;
  roomTitle: string;
  roomType: string;
  mediaUrl: string | null;
  contextTitle: string | null;
  /** The link's click limit (null: unlimited); Leave asks first when coming back may cost one. */
  linkClickLimit: number | null;
  /** The room's lobby message, for the waiting page. */
  lobbyMessage: LobbyNote | null;
  /** Set for an invited person's visit (no link: linkClickLimit null, link fields stand for the invitation). */
  invitee: InviteeContext | null;
}

export type PrivateMessageResult =
  { ok: true; visit: GuestVisit } | { ok: false; reason: 'not-found' | 'not-waiting' };

/** What waiting pages need after a room event: one read for all of a room's waiting streams. */
export interface WaitingPageReads {
  /** The room's lobby message; absent unless asked for. */
  lobbyMessage?: LobbyNote | null;
  /** Each named visit of the room that still exists. */
  visits: Map<string, { status: GuestVisit['status']; privateMessage: LobbyNote | null }>;
}

export type JoinRefusal =
  'unknown-link' | 'link-invalid' | 'guest-access-off' | 'room-unavailable' | 'lobby-full';

export type JoinResult = { ok: true; visit: GuestVisit } | { ok: false; reason: JoinRefusal };

export interface JoinRequest {
  tokenHash: string;
  visitId: string;
  name: string;
  email: string;
  waitingCap: number;
  /** Waits in the lobby even when it is off: the browser's guest was removed from the room. */
  mustWait: boolean;
}

export interface ComeBackRequest {
  visitId: string;
  waitingCap: number;
  /** COMEBACK_WINDOW_MS (guests/guest.ts): admitted within it, the guest goes straight in. */
  windowMs: number;
}

/**
 * already-back: the visit is waiting or admitted again (a parallel "Join again" won);
 * not-returnable: it never got in, or it was denied or removed.
 */
export type ComeBackResult =
  | { ok: true; visit: GuestVisit }
  | { ok: false; reason: 'already-back'; visit: GuestVisit }
  | { ok: false; reason: 'not-returnable' | Exclude<JoinRefusal, 'unknown-link'> };

export interface GuestLogEntry {
  visitId: string;
  name: string;
  email: string;
  linkName: string;
  /** The invitation's current role for an invited person's visit; null for a guest link's. */
  role: InviteRole | null;
  joinedAt: Date;
  status: GuestVisit['status'];
  outcomeReason: GuestVisit['outcomeReason'];
  decidedAt: Date | null;
  decidedByName: string | null;
  leftAt: Date | null;
  removedAt: Date | null;
  removedByName: string | null;
  /** The last time a moderator sent this admitted guest back to the lobby (from the audit). */
  sentToLobbyAt: Date | null;
  sentToLobbyByName: string | null;
  /**
   * Who decided, removed and sent back, by user id: a launched user's platform may send no name
   * (the *ByName fields are then null), and the guest log labels them from the id instead.
   */
  decidedBy: string | null;
  removedBy: string | null;
  sentToLobbyBy: string | null;
}

/** A visit a bulk denial ended, with its link (a denied join may give its click back); null for an invitee. */
export interface DeniedVisit {
  id: string;
  linkId: string | null;
}

/** A visit in the lobby, with the invitation's current role when an invited person waits. */
export interface WaitingVisit extends GuestVisit {
  inviteRole: InviteRole | null;
}

export interface GuestStore {
  findLinkEntry(tokenHash: string): Promise<LinkEntry | null>;
  /**
   * In one atomic step: re-checks the link, room, access and modules, counts one
   * click (never beyond the limit) and records the visit — waiting, or admitted when
   * the room's lobby is off. A refusal counts nothing and stores nothing.
   */
  join(request: JoinRequest): Promise<JoinResult>;
  findVisit(visitId: string): Promise<VisitContext | null>;
  /**
   * "Join again": re-opens a visit that got in and left, atomically and without a click —
   * admitted within the window (or with the lobby off), else waiting under the lobby cap —
   * after accessProblem's checks (a used-up click limit does not refuse it).
   */
  comeBack(request: ComeBackRequest): Promise<ComeBackResult>;
  /**
   * Marks an admitted or waiting visit as left; false if it was neither. A visit that never
   * got in gives its click back.
   */
  leave(visitId: string): Promise<boolean>;
  listWaiting(roomId: string): Promise<WaitingVisit[]>;
  /**
   * Admits or denies one waiting visit; null if it is not waiting in that room. A denied visit
   * that never got in gives its click back.
   */
  decide(
    roomId: string,
    visitId: string,
    status: 'admitted' | 'denied',
    actor: Actor,
  ): Promise<GuestVisit | null>;
  /** Admits every guest waiting in the room; returns their visit ids. */
  admitAll(roomId: string, actor: Actor): Promise<string[]>;
  /**
   * Denies every guest waiting in the room, under the room's lobby lock, and records it in
   * the audit log; returns the visits it denied (none: nothing is recorded).
   */
  denyAll(roomId: string, actor: Actor): Promise<DeniedVisit[]>;
  /** Sets the room's lobby; turning it off admits everyone waiting. Null: no such room. */
  setLobbyEnabled(roomId: string, enabled: boolean, actor: Actor): Promise<{ admitted: string[] } | null>;
  guestLog(roomId: string): Promise<GuestLogEntry[]>;
  /**
   * Sets (text) or clears (null) the room's lobby message and records it in the audit log,
   * atomically; an unchanged message changes and records nothing. Null: no such room.
   */
  setLobbyMessage(
    roomId: string,
    text: string | null,
    actor: Actor,
  ): Promise<{ changed: boolean; message: LobbyNote | null } | null>;
  /** Keeps a private message on a visit, only while it waits in that room. */
  sendPrivateMessage(roomId: string, visitId: string, text: string): Promise<PrivateMessageResult>;
  /** The named visits' statuses and private messages, and the room's lobby message if asked. */
  waitingPageReads(roomId: string, visitIds: string[], withRoom: boolean): Promise<WaitingPageReads>;
  /** The current status of each of these visits (missing ids are left out). */
  visitStatuses(visitIds: string[]): Promise<Map<string, GuestVisit['status']>>;
}
