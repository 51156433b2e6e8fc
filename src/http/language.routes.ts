import express, { type Router } from 'express';
import { isLocale } from '../i18n';
import { ValidationError } from '../errors';
import { text } from '../i18n/translator';
import { LANGUAGE_COOKIE } from './request-locale';

/** A year: a guest who picked a language keeps it for their next session. */
const LANGUAGE_COOKIE_MAX_AGE_MS = 365 * 24 * 3600 * 1000;

/** Where to go back to: a path of this site only ("/g/…"), never "//elsewhere" or a full URL. */
function sameSitePath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 2048 ? value : '/';
}

/**
 * The language picker's form (views/partials/language-picker.ejs): remembers the choice
 * in a cookie every page reads (request-locale.ts) and goes back to the page it came from.
 * Works without scripts; a language is no secret, so the cookie is readable and Lax.
 */
export function languageRouter(options: { secureCookies: boolean }): Router {
  const router = express.Router();
  router.post('/language', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!isLocale(body.lang)) throw new ValidationError(text('common:language.unknown'), 'lang');
    res.cookie(LANGUAGE_COOKIE, body.lang, {
      maxAge: LANGUAGE_COOKIE_MAX_AGE_MS,
      sameSite: 'lax',
      secure: options.secureCookies,
      httpOnly: true,
      path: '/',
    });
    res.redirect(303, sameSitePath(body.return));
  });
  return router;
}
