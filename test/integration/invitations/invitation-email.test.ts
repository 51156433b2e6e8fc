import request from 'supertest';
import { apiFor } from '../../helpers/api';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { SQL_BACKENDS } from '../../helpers/databases';
import { claimAs, invitationCount, pathOf, revokeAllInvitations, unique } from '../../helpers/invitations';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startSmtpServer, unusedSmtpUrl, type TestSmtpServer } from '../../helpers/smtp-server';
import { startTestServer, type TestServer } from '../../helpers/test-server';

interface View {
  id: string;
  email: string;
  url: string;
  emailStatus: string;
  emailError: string | null;
  emailSentAt: string | null;
}

/** Invitation emails through a real SMTP server the test starts (smtp-server). */
describe.each(SQL_BACKENDS)('invitation emails on %s', (backend) => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let host: Launch;
  let api: ReturnType<typeof apiFor>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      backend,
      env: { ...GENEROUS_GUEST_LIMITS, SMTP_URL: smtp.url, MAIL_FROM: 'Guestlink <guestlink@example.edu>' },
    });
    host = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    api = apiFor(host);
  });

  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  beforeEach(async () => {
    await revokeAllInvitations(server, host.roomId);
    smtp.received.length = 0;
    smtp.refuse(null);
  });

  it('sends one message per invitee, with the link that works', async () => {
    const people = [unique('ada'), unique('alan'), unique('grace')];
    const created = await api
      .post('/invitations', {
        people: people.map((email) => `Person <${email}>`).join('\n'),
        role: 'speaker',
      })
      .expect(201);
    expect(created.body).toMatchObject({ sent: 3, failed: 0 });
    const views = created.body.invitations as View[];
    expect(views.every((view) => view.emailStatus === 'sent' && view.emailSentAt !== null)).toBe(true);
    const mails = await smtp.waitFor(3);
    expect(mails.map((mail) => mail.envelope.to).sort()).toEqual(people.map((email) => [email]).sort());
    for (const mail of mails) {
      const view = views.find((candidate) => candidate.email === mail.envelope.to[0])!;
      expect(mail.subject).toBe(
        'Ada Lovelace invited you to “Weekly live session” (Introduction to Biology)',
      );
      expect(mail.text).toContain('Speaker');
      expect(mail.to).toEqual(mail.envelope.to);
      expect(mail.headers.has('bcc')).toBe(false);
      expect(mail.links).toContain(view.url);
      expect(mail.html).toContain(view.url);
    }
    // The link in the email opens the confirmation page.
    const [first] = mails;
    const link = first!.links.find((candidate) => candidate.includes('/i/'))!;
    expect((await request(server.url).get(pathOf(link)).expect(200)).text).toContain('Join session');
    expect((await claimAs(server, link, first!.envelope.to[0]!)).response.status).toBe(303);
  });

  it('marks the refused recipient failed with the reason, the others sent; Resend retries', async () => {
    const [ok1, refused, ok2] = [unique('ok'), unique('refused'), unique('ok')];
    smtp.refuse({ code: 550, message: 'No such mailbox here', recipient: refused });
    const created = await api
      .post('/invitations', { people: [ok1, refused, ok2].join('\n'), role: 'viewer' })
      .expect(201);
    expect(created.body).toMatchObject({ sent: 2, failed: 1 });
    const views = created.body.invitations as View[];
    const failed = views.find((view) => view.email === refused)!;
    expect(failed).toMatchObject({ emailStatus: 'failed', emailSentAt: null });
    expect(failed.emailError).toMatch(/No such mailbox|refused|550/i);
    expect(views.filter((view) => view.emailStatus === 'sent')).toHaveLength(2);
    await smtp.waitFor(2);

    smtp.refuse(null);
    const resent = await api.post(`/invitations/${failed.id}/send`).expect(200);
    expect(resent.body).toMatchObject({ emailStatus: 'sent', emailError: null });
    const mails = await smtp.waitFor(3);
    expect(mails[2]!.envelope.to).toEqual([refused]);
  });

  it('refuses Resend of a revoked invitation with 409', async () => {
    const created = (await api.post('/invitations', { people: unique('gone'), role: 'viewer' }).expect(201))
      .body.invitations[0] as View;
    await api.delete(`/invitations/${created.id}`).expect(200);
    expect((await api.post(`/invitations/${created.id}/send`).expect(409)).body.error.code).toBe(
      'INVITATION_REVOKED',
    );
  });

  it('creates the links without sending when asked not to', async () => {
    const created = await api
      .post('/invitations', { people: unique('quiet'), role: 'viewer', send: false })
      .expect(201);
    expect(created.body).toMatchObject({ sent: 0, failed: 0 });
    expect(created.body.invitations[0].emailStatus).toBe('not-sent');
    expect((await api.get('/invitations').expect(200)).body.emailConfigured).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received).toHaveLength(0);
  });
});

describe('invitation emails when the SMTP server is gone', () => {
  it('marks every invitation failed, and Resend sends once the server is back', async () => {
    const url = await unusedSmtpUrl();
    const server = await startTestServer({ env: { SMTP_URL: url } });
    let smtp: TestSmtpServer | null = null;
    try {
      const api = apiFor(await sandboxLaunch(server));
      const created = await api
        .post('/invitations', { people: `${unique('a')}\n${unique('b')}`, role: 'viewer' })
        .expect(201);
      expect(created.body).toMatchObject({ sent: 0, failed: 2 });
      const views = created.body.invitations as View[];
      for (const view of views) {
        expect(view.emailStatus).toBe('failed');
        expect(view.emailError).toBeTruthy();
      }
      smtp = await startSmtpServer({ port: Number(new URL(url).port) });
      const resent = await api.post(`/invitations/${views[0]!.id}/send`).expect(200);
      expect(resent.body.emailStatus).toBe('sent');
      expect((await smtp.waitFor(1))[0]!.envelope.to).toEqual([views[0]!.email]);
    } finally {
      await server.close();
      await smtp?.close();
    }
  });
});

describe('invitation emails over the sending limit', () => {
  it('answers 429 and creates nothing when the budget cannot cover the batch', async () => {
    const smtp = await startSmtpServer();
    const server = await startTestServer({
      env: { SMTP_URL: smtp.url, INVITE_EMAILS_PER_ROOM_PER_HOUR: '3' },
    });
    try {
      const host = await sandboxLaunch(server);
      const api = apiFor(host);
      await api
        .post('/invitations', { people: `${unique('a')}\n${unique('b')}`, role: 'viewer' })
        .expect(201);
      const before = await invitationCount(server, host.roomId);
      const refused = await api
        .post('/invitations', { people: `${unique('c')}\n${unique('d')}`, role: 'viewer' })
        .expect(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(await invitationCount(server, host.roomId)).toBe(before);
      // The refused request spent nothing: one more still fits.
      await api.post('/invitations', { people: unique('e'), role: 'viewer' }).expect(201);
      await smtp.waitFor(3);
    } finally {
      await server.close();
      await smtp.close();
    }
  });
});

describe('invitation emails that fail', () => {
  it('give their share of the sending limit back', async () => {
    const smtp = await startSmtpServer();
    const server = await startTestServer({
      env: { SMTP_URL: smtp.url, INVITE_EMAILS_PER_ROOM_PER_HOUR: '2' },
    });
    try {
      const api = apiFor(await sandboxLaunch(server));
      const refused = unique('refused');
      smtp.refuse({ code: 550, message: 'No such mailbox here', recipient: refused });
      const first = await api
        .post('/invitations', { people: `${unique('a')}\n${refused}`, role: 'viewer' })
        .expect(201);
      expect(first.body).toMatchObject({ sent: 1, failed: 1 });
      // One of two was spent: one more message fits this hour, two do not.
      await api
        .post('/invitations', { people: `${unique('b')}\n${unique('c')}`, role: 'viewer' })
        .expect(429);
      await api.post('/invitations', { people: unique('d'), role: 'viewer' }).expect(201);
    } finally {
      await server.close();
      await smtp.close();
    }
  });
});

describe('without SMTP_URL', () => {
  it('says email is not configured and marks invitations not-configured', async () => {
    const server = await startTestServer();
    try {
      const api = apiFor(await sandboxLaunch(server));
      const created = await api.post('/invitations', { people: unique('copy'), role: 'viewer' }).expect(201);
      expect(created.body.invitations[0].emailStatus).toBe('not-configured');
      expect((await api.get('/invitations').expect(200)).body.emailConfigured).toBe(false);
    } finally {
      await server.close();
    }
  });
});
