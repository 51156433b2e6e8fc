import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../logger';
import { JanusRequestError, MediaServerUnavailableError } from '../../live-errors';

/** An event or answer from Janus, as its HTTP API sends it. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: { type: 'offer' | 'answer'; sdp: string; trickle?: boolean };
  error?: { code: number; reason: string };
  data?: { id: number };
  [key: string]: unknown;
}

const REQUEST_TIMEOUT_MS = 10_000;
/** Janus answers an idle long poll after 30 s. */
const POLL_TIMEOUT_MS = 45_000;
const POLL_RETRY_MS = 1000;
/** Janus's `maxev`: with it, a poll answers an array of up to that many events. */
const EVENTS_PER_POLL = 20;

type HandleListener = (message: JanusMessage) => void;

/**
 * The Janus HTTP API from the server side: one Janus session for this instance, many
 * plugin handles on it, and one long-poll loop that brings every handle's events. Only
 * Guestlink talks to Janus; browsers never see its address, room ids, pins or secrets.
 */
export class JanusClient {
  private sessionId: number | null = null;
  private opening: Promise<number> | null = null;
  private readonly waiters = new Map<
    string,
    { resolve(message: JanusMessage): void; reject(error: unknown): void }
  >();
  private readonly handles = new Map<number, HandleListener>();
  private closed = false;
  /** Ends the long poll in flight when the client closes. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly url: string,
    private readonly apiSecret: string | null,
    private readonly logger: Logger,
    /** Every handle died with the session (Janus restarted, or the session timed out). */
    private readonly onSessionLost: () => void,
  ) {}

  private async post(
    path: string,
    body: Record<string, unknown>,
    transaction = randomBytes(12).toString('base64url'),
  ): Promise<JanusMessage> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          ...body,
          transaction,
          ...(this.apiSecret ? { apisecret: this.apiSecret } : {}),
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new MediaServerUnavailableError(error);
    }
    const message = (await response.json().catch(() => null)) as JanusMessage | null;
    if (!message) throw new MediaServerUnavailableError(`HTTP ${response.status}`);
    return message;
  }

  private check(message: JanusMessage): JanusMessage {
    if (message.janus === 'error') {
      if (message.error?.code === 458) this.sessionGone();
      throw new JanusRequestError(message.error?.code ?? 0, message.error?.reason ?? 'unknown error');
    }
    const data = message.plugindata?.data;
    if (data && typeof data.error_code === 'number')
      throw new JanusRequestError(data.error_code, String(data.error ?? 'unknown error'));
    return message;
  }

  /** This instance's session, created (and its event loop started) on first use. */
  async session(): Promise<number> {
    if (this.sessionId !== null) return this.sessionId;
    this.opening ??= (async () => {
      const created = this.check(await this.post('', { janus: 'create' }));
      const id = created.data!.id;
      this.sessionId = id;
      void this.poll(id);
      return id;
    })().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  async attach(listener: HandleListener): Promise<number> {
    const session = await this.session();
    const attached = this.check(
      await this.post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' }),
    );
    const handle = attached.data!.id;
    this.handles.set(handle, listener);
    return handle;
  }

  /** Ends a handle and with it its PeerConnection: the media stops at once. */
  async detach(handle: number): Promise<void> {
    this.handles.delete(handle);
    if (this.sessionId === null) return;
    const answer = await this.post(`/${this.sessionId}/${handle}`, { janus: 'detach' });
    // A handle already gone (458/459) is what we wanted.
    if (answer.janus === 'error' && ![458, 459].includes(answer.error?.code ?? 0)) this.check(answer);
  }

  /**
   * A request to the VideoRoom plugin. Synchronous ones (create, allowed, kick…) answer
   * at once; asynchronous ones (join, configure, start…) are acknowledged and answered by an
   * event carrying the same transaction, which this resolves with.
   */
  async message(
    handle: number,
    body: Record<string, unknown>,
    jsep?: JanusMessage['jsep'],
  ): Promise<JanusMessage> {
    const session = await this.session();
    const transaction = randomBytes(12).toString('base64url');
    const event = new Promise<JanusMessage>((resolve, reject) => {
      this.waiters.set(transaction, { resolve, reject });
      setTimeout(() => {
        if (this.waiters.delete(transaction)) reject(new MediaServerUnavailableError('no answer from Janus'));
      }, REQUEST_TIMEOUT_MS).unref();
    });
    event.catch(() => undefined);
    let answer: JanusMessage;
    try {
      answer = await this.post(
        `/${session}/${handle}`,
        { janus: 'message', body, ...(jsep ? { jsep } : {}) },
        transaction,
      );
    } catch (error) {
      this.waiters.delete(transaction);
      throw error;
    }
    if (answer.janus !== 'ack') {
      this.waiters.delete(transaction);
      return this.check(answer);
    }
    return this.check(await event);
  }

  async trickle(handle: number, candidate: Record<string, unknown> | { completed: true }): Promise<void> {
    const session = await this.session();
    this.check(await this.post(`/${session}/${handle}`, { janus: 'trickle', candidate }));
  }

  /** The session's events, for as long as it lives; an open poll also keeps it alive. */
  private async poll(session: number): Promise<void> {
    const secret = this.apiSecret ? `&apisecret=${encodeURIComponent(this.apiSecret)}` : '';
    while (!this.closed && this.sessionId === session) {
      let events: JanusMessage[];
      try {
        const response = await fetch(`${this.url}/${session}?maxev=${EVENTS_PER_POLL}${secret}`, {
          signal: AbortSignal.any([AbortSignal.timeout(POLL_TIMEOUT_MS), this.stopping.signal]),
        });
        // Janus answers a poll of a session it does not know (it restarted) with an empty 404.
        if (response.status === 404) {
          if (this.sessionId === session) this.sessionGone();
          return;
        }
        const body = (await response.json()) as JanusMessage | JanusMessage[];
        events = Array.isArray(body) ? body : [body];
      } catch (error) {
        if (this.closed) return;
        this.logger.warn({ err: (error as Error).message }, 'Janus event poll failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, POLL_RETRY_MS));
        continue;
      }
      for (const event of events) this.dispatch(session, event);
    }
  }

  private dispatch(session: number, event: JanusMessage): void {
    if (event.janus === 'error' && event.error?.code === 458) {
      if (this.sessionId === session) this.sessionGone();
      return;
    }
    if (event.janus === 'keepalive' || event.janus === 'ack') return;
    const waiter = event.transaction ? this.waiters.get(event.transaction) : undefined;
    if (waiter && event.janus === 'event') {
      this.waiters.delete(event.transaction!);
      waiter.resolve(event);
      return;
    }
    if (event.sender !== undefined) this.handles.get(event.sender)?.(event);
  }

  private sessionGone(): void {
    this.logger.warn('The Janus session was lost (Janus restarted or timed out); live connections reconnect');
    this.sessionId = null;
    this.handles.clear();
    for (const waiter of this.waiters.values())
      waiter.reject(new MediaServerUnavailableError('Janus session lost'));
    this.waiters.clear();
    this.onSessionLost();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    const session = this.sessionId;
    this.sessionId = null;
    this.handles.clear();
    if (session !== null) await this.post(`/${session}`, { janus: 'destroy' }).catch(() => undefined);
  }
}
