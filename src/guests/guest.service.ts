import { randomUUID } from 'node:crypto';
import { isWellFormedToken, tokenHash } from '../guest-access/guest-link-token';
import type { RoomEventChannel } from '../rooms/room-events';
import { publishRoomChange } from '../rooms/room-events';
import type { Logger } from '../logger';
import {
  accessProblem,
  canComeBack,
  COMEBACK_WINDOW_MS,
  endedVisitProblem,
  visitAccessProblem,
  type GuestVisit,
  type JoinForm,
} from './guest';
import { GuestProblemError } from './guest-errors';
import type { GuestStore, LinkEntry, VisitContext } from './guest.store';
import type { LinkEntryCache } from '../guest-access/link-entry-cache';

export interface EntryPage {
  roomId: string;
  roomTitle: string;
  /** This browser's visit in the room, if it is waiting, admitted, or may come back. */
  returning: GuestVisit | null;
}

/** The guest's side: the entry page, joining, and every later page load's re-check. */
export class GuestService {
  constructor(
    private readonly store: GuestStore,
    private readonly events: RoomEventChannel,
    private readonly logger: Logger,
    private readonly waitingCap: number,
    private readonly entries: LinkEntryCache<LinkEntry>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async linkEntry(hash: string) {
    const cached = this.entries.get(hash);
    if (cached !== undefined) return cached;
    const entry = await this.store.findLinkEntry(hash);
    this.entries.set(hash, entry);
    return entry;
  }

  /**
   * The link's room, if the link would let a guest in now, and the visit of this browser's
   * pass in that room when it is live or may come back. Counts nothing. A guest who holds a
   * click may come back through a link whose clicks are all used.
   */
  async entry(token: string, visitOf: ((roomId: string) => string | null) | null = null): Promise<EntryPage> {
    if (!isWellFormedToken(token)) throw new GuestProblemError('unknown-link');
    const entry = await this.linkEntry(tokenHash(token));
    if (!entry) throw new GuestProblemError('unknown-link');
    const problem = accessProblem(entry, this.now());
    if (problem) throw new GuestProblemError(problem);
    const returning = visitOf ? await this.returningVisit(entry.roomId, visitOf(entry.roomId)) : null;
    if (entry.linkExhausted && !returning) throw new GuestProblemError('link-invalid');
    return { roomId: entry.roomId, roomTitle: entry.roomTitle, returning };
  }

  /** A visit of this room that is waiting, admitted, or got in and left; else null. */
  private async returningVisit(roomId: string, visitId: string | null): Promise<GuestVisit | null> {
    const context = visitId ? await this.store.findVisit(visitId) : null;
    if (!context || context.visit.roomId !== roomId) return null;
    const { visit } = context;
    return visit.status === 'waiting' || visit.status === 'admitted' || canComeBack(visit) ? visit : null;
  }

  /**
   * Joins through a link: one click counted and one visit recorded, atomically.
   * A guest already holding a live visit in the link's room keeps it instead.
   */
  async join(
    token: string,
    form: JoinForm,
    existingVisit: ((roomId: string) => string | null) | null,
  ): Promise<GuestVisit> {
    if (!isWellFormedToken(token)) throw new GuestProblemError('unknown-link');
    const hash = tokenHash(token);
    // Only a browser holding some guest pass can already be in this link's room.
    const entry = existingVisit ? await this.linkEntry(hash) : null;
    let mustWait = false;
    if (entry && existingVisit) {
      const visitId = existingVisit(entry.roomId);
      const current = visitId ? await this.store.findVisit(visitId) : null;
      if (current && (current.visit.status === 'waiting' || current.visit.status === 'admitted'))
        return current.visit;
      // A guest who got in and left comes back on their own visit: no second click.
      if (current && canComeBack(current.visit)) {
        const back = await this.comeBack(entry.roomId, current.visit.id);
        if (back) return back;
      }
      // A browser whose guest a moderator removed comes back only if a moderator admits it,
      // however often it asks again (leaving the lobby or being denied sheds nothing).
      mustWait = current?.visit.status === 'removed' || current?.visit.mustWait === true;
    }
    const result = await this.store.join({
      tokenHash: hash,
      visitId: randomUUID(),
      name: form.name,
      email: form.email,
      waitingCap: this.waitingCap,
      mustWait,
    });
    if (!result.ok) {
      // The database said no: whatever this instance cached about the link is stale.
      this.entries.forget(hash);
      throw new GuestProblemError(result.reason);
    }
    // The link's click count changed: its entry page may now be a "no longer valid" page.
    this.entries.forgetRoom(result.visit.roomId);
    this.publish(result.visit.roomId, [result.visit.id]);
    return result.visit;
  }

  /**
   * "Join again" from the browser holding the pass of a visit that got in and left: re-opens
   * that visit without a click. Null when it cannot come back that way (it never got in, or
   * was denied or removed): the entry form is the way in then.
   */
  async comeBack(roomId: string, visitId: string | null): Promise<GuestVisit | null> {
    if (!visitId) return null;
    const result = await this.store.comeBack({
      visitId,
      waitingCap: this.waitingCap,
      windowMs: COMEBACK_WINDOW_MS,
    });
    if (result.ok) {
      this.publish(roomId, [result.visit.id]);
      return result.visit;
    }
    if (result.reason === 'already-back') return result.visit;
    if (result.reason === 'not-returnable') return null;
    throw new GuestProblemError(result.reason);
  }

  /** The visit behind a guest's pass, re-checked against the link, room, access and modules. */
  async visit(roomId: string, visitId: string | null): Promise<VisitContext> {
    const context = await this.ownVisit(roomId, visitId);
    if (context.visit.status !== 'left') {
      const problem = visitAccessProblem(context, this.now());
      if (problem) throw new GuestProblemError(problem);
    }
    return context;
  }

  /**
   * The visit behind a pass when its page connects to the live stage or a moderator acts there.
   * A guest's link and access are not re-checked: guests already inside stay until they refresh
   * or leave. An invited person's invitation is, with the room's availability and modules, as
   * on every page load: one revoked or expired gives no moderator power and no new connection
   * (an open one lasts until it ends).
   */
  async stageVisit(roomId: string, visitId: string | null): Promise<VisitContext> {
    const context = await this.ownVisit(roomId, visitId);
    const problem = context.invitee ? visitAccessProblem(context, this.now()) : null;
    if (problem) throw new GuestProblemError(problem);
    return context;
  }

  /**
   * The visit behind a guest's pass, if it is for this room and has not ended; the link, room
   * and access are not re-checked (the live stage keeps guests who are already inside).
   */
  async ownVisit(roomId: string, visitId: string | null): Promise<VisitContext> {
    if (!visitId) throw new GuestProblemError('not-in-session');
    const context = await this.store.findVisit(visitId);
    if (!context || context.visit.roomId !== roomId) throw new GuestProblemError('not-in-session');
    const ended = endedVisitProblem(context.visit);
    if (ended) throw new GuestProblemError(ended);
    return context;
  }

  async leave(roomId: string, visitId: string | null): Promise<VisitContext> {
    const context = await this.visit(roomId, visitId);
    if (await this.store.leave(context.visit.id)) this.publish(roomId, [context.visit.id]);
    return context;
  }

  private publish(roomId: string, visitIds: string[]): void {
    publishRoomChange(this.events, this.logger, roomId, visitIds);
  }
}
