import type { Request, Response } from 'express';
import type { Platform } from '../platforms/platform';
import { platformWords } from '../platforms/platform-words';
import type { LoginState, LoginStateStore } from './login-state.store';
import { text } from '../i18n/translator';
import { LaunchRefusedError } from './lti-errors';
import { vouchForLtijsStateCookie } from './ltijs-workarounds';
import { LTI_ROUTES } from './provider';
import { speakTokenLocale } from './token-locale';

/**
 * Binding a launch to the browser that started its login, when the login's state cookie
 * did not come back (a frame that withholds third-party cookies). The cookie's job is
 * login-CSRF protection; platform storage (1EdTech "LTI postMessage Storage") does the same
 * job: the login page put `state_<state>` in the platform's storage frame of *this* browser,
 * and only the tool's origin can put data there. So:
 *
 * 1. The first, cookie-less POST of the id_token gets an interstitial page (200) whose
 *    script (public/js/lti-launch-check.js) reads `state_<state>` back from the platform's
 *    storage. Nothing is used up: the login state is only read.
 * 2. When the value matches, the script posts the same id_token and state again with
 *    STORAGE_CHECKED_FIELD, a same-origin form post. That post is accepted only with an
 *    `Origin` of Guestlink's own origin: an attacker's page can make the victim's browser
 *    post the attacker's id_token, but only with the attacker's Origin, and our script in the
 *    victim's browser never finds the attacker's state in the victim's platform storage.
 *    The login state is consumed only here, so refused posts burn nothing.
 *
 * A login that did not use platform storage has no second proof: that launch is refused with
 * a page that says to launch again, and never replays the login (its lti_message_hint may be
 * single-use, as Moodle's is). The login page normally catches that case earlier, in the
 * frame, before the hint is sent (login-page.ts).
 */

export const STORAGE_CHECKED_FIELD = 'lti_storage_checked';

export interface CookielessLaunch {
  req: Request;
  res: Response;
  state: string;
  idToken: string;
  login: LoginState;
  platform: Platform;
  loginStates: LoginStateStore;
  publicUrl: string;
}

export async function bindWithoutCookie(launch: CookielessLaunch): Promise<'bound' | 'answered'> {
  const { req, state, login, platform } = launch;
  if (login.storageTarget === null) {
    throw new LaunchRefusedError(text('lti:binding.cookieBlocked'), {
      title: text('lti:binding.title'),
      locals: {
        hint: text('lti:binding.hint', { lmsName: platform.name, family: platformWords(platform).family }),
      },
    });
  }
  if ((req.body as Record<string, unknown>)[STORAGE_CHECKED_FIELD] === undefined) {
    sendLaunchCheck(launch);
    return 'answered';
  }
  if (req.get('origin') !== new URL(launch.publicUrl).origin) {
    throw new LaunchRefusedError(text('lti:binding.storageCheckForeign'));
  }
  if (!(await launch.loginStates.consume(state))) {
    throw new LaunchRefusedError(text('lti:refused.usedOrOld'));
  }
  vouchForLtijsStateCookie(req, state, platform.issuer);
  return 'bound';
}

function sendLaunchCheck({ res, state, idToken, login, platform }: CookielessLaunch): void {
  // The page's own re-post must carry Origin: browsers send `Origin: null` on a POST from a
  // page whose referrer policy is no-referrer, so this page uses same-origin (still no
  // Referer to any other site).
  res.set('Referrer-Policy', 'same-origin');
  res.set('Cache-Control', 'no-store');
  // The launch's own language, as its refusals speak it (token-locale.ts).
  speakTokenLocale(res, idToken);
  res.render('lti/launch-check', {
    platformName: platform.name,
    lmsFamily: platformWords(platform).family,
    platformOrigin: new URL(platform.authEndpoint).origin,
    storageTarget: login.storageTarget,
    action: LTI_ROUTES.launch,
    fields: { id_token: idToken, state, [STORAGE_CHECKED_FIELD]: '1' },
  });
}
