import type { Request } from 'express';
import { GuestProblemError } from './guest-errors';
import type { GuestSessions } from './guest-session';
import type { GuestService } from './guest.service';
import type { VisitContext } from './guest.store';
import { hasLiveSession, type Room } from '../rooms/room';
import type { IdentityResolver } from '../live/live.routes';
import type { LiveIdentity } from '../live/live.service';
import { NoLiveSessionError, NotAdmittedError } from '../live/live-errors';
import { identityOfVisit } from '../live/participant';

/** Who a guest is on the live stage: the guests' side of the live session's identity seam. */

/** A guest in the room their visit is for; their name once the visit has been read. */
export function identityOfGuest(roomId: string, visitId: string, name = ''): LiveIdentity {
  return {
    roomId,
    identity: identityOfVisit(visitId),
    visitId,
    userId: null,
    name,
    baseRole: 'guest',
    actor: { userId: `guest:${visitId}`, name: name || null },
  };
}

/**
 * Who the person behind a visit is on the stage: a guest, or an invited person whose base role
 * is their invitation's role now (read with the visit, never copied), with their invitation as
 * the actor of what they do (audit events, the guest log).
 */
export function identityOfVisitor(context: Pick<VisitContext, 'visit' | 'invitee'>): LiveIdentity {
  const { visit, invitee } = context;
  if (!invitee) return identityOfGuest(visit.roomId, visit.id, visit.name);
  return {
    roomId: visit.roomId,
    identity: identityOfVisit(visit.id),
    visitId: visit.id,
    userId: null,
    name: visit.name,
    baseRole: invitee.role,
    actor: { userId: `invitee:${invitee.invitationId}`, name: visit.name },
  };
}

/** Whether the guest of this (already checked) visit may connect to its room's stage now. */
export function admittedToStage(context: VisitContext): void {
  if (context.visit.status !== 'admitted') throw new NotAdmittedError();
  if (!hasLiveSession({ roomType: context.roomType as Room['roomType'], mediaUrl: context.mediaUrl }))
    throw new NoLiveSessionError();
}

/**
 * A guest or invited person, by the pass their browser holds for this room. Connecting also
 * requires the visit to be admitted now; whether a guest's link or guest access still is does
 * not matter once inside (docs/product.md §5: guests already in the room stay until they refresh
 * or leave). An invitation carries rights, so connecting and moderating re-check it: revoked or
 * expired, no moderator action and no (re)connection (GuestService.stageVisit). A page's own
 * posts (signals, media, hand) only need who it is: the service checks them against the
 * connection's row, which a revoke or role change ends. Moderator actions read the visit on every
 * request, so an invitation revoked, demoted or expired a moment ago acts no more.
 */
export function guestIdentity(sessions: GuestSessions, guests: GuestService): IdentityResolver {
  return async (req: Request, _res, purpose) => {
    const roomId = String(req.params.roomId);
    const visitId = sessions.visitId(req, roomId);
    if (!visitId) throw new GuestProblemError('not-in-session');
    if (purpose === 'post') return identityOfGuest(roomId, visitId);
    const context = await guests.stageVisit(roomId, visitId);
    admittedToStage(context);
    return identityOfVisitor(context);
  };
}
