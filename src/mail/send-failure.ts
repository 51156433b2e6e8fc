import { truncateCodePoints } from '../text';
import { headerText } from './header-text';

/**
 * Why an email was not sent, in words a teacher can act on, from nodemailer's error: the mail
 * server's own answer when it refused ("550 5.1.1 mailbox unavailable"), otherwise what went
 * wrong reaching it. Shown in the Invite users window and kept with the invitation, so short,
 * one line, and never a secret (the SMTP password is not in any of these errors; the texts are
 * built here, not passed through).
 */

export const SEND_FAILURE_REASON_MAX = 500;

interface NodemailerError {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
  name?: unknown;
}

const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** The first errno-like word in a message: "connect ECONNREFUSED 127.0.0.1:2525" → ECONNREFUSED. */
function errnoIn(message: string): string | null {
  return /\b(E[A-Z_]{3,})\b/.exec(message)?.[1] ?? null;
}

function short(text: string): string {
  return truncateCodePoints(headerText(text), SEND_FAILURE_REASON_MAX);
}

export function sendFailureReason(
  error: unknown,
  context: { server: string; messageSeconds: number },
): string {
  const failure = (error ?? {}) as NodemailerError;
  const message = typeof failure.message === 'string' ? failure.message : '';
  const response = typeof failure.response === 'string' ? failure.response : '';
  const code = typeof failure.code === 'string' ? failure.code : '';
  const at = `the mail server at ${context.server}`;

  if (failure.name === 'AbortError' || failure.name === 'TimeoutError' || code === 'EABORT') {
    return short(`${capitalise(at)} did not accept the message within ${context.messageSeconds} seconds.`);
  }
  if (code === 'EAUTH') {
    return short(
      `${capitalise(at)} refused Guestlink’s user name or password${response ? ` (${response})` : ''}.`,
    );
  }
  if (typeof failure.responseCode === 'number' && failure.responseCode >= 400) {
    const answer = response || String(failure.responseCode);
    return short(`The mail server refused the message: ${answer}`);
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return short(`${capitalise(at)} did not answer in time.`);
  }
  const errno = errnoIn(message) ?? code;
  if (CONNECTION_PROBLEMS[errno]) {
    return short(`Could not reach ${at} (${CONNECTION_PROBLEMS[errno]}).`);
  }
  if (code === 'ETLS' || /certificate|TLS|SSL/i.test(message)) {
    return short(`Could not open a secure connection to ${at} (${message || 'TLS failed'}).`);
  }
  if (/closed|ended|socket hang up|EPIPE/i.test(message)) {
    return short(`${capitalise(at)} closed the connection before accepting the message.`);
  }
  return short(`Could not send through ${at}: ${message || code || 'unknown error'}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
