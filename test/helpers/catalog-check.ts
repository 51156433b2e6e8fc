import fs from 'node:fs';
import path from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { loadCatalogs, namespacesIn, type Catalogs } from '../../src/i18n/catalogs';
import { DEFAULT_LOCALE, LOCALES } from '../../src/i18n/locales';
import { PROJECT_ROOT } from '../../src/paths';

/** The placeholders a message uses ({name}, {count, plural, …}, <b>…</b>), sorted. */
export function placeholdersOf(message: string): string[] {
  const names = new Set<string>();
  const visit = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
      names.add(element.type === TYPE.tag ? `<${element.value}>` : element.value);
      if (element.type === TYPE.tag) visit(element.children);
      if (element.type === TYPE.plural || element.type === TYPE.select)
        for (const option of Object.values(element.options)) visit(option.value);
    }
  };
  visit(parse(message));
  return [...names].sort();
}

/**
 * Everything wrong with a set of catalogs, as sentences: a key English has and a locale
 * lacks (or the reverse), a message that is not valid ICU, a translation whose
 * placeholders differ from English's. Empty when all is well.
 */
export function catalogProblems(catalogs: Catalogs, locales: readonly string[] = LOCALES): string[] {
  const problems: string[] = [];
  const english = catalogs[DEFAULT_LOCALE] ?? {};
  for (const locale of locales) {
    const catalog = catalogs[locale] ?? {};
    for (const namespace of new Set([...Object.keys(english), ...Object.keys(catalog)])) {
      const source = english[namespace] ?? {};
      const translated = catalog[namespace];
      if (!translated) {
        problems.push(`${locale}: no ${namespace}.json`);
        continue;
      }
      for (const key of Object.keys(source))
        if (!(key in translated)) problems.push(`${locale}: ${namespace}:${key} is missing`);
      for (const [key, message] of Object.entries(translated)) {
        if (!(key in source)) {
          problems.push(`${locale}: ${namespace}:${key} is not in English`);
          continue;
        }
        let placeholders: string[];
        try {
          placeholders = placeholdersOf(message);
        } catch (error) {
          problems.push(`${locale}: ${namespace}:${key} is not valid ICU (${(error as Error).message})`);
          continue;
        }
        if (message.trim() === '') problems.push(`${locale}: ${namespace}:${key} is empty`);
        const expected = placeholdersOf(source[key]!).join(', ');
        if (placeholders.join(', ') !== expected)
          problems.push(
            `${locale}: ${namespace}:${key} uses {${placeholders.join(', ')}}, English {${expected}}`,
          );
      }
    }
  }
  return problems;
}

const SOURCE_ROOTS = ['src', 'views', 'public/js'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|ejs|js)$/.test(entry.name) ? [full] : [];
  });
}

/**
 * English keys no source file names. A key is used where it is written whole in quotes
 * ('guest:entry.title'): keys are never assembled from pieces, so this search is complete.
 */
export function unusedKeys(catalogs: Catalogs = loadCatalogs()): string[] {
  const sources = SOURCE_ROOTS.flatMap((root) => sourceFiles(path.join(PROJECT_ROOT, root)))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
  const unused: string[] = [];
  for (const [namespace, messages] of Object.entries(catalogs[DEFAULT_LOCALE] ?? {}))
    for (const key of Object.keys(messages)) {
      const full = `${namespace}:${key}`;
      if (!["'", '"', '`'].some((quote) => sources.includes(`${quote}${full}${quote}`))) unused.push(full);
    }
  return unused;
}

export { loadCatalogs, namespacesIn };

/** Keys the sources name ('ns:key' in quotes, for a namespace that exists) that English lacks. */
export function undefinedKeys(catalogs: Catalogs = loadCatalogs()): string[] {
  const english = catalogs[DEFAULT_LOCALE] ?? {};
  const namespaces = Object.keys(english).join('|');
  const written = new RegExp(`(['"\`])((?:${namespaces}):[A-Za-z0-9_.-]+)\\1`, 'g');
  const missing = new Set<string>();
  for (const file of SOURCE_ROOTS.flatMap((root) => sourceFiles(path.join(PROJECT_ROOT, root))))
    for (const match of fs.readFileSync(file, 'utf8').matchAll(written)) {
      const [namespace, key] = [
        match[2]!.slice(0, match[2]!.indexOf(':')),
        match[2]!.slice(match[2]!.indexOf(':') + 1),
      ];
      if (!(key in (english[namespace] ?? {})))
        missing.add(`${match[2]} (${path.relative(PROJECT_ROOT, file)})`);
    }
  return [...missing].sort();
}
