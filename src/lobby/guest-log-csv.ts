import type { GuestLogEntry } from '../guests/guest.store';
import { translator, type Translator } from '../i18n/translator';
import { admittedAt, admittedBy, cameThrough, durationText, goneAt, outcomeText } from './guest-log';

/** Quotes a CSV cell, and defuses values a spreadsheet would run as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (date: Date | null) => (date ? date.toISOString() : '');

/**
 * The header row, in the exporting user's language. Every time in the file is UTC: ISO 8601 in
 * the time columns, and the header says so for the wording.
 */
export function guestLogCsvHeader(i18n: Translator = translator('en')): string[] {
  return [
    i18n.t('guestLog:csv.name'),
    i18n.t('guestLog:csv.email'),
    // A guest link's name, or "Invitation · Speaker" for an invited person.
    i18n.t('guestLog:csv.via'),
    i18n.t('guestLog:csv.joined'),
    i18n.t('guestLog:csv.story'),
    i18n.t('guestLog:csv.admitted'),
    i18n.t('guestLog:csv.admittedBy'),
    i18n.t('guestLog:csv.left'),
    i18n.t('guestLog:csv.duration'),
    i18n.t('guestLog:csv.decidedBy'),
    i18n.t('guestLog:csv.decided'),
    i18n.t('guestLog:csv.removedBy'),
    i18n.t('guestLog:csv.removed'),
  ];
}

/** The English header (the source text). */
export const GUEST_LOG_CSV_HEADER = guestLogCsvHeader();

/** The guest log as CSV, its words in the exporting user's language. */
export function guestLogCsv(entries: GuestLogEntry[], i18n: Translator = translator('en')): string {
  const rows = entries.map((entry) => [
    entry.name,
    entry.email,
    cameThrough(entry, i18n),
    iso(entry.joinedAt),
    outcomeText(entry, i18n),
    iso(admittedAt(entry)),
    admittedBy(entry, i18n) ?? '',
    iso(goneAt(entry)),
    durationText(entry, i18n),
    entry.decidedByName ?? '',
    iso(entry.decidedAt),
    entry.removedByName ?? '',
    iso(entry.removedAt),
  ]);
  return [guestLogCsvHeader(i18n), ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
