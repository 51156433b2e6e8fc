import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { composeInvitationEmail } from '../../../src/invitations/invitation-email';
import { createLogger } from '../../../src/logger';
import { createMailer } from '../../../src/mail/nodemailer-mailer';
import { testEnv } from '../../helpers/constants';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm run mail-catcher', () => {
  let catcher: ChildProcess;
  let output = '';

  afterEach(() => {
    catcher?.kill();
  });

  it('prints each message with its links and shows it on its page, the HTML part sandboxed', async () => {
    const [smtpPort, httpPort] = [await freePort(), await freePort()];
    catcher = spawn(
      process.execPath,
      [
        path.resolve('scripts/mail-catcher.mjs'),
        '--smtp-port',
        String(smtpPort),
        '--http-port',
        String(httpPort),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    catcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    catcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(() => output.includes('Mail catcher: SMTP on'));

    const mailer = createMailer(
      loadConfig(testEnv({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}` })),
      createLogger('silent'),
    );
    const outcome = await mailer.send(
      composeInvitationEmail({
        invitee: { name: 'Ada Lovelace', email: 'ada@example.com' },
        role: 'viewer',
        courseTitle: 'Biology <101>',
        sessionTitle: 'Week 3',
        inviterName: 'Grace Hopper',
        url: 'https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx',
        expiresAt: null,
        startsAt: null,
      }),
    );
    await mailer.close();
    expect(outcome).toEqual({ ok: true });

    await waitUntil(() => output.includes('Link: https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx'));
    expect(output).toContain('to ada@example.com');
    expect(output).toContain('Subject: Grace Hopper invited you to “Week 3” (Biology <101>)');

    const response = await fetch(`http://127.0.0.1:${httpPort}/`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('<h2>Grace Hopper invited you to “Week 3” (Biology &lt;101&gt;)</h2>');
    expect(page).toContain('<iframe sandbox="" title="HTML part" srcdoc="&lt;!DOCTYPE html&gt;');
    expect(page).toContain('<a href="https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx">');
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for the mail catcher');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
