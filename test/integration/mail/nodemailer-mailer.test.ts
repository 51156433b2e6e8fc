import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import type { Mailer, OutgoingMail } from '../../../src/mail/mailer';
import { createMailer, type MailerTimeouts } from '../../../src/mail/nodemailer-mailer';
import { testEnv } from '../../helpers/constants';
import {
  startSilentServer,
  startSmtpServer,
  unusedSmtpUrl,
  type TestSmtpServer,
} from '../../helpers/smtp-server';

const logger = createLogger('silent');
const QUICK: MailerTimeouts = { connectionMs: 1_000, greetingMs: 1_000, socketMs: 1_500, messageMs: 4_000 };

function mailerFor(smtpUrl: string | undefined, env: Record<string, string> = {}): Mailer {
  return createMailer(loadConfig(testEnv({ SMTP_URL: smtpUrl, ...env })), logger, QUICK);
}

const mail: OutgoingMail = {
  to: { name: 'Ada Lovelace', address: 'ada@example.com' },
  subject: 'Grace Hopper invited you to “Week 3 live session”',
  text: 'Join: https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx\n',
  html: '<p><a href="https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx">Join</a></p>',
};

describe('the SMTP mailer against a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let mailer: Mailer;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    mailer = mailerFor(smtp.url, { MAIL_FROM: 'Biology Live <noreply@example.edu>' });
  });
  afterEach(async () => {
    await mailer.close();
    await smtp.close();
  });

  it('is sent once the server accepted it: recipient, sender, subject, both parts', async () => {
    expect(mailer.configured).toBe(true);
    await expect(mailer.send(mail)).resolves.toEqual({ ok: true });
    const received = (await smtp.waitFor(1))[0]!;
    expect(received.envelope).toEqual({ from: 'noreply@example.edu', to: ['ada@example.com'] });
    expect(received.to).toEqual(['ada@example.com']);
    expect(received.headers.get('from')).toMatchObject({
      value: [{ name: 'Biology Live', address: 'noreply@example.edu' }],
    });
    expect(received.subject).toBe(mail.subject);
    expect(received.links).toEqual(['https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx']);
    expect(received.html).toContain('href="https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx"');
  });

  it('never lets a line break in the subject or the name start a header', async () => {
    const outcome = await mailer.send({
      ...mail,
      to: { name: 'Ada\r\nBcc: evil@example.com', address: 'ada@example.com' },
      subject: 'Week 3\r\nBcc: evil@example.com\r\nX-Injected: yes',
    });
    expect(outcome).toEqual({ ok: true });
    const received = (await smtp.waitFor(1))[0]!;
    expect(received.envelope.to).toEqual(['ada@example.com']);
    expect(received.headers.has('bcc')).toBe(false);
    expect(received.headers.has('x-injected')).toBe(false);
    expect(received.subject).toBe('Week 3 Bcc: evil@example.com X-Injected: yes');
  });

  it('reports a refused recipient with the server’s code and words', async () => {
    smtp.refuse({ code: 550, message: 'mailbox unavailable' });
    const outcome = await mailer.send(mail);
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/^The mail server refused the message: 550/),
      // The same reason as a message, for the window in each reader's language.
      text: { key: 'invitations:mail.refused', values: { answer: expect.stringMatching(/^550/) } },
      // This message's refusal, not the server's: the rest of a batch is still tried.
      server: false,
    });
    expect(outcome.ok === false && outcome.reason).toContain('mailbox unavailable');
    expect(smtp.received).toHaveLength(0);
  });

  it('refuses one recipient and still sends to the next', async () => {
    smtp.refuse({ code: 550, message: 'no such user', recipient: 'bob@example.com' });
    const bob = await mailer.send({ ...mail, to: { name: 'Bob', address: 'bob@example.com' } });
    const ada = await mailer.send(mail);
    expect(bob.ok).toBe(false);
    expect(ada).toEqual({ ok: true });
    expect((await smtp.waitFor(1))[0]!.envelope.to).toEqual(['ada@example.com']);
  });

  it('gives an outcome when the server disappears in the middle of a message', async () => {
    smtp.disappearOnData();
    const started = Date.now();
    const outcome = await mailer.send(mail);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.reason).toMatch(
      /^The mail server at 127\.0\.0\.1:\d+ closed the connection before accepting the message\.$/,
    );
    expect(Date.now() - started).toBeLessThan(QUICK.messageMs + 1_000);
  });
});

describe('the SMTP mailer without a server', () => {
  it('says the server could not be reached when nothing listens', async () => {
    const url = await unusedSmtpUrl();
    const mailer = mailerFor(url);
    const outcome = await mailer.send(mail);
    await mailer.close();
    expect(outcome).toEqual({
      ok: false,
      reason: `Could not reach the mail server at ${url.slice('smtp://'.length)} (connection refused).`,
      text: { key: 'invitations:mail.connectionRefused', values: { server: url.slice('smtp://'.length) } },
      // About the server: the rest of a batch fails the same way without being tried.
      server: true,
    });
  });

  it('gives up on a server that never greets within the greeting timeout', async () => {
    const silent = await startSilentServer();
    const mailer = mailerFor(silent.url);
    const started = Date.now();
    const outcome = await mailer.send(mail);
    const elapsed = Date.now() - started;
    await mailer.close();
    await silent.close();
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.reason).toMatch(
      /^The mail server at 127\.0\.0\.1:\d+ did not answer in time\.$/,
    );
    expect(elapsed).toBeLessThan(QUICK.messageMs + 1_000);
  });

  it('ends a whole batch against a silent server within one message deadline, not one wait per message', async () => {
    const silent = await startSilentServer();
    const timeouts = { connectionMs: 1_000, greetingMs: 1_000, socketMs: 1_000, messageMs: 2_500 };
    const mailer = createMailer(loadConfig(testEnv({ SMTP_URL: silent.url })), logger, timeouts);
    const started = Date.now();
    // 15 messages over 3 connections would wait 5 × 1 s one round after another.
    const outcomes = await Promise.all(Array.from({ length: 15 }, () => mailer.send(mail)));
    const elapsed = Date.now() - started;
    await mailer.close();
    await silent.close();
    expect(outcomes.every((outcome) => !outcome.ok)).toBe(true);
    expect(elapsed).toBeLessThan(timeouts.messageMs + 1_500);
  });

  it('is not configured without SMTP_URL, and says so without trying', async () => {
    const mailer = mailerFor(undefined);
    expect(mailer.configured).toBe(false);
    await expect(mailer.send(mail)).resolves.toEqual({
      ok: false,
      reason: expect.stringContaining('SMTP_URL'),
      text: { key: 'invitations:mail.notConfigured' },
    });
    await mailer.close();
  });

  it('never shows the SMTP password in a reason', async () => {
    const url = (await unusedSmtpUrl()).replace('smtp://', 'smtp://mailer:hunter2-secret@');
    const mailer = mailerFor(url);
    const outcome = await mailer.send(mail);
    await mailer.close();
    expect(outcome.ok === false && outcome.reason).not.toContain('hunter2');
  });
});

describe('a mail server that comes back', () => {
  it('is used again by the same mailer once it listens again on its port', async () => {
    const first = await startSmtpServer();
    const mailer = mailerFor(first.url);
    try {
      expect(await mailer.send(mail)).toEqual({ ok: true });
      await first.disappear();
      expect((await mailer.send(mail)).ok).toBe(false);
      const again = await startSmtpServer({ port: first.port });
      try {
        expect(await mailer.send(mail)).toEqual({ ok: true });
        expect(await again.waitFor(1)).toHaveLength(1);
      } finally {
        await again.close();
      }
    } finally {
      await mailer.close();
    }
  });
});
