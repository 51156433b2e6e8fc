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

export const INVITE_ROLE_LABELS: Record<InviteRole, string> = {
  viewer: 'Viewer',
  speaker: 'Speaker',
  moderator: 'Moderator',
};
