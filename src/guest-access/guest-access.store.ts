import type { GuestLink } from './guest-link';
import type { Actor } from '../rooms/room-role';

export interface NewGuestLink {
  id: string;
  roomId: string;
  name: string;
  nameKey: string;
  tokenSeed: string;
  tokenHash: string;
  clickLimit: number | null;
  /** Days from the moment the store creates the link; null: never expires. */
  durationDays: number | null;
  actor: Actor;
}

export type CreateLinkResult =
  | { ok: true; link: GuestLink }
  | { ok: false; reason: 'room-missing' | 'guest-access-disabled' | 'limit-reached' | 'name-taken' };

/** What an edit changes; a field left out keeps its value. */
export interface GuestLinkChanges {
  name?: string;
  /** Given with name. */
  nameKey?: string;
  /** Null: no limit. */
  clickLimit?: number | null;
  /** Days from the moment the store saves the edit; null: never expires. */
  durationDays?: number | null;
}

export type EditLinkResult =
  | { ok: true; link: GuestLink; guestAccessEnabled: boolean }
  | { ok: false; reason: 'link-missing' | 'name-taken' }
  | { ok: false; reason: 'clicks-below-used'; clicksUsed: number };

export interface GuestAccessState {
  enabled: boolean;
  /** Live links, oldest first. */
  links: GuestLink[];
}

export interface GuestAccessStore {
  getState(roomId: string): Promise<GuestAccessState | null>;
  /** Sets the room's guest access; records an audit event when it changes. Null: no such room. */
  setEnabled(roomId: string, enabled: boolean, actor: Actor): Promise<{ changed: boolean } | null>;
  /**
   * Creates a link if guest access is on, the room has fewer than three live links and
   * the name is free; atomic under concurrency. Records an audit event.
   */
  createLink(link: NewGuestLink): Promise<CreateLinkResult>;
  /**
   * Changes a live link of the room, keeping its token and clicks used. Atomic against
   * joins: a new click limit below the clicks used when it is saved is refused, never
   * stored. A name must be free in the room, as for create. Records an audit event.
   */
  editLink(roomId: string, linkId: string, changes: GuestLinkChanges, actor: Actor): Promise<EditLinkResult>;
  /** Deletes a live link of the room for good; false if there is none. Records an audit event. */
  deleteLink(roomId: string, linkId: string, actor: Actor): Promise<GuestLink | null>;
}
