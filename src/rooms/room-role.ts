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
