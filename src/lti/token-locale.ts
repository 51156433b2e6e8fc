import type { Response } from 'express';
import { decodeJwt } from 'jose';
import { bestLocale } from '../i18n';
import { speak } from '../http/request-locale';
import { CLAIM } from './claim-names';

/**
 * The locale an id_token names (launch_presentation.locale), read WITHOUT verifying it. Only
 * for the language of the answer to that very post (a refusal, the launch check page): the
 * sender could choose that language anyway, and nothing else depends on it.
 */
export function unverifiedTokenLocale(idToken: unknown): string | undefined {
  if (typeof idToken !== 'string') return undefined;
  try {
    const presentation = decodeJwt(idToken)[CLAIM.launchPresentation] as { locale?: unknown } | undefined;
    return typeof presentation?.locale === 'string' && presentation.locale.length <= 64
      ? presentation.locale
      : undefined;
  } catch {
    return undefined;
  }
}

/** Makes this response speak the locale an id_token names, if it names one. */
export function speakTokenLocale(res: Response, idToken: unknown): void {
  const locale = unverifiedTokenLocale(idToken);
  if (locale) speak(res, bestLocale([locale]));
}
