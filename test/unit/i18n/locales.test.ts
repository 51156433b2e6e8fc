import { acceptedLanguages, bestLocale, directionOf } from '../../../src/i18n/locales';
import { createI18n, translatorFor } from '../../../src/i18n/translator';

describe('choosing a locale', () => {
  it.each([
    [['es-ES'], 'es'],
    [['es-419'], 'es'],
    [['fr-CA'], 'fr'],
    [['de-CH', 'en'], 'de'],
    [['nl-BE'], 'nl'],
    [['ar-SA'], 'ar'],
    [['en_US'], 'en'],
    [['de_DE'], 'de'],
    [['pt-BR'], 'en'],
    [['pt-BR', 'es'], 'es'],
    [['not a tag!', 'fr'], 'fr'],
    [[], 'en'],
  ])('%j → %s', (requested, locale) => {
    expect(bestLocale(requested)).toBe(locale);
  });

  it('reads Accept-Language by quality', () => {
    expect(acceptedLanguages('en;q=0.5, de-DE, de;q=0.9')).toEqual(['de-DE', 'de', 'en']);
    expect(bestLocale(acceptedLanguages('pt-BR,pt;q=0.9,nl;q=0.5,en;q=0.4'))).toBe('nl');
    expect(acceptedLanguages(undefined)).toEqual([]);
  });

  it('writes Arabic right to left and the others left to right', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(['en', 'es', 'fr', 'de', 'nl'].map((l) => directionOf(l as 'en'))).toEqual(Array(5).fill('ltr'));
  });
});

describe('plurals, numbers and dates per locale', () => {
  const links =
    '{count, plural, zero {# links} one {# link} two {# links} few {# links} many {# links} other {# links}}';
  const i18n = createI18n(
    {
      en: { t: { links } },
      de: { t: { links: '{count, plural, one {# Link} other {# Links}}' } },
      fr: { t: { links: '{count, plural, one {# lien} other {# liens}}' } },
      ar: {
        t: {
          links:
            '{count, plural, zero {لا روابط} one {رابط واحد} two {رابطان} few {# روابط} many {# رابطًا} other {# رابط}}',
        },
      },
    },
    ['t'],
  );

  it('uses each language’s plural rules', () => {
    const en = translatorFor(i18n, 'en');
    expect([1, 2].map((count) => en.t('t:links', { count }))).toEqual(['1 link', '2 links']);
    const fr = translatorFor(i18n, 'fr');
    // French counts 0 and 1 as singular.
    expect([0, 1, 2].map((count) => fr.t('t:links', { count }))).toEqual(['0 lien', '1 lien', '2 liens']);
    const ar = translatorFor(i18n, 'ar');
    expect([0, 1, 2, 3, 11, 100].map((count) => ar.t('t:links', { count }))).toEqual([
      'لا روابط',
      'رابط واحد',
      'رابطان',
      '3 روابط',
      '11 رابطًا',
      '100 رابط',
    ]);
  });

  it('writes numbers in the locale’s digits and separators', () => {
    expect(translatorFor(i18n, 'de').t('t:links', { count: 1500 })).toBe('1.500 Links');
    expect(translatorFor(i18n, 'en').formatNumber(1500)).toBe('1,500');
    expect(translatorFor(i18n, 'fr').formatNumber(1500)).toMatch(/^1\s500$/);
  });

  it('writes dates in the locale and the given time zone', () => {
    const when = new Date('2026-03-05T17:40:00Z');
    const options: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' };
    expect(translatorFor(i18n, 'en').formatDate(when, options)).toBe('March 5, 2026 at 5:40 PM');
    expect(translatorFor(i18n, 'de').formatDate(when, { ...options, timeZone: 'Europe/Berlin' })).toBe(
      '5. März 2026 um 18:40',
    );
    expect(translatorFor(i18n, 'es').formatDate(when, options)).toBe('5 de marzo de 2026 a las 17:40');
    expect(translatorFor(i18n, 'nl').formatDate(when, options)).toBe('5 maart 2026 om 17:40');
  });

  it('joins lists in the locale’s words', () => {
    expect(translatorFor(i18n, 'de').formatList(['Ana', 'Ben', 'Carla'])).toBe('Ana, Ben und Carla');
    expect(translatorFor(i18n, 'es').formatList(['Ana', 'Ben'])).toBe('Ana y Ben');
  });
});

describe('messages with emphasis', () => {
  const i18n = createI18n(
    {
      en: { t: { signedIn: 'Signed in as <b>{name}</b> · {role}' } },
      de: { t: { signedIn: 'Angemeldet als <b>{name}</b> · {role}' } },
    },
    ['t'],
  );

  it('turn <b> into <strong> and escape every value', () => {
    expect(
      translatorFor(i18n, 'de').html('t:signedIn', {
        name: '<img src=x onerror=alert(1)>',
        role: 'Gast & Co',
      }),
    ).toBe('Angemeldet als <strong>&lt;img src=x onerror=alert(1)&gt;</strong> · Gast &amp; Co');
  });
});
