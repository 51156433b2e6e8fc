import { loadConfig } from '../../../src/config';
import { composeInvitationEmail } from '../../../src/invitations/invitation-email';
import { createLogger } from '../../../src/logger';
import { createMailer } from '../../../src/mail/nodemailer-mailer';
import { testEnv } from '../../helpers/constants';
import { startSmtpServer } from '../../helpers/smtp-server';

const URL_OF_ADA = 'https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx';

describe('an invitation email through a real SMTP server', () => {
  it('arrives for the invitee alone, with the subject, both parts and the link, and no injected header', async () => {
    const smtp = await startSmtpServer();
    const mailer = createMailer(
      loadConfig(testEnv({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://guestlink.example.edu' })),
      createLogger('silent'),
    );
    try {
      const outcome = await mailer.send(
        composeInvitationEmail({
          invitee: { name: 'Ada Lovelace', email: 'ada@example.com' },
          role: 'moderator',
          courseTitle: 'Biology 101\r\nBcc: evil@example.com',
          sessionTitle: 'Week 3 live session\nCc: evil2@example.com',
          inviterName: 'Grace Hopper\r\nReply-To: evil3@example.com',
          url: URL_OF_ADA,
          expiresAt: new Date('2026-12-07T17:00:00Z'),
          startsAt: null,
        }),
      );
      expect(outcome).toEqual({ ok: true });
      const [mail] = await smtp.waitFor(1);
      expect(mail!.envelope).toEqual({ from: 'guestlink@guestlink.example.edu', to: ['ada@example.com'] });
      expect(mail!.to).toEqual(['ada@example.com']);
      for (const header of ['bcc', 'cc', 'reply-to']) expect(mail!.headers.has(header)).toBe(false);
      expect(mail!.raw).not.toMatch(/^(Bcc|Cc|Reply-To):/im);
      expect(mail!.subject).toBe(
        'Grace Hopper Reply-To: evil3@example.com invited you to “Week 3 live session Cc: evil2@example.com” (Biology 101 Bcc: evil@example.com)',
      );
      expect(mail!.links).toEqual([URL_OF_ADA]);
      expect(mail!.text).toContain('Your role: Moderator.');
      expect(mail!.html).toContain(`href="${URL_OF_ADA}"`);
      expect(mail!.html).toContain('Join the session');
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });
});
