import { translator } from '../../../src/i18n';
import { composeInvitationEmail, emailTime } from '../../../src/invitations/invitation-email';
import { failureInWords, sendFailureText, storedFailure } from '../../../src/mail/send-failure';
import { invitationEmailInput } from '../../helpers/invitation-email-input';

const input = invitationEmailInput({ startsAt: null });

describe('the invitation email in the invitation’s language', () => {
  it('writes German: subject, greeting, role, the date in the inviter’s zone with the zone named', () => {
    const mail = composeInvitationEmail({ ...input, locale: 'de', timeZone: 'Europe/Berlin' });
    expect(mail.subject).toBe('Grace Hopper hat Sie zu „Week 3 live session“ (Biology 101) eingeladen');
    expect(mail.text).toContain('Guten Tag Ada Lovelace,');
    expect(mail.text).toContain('Ihre Rolle: Referent.');
    expect(mail.text).toContain(
      'Der Link läuft ab: Montag, 7. Dezember 2026 um 18:00 Uhr (Mitteleuropäische Normalzeit; 2026-12-07T17:00:00Z)',
    );
    expect(mail.html).toContain('<html lang="de" dir="ltr">');
    // Names of the course and the session stay as they are.
    expect(mail.html).toContain('„Week 3 live session“ im Kurs Biology 101');
  });

  it('writes Arabic right to left, the role translated, the titles as they are', () => {
    const mail = composeInvitationEmail({ ...input, locale: 'ar', role: 'viewer' });
    expect(mail.html).toContain('<html lang="ar" dir="rtl">');
    expect(mail.subject).toBe('دعاك Grace Hopper إلى «Week 3 live session» (Biology 101)');
    expect(mail.text).toContain('دورك: مشاهد.');
    expect(mail.text).toContain('(UTC؛ 2026-12-07T17:00:00Z)');
  });

  it('keeps the English wording in UTC, and names another zone in English when the inviter has one', () => {
    expect(composeInvitationEmail(input).text).toContain(
      'The link expires: Monday 7 December 2026, 17:00 UTC (2026-12-07T17:00:00Z)',
    );
    expect(emailTime(new Date('2026-12-07T17:00:00Z'), translator('en'), 'America/New_York')).toBe(
      'Monday 7 December 2026, 12:00 Eastern Standard Time (2026-12-07T17:00:00Z)',
    );
  });

  it.each([
    ['es', 'lunes, 7 de diciembre de 2026, 17:00 (UTC; 2026-12-07T17:00:00Z)'],
    ['fr', 'lundi 7 décembre 2026 à 17:00 (UTC ; 2026-12-07T17:00:00Z)'],
    ['nl', 'maandag 7 december 2026 om 17:00 (UTC; 2026-12-07T17:00:00Z)'],
  ] as const)('formats the date for %s', (locale, expected) => {
    expect(emailTime(new Date('2026-12-07T17:00:00Z'), translator(locale))).toBe(expected);
  });
});

describe('a send failure kept with the invitation', () => {
  const context = { server: 'smtp.example.edu:587', messageSeconds: 30 };

  it('is shown in each reader’s language; words kept before issue 15 as they are', () => {
    const stored = storedFailure(
      sendFailureText({ code: 'ESOCKET', message: 'connect ECONNREFUSED 10.0.0.1:587' }, context),
    );
    expect(failureInWords(stored, translator('de'))).toBe(
      'Der Mailserver smtp.example.edu:587 ist nicht erreichbar (Verbindung abgelehnt).',
    );
    expect(failureInWords(stored, translator('en'))).toBe(
      'Could not reach the mail server at smtp.example.edu:587 (connection refused).',
    );
    expect(failureInWords('The mail server refused the message: 550', translator('fr'))).toBe(
      'The mail server refused the message: 550',
    );
    expect(failureInWords(null, translator('fr'))).toBeNull();
  });

  it('fits the column whatever the server says', () => {
    const stored = storedFailure(
      sendFailureText({ responseCode: 554, response: `554 ${'x'.repeat(5000)}` }, context),
    );
    expect(stored.length).toBeLessThanOrEqual(500);
    expect(failureInWords(stored, translator('es'))).toMatch(
      /^El servidor de correo rechazó el mensaje: 554 x+/,
    );
  });
});
