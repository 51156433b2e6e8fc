import { AppError } from '../errors';
import { text, type LocalizedText } from '../i18n/translator';

/** A refusal from the live session's rules (participant.ts, signal.ts), with its own status and code. */
export class LiveRefusedError extends AppError {
  constructor(refusal: { status: number; code: string; message: LocalizedText }) {
    super(refusal.status, refusal.code, refusal.message);
  }
}

/** The page's connection to the live session ended (left, replaced, removed, lost): it must reconnect. */
export class NotConnectedError extends AppError {
  constructor() {
    super(409, 'NOT_CONNECTED', text('live:errors.notConnected'));
  }
}

export class ParticipantGoneError extends AppError {
  constructor() {
    super(404, 'PARTICIPANT_GONE', text('live:errors.participantGone'));
  }
}

/** Rooms that play a recording, and media galleries, have no live session. */
export class NoLiveSessionError extends AppError {
  constructor() {
    super(409, 'NO_LIVE_SESSION', text('live:errors.noLiveSession'));
  }
}

export class RoomFullError extends AppError {
  constructor(cap: number) {
    super(503, 'ROOM_FULL', text('live:errors.roomFull', { cap }), {
      title: text('live:errors.roomFullTitle'),
      headers: { 'Retry-After': '30' },
      view: 'live/room-full',
      locals: { cap },
    });
  }
}

/** Its page (views/live/removed.ejs) adds who to ask, in the reader's words. */
export class RemovedFromSessionError extends AppError {
  constructor() {
    super(403, 'REMOVED', text('live:errors.removed'), {
      title: text('live:errors.removedTitle'),
      view: 'live/removed',
    });
  }
}

/** A guest whose visit is no longer admitted (sent back to the lobby, left) opens the live stream. */
export class NotAdmittedError extends AppError {
  constructor() {
    super(403, 'NOT_ADMITTED', text('live:errors.notAdmitted'));
  }
}

/** Janus or its VideoRoom plugin said no; `code` is Janus's own (e.g. 433 unauthorized). */
export class JanusRequestError extends AppError {
  constructor(
    readonly janusCode: number,
    reason: string,
  ) {
    // Janus's reason is its own English, as it sent it.
    super(
      502,
      'MEDIA_SERVER_REFUSED',
      text('live:errors.mediaServerRefused', { reason, code: String(janusCode) }),
    );
  }
}

export class MediaServerUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super(503, 'MEDIA_SERVER_UNAVAILABLE', text('live:errors.mediaServerUnavailable'), {
      headers: { 'Retry-After': '5' },
      cause,
    });
  }
}
