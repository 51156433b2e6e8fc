import { hasRoomId, type EventChannel } from '../events/event-channel';
import type { LocalizedText } from '../i18n/translator';
import type { DepartureReason } from './live.store';
import type { LiveParticipant } from './participant';
import type { Link, RelayedSignal } from './signal';

/** The PostgreSQL channel (and MongoDB topic) live events travel on. */
export const LIVE_CHANNEL = 'guestlink_live';

/** A participant as it travels between instances: dates as ISO strings. */
export type WireParticipant = Omit<LiveParticipant, 'handRaisedAt' | 'joinedAt'> & {
  handRaisedAt: string | null;
  joinedAt: string;
};

/**
 * What one instance tells the others about a room's live session. Presence events carry
 * the participant as stored, so no instance has to read it again; signals and commands name
 * the one participant they are for, and only the instance holding that participant's
 * stream delivers them.
 */
export type LiveEvent =
  | { roomId: string; type: 'joined' | 'changed'; participant: WireParticipant }
  | { roomId: string; type: 'departed'; participant: WireParticipant; reason: DepartureReason }
  | { roomId: string; type: 'signal'; to: string; from: string; signal: RelayedSignal }
  | { roomId: string; type: 'muted'; to: string; by: string }
  | { roomId: string; type: 'ended'; by: string }
  | { roomId: string; type: 'engine'; data: unknown }
  /** A page's signal posted to another instance than the one holding its media (Janus handles). */
  | {
      roomId: string;
      type: 'relay';
      instanceId: string;
      from: WireParticipant;
      link: Link;
      signal: RelayedSignal;
    }
  /**
   * What the media server refused of a relayed signal, for the page that sent it: the message
   * as a catalog key, put in words by the instance holding the page, in the page's language.
   */
  | { roomId: string; type: 'refused'; to: string; code: string; message: LocalizedText };

export type LiveEventChannel = EventChannel<LiveEvent>;

const TYPES = new Set([
  'joined',
  'changed',
  'departed',
  'signal',
  'muted',
  'ended',
  'engine',
  'relay',
  'refused',
]);

export function isLiveEvent(value: unknown): value is LiveEvent {
  return hasRoomId(value) && TYPES.has(String((value as { type?: unknown }).type));
}

export function toWire(participant: LiveParticipant): WireParticipant {
  return {
    ...participant,
    media: { ...participant.media },
    handRaisedAt: participant.handRaisedAt?.toISOString() ?? null,
    joinedAt: participant.joinedAt.toISOString(),
  };
}

export function fromWire(participant: WireParticipant): LiveParticipant {
  return {
    ...participant,
    handRaisedAt: participant.handRaisedAt ? new Date(participant.handRaisedAt) : null,
    joinedAt: new Date(participant.joinedAt),
  };
}
