import type { Request, Response } from 'express';
import { ValidationError } from '../errors';
import { text } from '../i18n/translator';
import type { Platform } from '../platforms/platform';
import { platformWords } from '../platforms/platform-words';
import { LTI_ROUTES } from './provider';

/**
 * The login page: what /lti/login answers instead of ltijs's redirect when the login may
 * run inside a frame that withholds our cookies (README, Security). Its script
 * (public/js/lti-login.js) keeps the state in the platform's postMessage storage when the
 * platform offers it, else checks that cookies reach us in this frame, and only then
 * sends the browser on to the platform. When neither works it offers a new window that
 * starts a fresh login there, so the platform's one-time lti_message_hint is used once.
 */

/** A cookie the login page's script can read: visible means cookies work in this frame. */
export const COOKIE_PROBE = 'gl_cookie_probe';
/** As long as ltijs's own state cookie lives. */
const COOKIE_PROBE_MAX_AGE_MS = 60_000;

/** A frame name (HTML allows almost anything; platforms use plain names) or `_parent`. */
const STORAGE_TARGET = /^[A-Za-z0-9_.-]{1,64}$/;

/** The login's `lti_storage_target`, checked; null when the platform offers no storage. */
export function storageTargetOf(params: Record<string, unknown>): string | null {
  const target = params.lti_storage_target;
  if (target === undefined || target === '') return null;
  if (typeof target !== 'string' || !STORAGE_TARGET.test(target)) {
    throw new ValidationError(text('lti:login.storageTarget'), 'lti_storage_target');
  }
  return target;
}

/**
 * A page rather than a redirect when the browser says the login loads in a frame
 * (Sec-Fetch-Dest), or when the platform offers storage and the browser does not say the
 * login is top-level. A top-level login keeps the plain redirect: its cookies are
 * first-party. A browser that sends no Sec-Fetch-Dest and no storage target gets the
 * redirect too; if its frame then withholds the cookie, the launch is refused with a page
 * that says to launch again.
 */
export function wantsLoginPage(req: Request, storageTarget: string | null): boolean {
  const destination = req.get('sec-fetch-dest');
  if (destination === 'iframe' || destination === 'frame') return true;
  return storageTarget !== null && destination !== 'document';
}

export interface LoginPage {
  authRequest: URL;
  platform: Platform;
  storageTarget: string | null;
  state: string;
  nonce: string;
  /** The login's own parameters, to start a fresh login in a new window. */
  params: Record<string, unknown>;
  secureCookies: boolean;
}

/** The address of a fresh login with the same parameters, without platform storage. */
export function newWindowLogin(params: Record<string, unknown>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'lti_storage_target',
    ),
  );
  return `${LTI_ROUTES.login}?${query.toString()}`;
}

export function sendLoginPage(res: Response, page: LoginPage): void {
  res.cookie(COOKIE_PROBE, '1', {
    maxAge: COOKIE_PROBE_MAX_AGE_MS,
    httpOnly: false,
    path: LTI_ROUTES.login,
    ...(page.secureCookies ? { secure: true, sameSite: 'none' as const } : {}),
  });
  res.set('Cache-Control', 'no-store');
  res.render('lti/login', {
    platformName: page.platform.name,
    // How this LMS opens a tool in a new window, in its own words (a select in the catalog).
    lmsFamily: platformWords(page.platform).family,
    authRequest: page.authRequest.toString(),
    platformOrigin: new URL(page.platform.authEndpoint).origin,
    storageTarget: page.storageTarget ?? '',
    state: page.state,
    nonce: page.nonce,
    probeCookie: COOKIE_PROBE,
    newWindowUrl: newWindowLogin(page.params),
  });
}
