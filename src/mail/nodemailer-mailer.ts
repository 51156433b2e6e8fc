import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig, SmtpServerConfig } from '../config/mail-config';
import { describeSmtpServer } from '../config/mail-config';
import type { Logger } from '../logger';
import { inEnglish, text } from '../i18n/translator';
import type { Mailer, OutgoingMail, SendOutcome } from './mailer';
import { headerText } from './header-text';
import { isServerProblem, sendFailureReason, sendFailureText } from './send-failure';

/**
 * The Mailer over SMTP (nodemailer). A small pool of connections is reused across a batch of
 * invitations. Every wait is bounded: an SMTP server that is down, silent or gone mid-way gives
 * an outcome within seconds rather than holding the teacher's request.
 */

export interface MailerTimeouts {
  /** To open the TCP (and TLS) connection. */
  connectionMs: number;
  /** From connecting to the server's 220 greeting. */
  greetingMs: number;
  /** Silence on an open connection. */
  socketMs: number;
  /**
   * One message from queueing to the server's answer, whatever else happened. A whole batch is
   * bounded by its own deadline (send-batch.ts), which ends the messages still waiting.
   */
  messageMs: number;
}

export const DEFAULT_MAILER_TIMEOUTS: MailerTimeouts = {
  connectionMs: 5_000,
  greetingMs: 5_000,
  socketMs: 10_000,
  messageMs: 45_000,
};

/** Connections the pool opens to the SMTP server at most, per instance (hosted mail services often allow 3). */
const MAX_CONNECTIONS = 3;

class SmtpMailer implements Mailer {
  readonly configured = true;
  private readonly transport: Transporter;
  private readonly server: string;

  constructor(
    smtp: SmtpServerConfig,
    private readonly from: string,
    private readonly logger: Logger,
    private readonly timeouts: MailerTimeouts,
  ) {
    this.server = describeSmtpServer(smtp);
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: MAX_CONNECTIONS,
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.auth ?? undefined,
      connectionTimeout: timeouts.connectionMs,
      greetingTimeout: timeouts.greetingMs,
      socketTimeout: timeouts.socketMs,
      dnsTimeout: timeouts.connectionMs,
    });
  }

  async send(mail: OutgoingMail, signal?: AbortSignal): Promise<SendOutcome> {
    const timeout = AbortSignal.timeout(this.timeouts.messageMs);
    try {
      const info = (await this.transport.sendMail({
        from: this.from,
        to: { name: headerText(mail.to.name), address: mail.to.address },
        subject: headerText(mail.subject),
        text: mail.text,
        html: mail.html,
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      })) as { accepted?: unknown[]; rejected?: unknown[]; response?: string };
      // With one recipient, accepted means the server took responsibility for this message.
      if ((info.accepted ?? []).length === 1 && (info.rejected ?? []).length === 0) return { ok: true };
      return this.failed(
        { responseCode: 550, response: info.response ?? 'the recipient was not accepted' },
        'refused',
      );
    } catch (error) {
      return this.failed(error, 'error');
    }
  }

  private failed(error: unknown, kind: 'refused' | 'error'): SendOutcome {
    const context = { server: this.server, messageSeconds: Math.round(this.timeouts.messageMs / 1000) };
    const reason = sendFailureReason(error, context);
    const code = (error as { code?: unknown }).code;
    const server = kind === 'error' && isServerProblem(error);
    this.logger.warn({ smtp: this.server, kind, code, reason, server }, 'invitation email not sent');
    return { ok: false, reason, text: sendFailureText(error, context), server };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

class UnconfiguredMailer implements Mailer {
  readonly configured = false;

  async send(): Promise<SendOutcome> {
    const reason = text('invitations:mail.notConfigured');
    return { ok: false, reason: inEnglish(reason), text: reason };
  }

  async close(): Promise<void> {}
}

export function createMailer(
  config: { mail: MailConfig },
  logger: Logger,
  timeouts: MailerTimeouts = DEFAULT_MAILER_TIMEOUTS,
): Mailer {
  const { smtp, from } = config.mail;
  return smtp ? new SmtpMailer(smtp, from, logger, timeouts) : new UnconfiguredMailer();
}
