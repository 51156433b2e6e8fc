import { parseJsonBody } from '../http/json-body';
import express, { type RequestHandler, type Router } from 'express';
import { UnauthenticatedError } from '../errors';
import { onOffInput } from '../http/json-body';
import { text } from '../i18n/translator';
import { launchFrom } from '../lti/claims';
import type { RoomAccessService } from '../lti/room-access.service';
import { createLinkInput, editLinkInput } from './guest-link';
import type { GuestAccessService } from './guest-access.service';

/**
 * Writes must carry the ltik in the Authorization header, which a cross-site form
 * cannot set: the header is what keeps these endpoints safe from request forgery.
 */
export const requireAuthorizationHeaderForWrites: RequestHandler = (req, _res, next) => {
  if (req.method !== 'GET' && req.method !== 'HEAD' && !req.headers.authorization) {
    next(
      new UnauthenticatedError(
        text('guestAccess:errors.authorizationHeader', { format: 'Bearer <ltik>' }), // i18n-ignore: the header's syntax
      ),
    );
    return;
  }
  next();
};

/** The JSON API of the Manage guest access window (behind ltijs's session check). */
export function guestAccessRouter(rooms: RoomAccessService, guestAccess: GuestAccessService): Router {
  const router = express.Router();
  const roomAccess = (roomId: string, res: express.Response) => rooms.accessFor(launchFrom(res), roomId);

  router.get('/api/rooms/:roomId/guest-access', async (req, res) => {
    res.json(await guestAccess.view(await roomAccess(req.params.roomId, res)));
  });

  router.put('/api/rooms/:roomId/guest-access', async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { enabled } = parseJsonBody(onOffInput, req);
    res.json(await guestAccess.setEnabled(access, enabled));
  });

  router.post('/api/rooms/:roomId/guest-links', async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const link = await guestAccess.createLink(access, parseJsonBody(createLinkInput, req));
    res
      .status(201)
      .location(`/api/rooms/${encodeURIComponent(access.room.id)}/guest-links/${link.id}`)
      .json(link);
  });

  router.patch('/api/rooms/:roomId/guest-links/:linkId', async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    res.json(await guestAccess.editLink(access, req.params.linkId, parseJsonBody(editLinkInput, req)));
  });

  // An image the manage window fetches with the ltik in its header and shows as a blob URL.
  router.get('/api/rooms/:roomId/guest-links/:linkId/qr-code', async (req, res) => {
    const svg = await guestAccess.linkQrCode(await roomAccess(req.params.roomId, res), req.params.linkId);
    res.type('image/svg+xml').set('Cache-Control', 'no-store').send(svg);
  });

  router.delete('/api/rooms/:roomId/guest-links/:linkId', async (req, res) => {
    await guestAccess.deleteLink(await roomAccess(req.params.roomId, res), req.params.linkId);
    res.status(204).end();
  });

  return router;
}
