/**
 * Events that travel between every instance of the tool sharing one database: lobby
 * changes (src/lobby) and the live session's presence and signalling (src/live). Each
 * feature has its own channel on the same mechanism (LISTEN/NOTIFY, or a MongoDB
 * collection) and its own event type; a subscriber receives its own instance's events too.
 */
export interface EventChannel<Event> {
  publish(event: Event): Promise<void>;
  subscribe(handler: (event: Event) => void): Promise<() => Promise<void>>;
}

/** Checks an event read from the shared channel: anything not shaped like ours is dropped. */
export type EventGuard<Event> = (value: unknown) => value is Event;

export function hasRoomId(value: unknown): value is { roomId: string } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { roomId?: unknown }).roomId === 'string'
  );
}
