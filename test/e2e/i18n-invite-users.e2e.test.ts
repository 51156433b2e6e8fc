import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import type { TestServer } from '../helpers/test-server';
import {
  captureScreen,
  DESKTOP,
  expectAccessible,
  launchBrowser,
  newContext,
  startE2eServer,
  launchFromSandbox,
} from './helpers/browser';
import { invitationRow, linkInEmail } from './helpers/invitations';

function launchIn(page: Page, server: TestServer, locale: string): Promise<Page> {
  return launchFromSandbox(page, server, { locale });
}

/** The three-dots menu's Invite users item, by its action (its words are the media page's). */
async function openInviteUsers(page: Page): Promise<Locator> {
  const dialog = page.locator('#invite-users-dialog');
  await page.locator('#room-menu-button').click();
  await page.locator('[data-menu-action="invite-users"]').click();
  await dialog.waitFor();
  await page.waitForSelector('#invite-submit:not([disabled])');
  return dialog;
}

/**
 * Invite users for an es-ES launch in a real browser: the window, its answers and statuses in
 * Spanish, the emails in the language chosen for them with the inviter's own time zone; and
 * the window right to left for an Arabic launch.
 */
describe('the Invite users window in Spanish and Arabic', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let dialog: Locator;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    [server, browser] = await Promise.all([
      startE2eServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Guestlink <guestlink@example.edu>' }),
      launchBrowser(),
    ]);
    const instructor = await newContext(browser, server, { timezoneId: 'Europe/Madrid' });
    contexts.push(instructor);
    host = await launchIn(await instructor.newPage(), server, 'es-ES');
    dialog = await openInviteUsers(host);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('opens in Spanish, the language of the invitation set to Spanish', async () => {
    expect(await dialog.locator('#invite-users-title').textContent()).toBe('Invitar usuarios');
    expect(await dialog.locator('#invite-submit').textContent()).toBe('Enviar invitaciones');
    expect(await dialog.getByLabel('Idioma de la invitación').inputValue()).toBe('es');
    expect(await dialog.locator('#invite-count').textContent()).toBe(
      'Aún no hay invitaciones · máximo 500 activas',
    );
    await dialog.getByRole('radio', { name: 'Ponente', exact: true }).waitFor();
  });

  it('refuses an empty list and a malformed address in Spanish, at the field', async () => {
    await dialog.locator('#invite-submit').click();
    await dialog
      .locator('#invite-people-error', {
        hasText: 'Introduzca al menos un nombre y una dirección de correo electrónico.',
      })
      .waitFor();
    await dialog.getByLabel('Nombres y direcciones de correo electrónico').fill('Ana <ana-arroba-ejemplo>');
    await dialog.locator('#invite-submit').click();
    await dialog
      .locator('#invite-people-error', {
        hasText: 'Línea 1: introduzca direcciones de correo electrónico del tipo nombre@ejemplo.com.',
      })
      .waitFor();
  });

  it('invites two people and shows what happened in Spanish; the emails are Spanish', async () => {
    await dialog
      .getByLabel('Nombres y direcciones de correo electrónico')
      .fill('Ana García <ana.garcia@example.org>\nLuis Pérez <luis.perez@example.org>');
    await dialog.getByRole('radio', { name: 'Ponente', exact: true }).check();
    await dialog.locator('#invite-submit').click();
    await dialog.locator('#invite-results-heading', { hasText: 'Enviadas a 2 personas.' }).waitFor();
    expect(await dialog.locator('#invite-results-list li .invite-result-outcome').allTextContents()).toEqual([
      'Enviado',
      'Enviado',
    ]);
    const ana = invitationRow(dialog, 'Ana García');
    expect(await ana.locator('.status-badge').textContent()).toBe('Sin abrir');
    expect(await ana.locator('.invite-email-status').textContent()).toBe('Enviado');
    expect(await ana.locator('td').nth(3).textContent()).toBe('Nunca');
    await ana.getByRole('combobox', { name: 'Rol de Ana García' }).waitFor();
    await ana.getByRole('button', { name: 'Copiar el enlace de Ana García' }).waitFor();
    expect(await dialog.locator('#invite-count').textContent()).toBe('2 activas · máximo 500');
    const mails = await smtp.waitFor(2);
    expect(mails.map((mail) => mail.subject)).toEqual([
      'Ada Lovelace le ha invitado a «Weekly live session» (Introduction to Biology)',
      'Ada Lovelace le ha invitado a «Weekly live session» (Introduction to Biology)',
    ]);
    await expectAccessible(host, 'i18n-invite-users-es');
    await captureScreen(host, 'i18n-invite-users-es');
  });

  it('changes a role and announces it in Spanish; the revoke question is Spanish too', async () => {
    await invitationRow(dialog, 'Luis Pérez')
      .getByRole('combobox', { name: 'Rol de Luis Pérez' })
      .selectOption('moderator');
    await host
      .locator('#announcer', { hasText: 'Luis Pérez ahora es Moderador' })
      .waitFor({ state: 'attached' });
    await invitationRow(dialog, 'Luis Pérez')
      .getByRole('button', { name: 'Revocar la invitación de Luis Pérez' })
      .click();
    const question = host.locator('#revoke-invitation-dialog');
    await question.waitFor();
    expect(await question.locator('#revoke-invitation-description').textContent()).toContain(
      'El enlace de Luis Pérez deja de funcionar ahora mismo.',
    );
    await captureScreen(host, 'i18n-invite-users-revoke-es');
    await question.getByRole('button', { name: 'Revocar invitación' }).click();
    await invitationRow(dialog, 'Luis Pérez').locator('.status-badge', { hasText: 'Revocada' }).waitFor();
  });

  it('writes an invitation in German when asked, the time in the inviter’s zone, named', async () => {
    smtp.received.length = 0;
    await dialog
      .getByLabel('Nombres y direcciones de correo electrónico')
      .fill('Greta Braun <greta@example.org>');
    await dialog.getByLabel('Idioma de la invitación').selectOption('de');
    await dialog.getByRole('radio', { name: 'Espectador', exact: true }).check();
    await dialog.locator('#invite-expires').fill('2027-01-15T18:30');
    await dialog.locator('#invite-submit').click();
    await dialog.locator('#invite-results-heading', { hasText: 'Enviada a 1 persona.' }).waitFor();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe(
      'Ada Lovelace hat Sie zu „Weekly live session“ (Introduction to Biology) eingeladen',
    );
    expect(mail!.text).toContain(
      'Der Link läuft ab: Freitag, 15. Januar 2027 um 18:30 Uhr (Mitteleuropäische Normalzeit; 2027-01-15T17:30:00Z)',
    );
    expect(mail!.html).toContain('<html lang="de" dir="ltr">');
    // The window goes on in Spanish; the list's date in the viewer's zone and language.
    const greta = invitationRow(dialog, 'Greta Braun');
    expect(await greta.locator('.invite-expiry').textContent()).toBe('Hasta el 15 ene 2027, 18:30');
    // The German invitee's page, for a browser that asks for German.
    const invitee = await browser.newContext({ viewport: DESKTOP, locale: 'de-DE' });
    contexts.push(invitee);
    const page = await invitee.newPage();
    await page.goto(linkInEmail(mail!.text));
    await page.getByLabel('E-Mail-Adresse bestätigen').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expectAccessible(page, 'i18n-invitee-confirm-de');
    await captureScreen(page, 'i18n-invitee-confirm-de');
  });

  it('is right to left for an Arabic launch, and the invitee’s page too', async () => {
    const arabicContext = await newContext(browser, server, { timezoneId: 'Asia/Riyadh' });
    contexts.push(arabicContext);
    const arabic = await launchIn(await arabicContext.newPage(), server, 'ar-SA');
    expect(await arabic.locator('html').getAttribute('dir')).toBe('rtl');
    const window = await openInviteUsers(arabic);
    expect(await window.locator('#invite-users-title').textContent()).toBe('دعوة مستخدمين');
    smtp.received.length = 0;
    await window.getByLabel('الأسماء وعناوين البريد الإلكتروني').fill('Amal <amal@example.org>');
    await window.locator('#invite-submit').click();
    await window.locator('#invite-results-heading', { hasText: 'أُرسلت إلى شخص واحد.' }).waitFor();
    await captureScreen(arabic, 'i18n-invite-users-ar');
    const [mail] = await smtp.waitFor(1);
    expect(mail!.html).toContain('<html lang="ar" dir="rtl">');
    const invitee = await browser.newContext({ viewport: DESKTOP, locale: 'ja-JP' });
    contexts.push(invitee);
    const page = await invitee.newPage();
    await page.goto(linkInEmail(mail!.text));
    // A browser asking for none of our languages reads the invitation's.
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByLabel('أكّد بريدك الإلكتروني').waitFor();
    await captureScreen(page, 'i18n-invitee-confirm-ar');
  });
});
