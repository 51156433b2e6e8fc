import type { GuestLogEntry } from '../guests/guest.store';

export function outcomeText(
  entry: Pick<GuestLogEntry, 'status' | 'outcomeReason' | 'decidedByName' | 'removedByName'>,
): string {
  switch (entry.status) {
    case 'removed':
      return entry.removedByName ? `Removed by ${entry.removedByName}` : 'Removed';
    case 'waiting':
      return 'Waiting';
    case 'left':
      return 'Left';
    case 'admitted':
      if (entry.outcomeReason === 'lobby-off') return 'Admitted (lobby turned off)';
      return entry.outcomeReason === 'moderator' ? 'Admitted' : 'Admitted (no lobby)';
    case 'denied':
      if (entry.outcomeReason === 'guest-access-off') return 'Turned away: guest access turned off';
      if (entry.outcomeReason === 'link-deleted') return 'Turned away: link deleted';
      return 'Declined';
  }
}

/** Quotes a CSV cell, and defuses values a spreadsheet would run as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (date: Date | null) => (date ? date.toISOString() : '');

export function guestLogCsv(entries: GuestLogEntry[]): string {
  const header = [
    'Joined at',
    'Name',
    'Email',
    'Link',
    'Outcome',
    'Decided by',
    'Decided at',
    'Left at',
    'Removed by',
    'Removed at',
  ];
  const rows = entries.map((entry) => [
    iso(entry.joinedAt),
    entry.name,
    entry.email,
    entry.linkName,
    outcomeText(entry),
    entry.decidedByName ?? '',
    iso(entry.decidedAt),
    iso(entry.leftAt),
    entry.removedByName ?? '',
    iso(entry.removedAt),
  ]);
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
