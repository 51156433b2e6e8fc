import express, { type Response, type Router } from 'express';
import type { GuestAccessService } from '../guest-access/guest-access.service';
import type { InvitationService } from '../invitations/invitation.service';
import { identityFromAccess } from '../live/live-identity';
import type { LiveService } from '../live/live.service';
import { LobbyService } from '../lobby/lobby.service';
import { launchFrom, ltikFrom } from '../lti/claims';
import { launchedPagesReferrerPolicy } from '../lti/ltik-transport';
import { hostDisplayName, mediaPageFor, roomPath } from './media-page';
import type { RoomAccess, RoomAccessService } from '../lti/room-access.service';
import { hasLiveSession } from '../rooms/room';
import { platformWords } from '../platforms/platform-words';
import { i18nOf } from '../http/request-locale';

export interface RoomPages {
  router: Router;
  /** GET of the same pages, mounted before ltijs: see reopenRouter. */
  reopen: Router;
  renderMediaPage(res: Response, access: RoomAccess): Promise<void>;
}

/** The media page and the room settings page, for launched users. */
export function roomPages(
  rooms: RoomAccessService,
  guestAccess: GuestAccessService,
  live: LiveService,
  invitations: Pick<InvitationService, 'menuItem'>,
): RoomPages {
  async function renderMediaPage(res: Response, access: RoomAccess): Promise<void> {
    // A full stage is a page of its own; a removal shows on the stage.
    const liveProblem = hasLiveSession(access.room)
      ? await live.pageProblem(identityFromAccess(access))
      : null;
    res.set('Cache-Control', 'no-store');
    res.render('rooms/media-page', {
      page: mediaPageFor(
        access,
        ltikFrom(res),
        {
          manageGuestAccess: guestAccess.menuItem(access),
          inviteUsers: invitations.menuItem(access),
          lobby: LobbyService.available(access),
          removedFromStage: liveProblem === 'removed',
        },
        i18nOf(res),
      ),
    });
  }

  const router = express.Router();

  // Pages are reached by POST: the media page's navigation form carries the ltik in its body
  // (same-origin only, lti/ltik-transport.ts), never in the address. A GET without it never
  // gets here: ltijs answers "Open Guestlink again from your course" (lti.routes.ts).
  router.post('/rooms/:roomId', async (req, res) => {
    await renderMediaPage(res, await rooms.accessFor(launchFrom(res), req.params.roomId));
  });

  router.post('/rooms/:roomId/settings', async (req, res) => {
    const access = await rooms.accessFor(launchFrom(res), req.params.roomId);
    rooms.requireRole(access, 'moderator');
    const { room } = access;
    const i18n = i18nOf(res);
    res.set('Cache-Control', 'no-store');
    res.render('rooms/settings', {
      page: {
        title: room.title,
        contextTitle: room.contextTitle,
        roomTypeLabel:
          room.roomType === 'media-gallery'
            ? i18n.t('media:settings.typeGallery')
            : i18n.t('media:settings.typeRoom'),
        hostName: hostDisplayName(access, i18nOf(res)),
        createdAtIso: room.createdAt.toISOString(),
        createdAtText: i18n.formatDate(room.createdAt, { dateStyle: 'long' }),
        roomId: room.id,
        roomPath: roomPath(room.id),
        ltik: ltikFrom(res),
        guestAccessGroups: await guestAccess.groups(access, i18n),
        lmsName: platformWords(access.platform, access.launch.productFamilyCode).lmsName,
      },
    });
  });

  return { router, reopen: reopenRouter(), renderMediaPage };
}

/**
 * A launched user's page asked for by address: a reload (ltik-navigation.js turned the posted
 * entry into a GET of its own address) or an old bookmark. No ltik comes with it, so the answer
 * is a page whose script posts back the ltik this tab kept (public/js/reopen.js), or says to open
 * Guestlink again from the course. Requests that do carry an ltik (a header, or the refused
 * `?ltik=`) go on to ltijs as before.
 */
function reopenRouter(): Router {
  const router = express.Router();
  router.get(['/rooms/:roomId', '/rooms/:roomId/settings'], launchedPagesReferrerPolicy, (req, res, next) => {
    if (req.headers.authorization || Object.hasOwn(req.query ?? {}, 'ltik')) return next();
    res.set('Cache-Control', 'no-store');
    res.render('rooms/reopen', { path: req.path, roomId: req.params.roomId });
  });
  return router;
}
