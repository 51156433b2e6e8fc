import { z } from 'zod';

/**
 * Outgoing email (Invite users): the SMTP server, the sender, and how many invitation emails a
 * room and a user may send per hour. Validated with the rest of the configuration (index.ts).
 */

export interface SmtpServerConfig {
  host: string;
  port: number;
  /** smtps:// (TLS from the first byte); smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  auth: { user: string; pass: string } | null;
}

export interface MailConfig {
  /** Null without SMTP_URL: invitations are links to copy, nothing is sent. */
  smtp: SmtpServerConfig | null;
  /** The From header: an address or `Name <address>`. */
  from: string;
  emailsPerRoomPerHour: number;
  emailsPerUserPerHour: number;
  /** How long one request's emails may take in all; those not sent by then are marked failed. */
  batchSeconds: number;
}

const whole = (min: number, max: number) =>
  z.coerce
    .number({ message: `must be a whole number between ${min} and ${max}` })
    .int(`must be a whole number between ${min} and ${max}`)
    .min(min, `must be a whole number between ${min} and ${max}`)
    .max(max, `must be a whole number between ${min} and ${max}`);

// Messages never repeat the value: SMTP_URL may hold a password.
const SMTP_URL_FORMAT = 'must be smtp://[user:password@]host[:port] or smtps://…, e.g. smtp://127.0.0.1:2525';

function parseSmtpUrl(value: string): SmtpServerConfig | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return null;
  if (!url.hostname || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) return null;
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    // new URL keeps IPv6 literals in brackets; sockets want them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: decodeURIComponent(url.password) } : null,
  };
}

const address = z.email();
// eslint-disable-next-line no-control-regex
const LINE_BREAK_OR_CONTROL = /[\u0000-\u001f\u007f]/;

/** True for `guestlink@example.edu` and `Guestlink <guestlink@example.edu>`. */
function isSender(value: string): boolean {
  const named = /^([^<>]*)<([^<>]+)>$/.exec(value.trim());
  const mailbox = (named ? (named[2] ?? '') : value).trim();
  return address.safeParse(mailbox).success;
}

export const mailEnvShape = {
  SMTP_URL: z
    .string()
    .refine((value) => parseSmtpUrl(value) !== null, SMTP_URL_FORMAT)
    .optional(),
  MAIL_FROM: z
    .string()
    .refine(
      (value) => !LINE_BREAK_OR_CONTROL.test(value),
      'must be one line (no line breaks or control characters)',
    )
    .refine(isSender, 'must be an address or Name <address>, e.g. Guestlink <guestlink@example.edu>')
    .optional(),
  INVITE_EMAILS_PER_ROOM_PER_HOUR: whole(1, 1_000_000).default(500),
  INVITE_EMAILS_PER_USER_PER_HOUR: whole(1, 1_000_000).default(1000),
  // Below the 60 s most proxies give a response, with room for recording the outcomes.
  INVITE_EMAILS_BATCH_SECONDS: whole(1, 50).default(20),
};

type MailEnv = z.output<z.ZodObject<typeof mailEnvShape>>;

export function mailConfigFrom(vars: MailEnv, publicUrl: string): MailConfig {
  return {
    smtp: vars.SMTP_URL ? parseSmtpUrl(vars.SMTP_URL) : null,
    from: vars.MAIL_FROM?.trim() ?? `Guestlink <guestlink@${new URL(publicUrl).hostname}>`,
    emailsPerRoomPerHour: vars.INVITE_EMAILS_PER_ROOM_PER_HOUR,
    emailsPerUserPerHour: vars.INVITE_EMAILS_PER_USER_PER_HOUR,
    batchSeconds: vars.INVITE_EMAILS_BATCH_SECONDS,
  };
}

/** Where mail goes, for logs and messages: never the password. */
export function describeSmtpServer(smtp: SmtpServerConfig): string {
  const host = smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host;
  return `${host}:${smtp.port}`;
}
