import type { GuestLogEntry } from '../guests/guest.store';
import { admittedAt, admittedBy, cameThrough, durationText, goneAt, outcomeText } from './guest-log';

/** Quotes a CSV cell, and defuses values a spreadsheet would run as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (date: Date | null) => (date ? date.toISOString() : '');

/** Every time in the file is UTC: ISO 8601 in the time columns, and the header says so for the wording. */
export const GUEST_LOG_CSV_HEADER = [
  'Name',
  'Email',
  // A guest link's name, or "Invitation · Speaker" for an invited person.
  'Link or invitation',
  'Joined (UTC)',
  'What happened (times in UTC)',
  'Admitted (UTC)',
  'Admitted by',
  'Left (UTC)',
  'Duration',
  'Decided by',
  'Decided (UTC)',
  'Removed by',
  'Removed (UTC)',
];

export function guestLogCsv(entries: GuestLogEntry[]): string {
  const rows = entries.map((entry) => [
    entry.name,
    entry.email,
    cameThrough(entry),
    iso(entry.joinedAt),
    outcomeText(entry),
    iso(admittedAt(entry)),
    admittedBy(entry) ?? '',
    iso(goneAt(entry)),
    durationText(entry),
    entry.decidedByName ?? '',
    iso(entry.decidedAt),
    entry.removedByName ?? '',
    iso(entry.removedAt),
  ]);
  return [GUEST_LOG_CSV_HEADER, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
