import type { GuestLogEntry } from '../../src/guests/guest.store';

/** A time on the test day, 2026-05-01, in UTC. */
export const at = (time: string) => new Date(`2026-05-01T${time}Z`);

/** A guest who joined at 14:00 and is waiting: the stored facts a guest log entry starts from. */
const WAITING: GuestLogEntry = {
  visitId: 'v',
  name: 'Grace',
  email: 'grace@example.org',
  linkName: 'Guests',
  role: null,
  joinedAt: at('14:00:00'),
  status: 'waiting',
  outcomeReason: null,
  decidedAt: null,
  decidedByName: null,
  leftAt: null,
  removedAt: null,
  removedByName: null,
  sentToLobbyAt: null,
  sentToLobbyByName: null,
  decidedBy: null,
  removedBy: null,
  sentToLobbyBy: null,
};

/** That guest's entry with some facts changed. */
export const guestLogVisit = (change: Partial<GuestLogEntry>): GuestLogEntry => ({ ...WAITING, ...change });
