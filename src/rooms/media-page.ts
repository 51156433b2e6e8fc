import { atLeast } from '../lti/roles';
import type { RoomRole } from '../platforms/platform';
import type { RoomAccess } from './room.service';

export interface MenuItem {
  id: string;
  label: string;
  href?: string;
  newWindow?: boolean;
  disabled?: boolean;
  /** Shown under a disabled item, and announced with it. */
  description?: string;
}

export interface MediaPage {
  roomId: string;
  ltik: string;
  title: string;
  contextTitle: string | null;
  role: RoomRole;
  roleLabel: string;
  userName: string;
  screen: { kind: 'live' | 'video' | 'gallery'; mediaUrl: string | null };
  menu: MenuItem[];
}

const ROLE_LABELS: Record<RoomRole, string> = { host: 'Host', moderator: 'Moderator', viewer: 'Viewer' };

export function roomHref(roomId: string, ltik: string, suffix = ''): string {
  return `/rooms/${encodeURIComponent(roomId)}${suffix}?ltik=${encodeURIComponent(ltik)}`;
}

/** What the media page shows to one launched user; menus follow the role. */
export function mediaPageFor(access: RoomAccess, ltik: string): MediaPage {
  const { room, role } = access;
  const menu: MenuItem[] = [];
  if (atLeast(role, 'moderator')) {
    menu.push({ id: 'room-settings', label: 'Room settings', href: roomHref(room.id, ltik, '/settings') });
  }
  menu.push({
    id: 'open-new-window',
    label: 'Open in new window',
    href: roomHref(room.id, ltik),
    newWindow: true,
  });
  return {
    roomId: room.id,
    ltik,
    title: room.title,
    contextTitle: room.contextTitle,
    role,
    roleLabel: ROLE_LABELS[role],
    userName: access.launch.userName ?? 'you',
    screen: room.mediaUrl
      ? { kind: 'video', mediaUrl: room.mediaUrl }
      : { kind: room.roomType === 'media-gallery' ? 'gallery' : 'live', mediaUrl: null },
    menu,
  };
}
