import { TooManyRequestsError } from '../../../src/errors';
import { SendLimits, type SendReservation } from '../../../src/mail/send-limits';

function refused(reservation: SendReservation): Extract<SendReservation, { ok: false }> {
  if (reservation.ok) throw new Error('expected a refusal');
  return reservation;
}

describe('SendLimits', () => {
  it('counts messages, not requests: a batch of 30 spends 30', async () => {
    const limits = new SendLimits({ emailsPerRoomPerHour: 50, emailsPerUserPerHour: 1000 });
    expect((await limits.reserve('room-1', 'user-1', 30)).ok).toBe(true);
    const refusal = refused(await limits.reserve('room-1', 'user-1', 21));
    expect(refusal).toMatchObject({ limit: 'room', remaining: 20 });
    expect((await limits.reserve('room-1', 'user-1', 20)).ok).toBe(true);
  });

  it('refuses a batch it cannot cover whole, and the refusal spends nothing', async () => {
    const limits = new SendLimits({ emailsPerRoomPerHour: 10, emailsPerUserPerHour: 1000 });
    expect((await limits.reserve('room-1', 'user-1', 8)).ok).toBe(true);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(refused(await limits.reserve('room-1', 'user-1', 3)).remaining).toBe(2);
    }
    // Neither the room's budget nor the user's was touched by the refusals.
    expect((await limits.reserve('room-1', 'user-1', 2)).ok).toBe(true);
    expect(refused(await limits.reserve('room-1', 'user-1', 1)).remaining).toBe(0);
  });

  it('keeps the room’s budget when the user’s refuses, and the user’s when the room’s does', async () => {
    const limits = new SendLimits({ emailsPerRoomPerHour: 10, emailsPerUserPerHour: 10 });
    expect((await limits.reserve('room-1', 'teacher', 9)).ok).toBe(true);
    // The user has 1 left in any room: room-2 refuses through the user's budget...
    expect(refused(await limits.reserve('room-2', 'teacher', 5))).toMatchObject({
      limit: 'user',
      remaining: 1,
    });
    // ...and room-2's own budget is whole for someone else.
    expect((await limits.reserve('room-2', 'colleague', 10)).ok).toBe(true);
    // The room refuses a colleague in room-1, and the colleague's own budget stays whole.
    expect(refused(await limits.reserve('room-1', 'other', 2))).toMatchObject({
      limit: 'room',
      remaining: 1,
    });
    expect((await limits.reserve('room-3', 'other', 10)).ok).toBe(true);
  });

  it('takes back what failed to send, at most what was reserved', async () => {
    const limits = new SendLimits({ emailsPerRoomPerHour: 10, emailsPerUserPerHour: 10 });
    const batch = await limits.reserve('room-1', 'user-1', 10);
    if (!batch.ok) throw new Error('expected the batch to be covered');
    batch.giveBack(3);
    batch.giveBack(100); // only the 7 still reserved can come back
    expect((await limits.reserve('room-1', 'user-1', 10)).ok).toBe(true);
    expect((await limits.reserve('room-1', 'user-1', 1)).ok).toBe(false);
  });

  it('gives nothing back into a new hour', async () => {
    const limits = new SendLimits({ emailsPerRoomPerHour: 5, emailsPerUserPerHour: 5 }, 1);
    const batch = await limits.reserve('room-1', 'user-1', 5);
    if (!batch.ok) throw new Error('expected the batch to be covered');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    batch.giveBack(5);
    expect((await limits.reserve('room-1', 'user-1', 5)).ok).toBe(true);
    expect((await limits.reserve('room-1', 'user-1', 1)).ok).toBe(false);
  });

  it('refuses with a 429 that says when to try again and what is left', async () => {
    const limits = new SendLimits({ emailsPerRoomPerHour: 500, emailsPerUserPerHour: 1000 });
    await limits.reserve('room-1', 'user-1', 490);
    const refusal = refused(await limits.reserve('room-1', 'user-1', 30));
    expect(refusal.retryAfterSeconds).toBeGreaterThan(3590);
    expect(refusal.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(refusal.error).toBeInstanceOf(TooManyRequestsError);
    expect(refusal.error.status).toBe(429);
    expect(refusal.error.headers).toEqual({ 'Retry-After': String(refusal.retryAfterSeconds) });
    expect(refusal.error.message).toBe(
      'This room can send 500 invitation emails an hour, and 10 are left for now: not enough for 30. ' +
        'Nothing was sent. Try again in 60 minutes, or invite fewer people.',
    );
  });

  it('covers exactly the limit under concurrent batches, never more', async () => {
    const limits = new SendLimits({ emailsPerRoomPerHour: 100, emailsPerUserPerHour: 100_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) => limits.reserve('room-1', `user-${index}`, 7)),
    );
    // 14 batches of 7 fit in 100 (98); the other 6 are refused, and spent nothing: 2 are left.
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(14);
    expect((await limits.reserve('room-1', 'user-x', 2)).ok).toBe(true);
    expect((await limits.reserve('room-1', 'user-x', 1)).ok).toBe(false);
  });
});
