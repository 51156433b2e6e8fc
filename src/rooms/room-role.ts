/** What a person may do in a room, lowest first: the order ranks them. */
export const ROOM_ROLES = ['viewer', 'moderator', 'host'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

export function rank(role: RoomRole): number {
  return ROOM_ROLES.indexOf(role);
}

export function higherRole(a: RoomRole, b: RoomRole): RoomRole {
  return rank(a) >= rank(b) ? a : b;
}

export function atLeast(role: RoomRole, minimum: RoomRole): boolean {
  return rank(role) >= rank(minimum);
}

/** Who did something, for audit events and the guest log. */
export interface Actor {
  userId: string;
  name: string | null;
}

/**
 * What an invited person (Invite users, docs/product.md §13) may do in the live room:
 * watch and raise a hand, also present, or also run the room (admit, remove, invite to speak).
 */
export const INVITE_ROLES = ['viewer', 'speaker', 'moderator'] as const;
export type InviteRole = (typeof INVITE_ROLES)[number];

/** A room role's name, as a catalog key: `i18n.t(ROOM_ROLE_LABEL_KEYS[role])`. */
export const ROOM_ROLE_LABEL_KEYS: Record<RoomRole, string> = {
  host: 'media:role.host',
  moderator: 'media:role.moderator',
  viewer: 'media:role.viewer',
};

/** An invited person's role's name, as a catalog key: `i18n.t(INVITE_ROLE_LABEL_KEYS[role])`. */
export const INVITE_ROLE_LABEL_KEYS: Record<InviteRole, string> = {
  viewer: 'media:role.viewer',
  speaker: 'media:role.speaker',
  moderator: 'media:role.moderator',
};

/** In English, for logs and audit details; pages use INVITE_ROLE_LABEL_KEYS. */
export const INVITE_ROLE_LABELS: Record<InviteRole, string> = {
  viewer: 'Viewer',
  speaker: 'Speaker',
  moderator: 'Moderator',
};
