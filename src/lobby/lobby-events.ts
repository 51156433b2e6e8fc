/**
 * Lobby changes travel between instances: a join, a decision, an access change.
 * `visitIds` names the visits whose status changed, when that is known and short;
 * without it, listeners re-read every visit they care about in that room.
 */
export interface LobbyEvent {
  roomId: string;
  visitIds?: string[];
}

export interface LobbyEventChannel {
  publish(event: LobbyEvent): Promise<void>;
  subscribe(handler: (event: LobbyEvent) => void): Promise<() => Promise<void>>;
}

/** NOTIFY payloads are limited to 8000 bytes; long id lists are sent as "re-read all". */
export const MAX_VISIT_IDS_PER_EVENT = 100;

export function lobbyEvent(roomId: string, visitIds?: string[]): LobbyEvent {
  if (!visitIds || visitIds.length > MAX_VISIT_IDS_PER_EVENT) return { roomId };
  return { roomId, visitIds };
}
