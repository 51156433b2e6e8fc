import type { EventStream } from '../http/sse';
import { isLocalizedText, text, type LocalizedText, type Translator } from '../i18n/translator';
import type { Logger } from '../logger';
import { fromWire, toWire, type LiveEvent, type LiveEventChannel } from './live-events';
import type { DepartureReason } from './live.store';
import { viewFor, type LiveParticipant } from './participant';
import type { RoomEngine } from './room-engine';
import type { RelayedSignal } from './signal';

interface Connection {
  participant: LiveParticipant;
  stream: EventStream;
  /** The page's language, for the few sentences the server sends it (refusals). */
  i18n: Translator;
  /** Events that arrived before the page got its first roster; sent right after it. */
  backlog: Array<[string, unknown]> | null;
}

/**
 * This instance's live connections (one event stream per participant page), fed by the
 * channel every instance shares: presence changes go to every page in the room, signals
 * and commands to the one page they name, and each event to the engine too.
 */
export class LiveHub {
  private readonly connections = new Map<string, Connection>();
  private readonly rooms = new Map<string, Set<string>>();
  private unsubscribe: (() => Promise<void>) | null = null;
  private engine: RoomEngine | null = null;

  constructor(
    private readonly channel: LiveEventChannel,
    private readonly logger: Logger,
    /** This instance, among those sharing the channel. */
    private readonly instanceId: string,
  ) {}

  async start(engine: RoomEngine): Promise<void> {
    this.engine = engine;
    this.unsubscribe = await this.channel.subscribe((event) => this.receive(event));
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = null;
    for (const connection of this.connections.values()) connection.stream.close();
    this.connections.clear();
    this.rooms.clear();
  }

  /** Registers a page's stream; events for it are held back until `ready`. */
  add(participant: LiveParticipant, stream: EventStream, i18n: Translator): void {
    this.connections.set(participant.id, { participant, stream, i18n, backlog: [] });
    let room = this.rooms.get(participant.roomId);
    if (!room) this.rooms.set(participant.roomId, (room = new Set()));
    room.add(participant.id);
  }

  /** Sends the page its first event, then whatever arrived meanwhile. */
  ready(participantId: string, event: string, data: unknown): void {
    const connection = this.connections.get(participantId);
    if (!connection) return;
    connection.stream.send(event, data);
    const backlog = connection.backlog ?? [];
    connection.backlog = null;
    for (const [name, payload] of backlog) connection.stream.send(name, payload);
  }

  forget(participantId: string): void {
    const connection = this.connections.get(participantId);
    if (!connection) return;
    this.connections.delete(participantId);
    const room = this.rooms.get(connection.participant.roomId);
    room?.delete(participantId);
    if (room?.size === 0) this.rooms.delete(connection.participant.roomId);
  }

  isLocal(participantId: string): boolean {
    return this.connections.has(participantId);
  }

  localParticipants(roomId: string): LiveParticipant[] {
    return [...(this.rooms.get(roomId) ?? [])].map((id) => this.connections.get(id)!.participant);
  }

  localIds(): string[] {
    return [...this.connections.keys()];
  }

  /**
   * Ends local connections whose participant no longer exists (its departure was ended
   * elsewhere and the event about it lost): the page is told to reconnect, and is refused
   * there if it was removed.
   */
  reconcile(goneIds: string[]): void {
    for (const id of goneIds) {
      const connection = this.connections.get(id);
      if (!connection) continue;
      this.forget(id);
      connection.stream.send('departed', { reason: 'lost' });
      connection.stream.close();
      this.engineCall('departed', connection.participant);
    }
  }

  localRoomIds(): string[] {
    return [...this.rooms.keys()];
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  publish(event: LiveEvent): Promise<void> {
    return this.channel.publish(event);
  }

  /** Publishes without making the caller wait or fail: a lost presence event heals on the next change. */
  announce(event: LiveEvent): void {
    this.channel.publish(event).catch((error: unknown) => {
      this.logger.warn({ err: error, roomId: event.roomId }, 'Publishing a live event failed');
    });
  }

  joined(participant: LiveParticipant, type: 'joined' | 'changed' = 'joined'): void {
    this.announce({ roomId: participant.roomId, type, participant: toWire(participant) });
  }

  departed(participant: LiveParticipant, reason: DepartureReason): void {
    this.announce({ roomId: participant.roomId, type: 'departed', participant: toWire(participant), reason });
  }

  private send(connection: Connection, event: string, data: unknown): void {
    if (connection.backlog) connection.backlog.push([event, data]);
    else connection.stream.send(event, data);
  }

  private everyoneIn(roomId: string): Connection[] {
    return [...(this.rooms.get(roomId) ?? [])].map((id) => this.connections.get(id)!);
  }

  private receive(event: LiveEvent): void {
    switch (event.type) {
      case 'joined':
      case 'changed': {
        const participant = fromWire(event.participant);
        const own = this.connections.get(participant.id);
        if (own) {
          // Announcements can overtake each other: an older state never replaces a newer one.
          if (participant.version < own.participant.version) return;
          own.participant = participant;
        }
        for (const connection of this.everyoneIn(event.roomId))
          this.send(connection, 'participant', viewFor(connection.participant, participant));
        if (event.type === 'changed') this.engineCall('changed', participant);
        return;
      }
      case 'departed': {
        const participant = fromWire(event.participant);
        const own = this.connections.get(participant.id);
        if (own) {
          this.forget(participant.id);
          own.stream.send('departed', { reason: event.reason });
          own.stream.close();
        }
        for (const connection of this.everyoneIn(event.roomId))
          this.send(connection, 'participant-left', { id: participant.id });
        this.engineCall('departed', participant);
        return;
      }
      case 'signal': {
        const connection = this.connections.get(event.to);
        if (connection) this.send(connection, 'signal', { from: event.from, ...event.signal });
        return;
      }
      case 'muted': {
        const connection = this.connections.get(event.to);
        if (connection) this.send(connection, 'muted', { by: event.by });
        return;
      }
      case 'ended':
        for (const connection of this.everyoneIn(event.roomId)) {
          this.forget(connection.participant.id);
          connection.stream.send('departed', { reason: 'ended', by: event.by });
          connection.stream.close();
          this.engineCall('departed', connection.participant);
        }
        return;
      case 'engine':
        this.engine?.receive(event.roomId, event.data);
        return;
      case 'relay':
        if (event.instanceId === this.instanceId) this.relayed(event);
        return;
      case 'refused': {
        const connection = this.connections.get(event.to);
        if (connection)
          this.send(connection, 'refused', {
            code: event.code,
            message: connection.i18n.render(event.message),
          });
        return;
      }
    }
  }

  private engineCall(method: 'changed' | 'departed', participant: LiveParticipant): void {
    this.engine?.[method](participant).catch((error: unknown) => {
      this.logger.warn({ err: error, roomId: participant.roomId }, `The room engine failed on ${method}`);
    });
  }

  /** A signal of one of this instance's participants, posted to another instance. */
  private relayed(event: Extract<LiveEvent, { type: 'relay' }>): void {
    const from = fromWire(event.from);
    this.engine?.signal(from, event.link, event.signal).catch((error: unknown) => {
      const refusal = error as { status?: unknown; code?: unknown; text?: unknown };
      const known =
        typeof refusal.status === 'number' && refusal.status < 500 && isLocalizedText(refusal.text);
      if (!known) this.logger.warn({ err: error, roomId: event.roomId }, 'A relayed signal failed');
      this.announce({
        roomId: event.roomId,
        type: 'refused',
        to: from.id,
        code: known ? String(refusal.code) : 'MEDIA_SERVER_FAILED',
        message: known ? (refusal.text as LocalizedText) : text('live:errors.mediaServerFailed'),
      });
    });
  }

  /** Signals from an engine or a page, for a participant on any instance. */
  deliver(roomId: string, to: string, from: string, signal: RelayedSignal): Promise<void> {
    return this.publish({ roomId, type: 'signal', to, from, signal });
  }
}
