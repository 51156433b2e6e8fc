import type { Request, RequestHandler, Response } from 'express';
import { bestLocale, translator, type Locale, type Translator } from '../i18n';
import { speak, visitorLocale } from '../http/request-locale';
import { launchFrom, type LaunchContext } from './claims';

/** The locale the LMS launched with (launch_presentation.locale, e.g. "es-ES"), else the browser's. */
export function launchedLocale(launch: Pick<LaunchContext, 'locale'>, req: Request): Locale {
  return launch.locale ? bestLocale([launch.locale]) : visitorLocale(req);
}

/** Makes this response speak the launch's locale, when the request carries a launch. */
export function speakLaunchLocale(req: Request, res: Response): void {
  if (res.locals.token) speak(res, launchedLocale(launchFrom(res), req));
}

/** For every route behind ltijs's session check: launched users read their LMS's language. */
export const launchLocale: RequestHandler = (req, res, next) => {
  speakLaunchLocale(req, res);
  next();
};

/**
 * The launch's own language where no request is at hand: words stored or shown to others for
 * this user (a default room title, an unnamed user's "Estudiante 5442"). English without a locale.
 */
export function launchLanguage(launch: Pick<LaunchContext, 'locale'>): Translator {
  return translator(bestLocale(launch.locale ? [launch.locale] : []));
}
