import type { LiveParticipant } from '../participant';
import type { EngineClientConfig, EngineContext, RoomEngine } from '../room-engine';
import type { Link, RelayedSignal } from '../signal';

export interface BuiltinEngineOptions {
  participantCap: number;
}

/**
 * Browser-to-browser WebRTC with Guestlink as the signalling server: each presenter's page
 * keeps one link to every other participant and the media never passes through Guestlink.
 * Nothing to install, but every receiver costs the presenter an upload stream, hence the cap.
 * The server cannot cut a peer-to-peer path itself: when someone leaves or is removed,
 * every page drops its links to them on the departure event (and a removed page is told
 * to close its own).
 */
export class BuiltinEngine implements RoomEngine {
  readonly name = 'builtin' as const;
  readonly participantCap: number;

  constructor(
    private readonly options: BuiltinEngineOptions,
    private readonly context: EngineContext,
  ) {
    this.participantCap = options.participantCap;
  }

  clientConfig(): EngineClientConfig {
    return { engine: 'builtin', topology: 'mesh' };
  }

  async ensureSession(): Promise<void> {}

  async join(): Promise<void> {}

  async signal(from: LiveParticipant, link: Link, signal: RelayedSignal): Promise<void> {
    const to = link.publisher === from.id ? link.subscriber : link.publisher;
    await this.context.deliver(from.roomId, to, from.id, signal);
  }

  async changed(): Promise<void> {}

  async departed(): Promise<void> {}

  /** Peer to peer, the presenter's own page turns its microphone off when told. */
  async mute(): Promise<void> {}

  async end(): Promise<void> {}

  receive(): void {}

  async close(): Promise<void> {}
}
