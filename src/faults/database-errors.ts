/**
 * How an unreachable database shows up in errors, for every backend: storage adapters use it to
 * describe failures, the error handler to answer 503. Imports nothing, so anything may use it.
 */

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

type ErrorLike = { message: string; code?: unknown; errors?: unknown };

// Duck-typed: socket errors come from Node's core, another realm than ours under jest.
export function isErrorLike(error: unknown): error is ErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as ErrorLike).message === 'string';
}

/** An error's own message, or its parts' for Node's message-less AggregateError (dual-stack connects). */
export function describeConnectionError(error: unknown): string {
  if (!isErrorLike(error)) return String(error);
  if (error.message) return error.message;
  const parts = Array.isArray(error.errors)
    ? error.errors.filter(isErrorLike).map((part) => part.message)
    : [];
  if (parts.length > 0) return parts.join('; ');
  return String(error.code ?? 'unknown error');
}

/**
 * Why a database could not be reached at start-up: the driver's reason, a hint when it
 * timed out, and never a password (drivers sometimes echo the URL).
 */
export function describeStartupFailure(error: unknown, secrets: string[], connectTimeoutMs: number): string {
  let reason = describeConnectionError(error);
  if (/timed out|timeout/i.test(reason))
    reason += ` (no answer within DB_CONNECT_TIMEOUT_MS=${connectTimeoutMs} ms)`;
  for (const secret of new Set(secrets.filter(Boolean))) reason = reason.split(secret).join('***');
  return reason;
}
