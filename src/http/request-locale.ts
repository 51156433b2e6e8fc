import type { Request, RequestHandler, Response } from 'express';
import {
  acceptedLanguages,
  bestLocale,
  clientMessages,
  isLocale,
  translator,
  type Locale,
  type Translator,
} from '../i18n';

/** The language a guest picked on a guest page (the picker sets it; guests/…). */
export const LANGUAGE_COOKIE = 'gl_lang';

const LANGUAGE_COOKIE_VALUE = new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=([a-z]{2})(?:;|$)`);

/** The picked language, if the cookie names a shipped one. Read here: no router's cookie parser runs yet. */
export function pickedLocale(req: Request): Locale | undefined {
  const picked = LANGUAGE_COOKIE_VALUE.exec(req.headers.cookie ?? '')?.[1];
  return isLocale(picked) ? picked : undefined;
}

/** A visitor's locale: the language they picked, else the best match for their browser's languages. */
export function visitorLocale(req: Request): Locale {
  return pickedLocale(req) ?? bestLocale(acceptedLanguages(req.get('accept-language')));
}

/**
 * Makes a response speak one locale: res.locals.i18n (a Translator), and for views `t`,
 * `lang` and `dir`. Called again when a launch names its own locale (lti/launch-locale.ts).
 */
export function speak(res: Response, locale: Locale): Translator {
  const i18n = translator(locale);
  res.locals.i18n = i18n;
  res.locals.t = i18n.t;
  res.locals.tHtml = i18n.html;
  res.locals.lang = i18n.locale;
  res.locals.dir = i18n.dir;
  res.locals.clientMessages = (namespaces: readonly string[]) => clientMessages(i18n, namespaces);
  return i18n;
}

/** The translator this response speaks (English before any locale was chosen). */
export function i18nOf(res: Response): Translator {
  return (res.locals.i18n as Translator | undefined) ?? translator('en');
}

/** First middleware after the request log: every response, error pages included, has a locale. */
export const requestLocale: RequestHandler = (req, res, next) => {
  speak(res, visitorLocale(req));
  next();
};
