import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AppError } from '../../errors';
import { text } from '../../i18n/translator';
import type { EventChannel, EventGuard } from '../../events/event-channel';
import type { SqlClient } from './sql-client';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const NOTIFY_LIMIT = 7900;
/** Marks a payload sent deflated: browsers' SDP offers (about 10 kB) shrink to a fifth. */
const DEFLATED = 'z:';

/** A message no instance could be told of: browsers' SDP deflates far below the limit. */
export class EventTooLargeError extends AppError {
  constructor() {
    super(413, 'TOO_LARGE', text('errors:tooLargeToRelay'));
  }
}

function encode(event: unknown): string {
  const json = JSON.stringify(event);
  if (Buffer.byteLength(json) <= NOTIFY_LIMIT) return json;
  const deflated = DEFLATED + deflateRawSync(json).toString('base64');
  if (deflated.length > NOTIFY_LIMIT) throw new EventTooLargeError();
  return deflated;
}

function decode(payload: string): unknown {
  const json = payload.startsWith(DEFLATED)
    ? inflateRawSync(Buffer.from(payload.slice(DEFLATED.length), 'base64')).toString('utf8')
    : payload;
  return JSON.parse(json) as unknown;
}

/** Events over LISTEN/NOTIFY: in one process on PGlite, across instances on a server. */
export class PgEventChannel<Event> implements EventChannel<Event> {
  constructor(
    private readonly sql: SqlClient,
    private readonly channel: string,
    private readonly isEvent: EventGuard<Event>,
  ) {}

  async publish(event: Event): Promise<void> {
    await this.sql.notify(this.channel, encode(event));
  }

  async subscribe(handler: (event: Event) => void): Promise<() => Promise<void>> {
    return this.sql.listen(this.channel, (payload) => {
      let event: unknown;
      try {
        event = decode(payload);
      } catch {
        // Not ours: ignore malformed payloads on the channel.
        return;
      }
      if (this.isEvent(event)) handler(event);
    });
  }
}
