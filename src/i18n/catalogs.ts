import fs from 'node:fs';
import path from 'node:path';
import { LOCALES_DIR } from '../paths';
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales';

/** One namespace's messages: flat keys ("entry.title") to ICU MessageFormat text. */
export type Messages = Record<string, string>;
/** Every locale's namespaces, as i18next takes its resources. */
export type Catalogs = Record<string, Record<string, Messages>>;

function readNamespace(file: string): Messages {
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new TypeError(`${file} must hold one object of messages`);
  for (const [key, value] of Object.entries(parsed))
    if (typeof value !== 'string') throw new TypeError(`${file}: "${key}" must be a string`);
  return parsed as Messages;
}

/** The namespaces English has: the source text, so every other locale has the same files. */
export function namespacesIn(dir: string = LOCALES_DIR): string[] {
  return fs
    .readdirSync(path.join(dir, DEFAULT_LOCALE))
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.replace(/\.json$/, ''))
    .sort();
}

/** Reads every catalog once, at start; a locale without a namespace file gets none (English fills in). */
export function loadCatalogs(dir: string = LOCALES_DIR, locales: readonly string[] = LOCALES): Catalogs {
  const catalogs: Catalogs = {};
  for (const locale of locales) {
    catalogs[locale] = {};
    for (const namespace of namespacesIn(dir)) {
      const file = path.join(dir, locale, `${namespace}.json`);
      if (fs.existsSync(file)) catalogs[locale]![namespace] = readNamespace(file);
    }
  }
  return catalogs;
}

export type { Locale };
