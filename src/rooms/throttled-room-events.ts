import { roomEvent, type RoomEvent, type RoomEventChannel } from './room-events';

/** How long a room's burst of events is gathered into one before it is sent. */
export const ROOM_EVENT_WINDOW_MS = 25;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface RoomWindow {
  timer: NodeJS.Timeout;
  pending: RoomEvent | null;
  waiters: Waiter[];
}

function merge(pending: RoomEvent | null, event: RoomEvent): RoomEvent {
  if (!pending) return event;
  if (!pending.visitIds || !event.visitIds) return roomEvent(event.roomId);
  return roomEvent(event.roomId, [...new Set([...pending.visitIds, ...event.visitIds])]);
}

/**
 * When a class joins at once, every join is a room event for the same room, and each
 * one sent on its own costs a database round trip here and a wake-up on every instance.
 * A room's first event goes out at once; those that follow within the window are merged
 * into one event sent when it ends (at most one per window per room), so a lone change
 * loses no time and a surge costs a few events a second.
 */
export class ThrottledRoomEvents implements RoomEventChannel {
  private readonly windows = new Map<string, RoomWindow>();
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly channel: RoomEventChannel,
    private readonly windowMs = ROOM_EVENT_WINDOW_MS,
  ) {}

  publish(event: RoomEvent): Promise<void> {
    const open = this.windows.get(event.roomId);
    if (open) {
      open.pending = merge(open.pending, event);
      return new Promise((resolve, reject) => open.waiters.push({ resolve, reject }));
    }
    this.openWindow(event.roomId);
    return this.send(event);
  }

  subscribe(handler: (event: RoomEvent) => void): Promise<() => Promise<void>> {
    return this.channel.subscribe(handler);
  }

  /** Sends every merged event now and waits for every send under way; before the channel closes. */
  async flush(): Promise<void> {
    const rooms = [...this.windows.keys()];
    await Promise.all(rooms.map((roomId) => this.closeWindow(roomId, false)));
    await Promise.allSettled([...this.sending]);
  }

  private send(event: RoomEvent): Promise<void> {
    const sent = this.channel.publish(event);
    this.sending.add(sent);
    const forget = () => this.sending.delete(sent);
    sent.then(forget, forget);
    return sent;
  }

  private openWindow(roomId: string): void {
    const timer = setTimeout(() => void this.closeWindow(roomId, true), this.windowMs);
    timer.unref();
    this.windows.set(roomId, { timer, pending: null, waiters: [] });
  }

  private async closeWindow(roomId: string, reopen: boolean): Promise<void> {
    const window = this.windows.get(roomId);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(roomId);
    if (!window.pending) return;
    // A burst still going on keeps being merged.
    if (reopen) this.openWindow(roomId);
    try {
      await this.send(window.pending);
      for (const waiter of window.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of window.waiters) waiter.reject(error);
    }
  }
}
