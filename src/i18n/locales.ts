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

/** Answers already worked out, by wish list: a class's browsers send a handful of different headers. */
const chosen = new Map<string, Locale>();
const CHOSEN_MAX = 500;

/**
 * The shipped locale that best serves a list of wishes, most wanted first ("es-ES" → es,
 * "nl-BE" → nl, "pt-BR" → en). BCP 47 lookup (cut the tag down until it matches): our locales
 * are bare languages, so it answers as CLDR's "best fit" would, at a thousandth of the cost
 * (best fit took about 10 ms a call, on every request of a guest link's surge).
 */
export function bestLocale(requested: readonly string[]): Locale {
  const wish = requested.join(',');
  const known = chosen.get(wish);
  if (known) return known;
  const tags = wellFormed(requested);
  const found =
    tags.length === 0
      ? DEFAULT_LOCALE
      : match(tags, LOCALES as unknown as string[], DEFAULT_LOCALE, { algorithm: 'lookup' });
  const locale = isLocale(found) ? found : DEFAULT_LOCALE;
  if (chosen.size >= CHOSEN_MAX) chosen.clear();
  chosen.set(wish, locale);
  return locale;
}

/** The languages of an Accept-Language header, by quality (negotiator: express's own parser). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return new Negotiator({ headers: { 'accept-language': header } }).languages().filter((tag) => tag !== '*');
}
