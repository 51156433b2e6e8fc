import i18next, { type i18n } from 'i18next';
import ICU from 'i18next-icu';
import { IntlMessageFormat } from 'intl-messageformat';
import { loadCatalogs, namespacesIn, type Catalogs } from './catalogs';
import { DEFAULT_LOCALE, LOCALES, directionOf, type Locale, type TextDirection } from './locales';

/** What a message's placeholders take; dates and numbers are formatted by ICU for the locale. */
export type MessageValue = string | number | Date;
export type MessageValues = Readonly<Record<string, MessageValue>>;

/**
 * A message not yet in any language: a catalog key ("namespace:key") and its values.
 * Errors carry one, and each response renders it in its reader's locale.
 */
export interface LocalizedText {
  readonly key: string;
  readonly values?: MessageValues;
}

export function text(key: string, values?: MessageValues): LocalizedText {
  return values ? { key, values } : { key };
}

export function isLocalizedText(value: unknown): value is LocalizedText {
  return !!value && typeof value === 'object' && typeof (value as LocalizedText).key === 'string';
}

/** Everything a page, an email or an answer needs to speak one locale. */
export interface Translator {
  readonly locale: Locale;
  readonly dir: TextDirection;
  /** A catalog message ("namespace:key") in this locale, English when this locale lacks it. */
  t(key: string, values?: MessageValues): string;
  render(message: LocalizedText): string;
  /**
   * A message with emphasis, as HTML for a template's <%- %>: its values escaped, and only
   * the tags <b> (strong), <em> and <code> from the catalog become markup.
   */
  html(key: string, values?: MessageValues): string;
  /** A message's ICU text itself, unformatted (for client scripts, which format it in the browser). */
  source(key: string): string;
  formatNumber(value: number, options?: Intl.NumberFormatOptions): string;
  /** A date in this locale; pass timeZone when the reader's zone is known (else UTC). */
  formatDate(value: Date, options?: Intl.DateTimeFormatOptions): string;
  /** "Ana, Ben and Carla" in this locale's words. */
  formatList(items: readonly string[], type?: 'conjunction' | 'disjunction'): string;
}

/** One i18next instance over the given catalogs, synchronous: catalogs are read once at start. */
export function createI18n(catalogs: Catalogs, namespaces: readonly string[]): i18n {
  const instance = i18next.createInstance();
  void instance.use(ICU).init({
    resources: catalogs,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    ns: [...namespaces],
    defaultNS: false,
    // Flat keys with dots ("entry.title"); the namespace before a colon.
    keySeparator: false,
    nsSeparator: ':',
    // Templates escape what they print; escaping here too would show "&amp;".
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
    showSupportNotice: false,
  } as Parameters<i18n['init']>[0]);
  return instance;
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(':');
  if (colon <= 0) throw new RangeError(`Message key "${key}" names no namespace`);
  return [key.slice(0, colon), key.slice(colon + 1)];
}

export function translatorFor(instance: i18n, locale: Locale): Translator {
  const fixed = instance.getFixedT(locale);
  const t = (key: string, values?: MessageValues): string => fixed(key, values as Record<string, unknown>);
  const sourceOf = (key: string): string => {
    const [namespace, name] = splitKey(key);
    const found: unknown =
      instance.getResource(locale, namespace, name) ?? instance.getResource(DEFAULT_LOCALE, namespace, name);
    return typeof found === 'string' ? found : key;
  };
  return {
    locale,
    dir: directionOf(locale),
    t,
    render: (message) => t(message.key, message.values),
    html: (key, values) => {
      const escaped = Object.fromEntries(
        Object.entries(values ?? {}).map(([name, value]) => [
          name,
          typeof value === 'string' ? escapeHtml(value) : value,
        ]),
      );
      const formatted = new IntlMessageFormat(sourceOf(key), locale).format<string>({
        ...escaped,
        ...HTML_TAGS,
      });
      return Array.isArray(formatted) ? formatted.join('') : String(formatted);
    },
    source: sourceOf,
    formatNumber: (value, options) => new Intl.NumberFormat(locale, options).format(value),
    formatDate: (value, options) =>
      new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options }).format(value),
    formatList: (items, type = 'conjunction') => new Intl.ListFormat(locale, { type }).format(items),
  };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** The only markup a catalog message may carry, for Translator.html. */
const HTML_TAGS = {
  b: (chunks: string[]) => `<strong>${chunks.join('')}</strong>`,
  em: (chunks: string[]) => `<em>${chunks.join('')}</em>`,
  code: (chunks: string[]) => `<code>${chunks.join('')}</code>`,
};

let shipped: { instance: i18n; translators: Map<Locale, Translator> } | undefined;

/** The translator for a shipped locale, over the catalogs in locales/ (loaded on first use). */
export function translator(locale: Locale): Translator {
  if (!shipped) {
    const instance = createI18n(loadCatalogs(), namespacesIn());
    shipped = { instance, translators: new Map() };
  }
  let found = shipped.translators.get(locale);
  if (!found) {
    found = translatorFor(shipped.instance, locale);
    shipped.translators.set(locale, found);
  }
  return found;
}

/** English: the source text, for logs and for Error.message. */
export function inEnglish(message: LocalizedText): string {
  return translator(DEFAULT_LOCALE).render(message);
}
