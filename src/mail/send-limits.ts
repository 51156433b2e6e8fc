import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors';
import { text } from '../i18n/translator';

/**
 * How many invitation emails a room and a user may send per hour (INVITE_EMAILS_PER_ROOM_PER_HOUR,
 * INVITE_EMAILS_PER_USER_PER_HOUR), counted in messages: a batch of 30 spends 30. A batch that
 * either budget cannot cover is refused whole and spends nothing; messages that then fail to
 * send are given back. Counted per instance, in memory (rate-limiter-flexible's fixed windows).
 *
 * Both budgets are taken and, on refusal, returned within one turn of the event loop (the memory
 * limiter settles at once), so a batch never spends one budget while the other refuses it.
 * The time a batch may take (INVITE_EMAILS_BATCH_SECONDS) is kept here too.
 */

export interface SendLimitSettings {
  emailsPerRoomPerHour: number;
  emailsPerUserPerHour: number;
  /** How long one request's emails may take in all (INVITE_EMAILS_BATCH_SECONDS); 20 when not given. */
  batchSeconds?: number;
}

const DEFAULT_BATCH_SECONDS = 20;

export type SendReservation =
  | {
      ok: true;
      /** Returns the budget of messages that were not sent (at most what was reserved, same hour). */
      giveBack(count: number): void;
    }
  | {
      ok: false;
      /** Which budget refused: the room's, or the user's own across rooms. */
      limit: 'room' | 'user';
      retryAfterSeconds: number;
      /** Messages that budget can still send this hour. */
      remaining: number;
      /** The 429 to throw, with Retry-After and words for the Invite users window. */
      error: TooManyRequestsError;
    };

const HOUR_SECONDS = 3600;

function refusedResult(outcome: PromiseSettledResult<RateLimiterRes>): RateLimiterRes | null {
  if (outcome.status === 'fulfilled') return null;
  if (outcome.reason instanceof RateLimiterRes) return outcome.reason;
  throw outcome.reason;
}

export class SendLimits {
  private readonly perRoom: RateLimiterMemory;
  private readonly perUser: RateLimiterMemory;

  constructor(
    private readonly settings: SendLimitSettings,
    windowSeconds = HOUR_SECONDS,
  ) {
    this.perRoom = new RateLimiterMemory({
      keyPrefix: 'room',
      points: settings.emailsPerRoomPerHour,
      duration: windowSeconds,
    });
    this.perUser = new RateLimiterMemory({
      keyPrefix: 'user',
      points: settings.emailsPerUserPerHour,
      duration: windowSeconds,
    });
  }

  /** The time one request's emails may take in all (send-batch.ts). */
  get batchDeadlineMs(): number {
    return (this.settings.batchSeconds ?? DEFAULT_BATCH_SECONDS) * 1000;
  }

  /**
   * Takes `count` messages from the room's and the user's budgets, or neither. `userId` names the
   * user across platforms (e.g. `${platformId}:${userId}`).
   */
  async reserve(roomId: string, userId: string, count: number): Promise<SendReservation> {
    if (count <= 0) return { ok: true, giveBack: () => {} };
    // Both started before either settles: the memory limiter applies each at once.
    const [room, user] = await Promise.allSettled([
      this.perRoom.consume(roomId, count),
      this.perUser.consume(userId, count),
    ]);
    const roomRefusal = refusedResult(room);
    const userRefusal = refusedResult(user);
    if (roomRefusal || userRefusal) {
      await Promise.all([this.perRoom.reward(roomId, count), this.perUser.reward(userId, count)]);
      const limit = roomRefusal ? 'room' : 'user';
      const refusal = (roomRefusal ?? userRefusal)!;
      const perHour =
        limit === 'room' ? this.settings.emailsPerRoomPerHour : this.settings.emailsPerUserPerHour;
      const remaining = Math.max(0, perHour - (refusal.consumedPoints - count));
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      return {
        ok: false,
        limit,
        retryAfterSeconds,
        remaining,
        error: new TooManyRequestsError(
          retryAfterSeconds,
          text(limit === 'room' ? 'invitations:mail.limitRoom' : 'invitations:mail.limitUser', {
            perHour,
            remaining,
            count,
            minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)),
          }),
        ),
      };
    }
    // Given back only within the hour it was taken from: a new hour starts with a full budget.
    const taken = [room, user].map((outcome) => (outcome as PromiseFulfilledResult<RateLimiterRes>).value);
    const windowEnds = Date.now() + Math.min(...taken.map((result) => result.msBeforeNext));
    let reserved = count;
    return {
      ok: true,
      giveBack: (unsent) => {
        const back = Math.min(Math.max(0, Math.floor(unsent)), reserved);
        if (back === 0 || Date.now() >= windowEnds) return;
        reserved -= back;
        void this.perRoom.reward(roomId, back);
        void this.perUser.reward(userId, back);
      },
    };
  }
}
