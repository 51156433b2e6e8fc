import request from 'supertest';
import { apiFor } from '../../helpers/api';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { SQL_BACKENDS } from '../../helpers/databases';
import { claimAs, invitationCount, pathOf, revokeAllInvitations, unique } from '../../helpers/invitations';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import {
  startSilentServer,
  startSmtpServer,
  unusedSmtpUrl,
  type TestSmtpServer,
} from '../../helpers/smtp-server';
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

  it('audits each send and each failure as the user who sent it: the inviter, then who resent', async () => {
    const [{ since }] = (await server.sql.query<{ since: Date }>('SELECT now() AS since')) as [
      { since: Date },
    ];
    const refused = unique('audited');
    smtp.refuse({ code: 550, message: 'No such mailbox here', recipient: refused });
    const created = (await api.post('/invitations', { people: refused, role: 'viewer' }).expect(201)).body
      .invitations[0] as View;
    smtp.refuse(null);
    const moderator = apiFor(
      await sandboxLaunch(server, { user: 'co-instructor', placement: 'bio-101/live-session' }),
    );
    await moderator.post(`/invitations/${created.id}/send`).expect(200);
    const events = await server.sql.query<{
      action: string;
      actor_name: string;
      details: { invitationId: string; email: string; reason?: string };
    }>(
      `SELECT action, actor_name, details FROM audit_events
       WHERE room_id = $1 AND created_at >= $2 AND action LIKE 'invitation.%' ORDER BY id`,
      [host.roomId, since],
    );
    expect(events.map((event) => [event.action, event.actor_name])).toEqual([
      ['invitation.created', 'Ada Lovelace'],
      ['invitation.send-failed', 'Ada Lovelace'],
      ['invitation.sent', 'Grace Hopper'],
    ]);
    expect(events[1]!.details).toMatchObject({ invitationId: created.id, email: refused });
    expect(events[1]!.details.reason).toMatch(/No such mailbox here/);
    expect(events[2]!.details).toEqual({ invitationId: created.id, email: refused });
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

describe('invitation emails to a mail server that is slow or silent', () => {
  it('marks a batch to a server that never greets failed with the same reason at once, budget given back', async () => {
    const silent = await startSilentServer();
    const server = await startTestServer({
      env: { SMTP_URL: silent.url, INVITE_EMAILS_PER_ROOM_PER_HOUR: '30' },
    });
    try {
      const api = apiFor(await sandboxLaunch(server));
      const people = Array.from({ length: 30 }, () => unique('silent')).join('\n');
      const started = Date.now();
      const created = await api.post('/invitations', { people, role: 'viewer' }).expect(201);
      const elapsed = Date.now() - started;
      expect(created.body).toMatchObject({ sent: 0, failed: 30 });
      const reasons = new Set((created.body.invitations as View[]).map((view) => view.emailError));
      expect([...reasons]).toEqual([
        expect.stringMatching(/^The mail server at 127\.0\.0\.1:\d+ did not answer in time\.$/),
      ]);
      // One greeting timeout (5 s), not one per round of messages (30 would take about a minute).
      expect(elapsed).toBeLessThan(15_000);
      // None was sent: the whole budget of 30 came back.
      await api.post('/invitations', { people: unique('again'), role: 'viewer', send: true }).expect(201);
    } finally {
      await server.close();
      await silent.close();
    }
  });

  it('gives up at the batch deadline: those not sent by then are marked so, and can be retried', async () => {
    const smtp = await startSmtpServer();
    smtp.answerDataAfter(1_500);
    const server = await startTestServer({
      env: { SMTP_URL: smtp.url, INVITE_EMAILS_BATCH_SECONDS: '2', INVITE_EMAILS_PER_ROOM_PER_HOUR: '20' },
    });
    try {
      const api = apiFor(await sandboxLaunch(server));
      const people = Array.from({ length: 20 }, () => unique('slow')).join('\n');
      const started = Date.now();
      const created = await api.post('/invitations', { people, role: 'viewer' }).expect(201);
      const elapsed = Date.now() - started;
      const views = created.body.invitations as View[];
      expect(created.body.sent + created.body.failed).toBe(20);
      expect(created.body.failed).toBeGreaterThanOrEqual(12);
      for (const view of views.filter((one) => one.emailStatus === 'failed'))
        expect(view.emailError).toBe('The mail server did not answer within 2 seconds.');
      // 20 messages at 1.5 s each over 3 connections would take 10 s.
      expect(elapsed).toBeLessThan(6_000);
      // The budget of those not sent came back: Retry sends one now.
      smtp.answerDataAfter(0);
      const failed = views.find((view) => view.emailStatus === 'failed')!;
      const retried = await api.post(`/invitations/${failed.id}/send`).expect(200);
      expect(retried.body).toMatchObject({ emailStatus: 'sent', emailError: null });
    } finally {
      await server.close();
      await smtp.close();
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
