import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  catalogProblems,
  loadCatalogs,
  namespacesIn,
  undefinedKeys,
  unusedKeys,
} from '../../helpers/catalog-check';
import { createI18n, translatorFor } from '../../../src/i18n/translator';
import { LOCALES } from '../../../src/i18n/locales';

describe('the message catalogs', () => {
  const catalogs = loadCatalogs();

  it('give every locale every English key, valid ICU and the same placeholders', () => {
    expect(catalogProblems(catalogs)).toEqual([]);
  });

  it('hold no key the code never uses', () => {
    expect(unusedKeys(catalogs)).toEqual([]);
  });

  it('hold every key the code uses', () => {
    expect(undefinedKeys(catalogs)).toEqual([]);
  });

  it('have one file per namespace in every locale', () => {
    for (const locale of LOCALES) expect(namespacesIn().every((ns) => catalogs[locale]?.[ns])).toBe(true);
  });
});

describe('a key missing from a translation', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gl-catalogs-'));
    for (const [locale, messages] of Object.entries({
      en: { 'entry.title': 'Join {room}', 'entry.join': 'Join' },
      de: { 'entry.title': '{room} beitreten' },
    })) {
      fs.mkdirSync(path.join(dir, locale));
      fs.writeFileSync(path.join(dir, locale, 'guest.json'), JSON.stringify(messages));
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is shown in English', () => {
    const catalogs = loadCatalogs(dir, ['en', 'de']);
    const german = translatorFor(createI18n(catalogs, namespacesIn(dir)), 'de');
    expect(german.t('guest:entry.title', { room: 'Bio' })).toBe('Bio beitreten');
    expect(german.t('guest:entry.join')).toBe('Join');
  });

  it('fails the catalog check, naming the key', () => {
    expect(catalogProblems(loadCatalogs(dir, ['en', 'de']), ['en', 'de'])).toEqual([
      'de: guest:entry.join is missing',
    ]);
  });

  it('and a translation with other placeholders fails it too', () => {
    fs.writeFileSync(
      path.join(dir, 'de', 'guest.json'),
      JSON.stringify({ 'entry.title': '{raum} beitreten', 'entry.join': 'Beitreten' }),
    );
    expect(catalogProblems(loadCatalogs(dir, ['en', 'de']), ['en', 'de'])).toEqual([
      'de: guest:entry.title uses {raum}, English {room}',
    ]);
  });
});
