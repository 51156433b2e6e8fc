import {
  accessProblem,
  endedVisitProblem,
  joinForm,
  visitAccessProblem,
  waitingTime,
  type AccessState,
} from '../../../src/guests/guest';

const open: AccessState = {
  linkDeleted: false,
  linkExpiresAt: null,
  guestAccessEnabled: true,
  roomAvailable: true,
  modulesEnabled: true,
  roomSupportsGuests: true,
};
const now = new Date('2026-05-01T10:00:00Z');

describe('guest rules', () => {
  it.each<[Partial<AccessState>, string | null]>([
    [{}, null],
    [{ roomAvailable: false, guestAccessEnabled: false }, 'room-unavailable'],
    [{ guestAccessEnabled: false }, 'guest-access-off'],
    [{ modulesEnabled: false }, 'guest-access-off'],
    [{ roomSupportsGuests: false }, 'guest-access-off'],
    [{ linkDeleted: true }, 'link-invalid'],
    [{ linkExpiresAt: new Date('2026-05-01T09:59:59Z') }, 'link-invalid'],
    [{ linkExpiresAt: new Date('2026-05-02T00:00:00Z') }, null],
  ])('re-checks %p as %p', (change, problem) => {
    expect(accessProblem({ ...open, ...change }, now)).toBe(problem);
  });

  it('tells why a visit ended', () => {
    const link = { invitationId: null };
    expect(endedVisitProblem({ ...link, status: 'denied', outcomeReason: 'moderator' })).toBe('declined');
    expect(endedVisitProblem({ ...link, status: 'denied', outcomeReason: 'guest-access-off' })).toBe(
      'guest-access-off',
    );
    expect(endedVisitProblem({ ...link, status: 'denied', outcomeReason: 'link-deleted' })).toBe(
      'link-invalid',
    );
    expect(endedVisitProblem({ ...link, status: 'admitted', outcomeReason: 'moderator' })).toBeNull();
    expect(endedVisitProblem({ ...link, status: 'removed', outcomeReason: null })).toBe('removed');
  });

  it('sends a removed invitee back to their invitation link, and a revoked one nowhere', () => {
    const invited = { invitationId: 'invitation-1', status: 'removed' } as const;
    // Their page says to open their invitation link (which puts them in the lobby), not a guest link.
    expect(endedVisitProblem({ ...invited, outcomeReason: null })).toBe('invitee-removed');
    expect(endedVisitProblem({ ...invited, outcomeReason: 'invitation-revoked' })).toBe('invitation-revoked');
  });

  it('tells an invitee their invitation ended, not a guest link', () => {
    const past = new Date('2026-05-01T09:59:59Z');
    const invitee = { invitee: { invitationId: 'invitation-1' } };
    expect(visitAccessProblem({ ...open, ...invitee, linkExpiresAt: past }, now)).toBe('invitation-expired');
    expect(visitAccessProblem({ ...open, ...invitee, linkDeleted: true }, now)).toBe('invitation-revoked');
    expect(visitAccessProblem({ ...open, ...invitee, modulesEnabled: false }, now)).toBe('guest-access-off');
    expect(visitAccessProblem({ ...open, ...invitee }, now)).toBeNull();
    expect(visitAccessProblem({ ...open, invitee: null, linkExpiresAt: past }, now)).toBe('link-invalid');
  });

  it('formats waiting times', () => {
    expect(waitingTime(new Date('2026-05-01T09:59:15Z'), now)).toBe('45 s');
    expect(waitingTime(new Date('2026-05-01T09:57:00Z'), now)).toBe('3 min');
    expect(waitingTime(new Date('2026-05-01T08:30:00Z'), now)).toBe('1 h 30 min');
  });

  it('validates the entry form', () => {
    expect(joinForm.parse({ name: ' Ada ', email: ' ada@example.org ' })).toEqual({
      name: 'Ada',
      email: 'ada@example.org',
    });
    expect(joinForm.safeParse({ name: 'Ada', email: 'ada@' }).success).toBe(false);
    expect(joinForm.safeParse({ name: 'Ada\u202e', email: 'ada@example.org' }).success).toBe(false);
    expect(joinForm.safeParse({ name: 'A\u2028B', email: 'ada@example.org' }).success).toBe(false);
  });
});
