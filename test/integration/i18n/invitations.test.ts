import request from 'supertest';
import { apiFor } from '../../helpers/api';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { claimAs, invitationCount, openInvitation, pathOf, unique } from '../../helpers/invitations';
import { sandboxLaunch, type Launch } from '../../helpers/lti-launch';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../helpers/smtp-server';
import { startTestServer, type TestServer } from '../../helpers/test-server';

interface View {
  id: string;
  email: string;
  url: string;
  role: string;
  roleLabel: string;
  emailStatus: string;
  emailError: string | null;
}

const GERMAN_DATE =
  /(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4} um \d{2}:\d{2} Uhr \(Mitteleuropäische (Normal|Sommer)zeit; \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z\)/;

/** A whole hour some days ahead: the expiry the emails show. */
function inDays(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCMinutes(0, 0, 0);
  return date.toISOString();
}

/**
 * Invite users in other languages (issue 15): the window's answers in the launch's language,
 * each invitation's email in the language chosen for it (and its Resend too), and the invitee's
 * pages in the visitor's language, else the invitation's.
 */
describe('invitations in other languages', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let spanish: Launch;
  let english: Launch;
  let es: ReturnType<typeof apiFor>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      env: { ...GENEROUS_GUEST_LIMITS, SMTP_URL: smtp.url, MAIL_FROM: 'Guestlink <guestlink@example.edu>' },
    });
    spanish = await sandboxLaunch(server, { placement: 'bio-101/live-session', locale: 'es-ES' });
    english = await sandboxLaunch(server, { placement: 'bio-101/live-session' });
    es = apiFor(spanish);
    // A shared machine: starting PGlite and two launches can take a while.
  }, 180_000);

  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  beforeEach(() => {
    smtp.received.length = 0;
    smtp.refuse(null);
  });

  const storedLocale = async (id: string) =>
    (await server.sql.query<{ locale: string }>('SELECT locale FROM invitations WHERE id = $1', [id]))[0]!
      .locale;

  describe('the window’s answers for an es-ES launch', () => {
    it('are in Spanish, and the emails default to the inviter’s language', async () => {
      const created = await es
        .post('/invitations', { people: `Ana <${unique('ana')}>\n${unique('luis')}`, role: 'speaker' })
        .expect(201);
      expect(created.body).toMatchObject({ sent: 2, failed: 0 });
      const views = created.body.invitations as View[];
      expect(views.map((view) => view.roleLabel)).toEqual(['Ponente', 'Ponente']);
      expect(await storedLocale(views[0]!.id)).toBe('es');
      const [mail] = await smtp.waitFor(2);
      expect(mail!.subject).toBe(
        'Ada Lovelace le ha invitado a «Weekly live session» (Introduction to Biology)',
      );
      expect(mail!.text).toContain('Su rol: Ponente.');
    });

    it.each([
      [
        'an unknown role',
        { people: 'x@example.org', role: 'owner' },
        'role',
        'Elija un rol: espectador, ponente o moderador.',
      ],
      [
        'an address twice in one paste',
        { people: 'a@example.org\nOtra <A@example.org>', role: 'viewer' },
        'people',
        'Línea 2: A@example.org ya figura en la línea 1 de esta lista.',
      ],
      [
        'a malformed address',
        { people: [{ name: 'Ana', email: 'ana-at-example' }], role: 'viewer' },
        'people',
        'Persona 1: introduzca direcciones de correo electrónico del tipo nombre@ejemplo.com.',
      ],
      [
        'an expiry in the past',
        { people: 'p@example.org', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' },
        'expiresAt',
        'La caducidad debe ser una fecha futura.',
      ],
      [
        'an unknown field',
        { people: 'f@example.org', role: 'viewer', admin: true },
        'admin',
        'Campo desconocido: «admin».',
      ],
      [
        'a language Guestlink does not ship',
        { people: 'pt@example.org', role: 'viewer', locale: 'pt' },
        'locale',
        'Elija el idioma de la invitación en la lista.',
      ],
    ])('refuses %s in Spanish, naming the field, and stores nothing', async (_name, body, field, message) => {
      const before = await invitationCount(server, spanish.roomId);
      const response = await es.post('/invitations', body).expect(400);
      expect(response.body.error).toEqual({ code: 'VALIDATION_FAILED', field, message });
      expect(await invitationCount(server, spanish.roomId)).toBe(before);
    });

    it('says an address already invited, and a revoked one, in Spanish', async () => {
      const email = unique('twice');
      const first = (await es.post('/invitations', { people: email, role: 'viewer' }).expect(201)).body
        .invitations[0] as View;
      const again = await es.post('/invitations', { people: email, role: 'viewer' }).expect(400);
      expect(again.body.error.message).toBe(
        `${email} ya tiene una invitación en esta sesión: use Reenviar o Copiar enlace en la lista de abajo, o revóquela primero.`,
      );
      await es.delete(`/invitations/${first.id}`).expect(200);
      const resend = await es.post(`/invitations/${first.id}/send`).expect(409);
      expect(resend.body.error.message).toBe(
        'Esta invitación se ha revocado. Vuelva a invitar a la persona para enviarle un enlace nuevo.',
      );
    });

    it('keeps why a send failed as a message: Spanish for this launch, English for an English one', async () => {
      const refused = unique('refused');
      smtp.refuse({ code: 550, message: 'No such mailbox here', recipient: refused });
      const created = await es.post('/invitations', { people: refused, role: 'viewer' }).expect(201);
      const view = created.body.invitations[0] as View;
      expect(view.emailError).toMatch(/^El servidor de correo rechazó el mensaje: 550/);
      const listed = (await apiFor(english).get('/invitations').expect(200)).body.invitations as View[];
      expect(listed.find((one) => one.id === view.id)!.emailError).toMatch(
        /^The mail server refused the message: 550/,
      );
    });
  });

  describe('an invitation written in German', () => {
    let invitation: View;
    let email: string;
    let germanMail: ReceivedMail;

    beforeAll(async () => {
      smtp.received.length = 0;
      email = unique('greta');
      const created = await apiFor(english)
        .post('/invitations', {
          people: `Greta <${email}>`,
          role: 'speaker',
          locale: 'de',
          timeZone: 'Europe/Berlin',
          expiresAt: inDays(30),
        })
        .expect(201);
      invitation = created.body.invitations[0] as View;
      // Before the next test's beforeEach forgets what arrived.
      germanMail = (await smtp.waitFor(1))[0]!;
    });

    it('is stored in German and the mail server receives a German email, the date German, the zone named', async () => {
      // The window still speaks its reader's language.
      expect(invitation.roleLabel).toBe('Speaker');
      expect(await storedLocale(invitation.id)).toBe('de');
      const mail = germanMail;
      expect(mail.envelope.to).toEqual([email]);
      expect(mail!.subject).toBe(
        'Ada Lovelace hat Sie zu „Weekly live session“ (Introduction to Biology) eingeladen',
      );
      expect(mail!.text).toContain('Guten Tag Greta,');
      expect(mail!.text).toContain(
        'Ada Lovelace hat Sie zur Live-Sitzung „Weekly live session“ im Kurs Introduction to Biology eingeladen.',
      );
      expect(mail!.text).toContain('Ihre Rolle: Referent.');
      expect(mail!.text).toMatch(new RegExp(`Der Link läuft ab: ${GERMAN_DATE.source}`));
      expect(mail!.text).toContain('Bitte leiten Sie diese E-Mail nicht weiter.');
      expect(mail!.html).toContain('<html lang="de" dir="ltr">');
      expect(mail!.html).toContain('>An der Sitzung teilnehmen</a>');
      expect(mail!.html).toMatch(GERMAN_DATE);
      expect(mail!.links).toContain(invitation.url);
    });

    it('is sent in German again by Resend, also when a Spanish launch resends it', async () => {
      const resent = await es
        .post(`/invitations/${invitation.id}/send`, { timeZone: 'Europe/Berlin' })
        .expect(200);
      // The window's answer speaks Spanish; the email keeps the invitation's German.
      expect(resent.body).toMatchObject({ roleLabel: 'Ponente', emailStatus: 'sent' });
      const [mail] = await smtp.waitFor(1);
      expect(mail!.subject).toContain('hat Sie zu „Weekly live session“');
      expect(mail!.text).toMatch(GERMAN_DATE);
    });

    it('names UTC when the inviter’s time zone is unknown or not sent', async () => {
      await apiFor(english)
        .post('/invitations', {
          people: unique('utc'),
          role: 'viewer',
          locale: 'de',
          timeZone: 'Mars/Olympus_Mons',
          expiresAt: inDays(3),
        })
        .expect(201);
      const [mail] = await smtp.waitFor(1);
      expect(mail!.text).toMatch(/Der Link läuft ab: \S+, \d{1,2}\. \S+ \d{4} um \d{2}:00 Uhr \(UTC; /);
    });

    it('has its confirm page in the visitor’s language, else in German', async () => {
      const french = await request(server.url)
        .get(pathOf(invitation.url))
        .set('Accept-Language', 'fr-FR')
        .expect(200);
      expect(french.text).toContain('<html lang="fr" dir="ltr">');
      expect(french.text).toContain('Confirmez votre adresse e-mail');
      expect(french.text).toContain('par Ada Lovelace, en tant que <strong>Intervenant</strong>');
      expect(french.text).toContain('class="language-picker"');

      const unknown = await request(server.url)
        .get(pathOf(invitation.url))
        .set('Accept-Language', 'ja-JP, zh;q=0.8')
        .expect(200);
      expect(unknown.text).toContain('<html lang="de" dir="ltr">');
      expect(unknown.text).toContain('E-Mail-Adresse bestätigen');
      expect(unknown.text).toContain('von Ada Lovelace als <strong>Referent</strong>');

      const englishReader = await request(server.url)
        .get(pathOf(invitation.url))
        .set('Accept-Language', 'en-GB, ja;q=0.9')
        .expect(200);
      expect(englishReader.text).toContain('<html lang="en" dir="ltr">');
      expect(englishReader.text).toContain('Confirm your email');

      // The picker's choice wins over both.
      const agent = request.agent(server.url);
      await agent
        .post('/language')
        .type('form')
        .send({ lang: 'nl', return: pathOf(invitation.url) })
        .expect(303);
      const dutch = await agent.get(pathOf(invitation.url)).set('Accept-Language', 'fr').expect(200);
      expect(dutch.text).toContain('Bevestig uw e-mailadres');
    });

    it('refuses in German: a wrong address, a link in use, an expired invitation', async () => {
      const wrong = await claimAs(server, invitation.url, unique('someone-else'));
      expect(wrong.response.status).toBe(400);
      expect(wrong.response.text).toContain(
        'Dies ist nicht die E-Mail-Adresse, an die diese Einladung gesendet wurde.',
      );

      expect((await claimAs(server, invitation.url, email)).response.status).toBe(303);
      const elsewhere = await request(server.url)
        .get(pathOf(invitation.url))
        .set('Accept-Language', 'de')
        .expect(409);
      expect(elsewhere.text).toContain('<html lang="de" dir="ltr">');
      expect(elsewhere.text).toContain('Dieser Einladungslink wird bereits verwendet');
      expect(elsewhere.text).toContain('Bitten Sie Ada Lovelace, Ihnen eine neue Einladung zu senden.');

      const later = (
        await apiFor(english)
          .post('/invitations', { people: unique('late'), role: 'viewer', locale: 'de' })
          .expect(201)
      ).body.invitations[0] as View;
      await server.sql.query(
        "UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1",
        [later.id],
      );
      // No language of ours in the browser: the invitation's.
      const expired = await openInvitation(
        server,
        later.url,
        request.agent(server.url).set('Accept-Language', 'ja'),
      );
      expect(expired.page.status).toBe(410);
      expect(expired.page.text).toContain('<html lang="de" dir="ltr">');
      expect(expired.page.text).toContain('Diese Einladung ist abgelaufen');
      expect(expired.page.text).toContain('Bitten Sie Ada Lovelace, Ihnen eine neue Einladung zu senden.');
    });
  });

  it('writes an Arabic email right to left', async () => {
    await apiFor(english)
      .post('/invitations', { people: unique('amal'), role: 'moderator', locale: 'ar' })
      .expect(201);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.html).toContain('<html lang="ar" dir="rtl">');
    expect(mail!.subject).toBe('دعاك Ada Lovelace إلى «Weekly live session» (Introduction to Biology)');
    expect(mail!.text).toContain('دورك: مشرف.');
  });
});
