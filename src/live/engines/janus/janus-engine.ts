import type { Logger } from '../../../logger';
import { text } from '../../../i18n/translator';
import { LiveRefusedError } from '../../live-errors';
import type { JanusConfig, LiveConfig } from '../../../config/live-config';
import { canPublish, type LiveParticipant } from '../../participant';
import type { EngineClientConfig, EngineContext, RoomEngine } from '../../room-engine';
import { linkId, TRACK_KINDS, type Link, type RelayedSignal, type TrackKind } from '../../signal';
import { JanusClient, type JanusMessage } from './janus-client';
import { JanusKeys } from './janus-room-keys';
import { JanusRequestError } from '../../live-errors';

type Tracks = Record<string, TrackKind>;

interface Publisher {
  handle: number;
  roomId: string;
  tracks: Tracks;
  muted: boolean;
}

interface Subscription {
  handle: number;
  roomId: string;
  feed: string;
  subscriber: string;
}

/** What one instance's engine tells the others about a room (through the live channel). */
type Broadcast =
  { kind: 'feed'; feed: string; live: boolean; tracks?: Tracks } | { kind: 'mute'; participant: string };

/** Janus's error codes this engine turns into answers for people. */
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;
const NO_SUCH_FEED = 428;
const TOO_MANY_PUBLISHERS = 432;
const UNAUTHORIZED = 433;

/** Janus names its room in the SDP's session line; pages have no use for it. */
const withoutRoomName = (sdp: string) => sdp.replace(/^s=.*$/m, 's=-');

/** Our pages send audio, camera and screen on mids 0, 1 and 2 (public/js/live-peers.js). */
function defaultKind(stream: { type?: unknown; feed_mid?: unknown }): TrackKind {
  if (stream.type === 'audio') return 'audio';
  return stream.feed_mid === '2' ? 'screen' : 'camera';
}

/**
 * The Janus WebRTC Server's VideoRoom plugin as an SFU. Guestlink is Janus's only client:
 * it creates one Janus room per room (id, secret and pin derived from the app secret), and
 * for each participant of this instance holds a publisher handle (presenters) and one
 * subscriber handle per presenter whose feed is live, relaying SDP between those handles
 * and the participant's page. Janus enforces the roles too: a presenter joins as publisher
 * with their own token from the room's allowed list, which nobody else's is on; everyone
 * else can only subscribe. Removing someone detaches their handles, which stops their
 * media within milliseconds (subscribers are not Janus participants: `kick` cannot reach them).
 */
export class JanusEngine implements RoomEngine {
  readonly name = 'janus' as const;
  readonly participantCap: number | null;
  private readonly janus: JanusClient;
  private readonly keys: JanusKeys;
  private control: Promise<number> | null = null;
  private readonly rooms = new Map<string, Promise<void>>();
  private readonly publishers = new Map<string, Publisher>();
  private readonly subscriptions = new Map<string, Subscription>();
  /** Live feeds of each room, as far as this instance knows, with their streams. */
  private readonly feeds = new Map<string, Map<string, Tracks | null>>();
  /** Presenters whose token is on their room's allowed list. */
  private readonly allowed = new Set<string>();

  constructor(
    private readonly janusConfig: JanusConfig,
    private readonly liveConfig: LiveConfig,
    private readonly context: EngineContext,
    appSecret: string,
    private readonly logger: Logger,
  ) {
    this.participantCap = liveConfig.janusCap;
    this.keys = new JanusKeys(appSecret);
    this.janus = new JanusClient(janusConfig.url, janusConfig.apiSecret, logger, () => this.sessionLost());
  }

  clientConfig(): EngineClientConfig {
    return { engine: 'janus', topology: 'sfu' };
  }

  /** A handle for the plugin's synchronous requests (create, allowed, moderate…). */
  private async controlHandle(): Promise<number> {
    this.control ??= this.janus
      .attach(() => undefined)
      .catch((error: unknown) => {
        this.control = null;
        throw error;
      });
    return this.control;
  }

  private async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.janus.message(await this.controlHandle(), body);
    return answer.plugindata?.data ?? {};
  }

  async ensureSession(roomId: string): Promise<void> {
    let ready = this.rooms.get(roomId);
    if (!ready) {
      const keys = this.keys.forRoom(roomId);
      ready = this.request({
        request: 'create',
        admin_key: this.janusConfig.adminKey,
        room: keys.room,
        secret: keys.secret,
        pin: keys.pin,
        is_private: true,
        permanent: false,
        publishers: this.janusConfig.maxPublishers,
        require_pvtid: false,
        // An empty list is enforced: nobody publishes until their token is added.
        allowed: [],
        audiocodec: 'opus',
        videocodec: 'vp8',
      })
        .then(() => undefined)
        .catch((error: unknown) => {
          if (error instanceof JanusRequestError && error.janusCode === ROOM_EXISTS) return;
          this.rooms.delete(roomId);
          throw error;
        });
      this.rooms.set(roomId, ready);
    }
    await ready;
  }

  /** Runs a room request; a room Janus forgot (it restarted) is created again once. */
  private async inRoom<T>(roomId: string, work: () => Promise<T>): Promise<T> {
    await this.ensureSession(roomId);
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof JanusRequestError) || error.janusCode !== NO_SUCH_ROOM) throw error;
      this.rooms.delete(roomId);
      await this.ensureSession(roomId);
      return work();
    }
  }

  /**
   * The participant as this instance holds it now, if it still does: every step below awaits
   * Janus, and a page may leave (or stop presenting) meanwhile.
   */
  private present(participant: LiveParticipant): LiveParticipant | undefined {
    return this.context.localParticipants(participant.roomId).find((local) => local.id === participant.id);
  }

  private async allow(participant: LiveParticipant, allowed: boolean): Promise<void> {
    if (this.allowed.has(participant.id) === allowed) return;
    const keys = this.keys.forRoom(participant.roomId);
    await this.inRoom(participant.roomId, () =>
      this.request({
        request: 'allowed',
        room: keys.room,
        secret: keys.secret,
        action: allowed ? 'add' : 'remove',
        allowed: [this.keys.presenterToken(participant.roomId, participant.id)],
      }),
    );
    if (allowed) this.allowed.add(participant.id);
    else this.allowed.delete(participant.id);
    // Gone while its token was being listed: take the token off again.
    if (allowed && !this.present(participant)) await this.allow(participant, false);
  }

  async join(participant: LiveParticipant): Promise<void> {
    if (canPublish(participant)) await this.allow(participant, true);
    const keys = this.keys.forRoom(participant.roomId);
    const listed = await this.inRoom(participant.roomId, () =>
      this.request({ request: 'listparticipants', room: keys.room }),
    );
    const live = (listed.participants as Array<{ id?: unknown; publisher?: unknown }> | undefined) ?? [];
    const feeds = this.roomFeeds(participant.roomId);
    for (const entry of live) {
      if (entry.publisher !== true || typeof entry.id !== 'string') continue;
      if (!feeds.has(entry.id)) feeds.set(entry.id, null);
    }
    for (const feed of feeds.keys()) if (feed !== participant.id) await this.subscribe(participant, feed);
  }

  private roomFeeds(roomId: string): Map<string, Tracks | null> {
    let feeds = this.feeds.get(roomId);
    if (!feeds) this.feeds.set(roomId, (feeds = new Map()));
    return feeds;
  }

  async signal(from: LiveParticipant, link: Link, signal: RelayedSignal): Promise<void> {
    if (link.publisher === from.id) {
      if (signal.type === 'offer') return this.publish(from, signal.sdp, signal.tracks);
      const publisher = this.publishers.get(from.id);
      if (publisher && signal.type === 'candidate')
        await this.janus.trickle(publisher.handle, signal.candidate ?? { completed: true });
      return;
    }
    const subscription = this.subscriptions.get(linkId(link.publisher, link.subscriber));
    if (!subscription) return;
    if (signal.type === 'answer') {
      await this.janus.message(
        subscription.handle,
        { request: 'start' },
        { type: 'answer', sdp: signal.sdp },
      );
    } else if (signal.type === 'candidate') {
      await this.janus.trickle(subscription.handle, signal.candidate ?? { completed: true });
    }
  }

  private async publish(participant: LiveParticipant, sdp: string, tracks: Tracks): Promise<void> {
    const keys = this.keys.forRoom(participant.roomId);
    let publisher = this.publishers.get(participant.id);
    try {
      // The room's rules say this participant presents: their token goes on Janus's list.
      if (canPublish(participant)) await this.allow(participant, true);
      if (!publisher) {
        const handle = await this.janus.attach((event) => this.onPublisherEvent(participant, event));
        publisher = { handle, roomId: participant.roomId, tracks, muted: false };
        this.publishers.set(participant.id, publisher);
        const joined = publisher;
        await this.inRoom(participant.roomId, () =>
          this.janus.message(joined.handle, {
            request: 'join',
            ptype: 'publisher',
            room: keys.room,
            pin: keys.pin,
            id: participant.id,
            display: participant.name,
            // Their own token: Janus refuses anyone not on the room's allowed list.
            token: this.keys.presenterToken(participant.roomId, participant.id),
          }),
        );
      }
      publisher.tracks = tracks;
      const answer = await this.janus.message(
        publisher.handle,
        {
          request: 'configure',
          descriptions: Object.entries(tracks).map(([mid, kind]) => ({ mid, description: kind })),
        },
        { type: 'offer', sdp, trickle: true },
      );
      if (!answer.jsep) throw new JanusRequestError(0, 'no answer to the offer');
      // Left, or stopped presenting, while Janus set the feed up: it goes again at once.
      const now = this.present(participant);
      if (!now || !canPublish(now))
        throw new LiveRefusedError({
          status: 409,
          code: 'NOT_PRESENTING',
          message: text('live:refused.youNoLongerPresent'),
        });
      await this.context.deliver(participant.roomId, participant.id, participant.id, {
        type: 'answer',
        link: linkId(participant.id, 'sfu'),
        sdp: withoutRoomName(answer.jsep.sdp),
      });
    } catch (error) {
      await this.unpublish(participant.id);
      const now = this.present(participant);
      if (!now || !canPublish(now)) await this.allow(participant, false).catch(() => undefined);
      if (error instanceof JanusRequestError && error.janusCode === UNAUTHORIZED)
        throw new LiveRefusedError({
          status: 403,
          code: 'RECEIVE_ONLY',
          message: text('live:refused.receiveOnly'),
        });
      if (error instanceof JanusRequestError && error.janusCode === TOO_MANY_PUBLISHERS)
        throw new LiveRefusedError({
          status: 409,
          code: 'TOO_MANY_PRESENTERS',
          message: text('live:refused.tooManyPresenters', { max: this.janusConfig.maxPublishers }),
        });
      throw error;
    }
  }

  private onPublisherEvent(participant: LiveParticipant, event: JanusMessage): void {
    const publisher = this.publishers.get(participant.id);
    if (!publisher || publisher.handle !== event.sender) return;
    // Subscribing to a feed works once its PeerConnection is up, not before.
    if (event.janus === 'webrtcup')
      this.announceFeed(participant.roomId, participant.id, true, publisher.tracks);
    if (event.janus === 'hangup') this.announceFeed(participant.roomId, participant.id, false);
  }

  private announceFeed(roomId: string, feed: string, live: boolean, tracks?: Tracks): void {
    const data: Broadcast = { kind: 'feed', feed, live, ...(tracks ? { tracks } : {}) };
    this.context.broadcast(roomId, data).catch((error: unknown) => {
      this.logger.warn({ err: error, roomId }, 'Announcing a Janus feed failed');
    });
  }

  private async unpublish(participantId: string): Promise<void> {
    const publisher = this.publishers.get(participantId);
    if (!publisher) return;
    this.publishers.delete(participantId);
    await this.janus.detach(publisher.handle).catch(() => undefined);
    this.announceFeed(publisher.roomId, participantId, false);
  }

  /** One subscriber handle per (participant, live feed): Janus's offer goes to the page. */
  private async subscribe(participant: LiveParticipant, feed: string): Promise<void> {
    const id = linkId(feed, participant.id);
    // A page that left while its subscriptions were being listed gets none.
    if (this.subscriptions.has(id) || !this.present(participant)) return;
    const keys = this.keys.forRoom(participant.roomId);
    const subscription: Subscription = {
      handle: 0,
      roomId: participant.roomId,
      feed,
      subscriber: participant.id,
    };
    this.subscriptions.set(id, subscription);
    try {
      subscription.handle = await this.janus.attach((event) => this.onSubscriberEvent(subscription, event));
      if (this.subscriptions.get(id) !== subscription) throw new JanusRequestError(0, 'subscription ended');
      const attached = await this.janus.message(subscription.handle, {
        request: 'join',
        ptype: 'subscriber',
        room: keys.room,
        pin: keys.pin,
        streams: [{ feed }],
      });
      await this.offer(subscription, attached);
    } catch (error) {
      if (this.subscriptions.get(id) === subscription) this.subscriptions.delete(id);
      if (subscription.handle) await this.janus.detach(subscription.handle).catch(() => undefined);
      // A feed that went away meanwhile is no loss; anything else is worth a line.
      if (!(error instanceof JanusRequestError && [NO_SUCH_FEED, 0].includes(error.janusCode)))
        this.logger.warn({ err: error, roomId: participant.roomId }, 'Subscribing to a Janus feed failed');
    }
  }

  private onSubscriberEvent(subscription: Subscription, event: JanusMessage): void {
    // Janus offers again when the publisher renegotiates or its streams stop; a subscription
    // already ended here (the feed went away) has nothing left to offer.
    if (this.subscriptions.get(linkId(subscription.feed, subscription.subscriber)) !== subscription) return;
    if (event.janus === 'event' && event.jsep?.type === 'offer') {
      this.offer(subscription, event).catch((error: unknown) => {
        this.logger.warn({ err: error, roomId: subscription.roomId }, 'Relaying a Janus offer failed');
      });
    }
  }

  private async offer(subscription: Subscription, event: JanusMessage): Promise<void> {
    if (!event.jsep) return;
    const known = this.feeds.get(subscription.roomId)?.get(subscription.feed) ?? null;
    const streams = (event.plugindata?.data.streams as Array<Record<string, unknown>> | undefined) ?? [];
    const tracks: Tracks = {};
    for (const stream of streams) {
      if (typeof stream.mid !== 'string') continue;
      const described = stream.feed_description;
      tracks[stream.mid] =
        typeof described === 'string' && (TRACK_KINDS as readonly string[]).includes(described)
          ? (described as TrackKind)
          : (known?.[String(stream.feed_mid)] ?? defaultKind(stream));
    }
    await this.context.deliver(subscription.roomId, subscription.subscriber, subscription.feed, {
      type: 'offer',
      link: linkId(subscription.feed, subscription.subscriber),
      sdp: withoutRoomName(event.jsep.sdp),
      tracks,
    });
  }

  private async unsubscribe(filter: (subscription: Subscription) => boolean): Promise<void> {
    const ending = [...this.subscriptions.entries()].filter(([, subscription]) => filter(subscription));
    for (const [id] of ending) this.subscriptions.delete(id);
    await Promise.all(
      ending.map(([, subscription]) =>
        subscription.handle ? this.janus.detach(subscription.handle).catch(() => undefined) : undefined,
      ),
    );
  }

  async changed(participant: LiveParticipant): Promise<void> {
    const local = this.context.localParticipants(participant.roomId).some((p) => p.id === participant.id);
    if (!canPublish(participant)) {
      // Subscriptions end first: a feed that stops while they last makes Janus offer them again.
      this.feeds.get(participant.roomId)?.delete(participant.id);
      await this.unsubscribe((subscription) => subscription.feed === participant.id);
      if (local) {
        await this.unpublish(participant.id);
        await this.allow(participant, false);
      }
      return;
    }
    if (!local) return;
    await this.allow(participant, true);
    const publisher = this.publishers.get(participant.id);
    if (publisher?.muted && participant.media.audio) await this.moderate(participant.id, publisher, false);
  }

  async departed(participant: LiveParticipant): Promise<void> {
    this.feeds.get(participant.roomId)?.delete(participant.id);
    const local = this.publishers.has(participant.id) || this.allowed.has(participant.id);
    await this.unsubscribe(
      (subscription) => subscription.feed === participant.id || subscription.subscriber === participant.id,
    );
    if (!local) return;
    await this.unpublish(participant.id);
    await this.allow(participant, false).catch(() => undefined);
  }

  async mute(participant: LiveParticipant): Promise<void> {
    const data: Broadcast = { kind: 'mute', participant: participant.id };
    await this.context.broadcast(participant.roomId, data);
  }

  private async moderate(participantId: string, publisher: Publisher, mute: boolean): Promise<void> {
    const mid = Object.entries(publisher.tracks).find(([, kind]) => kind === 'audio')?.[0];
    if (mid === undefined) return;
    const keys = this.keys.forRoom(publisher.roomId);
    await this.request({
      request: 'moderate',
      room: keys.room,
      secret: keys.secret,
      id: participantId,
      mid,
      mute,
    });
    publisher.muted = mute;
  }

  async end(roomId: string): Promise<void> {
    const keys = this.keys.forRoom(roomId);
    this.rooms.delete(roomId);
    this.feeds.delete(roomId);
    await this.request({ request: 'destroy', room: keys.room, secret: keys.secret }).catch(
      (error: unknown) => {
        if (!(error instanceof JanusRequestError && error.janusCode === NO_SUCH_ROOM)) throw error;
      },
    );
  }

  receive(roomId: string, data: unknown): void {
    const message = data as Broadcast;
    if (message?.kind === 'mute') {
      const publisher = this.publishers.get(message.participant);
      if (publisher) void this.moderate(message.participant, publisher, true).catch(() => undefined);
      return;
    }
    if (message?.kind !== 'feed' || typeof message.feed !== 'string') return;
    const feeds = this.roomFeeds(roomId);
    if (!message.live) {
      feeds.delete(message.feed);
      void this.unsubscribe((subscription) => subscription.feed === message.feed);
      return;
    }
    feeds.set(message.feed, message.tracks ?? null);
    for (const participant of this.context.localParticipants(roomId))
      if (participant.id !== message.feed) void this.subscribe(participant, message.feed);
  }

  /** Janus restarted or dropped our session: every handle is gone; pages reconnect from scratch. */
  private sessionLost(): void {
    this.control = null;
    this.rooms.clear();
    this.feeds.clear();
    this.allowed.clear();
    this.publishers.clear();
    this.subscriptions.clear();
    for (const roomId of this.context.localRoomIds())
      for (const participant of this.context.localParticipants(roomId)) this.context.drop(participant);
  }

  async close(): Promise<void> {
    await this.janus.close();
  }
}
