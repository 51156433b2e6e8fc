import http from 'node:http';

export interface SseEvent {
  event: string;
  data: unknown;
  at: number;
}

/** Reads a server-sent event stream the way EventSource does, for tests. */
export function openSse(
  url: string,
  headers: Record<string, string> = {},
  /** The client address to connect from (any of 127.0.0.0/8 reaches a loopback server). */
  options: { localAddress?: string } = {},
) {
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let status = 0;
  let responseHeaders: http.IncomingHttpHeaders = {};
  let refusal = '';
  let ended = false;
  const requestOptions = { headers: { Accept: 'text/event-stream', ...headers }, ...options };
  const request = http.get(url, requestOptions, (response) => {
    status = response.statusCode ?? 0;
    responseHeaders = response.headers;
    let buffer = '';
    response.setEncoding('utf8');
    response.on('end', () => {
      ended = true;
      for (const waiter of waiters.splice(0)) waiter();
    });
    response.on('data', (chunk: string) => {
      if (status !== 200) {
        refusal += chunk;
        return;
      }
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
      }
      for (const waiter of waiters.splice(0)) waiter();
    });
  });
  request.on('error', () => undefined);

  async function next(predicate: (event: SseEvent) => boolean, timeoutMs = 3000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`No matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server ended the stream (or refused it). */
  async function closed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ended && (status === 0 || status === 200)) {
      if (Date.now() > deadline) throw new Error(`The stream stayed open; got ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  return {
    events,
    next,
    closed,
    status: () => status,
    headers: () => responseHeaders,
    /** Whether the response has ended (a refusal's body is complete then). */
    ended: () => ended,
    /** Resolves once the server answered (accepted or refused the stream). */
    answered: async (timeoutMs = 3000) => {
      const deadline = Date.now() + timeoutMs;
      while (status === 0) {
        if (Date.now() > deadline) throw new Error('The server did not answer');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return status;
    },
    /** The JSON error of a refused stream. */
    refusal: () => (refusal ? (JSON.parse(refusal) as { error: { code: string; message: string } }) : null),
    close: () => request.destroy(),
  };
}

/** The Cookie header a supertest agent would send for a guest pass. */
export function passCookie(setCookie: string[] | string | undefined): string {
  return ([] as string[])
    .concat(setCookie ?? [])
    .filter((cookie) => cookie.startsWith('gl_guest_'))
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}
