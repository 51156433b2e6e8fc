import type { EventChannel } from '../events/event-channel';
import type { Logger } from '../logger';

/**
 * A room's changes travel between instances as room events: a join, a lobby decision,
 * guest access or the lobby switched, a link changed. Link entry caches, lobby panels
 * and waiting pages all listen to them.
 * `visitIds` names the visits whose status changed, when that is known and short;
 * without it, listeners re-read every visit they care about in that room.
 */
export interface RoomEvent {
  roomId: string;
  visitIds?: string[];
}

export type RoomEventChannel = EventChannel<RoomEvent>;

/** The PostgreSQL channel room events travel on (its name predates them being room events). */
export const ROOM_EVENTS_CHANNEL = 'guestlink_lobby';

/** NOTIFY payloads are limited to 8000 bytes; long id lists are sent as "re-read all". */
export const MAX_VISIT_IDS_PER_EVENT = 100;

export function roomEvent(roomId: string, visitIds?: string[]): RoomEvent {
  if (!visitIds || visitIds.length > MAX_VISIT_IDS_PER_EVENT) return { roomId };
  return { roomId, visitIds };
}

/**
 * Publishes a room change without making the caller wait or fail: the change itself is
 * stored; a lost event only delays the live views until their next poll. Without visit ids,
 * a change of the room itself (its lobby message, say): listeners re-read the room.
 */
export function publishRoomChange(
  events: RoomEventChannel,
  logger: Logger,
  roomId: string,
  visitIds?: string[],
): void {
  events.publish(roomEvent(roomId, visitIds)).catch((error: unknown) => {
    logger.warn({ err: error, roomId }, 'Publishing a room event failed');
  });
}
