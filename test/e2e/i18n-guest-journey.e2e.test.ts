import type { Browser, BrowserContext, Page } from 'playwright-core';
import { roomWithLink, type GuestLink } from '../helpers/guests';
import type { apiFor } from '../helpers/api';
import type { TestServer } from '../helpers/test-server';
import {
  captureScreen,
  DESKTOP,
  expectAccessible,
  launchBrowser,
  PHONE,
  startE2eServer,
} from './helpers/browser';

/**
 * A guest whose browser speaks German (locale de-DE: Accept-Language and navigator.language)
 * opens a guest link: the entry page, its error, the waiting page and the room are German; the
 * language picker switches to Spanish and the choice stays. An Arabic browser's entry page is
 * right to left and passes axe at desktop and phone width. Screenshots: german-guest-entry,
 * german-guest-waiting, german-guest-room and arabic-entry under test/e2e/screenshots/.
 */
describe('the guest journey in the visitor’s language, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let link: GuestLink;
  let api: ReturnType<typeof apiFor>;
  let roomId = '';
  let guest: Page;
  const contexts: BrowserContext[] = [];

  async function visitor(locale: string): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, locale, timezoneId: 'Europe/Berlin' });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return context.newPage();
  }

  const lang = (page: Page) =>
    page.evaluate(() => [document.documentElement.lang, document.documentElement.dir].join(' '));

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    const room = await roomWithLink(server, { name: 'Gäste' });
    link = room.link;
    api = room.api;
    roomId = room.host.roomId;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  it('shows a German browser the entry page and its errors in German', async () => {
    guest = await visitor('de-DE');
    await guest.goto(link.url);
    expect(await lang(guest)).toBe('de ltr');
    await expect(guest.title()).resolves.toBe('Weekly live session beitreten · Guestlink');
    await expect(guest.locator('.guest-kicker').textContent()).resolves.toBe('Sie sind eingeladen zu');
    await expect(guest.locator('#guest-email-note').textContent()).resolves.toBe(
      'Ihre E-Mail-Adresse dient nur zur Identifizierung.',
    );
    await expectAccessible(guest, 'german-guest-entry');
    await captureScreen(guest, 'german-guest-entry');

    await guest.getByLabel('Name').fill('Greta Gast');
    await guest.getByLabel('E-Mail').fill('greta-at-example.org');
    await guest.getByRole('button', { name: 'Beitreten' }).click();
    await expect(guest.locator('#guest-email-error').textContent()).resolves.toBe(
      'Geben Sie eine E-Mail-Adresse wie name@example.com ein.',
    );
    expect(await lang(guest)).toBe('de ltr');
  });

  it('has the German guest wait, then enter the room, in German', async () => {
    await guest.getByLabel('E-Mail').fill('greta@example.org');
    await guest.getByRole('button', { name: 'Beitreten' }).click();
    await guest.waitForURL(`${server.url}/guest/rooms/${roomId}/waiting`);
    await expect(guest.locator('h1').textContent()).resolves.toBe(
      'Bitte warten Sie, bis ein Moderator Sie hereinlässt …',
    );
    await expect(guest.locator('#waiting-presence').textContent()).resolves.toBe(
      'Die Sitzung hat noch nicht begonnen. Sie werden eingelassen, sobald ein Moderator da ist.',
    );
    await expectAccessible(guest, 'german-guest-waiting');
    await captureScreen(guest, 'german-guest-waiting');

    const waiting = (await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string }>;
    const inRoom = guest.waitForURL(`${server.url}/guest/rooms/${roomId}`);
    await api.post(`/lobby/${waiting[0]!.id}/admit`).expect(200);
    await inRoom;
    expect(await lang(guest)).toBe('de ltr');
    await expect(guest.locator('.who').textContent()).resolves.toBe(
      'Sie sind als Greta Gast beigetreten Gast',
    );
    await expect(guest.getByRole('button', { name: 'Verlassen' }).count()).resolves.toBe(1);
    await expectAccessible(guest, 'german-guest-room');
    await captureScreen(guest, 'german-guest-room');
  });

  it('switches to Spanish with the picker, and stays Spanish', async () => {
    await guest.getByLabel('Sprache').selectOption('es');
    await guest.getByRole('button', { name: 'Sprache ändern' }).click();
    await guest.waitForURL(`${server.url}/guest/rooms/${roomId}`);
    await guest.locator('html[lang="es"]').waitFor({ state: 'attached' });
    await expect(guest.locator('.who').textContent()).resolves.toBe('Se ha unido como Greta Gast Invitado');
    await expect(guest.getByRole('button', { name: 'Salir' }).count()).resolves.toBe(1);
    // The browser still asks for German; the picked language wins on every page after.
    await guest.goto(link.url);
    await guest.waitForURL(`${server.url}/guest/rooms/${roomId}`);
    expect(await lang(guest)).toBe('es ltr');
    await expect(guest.getByLabel('Idioma').inputValue()).resolves.toBe('es');
  });

  it('lays an Arabic entry page out right to left, accessible at desktop and phone width', async () => {
    const arabic = await visitor('ar-SA');
    await arabic.goto(link.url);
    expect(await lang(arabic)).toBe('ar rtl');
    await expect(arabic.getByRole('button', { name: 'انضمام' }).count()).resolves.toBe(1);
    await expectAccessible(arabic, 'arabic-entry (desktop)');
    // Right to left: the labels start at the card's right edge; the email stays left to right.
    const layout = await arabic.evaluate(() => {
      const card = document.querySelector('.guest-card')!.getBoundingClientRect();
      // The label's words themselves, not its box (a block as wide as the card).
      const words = document.createRange();
      words.selectNodeContents(document.querySelector('label[for="guest-name"]')!);
      const label = words.getBoundingClientRect();
      const email = getComputedStyle(document.getElementById('guest-email')!);
      return {
        labelAtRight: Math.abs(card.right - label.right) < Math.abs(card.left - label.left),
        emailDirection: email.direction,
      };
    });
    expect(layout).toEqual({ labelAtRight: true, emailDirection: 'ltr' });

    await arabic.setViewportSize(PHONE);
    await expectAccessible(arabic, 'arabic-entry (phone)');
    // Nothing wider than the phone, and the picker below the card without overlapping it.
    const phone = await arabic.evaluate(() => {
      const card = document.querySelector('.guest-card')!.getBoundingClientRect();
      const picker = document.querySelector('.language-picker')!.getBoundingClientRect();
      return {
        sideways: document.documentElement.scrollWidth - window.innerWidth,
        pickerBelow: picker.top >= card.bottom,
        pickerFits: picker.left >= 0 && picker.right <= window.innerWidth,
      };
    });
    expect(phone).toEqual({ sideways: 0, pickerBelow: true, pickerFits: true });
    await captureScreen(arabic, 'arabic-entry');
  });
});
