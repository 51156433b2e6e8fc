import { speakLaunchLocale } from './launch-locale';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { LtiProvider } from 'ltijs';
import { z } from 'zod';
import { hasForbiddenCharacters } from '../text';
import { isDatabaseUnavailable } from '../error-handler';
import { ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../errors';
import { text } from '../i18n/translator';
import { i18nOf } from '../http/request-locale';
import { PLACED_BY_PARAMETER, type RoomAccess, type RoomAccessService } from './room-access.service';
import { launchFrom, ltikFrom } from './claims';
import { signDeepLinkingResponse } from './deep-linking';
import { LaunchRefusedError, PlatformNotRegisteredError, reasonForLtijsCode } from './lti-errors';
import { LTI_ROUTES } from './provider';
import { atLeast } from '../rooms/room-role';
import { DeepLinkingUnsupportedError } from './lti-errors';

/** Paths that only a launched user may reach; anything else falls through to the 404 page. */
const PROTECTED_PATH = /^\/(api|rooms|lti)(\/|$)/;

/** The form's messages are catalog keys, rendered in the instructor's language. */
const deepLinkingForm = z.object({
  title: z
    .string({ message: 'lti:deepLinking.enterTitle' })
    .trim()
    .min(1, 'lti:deepLinking.enterTitle')
    .max(200, 'lti:deepLinking.titleTooLong')
    .refine((value) => !hasForbiddenCharacters(value), 'lti:deepLinking.titleCharacters'),
  roomType: z.enum(['room', 'media-gallery']).default('room'),
});

interface LtiWiring {
  lti: LtiProvider;
  rooms: RoomAccessService;
  publicUrl: string;
  /** Renders a room's media page for a launched user (media-page/media-page.routes.ts). */
  renderMediaPage: (res: Response, access: RoomAccess) => Promise<void>;
}

/** Connects ltijs's callbacks to our services and error pages. */
export function wireLtijsCallbacks({ lti, rooms, renderMediaPage }: LtiWiring): void {
  const refuse = (req: Request, res: Response, next: NextFunction) => {
    const details = (res.locals.err as { details?: { message?: string } } | undefined)?.details;
    const code = String(details?.message ?? '');
    // ltijs also lands here when its session lookup could not reach the database: that
    // is an outage to retry, not a launch to refuse.
    if (isDatabaseUnavailable({ message: code })) return next(new ServiceUnavailableError());
    if (code === 'NO_LTIK_OR_IDTOKEN_FOUND' || code === 'Session not found.') {
      if (!PROTECTED_PATH.test(req.path)) return next();
      return next(
        new UnauthenticatedError(text('lti:session.ended'), {
          title: text('lti:session.endedTitle'),
          locals: { hint: text('lti:session.endedHint') },
        }),
      );
    }
    return next(new LaunchRefusedError(reasonForLtijsCode(code), { reasonCode: code.slice(0, 100) }));
  };
  lti.onInvalidToken(refuse);
  lti.onSessionTimeout(refuse);
  lti.onUnregisteredPlatform((_req, _res, next) =>
    next(new PlatformNotRegisteredError(undefined, text('lti:platform.unregisteredStarter'))),
  );
  lti.onInactivePlatform((_req, _res, next) => next(new LaunchRefusedError(text('lti:refused.notActive'))));

  lti.onConnect((_token, req, res, next) => {
    speakLaunchLocale(req, res);
    rooms
      .openFromLaunch(launchFrom(res))
      .then((access) => renderMediaPage(res, access))
      .catch(next);
  });

  lti.onDeepLinking((_token, req, res, next) => {
    try {
      speakLaunchLocale(req, res);
      const launch = launchFrom(res);
      const platform = rooms.platformFor(launch);
      if (!atLeast(rooms.launchRole(platform, launch), 'moderator')) {
        throw new ForbiddenError(text('lti:deepLinking.instructorsOnly'));
      }
      if (!launch.deepLinking?.acceptTypes.includes('ltiResourceLink')) {
        throw new DeepLinkingUnsupportedError(text('lti:deepLinking.noLtiLinks'));
      }
      const i18n = i18nOf(res);
      res.render('lti/deep-linking', {
        page: {
          ltik: ltikFrom(res),
          contextTitle: launch.contextTitle,
          values: {
            // The link's first title, in the instructor's language; they may change it.
            title: launch.contextTitle
              ? i18n.t('lti:deepLinking.defaultTitle', { course: launch.contextTitle })
              : i18n.t('lti:deepLinking.defaultTitleNoCourse'),
            roomType: 'room',
          },
          errors: {},
        },
      });
    } catch (error) {
      next(error);
    }
  });
}

/** The Deep Linking answer, behind ltijs's session check. */
export function deepLinkingRouter({ lti, rooms, publicUrl }: Omit<LtiWiring, 'renderMediaPage'>): Router {
  const router = express.Router();

  router.post('/lti/deep-linking', async (req, res) => {
    const launch = launchFrom(res);
    const platform = rooms.platformFor(launch);
    if (!atLeast(rooms.launchRole(platform, launch), 'moderator')) {
      throw new ForbiddenError(text('lti:deepLinking.instructorsOnly'));
    }
    if (!launch.deepLinking) throw new DeepLinkingUnsupportedError(text('lti:deepLinking.notRequest'));
    const i18n = i18nOf(res);
    const parsed = deepLinkingForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = Object.fromEntries(
        parsed.error.issues.map((issue) => [
          String(issue.path[0]),
          issue.message.startsWith('lti:') ? i18n.t(issue.message) : issue.message,
        ]),
      );
      res.status(400).render('lti/deep-linking', {
        page: { ltik: ltikFrom(res), contextTitle: launch.contextTitle, values: req.body ?? {}, errors },
      });
      return;
    }
    const custom: Record<string, string> = { [PLACED_BY_PARAMETER]: rooms.placedByValue(platform, launch) };
    if (parsed.data.roomType === 'media-gallery') custom.room_type = 'media-gallery';
    const jwt = await signDeepLinkingResponse(
      lti,
      launch,
      [
        {
          type: 'ltiResourceLink',
          title: parsed.data.title,
          url: `${publicUrl}${LTI_ROUTES.launch}`,
          custom,
        },
      ],
      i18n.t('lti:deepLinking.added', { title: parsed.data.title }),
    );
    res.render('lti/form-post', {
      title: i18n.t('lti:deepLinking.addingTitle'),
      message: i18n.t('lti:deepLinking.returning'),
      action: launch.deepLinking.returnUrl,
      fields: { JWT: jwt },
    });
  });

  return router;
}
