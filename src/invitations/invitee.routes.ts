import cookieParser from 'cookie-parser';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { TooManyRequestsError } from '../errors';
import { guestRoomPath, waitingPath } from '../guests/guest.routes';
import { pickerReturnPath } from '../guests/guest-page-text';
import { guestCsrf, guestRateLimits } from '../guests/guest-protection';
import { GuestSessions } from '../guests/guest-session';
import type { GuestVisit } from '../guests/guest';
import { i18nOf, pickedLocale, speak } from '../http/request-locale';
import { acceptedLanguages, bestLocale, DEFAULT_LOCALE, type Locale } from '../i18n/locales';
import { text, type LocalizedText } from '../i18n/translator';
import { confirmEmailForm, issueText, type Invitation } from './invitation';
import { ROLE_ABILITIES, ROLE_NAMES } from './invitation-email';
import { InviteeProblemError } from './invitation-errors';
import { InviteeService } from './invitee.service';
import type { InvitationEntry } from './invitation.store';

const CLAIM_COOKIE_PREFIX = 'gl_invite_';
const CLAIM_COOKIE_PATH = '/i/';
/**
 * The claim cookie lives until the invitation expires, at most 400 days (what browsers keep a
 * cookie at most), and is set again on every return: an invitation without an expiry keeps
 * working for as long as its invitee comes back within that.
 */
const CLAIM_COOKIE_MAX_MS = 400 * 86_400_000;
/**
 * Wrong confirmations per address and invitation, per hour. Per address and invitation (not
 * per invitation): someone trying addresses on a forwarded link locks out only themselves,
 * never the real invitee opening it elsewhere; ten is plenty for typos.
 */
const WRONG_EMAILS_PER_HOUR = 10;

export const claimCookieName = (invitationId: string) => `${CLAIM_COOKIE_PREFIX}${invitationId}`;

/** Whether the browser asks for one of our languages at all (English included). */
function asksForOurs(req: Request): boolean {
  return acceptedLanguages(req.get('accept-language')).some((tag) => {
    if (bestLocale([tag]) !== DEFAULT_LOCALE) return true;
    try {
      return new Intl.Locale(tag.replace(/_/g, '-')).language === DEFAULT_LOCALE;
    } catch {
      return false;
    }
  });
}

/**
 * The invitee's pages speak the visitor's language (the picker's cookie, else the browser's);
 * a browser that asks for none of ours reads the language the invitation was written in.
 */
export function speakInvitee(req: Request, res: Response, invitationLocale: Locale): void {
  if (!pickedLocale(req) && !asksForOurs(req)) speak(res, invitationLocale);
}

/** Marks where a value goes in a sentence that holds an element (the start time). */
const SLOT = '\u0000';

function nextLocation(visit: GuestVisit): string {
  return visit.status === 'waiting' ? waitingPath(visit.roomId) : guestRoomPath(visit.roomId);
}

/**
 * The invitee's side of Invite users (no login): the personal link's page, the confirmation
 * that claims it for this browser, and the way back in for the browser that claimed it.
 */
export function inviteeRouter(config: Config, invitations: InviteeService): Router {
  const router = express.Router();
  const sessions = new GuestSessions(config.appSecret, config.isHttps);
  const csrf = guestCsrf(config);
  const limits = guestRateLimits(config);
  const formBody = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const token = (req: Request) => String(req.params.token);
  // Counted only when a confirmation is refused as wrong, checked before each one: parallel
  // right confirmations (the claim race) never count, whatever their number.
  const wrongEmails = new RateLimiterMemory({ points: WRONG_EMAILS_PER_HOUR, duration: 3600 });
  const wrongEmailKey = (req: Request) => `${ipKeyGenerator(req.ip ?? '0.0.0.0')}:${token(req)}`;
  const belowWrongEmailLimit: RequestHandler = async (req, _res, next) => {
    const counted = await wrongEmails.get(wrongEmailKey(req));
    if (counted && counted.consumedPoints >= WRONG_EMAILS_PER_HOUR)
      return next(new TooManyRequestsError(Math.ceil(counted.msBeforeNext / 1000)));
    next();
  };
  const countWrongEmail = (req: Request) => wrongEmails.penalty(wrongEmailKey(req));

  // Every invitee page, message pages included ("in use", withdrawn, expired), has the language
  // picker, back to the link's page.
  router.use('/i', cookieParser(config.appSecret), (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.locals.returnPath = pickerReturnPath(req);
    next();
  });

  const browserSecret = (req: Request, entry: InvitationEntry): string | undefined => {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[
      claimCookieName(entry.invitation.id)
    ];
    return typeof value === 'string' && value.length <= 128 ? value : undefined;
  };

  const renderConfirm = (
    req: Request,
    res: Response,
    entry: InvitationEntry,
    email = '',
    error: LocalizedText | null = null,
  ) => {
    const { invitation } = entry;
    const i18n = i18nOf(res);
    // The sentence around the <time> element: the text before and after it.
    const [startsBefore = '', startsAfter = ''] = i18n
      .t('invitee:confirm.starts', { time: SLOT })
      .split(SLOT);
    res.render('invitations/confirm', {
      roomTitle: entry.roomTitle,
      contextTitle: entry.contextTitle,
      inviterName: invitation.createdByName,
      roleLabel: i18n.t(ROLE_NAMES[invitation.role]),
      roleAllows: i18n.t(ROLE_ABILITIES[invitation.role]),
      startsAt: invitation.startsAt && {
        iso: invitation.startsAt.toISOString(),
        text: `${invitation.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        before: startsBefore,
        after: startsAfter,
      },
      returnPath: `/i/${encodeURIComponent(token(req))}`,
      action: `/i/${encodeURIComponent(token(req))}`,
      csrfToken: csrf.token(req, res),
      email,
      error: error ? i18n.render(error) : '',
    });
  };

  /** The personal link's state, the page speaking the invitation's language where it should. */
  const entryOf = (req: Request, res: Response) =>
    invitations.entry(token(req), (locale) => speakInvitee(req, res, locale));

  /**
   * In: the claim cookie (this browser keeps the link; renewed on each return, so it never
   * runs out before the invitation does), the guest pass, then the room or lobby.
   */
  const admit = (res: Response, invitation: Invitation, visit: GuestVisit, secret: string) => {
    const untilExpiry = invitation.expiresAt ? invitation.expiresAt.getTime() - Date.now() : Infinity;
    res.cookie(claimCookieName(invitation.id), secret, {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isHttps,
      path: CLAIM_COOKIE_PATH,
      maxAge: Math.max(1000, Math.min(untilExpiry, CLAIM_COOKIE_MAX_MS)),
    });
    sessions.issue(res, visit.roomId, visit.id);
    res.redirect(303, nextLocation(visit));
  };

  /** The browser that claimed the link goes straight back in; any other one is told it is in use. */
  const enterIfClaimed = async (req: Request, res: Response, entry: InvitationEntry): Promise<boolean> => {
    if (!entry.claimHash) return false;
    const secret = browserSecret(req, entry);
    if (!secret || !InviteeService.claimedBy(entry, secret))
      throw new InviteeProblemError('claimed-elsewhere', entry.invitation.createdByName);
    const entered = await invitations.enter(token(req), secret);
    admit(res, entered.invitation, entered.visit, secret);
    return true;
  };

  // Opening the link claims nothing: mail scanners open links in email.
  router.get('/i/:token', limits.pagesPerIp, async (req, res) => {
    const entry = await entryOf(req, res);
    if (await enterIfClaimed(req, res, entry)) return;
    renderConfirm(req, res, entry);
  });

  router.post(
    '/i/:token',
    limits.joinsPerIp,
    formBody,
    csrf.verify,
    belowWrongEmailLimit,
    async (req, res) => {
      const entry = await entryOf(req, res);
      // A second submit from the browser that claimed it: in again, nothing new; another: "in use".
      if (await enterIfClaimed(req, res, entry)) return;
      const form = confirmEmailForm.safeParse(req.body ?? {});
      if (!form.success) {
        await countWrongEmail(req);
        res.status(400);
        return renderConfirm(req, res, entry, '', issueText(form.error.issues[0]!.message));
      }
      const claimed = await invitations.claim(token(req), form.data.email);
      if (!claimed.ok) {
        // Never says whose address it is; the typed one is shown back to correct it.
        await countWrongEmail(req);
        res.status(400);
        return renderConfirm(req, res, entry, form.data.email, text('invitee:errors.wrongEmail'));
      }
      admit(res, claimed.invitation, claimed.visit, claimed.browserSecret);
    },
  );

  return router;
}
