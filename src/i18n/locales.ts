import { match } from '@formatjs/intl-localematcher';
import Negotiator from 'negotiator';

/** The languages Guestlink ships, English first: it is the source text and the fallback. */
export const LOCALES = ['en', 'es', 'fr', 'de', 'nl', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

const RIGHT_TO_LEFT: ReadonlySet<Locale> = new Set<Locale>(['ar']);

export type TextDirection = 'ltr' | 'rtl';

export function directionOf(locale: Locale): TextDirection {
  return RIGHT_TO_LEFT.has(locale) ? 'rtl' : 'ltr';
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Only well-formed BCP 47 tags: the matcher throws on anything else (an LMS may send "en_US"). */
function wellFormed(tags: readonly string[]): string[] {
  return tags.flatMap((tag) => {
    try {
      return Intl.getCanonicalLocales(tag.replace(/_/g, '-'));
    } catch {
      return [];
    }
  });
}

/**
 * The shipped locale that best serves a list of wishes, most wanted first ("es-ES" → es,
 * "nl-BE" → nl, "pt-BR" → en). Uses CLDR's best-fit matching rather than prefix cutting.
 */
export function bestLocale(requested: readonly string[]): Locale {
  const tags = wellFormed(requested);
  if (tags.length === 0) return DEFAULT_LOCALE;
  const chosen = match(tags, LOCALES as unknown as string[], DEFAULT_LOCALE, { algorithm: 'best fit' });
  return isLocale(chosen) ? chosen : DEFAULT_LOCALE;
}

/** The languages of an Accept-Language header, by quality (negotiator: express's own parser). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return new Negotiator({ headers: { 'accept-language': header } }).languages().filter((tag) => tag !== '*');
}
