import type { Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { StreamLimitsConfig } from '../config';
import { AppError } from '../errors';
import { text } from '../i18n/translator';
import { openEventStream, type EventStream } from './sse';

/** How long a refused client should wait: about as long as a page takes to close a tab's stream. */
const RETRY_AFTER_SECONDS = 30;

/** Whose streams reached their cap: one whole sentence each. */
const TOO_MANY_STREAMS = {
  'guest-pass': 'errors:streams.tooManyGuestPass',
  user: 'errors:streams.tooManyAccount',
  address: 'errors:streams.tooManyAddress',
} as const;

export class TooManyStreamsError extends AppError {
  constructor(whose: keyof typeof TOO_MANY_STREAMS, limit: number) {
    super(429, 'TOO_MANY_STREAMS', text(TOO_MANY_STREAMS[whose], { limit }), {
      title: text('errors:streams.tooManyTitle'),
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    });
  }
}

export class StreamsFullError extends AppError {
  constructor(limit: number) {
    super(503, 'STREAMS_FULL', text('errors:streams.full', { limit }), {
      title: text('errors:status.503'),
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    });
  }
}

/** Whom a stream belongs to: a guest pass (its visit) or a launched user. */
export type StreamOwner = { kind: 'guest-pass'; visitId: string } | { kind: 'user'; key: string };

export type StreamKind = 'lobby' | 'live';

/**
 * This instance's open live-update streams, counted per guest pass, per launched user, per
 * client address and in total. A slot is taken only by an authenticated request and only
 * when every count is under its cap, so refused requests cost nothing; it is given back
 * exactly once, when the stream ends however it ends. Counts at zero leave no entry behind.
 */
export class StreamLimits {
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(private readonly config: StreamLimitsConfig) {}

  /** Open streams, and keys tracked (0 and 0 when none is open: nothing is left behind). */
  get usage(): { open: number; keys: number } {
    return { open: this.total, keys: this.counts.size };
  }

  /**
   * Takes a slot for `owner` from `req`'s address, or throws a 429 or 503 naming the limit.
   * Returns its release, which may be called any number of times.
   */
  acquire(req: Request, owner: StreamOwner): () => void {
    if (this.total >= this.config.total) throw new StreamsFullError(this.config.total);
    const ownerKey = owner.kind === 'guest-pass' ? `pass:${owner.visitId}` : `user:${owner.key}`;
    const ownerLimit = owner.kind === 'guest-pass' ? this.config.perGuestPass : this.config.perUser;
    if (this.count(ownerKey) >= ownerLimit) throw new TooManyStreamsError(owner.kind, ownerLimit);
    // IPv6 clients are counted by /56 network, as the rate limits do: one host has many addresses.
    const addressKey = `ip:${ipKeyGenerator(req.ip ?? '0.0.0.0')}`;
    if (this.count(addressKey) >= this.config.perAddress)
      throw new TooManyStreamsError('address', this.config.perAddress);
    this.add(ownerKey, 1);
    this.add(addressKey, 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.add(ownerKey, -1);
      this.add(addressKey, -1);
      this.total -= 1;
    };
  }

  /**
   * Takes a slot, then lets `start` open the stream (after any checks it needs) with the
   * lifetime of its kind; the slot is released when the stream ends, or when `start` fails
   * before opening it.
   */
  async stream(
    req: Request,
    res: Response,
    owner: StreamOwner,
    kind: StreamKind,
    start: (open: () => EventStream) => Promise<void> | void,
  ): Promise<void> {
    const release = this.acquire(req, owner);
    const seconds = kind === 'live' ? this.config.liveMaxLifetimeSeconds : this.config.maxLifetimeSeconds;
    let opened = false;
    const open = () => {
      opened = true;
      const stream = openEventStream(req, res, { maxLifetimeMs: seconds * 1000 });
      stream.onClose(release);
      return stream;
    };
    try {
      await start(open);
      // A start that answered without a stream holds nothing.
      if (!opened) release();
    } catch (error) {
      // A refusal or a failed read: the error handler answers (or ends an opened stream),
      // so the slot goes back now; the stream's own close then releases nothing twice.
      release();
      throw error;
    }
  }

  private count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  private add(key: string, delta: number): void {
    const next = this.count(key) + delta;
    if (next <= 0) this.counts.delete(key);
    else this.counts.set(key, next);
  }
}
