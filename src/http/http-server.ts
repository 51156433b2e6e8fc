import http from 'node:http';

export interface ServerTimeouts {
  /** The request line and headers must arrive within this (slowloris). */
  headersMs: number;
  /** The whole request, body included, must arrive within this. Responses are not limited. */
  requestMs: number;
  /** A connection that has not sent a request yet is closed after this long quiet. */
  idleMs: number;
  /** Between keep-alive requests (above a load balancer's usual 60 s, so it closes first). */
  keepAliveMs: number;
  /** How often node looks for connections past headersMs or requestMs. */
  checkEveryMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 20_000,
  requestMs: 60_000,
  idleMs: 20_000,
  keepAliveMs: 65_000,
  checkEveryMs: 5_000,
};

/**
 * The HTTP server with limits on what clients make it hold, but none on responses: lobby,
 * waiting and live pages keep server-sent event streams open for hours, quiet for up to a
 * heartbeat at a time. So node's socket-wide `timeout` stays off (it would cut those streams)
 * and the idle limit applies only until a connection's first request arrives; after a
 * response, keep-alive's own timeout takes over.
 */
export function createHttpServer(timeouts: ServerTimeouts = SERVER_TIMEOUTS): http.Server {
  const server = http.createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
  });
  server.timeout = 0;
  // Node's own timeout handler destroys a socket that times out with nobody listening.
  server.on('connection', (socket) => socket.setTimeout(timeouts.idleMs));
  server.on('request', (req) => req.socket.setTimeout(0));
  return server;
}
