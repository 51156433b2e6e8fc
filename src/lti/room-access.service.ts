import { ForbiddenError, NotFoundError } from '../errors';
import { text } from '../i18n/translator';
import type { LaunchContext } from './claims';
import { launchLanguage } from './launch-locale';
import { DeploymentNotRegisteredError, LaunchRefusedError } from './lti-errors';
import type { PlacedByStamp, PlacementScope } from './placed-by';
import { buildRoleMap, roleFromLaunch } from './roles';
import type { Platform } from '../platforms/platform';
import { PlatformRegistry } from '../platforms/platform-registry';
import { mediaUrlFromCustom, roomTitleFrom, roomTypeFromCustom, type Room } from '../rooms/room';
import type { RoomStore } from '../rooms/room.store';
import { atLeast, higherRole, type Actor, type RoomRole } from '../rooms/room-role';

/** A launched user's standing in one room, checked for every request. */
export interface RoomAccess {
  room: Room;
  role: RoomRole;
  platform: Platform;
  launch: LaunchContext;
}

function placementScope(platform: Platform, launch: LaunchContext): PlacementScope {
  return { platformId: platform.id, deploymentId: launch.deploymentId, contextId: launch.contextId };
}

/** Who did something, for audit events and the guest log. */
export function actorOf(access: RoomAccess): Actor {
  return { userId: access.launch.userId, name: access.launch.userName };
}

/** The custom parameter our Deep Linking items carry: the user who placed the room, signed (placed-by.ts). */
export const PLACED_BY_PARAMETER = 'guestlink_host';

/**
 * Launched users and their rooms: the first launch of a resource link opens its room, and every
 * later request of that launch is checked against the room, the platform and the deployment.
 */
export class RoomAccessService {
  private readonly roleMaps = new WeakMap<Platform, Record<string, RoomRole>>();

  constructor(
    private readonly rooms: RoomStore,
    private readonly registry: PlatformRegistry,
    private readonly placedByStamp: PlacedByStamp,
  ) {}

  /** The signed `guestlink_host` value for an item this launch's user places through Deep Linking. */
  placedByValue(platform: Platform, launch: LaunchContext): string {
    return this.placedByStamp.sign(placementScope(platform, launch), launch.userId);
  }

  /** The registration a launch belongs to, refusing unknown platforms and unlisted deployments. */
  platformFor(launch: Pick<LaunchContext, 'issuer' | 'clientId' | 'deploymentId'>): Platform {
    const platform = this.registry.find(launch.issuer, launch.clientId);
    if (!platform) throw new LaunchRefusedError(text('lti:platform.noLongerRegistered'));
    if (!PlatformRegistry.deploymentAllowed(platform, launch.deploymentId))
      throw new DeploymentNotRegisteredError();
    return platform;
  }

  launchRole(platform: Platform, launch: LaunchContext): RoomRole {
    let map = this.roleMaps.get(platform);
    if (!map) {
      map = buildRoleMap(platform.settings.roleMap);
      this.roleMaps.set(platform, map);
    }
    return roleFromLaunch(launch.roles, map);
  }

  /** First launch of a resource link creates its room; later launches reuse it. */
  async openFromLaunch(launch: LaunchContext): Promise<RoomAccess> {
    const platform = this.platformFor(launch);
    if (!launch.resourceLinkId) throw new LaunchRefusedError(text('lti:refused.noResourceLink'));
    const launchRole = this.launchRole(platform, launch);
    // Only a value Guestlink signed for this platform, deployment and course counts: the field
    // is editable in the LMS, and an edited value must neither grant nor take away host rights.
    const placedBy = this.placedByStamp.verify(
      placementScope(platform, launch),
      launch.custom[PLACED_BY_PARAMETER],
    );
    const hostCandidate = placedBy
      ? { userId: placedBy, name: placedBy === launch.userId ? launch.userName : null }
      : atLeast(launchRole, 'moderator')
        ? { userId: launch.userId, name: launch.userName }
        : null;
    const room = await this.rooms.openForLaunch({
      platformId: platform.id,
      deploymentId: launch.deploymentId,
      contextId: launch.contextId,
      resourceLinkId: launch.resourceLinkId,
      title: roomTitleFrom(launch.resourceLinkTitle, launch.contextTitle, launchLanguage(launch)),
      contextTitle: launch.contextTitle,
      roomType: roomTypeFromCustom(launch.custom.room_type),
      mediaUrl: mediaUrlFromCustom(launch.custom.media_url),
      hostCandidate,
      launcherUserId: launch.userId,
      launcherName: launch.userName,
      lobbyDefault: platform.settings.lobbyDefault,
    });
    return { room, role: this.roleInRoom(room, launchRole, launch), platform, launch };
  }

  /** The room a request names, if and only if it is the room this launch was made for. */
  async accessFor(launch: LaunchContext, roomId: string): Promise<RoomAccess> {
    this.platformFor(launch);
    return this.accessTo(launch, await this.rooms.findById(roomId));
  }

  /** The room as stored now, or null; for reading it once on behalf of many launches. */
  findRoom(roomId: string): Promise<Room | null> {
    return this.rooms.findById(roomId);
  }

  /** accessFor without the read: `room` is the room the request names, as just read. */
  accessTo(launch: LaunchContext, room: Room | null): RoomAccess {
    const platform = this.platformFor(launch);
    if (
      !room ||
      room.platformId !== platform.id ||
      room.deploymentId !== launch.deploymentId ||
      room.contextId !== launch.contextId ||
      room.resourceLinkId !== launch.resourceLinkId
    ) {
      throw new NotFoundError(text('lti:room.notFound'));
    }
    return { room, role: this.roleInRoom(room, this.launchRole(platform, launch), launch), platform, launch };
  }

  requireRole(access: RoomAccess, minimum: RoomRole): void {
    if (!atLeast(access.role, minimum)) throw new ForbiddenError(text('lti:room.moderatorsOnly'));
  }

  private roleInRoom(room: Room, launchRole: RoomRole, launch: LaunchContext): RoomRole {
    return room.hostUserId === launch.userId ? higherRole(launchRole, 'host') : launchRole;
  }
}
