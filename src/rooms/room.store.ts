import type { Room, RoomType } from './room';

export interface RoomLaunch {
  platformId: string;
  deploymentId: string;
  contextId: string;
  resourceLinkId: string;
  title: string;
  contextTitle: string | null;
  roomType: RoomType;
  mediaUrl: string | null;
  /** Becomes the host if the room has none yet (the launching moderator, or the Deep Linking placer). */
  hostCandidate: { userId: string; name: string | null } | null;
  /** The launching user, whose display name is refreshed if they are the host. */
  launcherUserId: string;
  launcherName: string | null;
  lobbyDefault: boolean;
}

export interface RoomStore {
  /** Creates the room of a resource link on its first launch, or refreshes it; atomic under concurrency. */
  openForLaunch(launch: RoomLaunch): Promise<Room>;
  findById(id: string): Promise<Room | null>;
}
