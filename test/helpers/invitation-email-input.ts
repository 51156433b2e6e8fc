import type { InvitationEmailInput } from '../../src/invitations/invitation-email';

/** One invitation to compose an email for: a speaker invited to a Biology session. */
export function invitationEmailInput(change: Partial<InvitationEmailInput> = {}): InvitationEmailInput {
  return {
    invitee: { name: 'Ada Lovelace', email: 'ada@example.com' },
    role: 'speaker',
    courseTitle: 'Biology 101',
    sessionTitle: 'Week 3 live session',
    inviterName: 'Grace Hopper',
    url: 'https://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx',
    expiresAt: new Date('2026-12-07T17:00:00Z'),
    startsAt: new Date('2026-12-07T15:30:00Z'),
    ...change,
  };
}
