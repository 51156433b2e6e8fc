import type { EventChannel } from '../events/event-channel';
import type { Logger } from '../logger';

/**
 * Lobby changes travel between instances: a join, a decision, an access change.
 * `visitIds` names the visits whose status changed, when that is known and short;
 * without it, listeners re-read every visit they care about in that room.
 */
export interface LobbyEvent {
  roomId: string;
  visitIds?: string[];
}

export type LobbyEventChannel = EventChannel<LobbyEvent>;

/** The PostgreSQL channel lobby events travel on. */
export const LOBBY_CHANNEL = 'guestlink_lobby';

/** NOTIFY payloads are limited to 8000 bytes; long id lists are sent as "re-read all". */
export const MAX_VISIT_IDS_PER_EVENT = 100;

export function lobbyEvent(roomId: string, visitIds?: string[]): LobbyEvent {
  if (!visitIds || visitIds.length > MAX_VISIT_IDS_PER_EVENT) return { roomId };
  return { roomId, visitIds };
}

/**
 * Publishes a lobby change without making the caller wait or fail: the change itself is
 * stored; a lost event only delays the live views until their next poll.
 */
export function publishLobbyChange(
  events: LobbyEventChannel,
  logger: Logger,
  roomId: string,
  visitIds: string[],
): void {
  events.publish(lobbyEvent(roomId, visitIds)).catch((error: unknown) => {
    logger.warn({ err: error, roomId }, 'Publishing a lobby event failed');
  });
}
