import type { Request, Response } from 'express';

const HEARTBEAT_MS = 25_000;

export interface EventStream {
  send(event: string, data: unknown): void;
  close(): void;
  onClose(handler: () => void): void;
  readonly closed: boolean;
}

/** Opens a server-sent event stream; comments every 25 s keep proxies from closing it. */
export function openEventStream(req: Request, res: Response): EventStream {
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
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
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
