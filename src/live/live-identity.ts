import { launchFrom } from '../lti/claims';
import { launchDisplayName } from '../lti/display-name';
import { launchLanguage } from '../lti/launch-locale';
import { hasLiveSession } from '../rooms/room';
import { actorOf, type RoomAccess, type RoomAccessService } from '../lti/room-access.service';
import type { LiveIdentity } from './live.service';
import { NoLiveSessionError } from './live-errors';
import type { IdentityResolver } from './live.routes';
import { identityOfUser } from './participant';

/** A launched user in a room, with the role their launch gives them there. */
export function identityFromAccess(access: RoomAccess): LiveIdentity {
  const userId = access.launch.userId;
  return {
    roomId: access.room.id,
    identity: identityOfUser(userId),
    visitId: null,
    userId,
    // Seen by everyone in the room: the words of the launcher's own language.
    name: launchDisplayName(access.launch, launchLanguage(access.launch)),
    baseRole: access.role,
    actor: actorOf(access),
  };
}

/** A launched user, in the room their launch was for. */
export function launchedIdentity(rooms: RoomAccessService): IdentityResolver {
  return async (_req, res) => {
    const access = await rooms.accessFor(launchFrom(res), String(_req.params.roomId));
    if (!hasLiveSession(access.room)) throw new NoLiveSessionError();
    return identityFromAccess(access);
  };
}
