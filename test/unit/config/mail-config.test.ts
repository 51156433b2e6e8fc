import { loadConfig } from '../../../src/config';
import { describeSmtpServer } from '../../../src/config/mail-config';
import { StartupError } from '../../../src/errors';
import { testEnv } from '../../helpers/constants';

function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(testEnv(env));
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('mail configuration', () => {
  it('sends nothing without SMTP_URL, from Guestlink at PUBLIC_URL’s host, 500 per room and 1000 per user an hour, 20 s a batch', () => {
    const { mail } = loadConfig(testEnv({ PUBLIC_URL: 'https://guestlink.example.edu:8443' }));
    expect(mail).toEqual({
      smtp: null,
      from: 'Guestlink <guestlink@guestlink.example.edu>',
      emailsPerRoomPerHour: 500,
      emailsPerUserPerHour: 1000,
      batchSeconds: 20,
    });
  });

  it('reads the server, port, TLS and credentials from SMTP_URL', () => {
    expect(loadConfig(testEnv({ SMTP_URL: 'smtp://127.0.0.1:2525' })).mail.smtp).toEqual({
      host: '127.0.0.1',
      port: 2525,
      secure: false,
      auth: null,
    });
    expect(
      loadConfig(testEnv({ SMTP_URL: 'smtps://mailer%40example.edu:p%40ss:word@smtp.example.edu' })).mail
        .smtp,
    ).toEqual({
      host: 'smtp.example.edu',
      port: 465,
      secure: true,
      auth: { user: 'mailer@example.edu', pass: 'p@ss:word' },
    });
    expect(loadConfig(testEnv({ SMTP_URL: 'smtp://smtp.example.edu' })).mail.smtp?.port).toBe(587);
    const ipv6 = loadConfig(testEnv({ SMTP_URL: 'smtp://[::1]:2525' })).mail.smtp!;
    expect(ipv6.host).toBe('::1');
    expect(describeSmtpServer(ipv6)).toBe('[::1]:2525');
  });

  it.each([
    ['http://smtp.example.edu'],
    ['smtp.example.edu:25'],
    ['mailto:someone@example.edu'],
    ['smtp://smtp.example.edu/path'],
    ['smtp://smtp.example.edu?tls=off'],
  ])('refuses SMTP_URL %s, naming the variable', (value) => {
    expect(configError({ SMTP_URL: value })).toMatch(/SMTP_URL: must be smtp:\/\/.*or smtps:\/\//);
  });

  it('never repeats SMTP_URL’s password in its refusal', () => {
    const message = configError({ SMTP_URL: 'ftp://mailer:hunter2-secret@smtp.example.edu' });
    expect(message).toContain('SMTP_URL');
    expect(message).not.toContain('hunter2-secret');
  });

  it('takes MAIL_FROM as an address or Name <address>', () => {
    expect(loadConfig(testEnv({ MAIL_FROM: 'noreply@example.edu' })).mail.from).toBe('noreply@example.edu');
    expect(loadConfig(testEnv({ MAIL_FROM: ' Biology Live <noreply@example.edu> ' })).mail.from).toBe(
      'Biology Live <noreply@example.edu>',
    );
  });

  it.each([
    ['Guestlink <noreply@example.edu>\r\nBcc: evil@example.com', /MAIL_FROM: must be one line/],
    ['Guestlink\n<noreply@example.edu>', /MAIL_FROM: must be one line/],
    ['Guestlink', /MAIL_FROM: must be an address or Name <address>/],
    ['Guestlink <not an address>', /MAIL_FROM: must be an address or Name <address>/],
  ])('refuses MAIL_FROM %j', (value, message) => {
    expect(configError({ MAIL_FROM: value })).toMatch(message);
  });

  it('takes the sending limits as whole numbers of at least 1', () => {
    const { mail } = loadConfig(
      testEnv({ INVITE_EMAILS_PER_ROOM_PER_HOUR: '30', INVITE_EMAILS_PER_USER_PER_HOUR: '40' }),
    );
    expect([mail.emailsPerRoomPerHour, mail.emailsPerUserPerHour]).toEqual([30, 40]);
    expect(configError({ INVITE_EMAILS_PER_ROOM_PER_HOUR: '0' })).toMatch(
      /INVITE_EMAILS_PER_ROOM_PER_HOUR: must be a whole number/,
    );
    expect(configError({ INVITE_EMAILS_PER_USER_PER_HOUR: 'lots' })).toMatch(
      /INVITE_EMAILS_PER_USER_PER_HOUR: must be a whole number/,
    );
  });

  it('takes the time a batch of emails may take as whole seconds from 1 to 50', () => {
    expect(loadConfig(testEnv({ INVITE_EMAILS_BATCH_SECONDS: '5' })).mail.batchSeconds).toBe(5);
    for (const value of ['0', '51', '2.5', 'soon'])
      expect(configError({ INVITE_EMAILS_BATCH_SECONDS: value })).toMatch(
        /INVITE_EMAILS_BATCH_SECONDS: must be a whole number between 1 and 50/,
      );
  });
});
