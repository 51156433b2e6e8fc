import { AppError } from '../errors';

/** A refusal from the live session's rules (participant.ts, signal.ts), with its own status and code. */
export class LiveRefusedError extends AppError {
  constructor(refusal: { status: number; code: string; message: string }) {
    super(refusal.status, refusal.code, refusal.message);
  }
}

/** The page's connection to the live session ended (left, replaced, removed, lost): it must reconnect. */
export class NotConnectedError extends AppError {
  constructor() {
    super(
      409,
      'NOT_CONNECTED',
      'Your connection to the live session has ended. Reload the page to join again.',
    );
  }
}

export class ParticipantGoneError extends AppError {
  constructor() {
    super(404, 'PARTICIPANT_GONE', 'That participant is no longer in the live session.');
  }
}

/** Rooms that play a recording, and media galleries, have no live session. */
export class NoLiveSessionError extends AppError {
  constructor() {
    super(409, 'NO_LIVE_SESSION', 'This room plays recordings and has no live session.');
  }
}

export class RoomFullError extends AppError {
  constructor(cap: number) {
    super(503, 'ROOM_FULL', `This live session is full: it holds up to ${cap} participants at a time.`, {
      title: 'This live session is full',
      headers: { 'Retry-After': '30' },
      view: 'live/room-full',
      locals: { cap },
    });
  }
}

export class RemovedFromSessionError extends AppError {
  constructor() {
    super(403, 'REMOVED', 'A moderator removed you from this live session.', {
      title: 'You were removed from this session',
      locals: { hint: 'If you think this was a mistake, contact the session’s host.' },
    });
  }
}

/** A guest whose visit is no longer admitted (sent back to the lobby, left) opens the live stream. */
export class NotAdmittedError extends AppError {
  constructor() {
    super(403, 'NOT_ADMITTED', 'You are not admitted to this session right now. Reload the page.');
  }
}

/** Janus or its VideoRoom plugin said no; `code` is Janus's own (e.g. 433 unauthorized). */
export class JanusRequestError extends AppError {
  constructor(
    readonly janusCode: number,
    reason: string,
  ) {
    super(502, 'MEDIA_SERVER_REFUSED', `The media server refused: ${reason} (${janusCode})`);
  }
}

export class MediaServerUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super(
      503,
      'MEDIA_SERVER_UNAVAILABLE',
      'The live session’s media server cannot be reached right now. Please try again in a moment.',
      {
        headers: { 'Retry-After': '5' },
        cause,
      },
    );
  }
}
