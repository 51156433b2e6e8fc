import { translator, type Translator } from '../i18n/translator';
import { truncateCodePoints } from '../text';

export const ROOM_TYPES = ['room', 'media-gallery'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

export interface Room {
  id: string;
  platformId: string;
  deploymentId: string;
  contextId: string;
  resourceLinkId: string;
  title: string;
  contextTitle: string | null;
  roomType: RoomType;
  /** When set, the screen plays this recording instead of showing the live stage. */
  mediaUrl: string | null;
  hostUserId: string | null;
  hostName: string | null;
  guestAccessEnabled: boolean;
  lobbyEnabled: boolean;
  /** Invited people (Invite users) wait in the lobby too, while it is on; by default they skip it. */
  inviteesWait: boolean;
  /** Shown to every guest waiting in the room; null: none. */
  lobbyMessage: LobbyNote | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ROOM_TITLE_MAX = 200;

/** A moderator's note on the waiting page: to the whole lobby, or to one waiting guest. */
export interface LobbyNote {
  text: string;
  at: Date;
}

/** The longest lobby or private message, in characters (also a CHECK in migration 009). */
export const LOBBY_NOTE_MAX = 500;

/** A note read from storage: text and time, or null when either is missing. */
export function lobbyNote(
  text: string | null | undefined,
  at: Date | string | null | undefined,
): LobbyNote | null {
  return text && at ? { text, at: new Date(at) } : null;
}

/** Reads the `room_type` custom parameter. Unknown or unresolved values mean a normal room. */
export function roomTypeFromCustom(value: unknown): RoomType {
  if (typeof value !== 'string') return 'room';
  const normalized = value
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, '-');
  return normalized === 'media-gallery' || normalized === 'mediagallery' ? 'media-gallery' : 'room';
}

/** Reads the `media_url` custom parameter: only absolute http(s) URLs are played. */
export function mediaUrlFromCustom(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/**
 * The title a new room gets: the resource link's title, else the course's, else a neutral
 * default in the creating launch's language (a title is stored, and then shown as it is).
 */
export function roomTitleFrom(
  resourceTitle: unknown,
  contextTitle: unknown,
  i18n: Translator = translator('en'),
): string {
  for (const candidate of [resourceTitle, contextTitle]) {
    if (typeof candidate === 'string' && candidate.trim())
      return truncateCodePoints(candidate.trim(), ROOM_TITLE_MAX);
  }
  return i18n.t('media:room.defaultTitle');
}

export function guestAccessSupported(room: Pick<Room, 'roomType'>): boolean {
  return room.roomType === 'room';
}

/** Rooms that play a recording and media galleries have no stage. */
export function hasLiveSession(room: Pick<Room, 'roomType' | 'mediaUrl'>): boolean {
  return room.roomType === 'room' && !room.mediaUrl;
}
