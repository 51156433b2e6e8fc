import { atLeast } from '../lti/roles';
import type { RoomRole } from '../platforms/platform';
import type { ManageMenuItem } from '../guest-access/guest-access.service';
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
  /** The Manage guest access window is on the page (and its script loaded). */
  guestAccessWindow: boolean;
  /** BCP 47 locale the LMS launched with, for dates. */
  locale: string;
  /** The moderators' Lobby panel is on the page. */
  lobbyPanel: boolean;
  lobbyEnabled: boolean;
}

export interface MediaPageFeatures {
  manageGuestAccess: ManageMenuItem;
  lobby: boolean;
}

const ROLE_LABELS: Record<RoomRole, string> = { host: 'Host', moderator: 'Moderator', viewer: 'Viewer' };

export function roomHref(roomId: string, ltik: string, suffix = ''): string {
  return `/rooms/${encodeURIComponent(roomId)}${suffix}?ltik=${encodeURIComponent(ltik)}`;
}

/** What the media page shows to one launched user; menus follow the role. */
export function mediaPageFor(access: RoomAccess, ltik: string, features: MediaPageFeatures): MediaPage {
  const { room, role } = access;
  const menu: MenuItem[] = [];
  const manage = features.manageGuestAccess;
  if (manage.state !== 'absent') {
    menu.push({
      id: 'manage-guest-access',
      label: 'Manage guest access',
      ...(manage.state === 'disabled' ? { disabled: true, description: manage.reason } : {}),
    });
  }
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
    guestAccessWindow: manage.state === 'enabled',
    locale: access.launch.locale ?? 'en-US',
    lobbyPanel: features.lobby,
    lobbyEnabled: room.lobbyEnabled,
  };
}
