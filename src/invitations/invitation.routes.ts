import express, { type Router } from 'express';
import { parseJsonBody } from '../http/json-body';
import { launchFrom } from '../lti/claims';
import type { RoomAccessService } from '../lti/room-access.service';
import { changeRoleInput, createInvitationsInput, inviteesWaitInput, PEOPLE_TEXT_MAX } from './invitation';
import type { InvitationService } from './invitation.service';

/**
 * A pasted list may hold PEOPLE_TEXT_MAX characters (up to 4 bytes each in UTF-8, plus JSON
 * escapes): a larger body limit on the invitations routes only, so an oversized list gets the
 * 400 naming `people`, not a bare 413.
 */
export const invitationsJson = express.json({ limit: `${Math.ceil((PEOPLE_TEXT_MAX * 4) / 1024) + 8}kb` });

/** The JSON API of the Invite users window (behind ltijs's session check). */
export function invitationRouter(rooms: RoomAccessService, invitations: InvitationService): Router {
  const router = express.Router();
  const roomAccess = (roomId: string, res: express.Response) => rooms.accessFor(launchFrom(res), roomId);
  const base = '/api/rooms/:roomId/invitations';

  router.get(base, async (req, res) => {
    res.json(await invitations.list(await roomAccess(req.params.roomId, res)));
  });

  router.post(base, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    res.status(201).json(await invitations.create(access, parseJsonBody(createInvitationsInput, req)));
  });

  // Before the :invitationId routes, so "settings" is never read as an id.
  router.put(`${base}/settings`, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { inviteesWait } = parseJsonBody(inviteesWaitInput, req);
    res.json(await invitations.setInviteesWait(access, inviteesWait));
  });

  router.patch(`${base}/:invitationId`, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { role } = parseJsonBody(changeRoleInput, req);
    res.json(await invitations.changeRole(access, req.params.invitationId, role));
  });

  router.post(`${base}/:invitationId/send`, async (req, res) => {
    res.json(await invitations.resend(await roomAccess(req.params.roomId, res), req.params.invitationId));
  });

  router.delete(`${base}/:invitationId`, async (req, res) => {
    res.json(await invitations.revoke(await roomAccess(req.params.roomId, res), req.params.invitationId));
  });

  return router;
}
