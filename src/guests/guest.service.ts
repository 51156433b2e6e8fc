import { randomUUID } from 'node:crypto';
import { isWellFormedToken, tokenHash } from '../guest-access/guest-link-token';
import type { RoomEventChannel } from '../rooms/room-events';
import { publishRoomChange } from '../rooms/room-events';
import type { Logger } from '../logger';
import { accessProblem, endedVisitProblem, type GuestVisit, type JoinForm } from './guest';
import { GuestProblemError } from './guest-errors';
import type { GuestStore, LinkEntry, VisitContext } from './guest.store';
import type { LinkEntryCache } from '../guest-access/link-entry-cache';

export interface EntryPage {
  roomId: string;
  roomTitle: string;
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

  /** The link's room, if the link would let a guest in now. Counts nothing. */
  async entry(token: string): Promise<EntryPage> {
    if (!isWellFormedToken(token)) throw new GuestProblemError('unknown-link');
    const entry = await this.linkEntry(tokenHash(token));
    if (!entry) throw new GuestProblemError('unknown-link');
    const problem = accessProblem(entry, this.now()) ?? (entry.linkExhausted ? 'link-invalid' : null);
    if (problem) throw new GuestProblemError(problem);
    return { roomId: entry.roomId, roomTitle: entry.roomTitle };
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

  /** The visit behind a guest's pass, re-checked against the link, room, access and modules. */
  async visit(roomId: string, visitId: string | null): Promise<VisitContext> {
    const context = await this.ownVisit(roomId, visitId);
    if (context.visit.status !== 'left') {
      const problem = accessProblem(context, this.now());
      if (problem) throw new GuestProblemError(problem);
    }
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
