import type { LocalizedText } from '../i18n/translator';

/**
 * Outgoing email (Invite users). One message per recipient; `send` resolves only once the mail
 * server accepted the message for that recipient, and never throws: a refusal or an unreachable
 * server is an outcome with its reason in words, so the caller can record "not sent" and why.
 */
export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
}

/**
 * A refusal: `reason` in English for logs, `text` the same as a message for each reader.
 * `server`: the failure is about the mail server or the way to it (unreachable, silent, TLS,
 * sign-in), not this message or recipient, so the rest of a batch would fail the same way.
 */
export type SendOutcome =
  { ok: true } | { ok: false; reason: string; text?: LocalizedText; server?: boolean };

export interface Mailer {
  /** False without SMTP_URL: the Invite users window offers the links to copy instead. */
  readonly configured: boolean;
  /** `signal`: gives up (an outcome, not a throw) when it aborts, e.g. at a batch's deadline. */
  send(mail: OutgoingMail, signal?: AbortSignal): Promise<SendOutcome>;
  close(): Promise<void>;
}
