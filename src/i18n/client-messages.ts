import type { Translator } from './translator';
import { loadCatalogs } from './catalogs';
import { DEFAULT_LOCALE } from './locales';

/** Client scripts' messages are the keys that start with "js." in a namespace. */
export const CLIENT_KEY_PREFIX = 'js.';

let englishCatalogs: ReturnType<typeof loadCatalogs> | undefined;
const cache = new Map<string, string>();

/**
 * The JSON a page embeds for its scripts (public/js/i18n.js): every "js." message of the
 * given namespaces, already in the reader's locale (English where it lacks one), keyed
 * "namespace:js.key". Safe inside a <script> element: "<" is escaped.
 */
export function clientMessages(i18n: Translator, namespaces: readonly string[]): string {
  const cacheKey = `${i18n.locale}|${namespaces.join(',')}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  englishCatalogs ??= loadCatalogs(undefined, [DEFAULT_LOCALE]);
  const messages: Record<string, string> = {};
  for (const namespace of namespaces) {
    const english = englishCatalogs[DEFAULT_LOCALE]?.[namespace];
    if (!english) throw new RangeError(`No message namespace "${namespace}"`);
    for (const key of Object.keys(english)) {
      if (!key.startsWith(CLIENT_KEY_PREFIX)) continue;
      const full = `${namespace}:${key}`;
      messages[full] = i18n.source(full);
    }
  }
  const json = JSON.stringify(messages).replace(/</g, '\\u003c');
  cache.set(cacheKey, json);
  return json;
}
