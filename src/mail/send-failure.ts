import { inEnglish, isLocalizedText, text, type LocalizedText, type Translator } from '../i18n/translator';
import { truncateCodePoints } from '../text';
import { headerText } from './header-text';

/**
 * Why an email was not sent, in words a teacher can act on, from nodemailer's error: the mail
 * server's own answer when it refused ("550 5.1.1 mailbox unavailable"), otherwise what went
 * wrong reaching it. Shown in the Invite users window (in its reader's language) and kept with
 * the invitation, so short, one line, and never a secret (the SMTP password is not in any of
 * these errors; the texts are built here, not passed through).
 */

export const SEND_FAILURE_REASON_MAX = 500;
/** What the server said, as a value in the message: the whole reason stays within the maximum. */
const ANSWER_MAX = 300;

interface NodemailerError {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
  name?: unknown;
}

const CONNECTION_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'invitations:mail.connectionRefused',
  ENOTFOUND: 'invitations:mail.hostNotFound',
  EAI_AGAIN: 'invitations:mail.hostNotFound',
  EHOSTUNREACH: 'invitations:mail.hostUnreachable',
  ENETUNREACH: 'invitations:mail.networkUnreachable',
  ECONNRESET: 'invitations:mail.connectionReset',
};

/** The first errno-like word in a message: "connect ECONNREFUSED 127.0.0.1:2525" → ECONNREFUSED. */
function errnoIn(message: string): string | null {
  return /\b(E[A-Z_]{3,})\b/.exec(message)?.[1] ?? null;
}

function short(value: string, max = ANSWER_MAX): string {
  return truncateCodePoints(headerText(value), max);
}

/** The reason as a catalog message: each reader sees it in their language. */
export function sendFailureText(
  error: unknown,
  context: { server: string; messageSeconds: number },
): LocalizedText {
  const failure = (error ?? {}) as NodemailerError;
  const message = typeof failure.message === 'string' ? failure.message : '';
  const response = typeof failure.response === 'string' ? failure.response : '';
  const code = typeof failure.code === 'string' ? failure.code : '';
  const server = short(context.server, 100);

  if (failure.name === 'AbortError' || failure.name === 'TimeoutError' || code === 'EABORT') {
    return text('invitations:mail.timeout', { server, seconds: context.messageSeconds });
  }
  if (code === 'EAUTH') {
    return response
      ? text('invitations:mail.authAnswer', { server, answer: short(response) })
      : text('invitations:mail.auth', { server });
  }
  if (typeof failure.responseCode === 'number' && failure.responseCode >= 400) {
    return text('invitations:mail.refused', { answer: short(response || String(failure.responseCode)) });
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return text('invitations:mail.noAnswer', { server });
  }
  const problem = CONNECTION_PROBLEMS[errnoIn(message) ?? code];
  if (problem) return text(problem, { server });
  if (code === 'ETLS' || /certificate|TLS|SSL/i.test(message)) {
    return text('invitations:mail.tls', { server, detail: short(message || 'TLS failed') });
  }
  if (/closed|ended|socket hang up|EPIPE/i.test(message)) {
    return text('invitations:mail.closed', { server });
  }
  return text('invitations:mail.other', { server, detail: short(message || code || 'unknown error') });
}

/**
 * Whether a failure is about the mail server or the way to it rather than this one message:
 * anything but a problem with a recipient or the message itself (EENVELOPE, EMESSAGE): the
 * server's 4xx/5xx refusal other than 421 ("service not available", which closes the
 * connection), or nodemailer's own check of the message before sending, which has no answer code.
 */
export function isServerProblem(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as NodemailerError;
  if (code !== 'EENVELOPE' && code !== 'EMESSAGE') return true;
  return typeof responseCode === 'number' && (responseCode < 400 || responseCode === 421);
}

/** The reason in English, one line, for the log (and the mailer's outcome). */
export function sendFailureReason(
  error: unknown,
  context: { server: string; messageSeconds: number },
): string {
  return truncateCodePoints(inEnglish(sendFailureText(error, context)), SEND_FAILURE_REASON_MAX);
}

/** How a reason is kept with the invitation (emailError): its message as JSON, within the column's limit. */
export function storedFailure(reason: LocalizedText): string {
  const json = JSON.stringify({ key: reason.key, values: reason.values ?? {} });
  return json.length <= SEND_FAILURE_REASON_MAX
    ? json
    : truncateCodePoints(inEnglish(reason), SEND_FAILURE_REASON_MAX);
}

/** A kept reason in the reader's words; a reason kept as words (before issue 15) as it is. */
export function failureInWords(stored: string | null, i18n: Translator): string | null {
  if (!stored?.startsWith('{')) return stored;
  try {
    const parsed: unknown = JSON.parse(stored);
    if (isLocalizedText(parsed) && /^invitations:mail\./.test(parsed.key)) return i18n.render(parsed);
  } catch {
    // Not ours: shown as it was kept.
  }
  return stored;
}
