/** Socket-level failures: the database could not be reached; the query itself was fine. */
export const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** pg-client.ts prefixes socket errors' messages with this; error-handler.ts recognises outages by it. */
export const UNREACHABLE_MESSAGE = 'PostgreSQL server unreachable';
