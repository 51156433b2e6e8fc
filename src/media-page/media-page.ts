import type { ManageMenuItem } from '../guest-access/guest-access.service';
import { LIVE_SCRIPTS, type StageLocals } from '../live/live-stage';
import { launchDisplayName, unnamedModeratorLabel } from '../lti/display-name';
import type { RoomAccess } from '../lti/room-access.service';
import type { RoomRole } from '../rooms/room-role';
import { atLeast, ROOM_ROLE_LABEL_KEYS } from '../rooms/room-role';
import { text, translator, type Translator } from '../i18n/translator';
import { hasLiveSession } from '../rooms/room';

export interface MenuItem {
  id: string;
  label: string;
  /**
   * A Guestlink page the item opens: posted with the ltik in the page's navigation form
   * (views/rooms/media-page.ejs), never as a link carrying it.
   */
  postTo?: string;
  newWindow?: boolean;
  disabled?: boolean;
  /** Shown under a disabled item, and announced with it. */
  description?: string;
}

export interface MediaPage {
  roomId: string;
  ltik: string;
  /** Where a reload of this (posted) page reopens it: reopen.js, with the ltik this tab kept. */
  reopenPath: string;
  title: string;
  contextTitle: string | null;
  role: RoomRole;
  roleLabel: string;
  userName: string;
  screen: { kind: 'live' | 'video' | 'gallery'; mediaUrl: string | null };
  menu: MenuItem[];
  /** The Manage guest access window is on the page (and its script loaded). */
  guestAccessWindow: boolean;
  /** The Invite users window is on the page: the same people may use it as Manage guest access. */
  inviteUsersWindow: boolean;
  /** The page's locale (the launch's, matched to a shipped one): dates in the page's scripts. */
  locale: string;
  /** The moderators' Lobby panel is on the page. */
  lobbyPanel: boolean;
  lobbyEnabled: boolean;
  /** The live stage connects (a live room, and the user not removed from it). */
  liveStage: boolean;
  /** Where the stage's script connects. */
  live: StageLocals;
  removedFromStage: boolean;
  /** The page's scripts, in load order, each once. */
  scripts: string[];
  /** The message namespaces those scripts read (views/partials/foot.ejs embeds their js. keys). */
  messages: string[];
}

export interface MediaPageFeatures {
  manageGuestAccess: ManageMenuItem;
  /** Invite users (InvitationService.menuItem); the same gating as Manage guest access when absent. */
  inviteUsers?: ManageMenuItem;
  lobby: boolean;
  /** A moderator removed this user from the live session. */
  removedFromStage?: boolean;
}

/** Why Invite users is greyed out: the room type has no live session to invite anyone to. */
const INVITE_USERS_UNSUPPORTED = text('media:menu.inviteUsersUnsupported');

const roomApi = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;

/**
 * A launched user's room page (or one below it). Reached by a same-origin POST carrying the
 * ltik in a hidden field, so the token stays out of the address (README, “The launch token stays out of addresses”).
 */
export function roomPath(roomId: string, suffix = ''): string {
  return `/rooms/${encodeURIComponent(roomId)}${suffix}`;
}

/** What the media page shows to one launched user; menus follow the role. */
export function mediaPageFor(
  access: RoomAccess,
  ltik: string,
  features: MediaPageFeatures,
  i18n: Translator = translator('en'),
): MediaPage {
  const { room, role } = access;
  const menu: MenuItem[] = [];
  const manage = features.manageGuestAccess;
  if (manage.state !== 'absent') {
    menu.push({
      id: 'manage-guest-access',
      label: i18n.t('media:menu.manageGuestAccess'),
      ...(manage.state === 'disabled' ? { disabled: true, description: i18n.render(manage.reason) } : {}),
    });
  }
  // The article's next tier: personal invitations, gated as guest links are (docs/product.md §13).
  const invite = features.inviteUsers ?? manage;
  if (invite.state !== 'absent') {
    menu.push({
      id: 'invite-users',
      label: i18n.t('media:menu.inviteUsers'),
      ...(invite.state === 'disabled'
        ? { disabled: true, description: i18n.render(INVITE_USERS_UNSUPPORTED) }
        : {}),
    });
  }
  const liveStage = hasLiveSession(room) && !features.removedFromStage;
  if (atLeast(role, 'moderator')) {
    menu.push({
      id: 'room-settings',
      label: i18n.t('media:menu.roomSettings'),
      postTo: roomPath(room.id, '/settings'),
    });
    if (liveStage) menu.push({ id: 'end-live', label: i18n.t('media:menu.endLive') });
  }
  menu.push({
    id: 'open-new-window',
    label: i18n.t('media:menu.openNewWindow'),
    postTo: roomPath(room.id),
    newWindow: true,
  });
  const guestAccessWindow = manage.state === 'enabled';
  const inviteUsersWindow = invite.state === 'enabled';
  const scripts = [
    '/static/js/menu.js',
    // The ltik leaves the page only in headers and same-origin posts: these two carry it.
    '/static/js/ltik-navigation.js',
    '/static/js/event-stream.js',
    ...(guestAccessWindow || inviteUsersWindow || features.lobby ? ['/static/js/dom.js'] : []),
    ...(guestAccessWindow ? ['/static/js/guest-log.js'] : []),
    ...(liveStage ? LIVE_SCRIPTS : []),
    ...(guestAccessWindow || inviteUsersWindow || features.lobby
      ? ['/static/js/json-api.js', '/static/js/room-api.js']
      : []),
    ...(guestAccessWindow || inviteUsersWindow ? ['/static/js/copy-text.js'] : []),
    ...(guestAccessWindow ? ['/static/js/guest-access.js'] : []),
    ...(inviteUsersWindow ? ['/static/js/invite-users.js'] : []),
    ...(features.lobby
      ? ['/static/js/lobby-confirm.js', '/static/js/lobby-alerts.js', '/static/js/lobby.js']
      : []),
  ];
  return {
    roomId: room.id,
    ltik,
    reopenPath: roomPath(room.id),
    title: room.title,
    contextTitle: room.contextTitle,
    role,
    roleLabel: i18n.t(ROOM_ROLE_LABEL_KEYS[role]),
    userName: launchDisplayName(access.launch, i18n),
    screen: room.mediaUrl
      ? { kind: 'video', mediaUrl: room.mediaUrl }
      : { kind: room.roomType === 'media-gallery' ? 'gallery' : 'live', mediaUrl: null },
    menu,
    guestAccessWindow,
    inviteUsersWindow,
    locale: i18n.locale,
    lobbyPanel: features.lobby,
    lobbyEnabled: room.lobbyEnabled,
    liveStage,
    live: {
      events: `${roomApi(room.id)}/live/events`,
      api: `${roomApi(room.id)}/live`,
      auth: ltik,
      newWindowHref: roomPath(room.id),
      reloadHref: roomPath(room.id),
      scripts: LIVE_SCRIPTS,
    },
    scripts: [...new Set(scripts)],
    messages: [
      'media',
      ...(guestAccessWindow ? ['guestAccess', 'guestLog'] : []),
      ...(inviteUsersWindow ? ['invitations'] : []),
      ...(liveStage ? ['live'] : []),
      ...(features.lobby ? ['lobby'] : []),
    ],
    removedFromStage: Boolean(features.removedFromStage),
  };
}

/** The room's host as the settings show it; the viewer sees their own label if they are the host. */
export function hostDisplayName(access: RoomAccess, i18n: Translator): string | null {
  const { room, launch } = access;
  if (!room.hostUserId) return null;
  if (room.hostUserId === launch.userId) return launchDisplayName(launch, i18n);
  return room.hostName ?? unnamedModeratorLabel(room.platformId, room.hostUserId, i18n);
}
