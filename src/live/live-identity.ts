import type { Request } from 'express';
import { GuestProblemError } from '../guests/guest-errors';
import type { GuestSessions } from '../guests/guest-session';
import type { GuestStore, VisitContext } from '../guests/guest.store';
import { endedVisitProblem } from '../guests/guest';
import { launchFrom } from '../lti/claims';
import type { Room } from '../rooms/room';
import { actorOf, type RoomAccess, type RoomService } from '../rooms/room.service';
import type { LiveIdentity } from './live.service';
import { NoLiveSessionError, NotAdmittedError } from './live-errors';
import type { IdentityResolver } from './live.routes';
import { identityOfUser, identityOfVisit } from './participant';

/** Rooms that play a recording and media galleries have no stage. */
export function hasLiveSession(room: Pick<Room, 'roomType' | 'mediaUrl'>): boolean {
  return room.roomType === 'room' && !room.mediaUrl;
}

/** A launched user in a room, with the role their launch gives them there. */
export function identityFromAccess(access: RoomAccess): LiveIdentity {
  const userId = access.launch.userId;
  return {
    roomId: access.room.id,
    identity: identityOfUser(userId),
    visitId: null,
    userId,
    name: access.launch.userName ?? 'Participant',
    baseRole: access.role,
    actor: actorOf(access),
  };
}

/** A launched user, in the room their launch was for. */
export function launchedIdentity(rooms: RoomService): IdentityResolver {
  return async (_req, res) => {
    const access = await rooms.accessFor(launchFrom(res), String(_req.params.roomId));
    if (!hasLiveSession(access.room)) throw new NoLiveSessionError();
    return identityFromAccess(access);
  };
}

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

/** Whether the guest of this (already checked) visit may connect to its room's stage now. */
export function admittedToStage(context: VisitContext): void {
  if (context.visit.status !== 'admitted') throw new NotAdmittedError();
  if (!hasLiveSession({ roomType: context.roomType as Room['roomType'], mediaUrl: context.mediaUrl }))
    throw new NoLiveSessionError();
}

/**
 * A guest, by the pass their browser holds for this room. Connecting also requires the visit
 * to be admitted now; whether the link or guest access still is does not matter once inside
 * (docs/product.md §5: guests already in the room stay until they refresh or leave).
 */
export function guestIdentity(sessions: GuestSessions, guests: GuestStore): IdentityResolver {
  return async (req: Request, _res, purpose) => {
    const roomId = String(req.params.roomId);
    const visitId = sessions.visitId(req, roomId);
    if (!visitId) throw new GuestProblemError('not-in-session');
    if (purpose === 'post') return identityOfGuest(roomId, visitId);
    const context = await guests.findVisit(visitId);
    if (!context || context.visit.roomId !== roomId) throw new GuestProblemError('not-in-session');
    const ended = endedVisitProblem(context.visit);
    if (ended) throw new GuestProblemError(ended);
    admittedToStage(context);
    return identityOfGuest(roomId, visitId, context.visit.name);
  };
}
