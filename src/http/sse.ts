import type { Request, Response } from 'express';

const HEARTBEAT_MS = 25_000;
/** How soon a browser reconnects after its stream reached its lifetime (EventSource's `retry`). */
const RENEW_RETRY_MS = 1000;

export interface EventStreamOptions {
  /**
   * Ends the stream after about this long (less up to a tenth, so streams opened together
   * do not all reconnect together). EventSource reconnects by itself: a long-lived stream
   * re-checks its right to exist, and one whose client vanished silently goes away.
   */
  maxLifetimeMs?: number;
}

export interface EventStream {
  send(event: string, data: unknown): void;
  close(): void;
  onClose(handler: () => void): void;
  readonly closed: boolean;
}

/** Opens a server-sent event stream; comments every 25 s keep proxies from closing it. */
export function openEventStream(req: Request, res: Response, options: EventStreamOptions = {}): EventStream {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 3000\n\n');
  const handlers: Array<() => void> = [];
  let closed = false;
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const lifetime = options.maxLifetimeMs
    ? setTimeout(
        () => {
          res.write(`retry: ${RENEW_RETRY_MS}\n\n`);
          finish();
          res.end();
        },
        options.maxLifetimeMs * (1 - Math.random() / 10),
      )
    : null;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (lifetime) clearTimeout(lifetime);
    for (const handler of handlers.splice(0)) handler();
  };
  req.on('close', finish);
  res.on('close', finish);
  // The client may have gone while the request was being prepared: its 'close' has fired already.
  if (req.destroyed || res.destroyed) finish();
  return {
    send(event, data) {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      finish();
      res.end();
    },
    /** Runs `handler` when the stream ends, or at once if it already has. */
    onClose(handler) {
      if (closed) handler();
      else handlers.push(handler);
    },
    get closed() {
      return closed;
    },
  };
}
