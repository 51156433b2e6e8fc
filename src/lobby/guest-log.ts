import type { GuestLogEntry } from '../guests/guest.store';
import { unnamedModeratorLabel } from '../lti/display-name';
import { translator, type Translator } from '../i18n/translator';
import { INVITE_ROLE_LABEL_KEYS } from '../rooms/room-role';

/**
 * What the guest log says about one visit, in plain words. Times stay Dates here: the page
 * shows them in the viewer's time zone, the CSV in UTC, so each renders them itself.
 */
export type StoryPart = { text: string } | { time: Date };

type Entry = Pick<
  GuestLogEntry,
  | 'role'
  | 'joinedAt'
  | 'status'
  | 'outcomeReason'
  | 'decidedAt'
  | 'decidedByName'
  | 'leftAt'
  | 'removedAt'
  | 'removedByName'
  | 'sentToLobbyAt'
  | 'sentToLobbyByName'
>;

const english = () => translator('en');

/** When the guest was let in; null if they never were (or were sent back and wait again). */
export function admittedAt(entry: Entry): Date | null {
  if (entry.status === 'waiting' || entry.status === 'denied') return null;
  return entry.decidedAt;
}

/** How the guest got in: a moderator's name, or the lobby being off. Null if never admitted. */
export function admittedBy(entry: Entry, i18n: Translator = english()): string | null {
  if (!admittedAt(entry)) return null;
  if (entry.outcomeReason === 'lobby-off')
    return entry.decidedByName
      ? i18n.t('guestLog:admittedBy.lobbyOffBy', { name: entry.decidedByName })
      : i18n.t('guestLog:admittedBy.lobbyOff');
  if (entry.outcomeReason === 'moderator') return entry.decidedByName;
  return entry.role ? i18n.t('guestLog:admittedBy.invitation') : i18n.t('guestLog:admittedBy.noLobby');
}

function admission(entry: Entry, i18n: Translator): string {
  if (entry.outcomeReason === 'lobby-off') return i18n.t('guestLog:story.admittedLobbyOff');
  if (entry.outcomeReason === 'moderator')
    return entry.decidedByName
      ? i18n.t('guestLog:story.admittedBy', { name: entry.decidedByName })
      : i18n.t('guestLog:story.admitted');
  // Invited people skip the lobby unless the room makes them wait.
  return entry.role ? i18n.t('guestLog:story.admittedInvited') : i18n.t('guestLog:story.admittedNoLobby');
}

/** When the guest went: they left (the room or the lobby), or were removed, whichever came first. */
export function goneAt(entry: Entry): Date | null {
  const ends = [entry.leftAt, entry.removedAt].filter((date): date is Date => date !== null);
  return ends.length === 0 ? null : new Date(Math.min(...ends.map((date) => date.getTime())));
}

/** Admitted → left or removed, in seconds; null if never admitted or still admitted. */
export function durationSeconds(entry: Entry): number | null {
  const from = admittedAt(entry);
  const to = from && goneAt(entry);
  if (!from || !to) return null;
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}

/** "42 min", "1 h 5 min", "Under 1 min"; "Ongoing" while admitted; '' if never admitted. */
export function durationText(entry: Entry, i18n: Translator = english()): string {
  if (entry.status === 'admitted' && admittedAt(entry)) return i18n.t('guestLog:duration.ongoing');
  const seconds = durationSeconds(entry);
  if (seconds === null) return '';
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return i18n.t('guestLog:duration.underOneMinute');
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return i18n.t('guestLog:duration.minutes', { minutes });
  return minutes % 60 === 0
    ? i18n.t('guestLog:duration.hours', { hours })
    : i18n.t('guestLog:duration.hoursMinutes', { hours, minutes: minutes % 60 });
}

/** Stands for a phrase's time while its words are formatted, then splits them around it. */
const TIME_MARK = '\u2063';

/** One phrase of the story: its words, and where its {time} goes in them. */
function phrase(
  i18n: Translator,
  key: string,
  values: Record<string, string> = {},
  time?: Date,
): StoryPart[] {
  const words = i18n.t(key, { ...values, ...(time ? { time: TIME_MARK } : {}) });
  if (!time) return [{ text: words }];
  const [before = '', after = ''] = words.split(TIME_MARK);
  return [...(before ? [{ text: before }] : []), { time }, ...(after ? [{ text: after }] : [])];
}

/** The phrases of the visit's story, oldest first; joined with " · ", the first one capitalised. */
function phrases(entry: Entry, i18n: Translator): StoryPart[][] {
  const told: StoryPart[][] = [];
  // Being sent back clears the admission, so the send-back is the oldest thing the visit still knows.
  if (entry.sentToLobbyAt) {
    told.push(
      entry.sentToLobbyByName
        ? phrase(i18n, 'guestLog:story.sentBackBy', { name: entry.sentToLobbyByName }, entry.sentToLobbyAt)
        : phrase(i18n, 'guestLog:story.sentBack', {}, entry.sentToLobbyAt),
    );
  }
  switch (entry.status) {
    case 'waiting':
      told.push(phrase(i18n, 'guestLog:story.waiting'));
      break;
    case 'admitted':
      told.push([{ text: admission(entry, i18n) }]);
      break;
    case 'left':
      // A guest's own Leave: whoever admitted them did not make them leave.
      if (!entry.decidedAt) told.push(phrase(i18n, 'guestLog:story.leftLobby'));
      else
        told.push(
          [{ text: admission(entry, i18n) }],
          entry.leftAt
            ? phrase(i18n, 'guestLog:story.leftAt', {}, entry.leftAt)
            : phrase(i18n, 'guestLog:story.left'),
        );
      break;
    case 'denied':
      if (entry.outcomeReason === 'guest-access-off')
        told.push(phrase(i18n, 'guestLog:story.turnedAwayAccessOff'));
      else if (entry.outcomeReason === 'link-deleted')
        told.push(phrase(i18n, 'guestLog:story.turnedAwayLinkDeleted'));
      else
        told.push(
          entry.decidedByName
            ? phrase(i18n, 'guestLog:story.deniedBy', { name: entry.decidedByName })
            : phrase(i18n, 'guestLog:story.denied'),
        );
      break;
    case 'removed':
      told.push(removal(entry, i18n));
      break;
  }
  return told;
}

/** Removed, or removed because the invitation was revoked; by whom and when, where known. */
function removal(entry: Entry, i18n: Translator): StoryPart[] {
  const name = entry.removedByName;
  const at = entry.removedAt ?? undefined;
  if (entry.outcomeReason === 'invitation-revoked') {
    if (name && at) return phrase(i18n, 'guestLog:story.revokedByAt', { name }, at);
    if (name) return phrase(i18n, 'guestLog:story.revokedBy', { name });
    if (at) return phrase(i18n, 'guestLog:story.revokedAt', {}, at);
    return phrase(i18n, 'guestLog:story.revoked');
  }
  if (name && at) return phrase(i18n, 'guestLog:story.removedByAt', { name }, at);
  if (name) return phrase(i18n, 'guestLog:story.removedBy', { name });
  if (at) return phrase(i18n, 'guestLog:story.removedAt', {}, at);
  return phrase(i18n, 'guestLog:story.removed');
}

/** The whole story as parts: adjacent texts merged, the first letter capitalised. */
export function story(entry: Entry, i18n: Translator = english()): StoryPart[] {
  const parts: StoryPart[] = [];
  phrases(entry, i18n).forEach((told, index) => {
    for (const part of index === 0 ? told : [{ text: ' · ' }, ...told]) {
      const last = parts[parts.length - 1];
      if ('text' in part && last && 'text' in last) last.text += part.text;
      else parts.push({ ...part });
    }
  });
  const first = parts[0];
  if (first && 'text' in first)
    first.text = first.text.charAt(0).toLocaleUpperCase(i18n.locale) + first.text.slice(1);
  return parts;
}

/** "14:38", or "2026-05-02 14:38" when not on the day the guest joined; always UTC. */
export function utcTime(time: Date, joinedAt: Date): string {
  const iso = time.toISOString();
  const sameDay = iso.slice(0, 10) === joinedAt.toISOString().slice(0, 10);
  return sameDay ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The story as one line, times in UTC: the CSV's wording and the JSON's `outcome`. */
export function outcomeText(entry: Entry, i18n: Translator = english()): string {
  return story(entry, i18n)
    .map((part) => ('text' in part ? part.text : utcTime(part.time, entry.joinedAt)))
    .join('');
}

/**
 * How the person came: a guest link's name, or for an invited person "Invitation · Speaker"
 * (their invitation's current role): the log's Link column, on the page and in the CSV.
 */
export function cameThrough(
  entry: Pick<GuestLogEntry, 'linkName' | 'role'>,
  i18n: Translator = english(),
): string {
  return entry.role
    ? i18n.t('guestLog:via.invitation', { role: i18n.t(INVITE_ROLE_LABEL_KEYS[entry.role]) })
    : entry.linkName;
}

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

/** One entry of GET …/guest-log: the stored facts (as before) and how the log reads them, in English. */
export function guestLogWire(entry: GuestLogEntry) {
  return wireIn(entry, english());
}

/** guestLogWire for entries.map, in one reader's language: `entries.map(guestLogWireFor(i18nOf(res)))`. */
export function guestLogWireFor(i18n: Translator) {
  return (entry: GuestLogEntry) => wireIn(entry, i18n);
}

/** The stored facts (as before) and how the log reads them, in the reader's language. */
function wireIn(entry: GuestLogEntry, i18n: Translator) {
  return {
    visitId: entry.visitId,
    name: entry.name,
    email: entry.email,
    linkName: entry.linkName,
    role: entry.role,
    via: cameThrough(entry, i18n),
    joinedAt: entry.joinedAt.toISOString(),
    status: entry.status,
    outcome: outcomeText(entry, i18n),
    story: story(entry, i18n).map((part) => ('text' in part ? part : { time: part.time.toISOString() })),
    decidedBy: entry.decidedByName,
    decidedAt: isoOrNull(entry.decidedAt),
    admittedAt: isoOrNull(admittedAt(entry)),
    admittedBy: admittedBy(entry, i18n),
    leftAt: isoOrNull(entry.leftAt),
    goneAt: isoOrNull(goneAt(entry)),
    duration: durationText(entry, i18n),
    durationSeconds: durationSeconds(entry),
    removedBy: entry.removedByName,
    removedAt: isoOrNull(entry.removedAt),
    sentToLobbyBy: entry.sentToLobbyByName,
    sentToLobbyAt: isoOrNull(entry.sentToLobbyAt),
  };
}

/**
 * Fills in who decided, removed or sent back a guest when their platform sent no name: the
 * stores keep null (nothing stored pretends to be a name), the log shows "Moderator 3F2A".
 */
export function withActorLabels(entry: GuestLogEntry, platformId: string): GuestLogEntry {
  const label = (name: string | null, userId: string | null) =>
    name ?? (userId ? unnamedModeratorLabel(platformId, userId) : null);
  return {
    ...entry,
    decidedByName: label(entry.decidedByName, entry.decidedBy),
    removedByName: label(entry.removedByName, entry.removedBy),
    sentToLobbyByName: label(entry.sentToLobbyByName, entry.sentToLobbyBy),
  };
}
