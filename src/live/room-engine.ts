import type { LiveParticipant } from './participant';
import type { Link, RelayedSignal } from './signal';
import type { EngineName } from '../config/live-config';

/** What a participant's page needs to know of the engine to connect its media. */
export interface EngineClientConfig {
  engine: EngineName;
  /**
   * mesh: a presenter sends to every other participant directly (one link each);
   * sfu: a presenter sends once, to the media server, which forwards to everyone.
   */
  topology: 'mesh' | 'sfu';
}

/** What an engine may ask of the live session around it. */
export interface EngineContext {
  /** Delivers a signal to a participant's page, on whichever instance holds its stream. */
  deliver(roomId: string, to: string, from: string, signal: RelayedSignal): Promise<void>;
  /** Tells this engine on every instance something about a room (e.g. a media server feed went live). */
  broadcast(roomId: string, data: unknown): Promise<void>;
  /** The room's participants whose streams this instance holds. */
  localParticipants(roomId: string): LiveParticipant[];
  /** Rooms with at least one participant on this instance. */
  localRoomIds(): string[];
  /** Ends a local participant's connection: its media could not be kept up. */
  drop(participant: LiveParticipant): void;
}

/**
 * The seam between the live session (who is in the room, what each may do: src/live) and
 * whatever carries the media. The service has checked every call against the room's rules
 * before the engine sees it; an engine adds the media server's own enforcement, never less.
 */
export interface RoomEngine {
  readonly name: EngineName;
  /** Most participants one room may hold with this engine (hosts and moderators aside); null: no cap. */
  readonly participantCap: number | null;
  clientConfig(): EngineClientConfig;
  /** Makes sure the room's media session exists. */
  ensureSession(roomId: string): Promise<void>;
  /** A participant connected to this instance, with their role. */
  join(participant: LiveParticipant): Promise<void>;
  /** A checked signal from a participant of this instance, on one of its links. */
  signal(from: LiveParticipant, link: Link, signal: RelayedSignal): Promise<void>;
  /** Anywhere in the room, a participant's role or media changed. */
  changed(participant: LiveParticipant): Promise<void>;
  /** Anywhere in the room, a participant's connection ended: their media must stop now. */
  departed(participant: LiveParticipant): Promise<void>;
  /** A moderator muted this participant's microphone. */
  mute(participant: LiveParticipant): Promise<void>;
  /** The room's session ended for everyone. */
  end(roomId: string): Promise<void>;
  /** Data another instance's engine broadcast for a room. */
  receive(roomId: string, data: unknown): void;
  close(): Promise<void>;
}
