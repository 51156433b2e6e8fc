import express, { type Response, type Router } from 'express';
import type { GuestAccessService } from '../guest-access/guest-access.service';
import { LobbyService } from '../lobby/lobby.service';
import { launchFrom, ltikFrom } from '../lti/claims';
import { mediaPageFor, roomHref } from './media-page';
import type { RoomAccess, RoomService } from './room.service';

export interface RoomPages {
  router: Router;
  renderMediaPage(res: Response, access: RoomAccess): Promise<void>;
}

/** The media page and the room settings page, for launched users. */
export function roomPages(rooms: RoomService, guestAccess: GuestAccessService): RoomPages {
  async function renderMediaPage(res: Response, access: RoomAccess): Promise<void> {
    res.set('Cache-Control', 'no-store');
    res.render('rooms/media-page', {
      page: mediaPageFor(access, ltikFrom(res), {
        manageGuestAccess: guestAccess.menuItem(access),
        lobby: LobbyService.available(access),
      }),
    });
  }

  const router = express.Router();

  router.get('/rooms/:roomId', async (req, res) => {
    await renderMediaPage(res, await rooms.accessFor(launchFrom(res), req.params.roomId));
  });

  router.get('/rooms/:roomId/settings', async (req, res) => {
    const access = await rooms.accessFor(launchFrom(res), req.params.roomId);
    rooms.requireRole(access, 'moderator');
    const { room } = access;
    res.set('Cache-Control', 'no-store');
    res.render('rooms/settings', {
      page: {
        title: room.title,
        contextTitle: room.contextTitle,
        roomTypeLabel: room.roomType === 'media-gallery' ? 'Media gallery' : 'Live room',
        hostName: room.hostName,
        createdAtIso: room.createdAt.toISOString(),
        createdAtText: room.createdAt.toLocaleDateString('en-US', { dateStyle: 'long' }),
        roomHref: roomHref(room.id, ltikFrom(res)),
        guestAccessGroups: await guestAccess.groups(access),
      },
    });
  });

  return { router, renderMediaPage };
}
