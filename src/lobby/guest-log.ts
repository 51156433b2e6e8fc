import type { GuestLogEntry } from '../guests/guest.store';
import { unnamedModeratorLabel } from '../lti/display-name';
import { INVITE_ROLE_LABELS } from '../rooms/room-role';

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

const by = (name: string | null) => (name ? ` by ${name}` : '');

/** When the guest was let in; null if they never were (or were sent back and wait again). */
export function admittedAt(entry: Entry): Date | null {
  if (entry.status === 'waiting' || entry.status === 'denied') return null;
  return entry.decidedAt;
}

/** How the guest got in: a moderator's name, or the lobby being off. Null if never admitted. */
export function admittedBy(entry: Entry): string | null {
  if (!admittedAt(entry)) return null;
  if (entry.outcomeReason === 'lobby-off')
    return entry.decidedByName ? `Lobby turned off by ${entry.decidedByName}` : 'Lobby turned off';
  if (entry.outcomeReason === 'moderator') return entry.decidedByName;
  return entry.role ? 'Invitation' : 'No lobby';
}

function admission(entry: Entry): string {
  if (entry.outcomeReason === 'lobby-off') return 'admitted (lobby turned off)';
  if (entry.outcomeReason === 'moderator') return `admitted${by(entry.decidedByName)}`;
  // Invited people skip the lobby unless the room makes them wait.
  return entry.role ? 'admitted (invited)' : 'admitted (no lobby)';
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
export function durationText(entry: Entry): string {
  if (entry.status === 'admitted' && admittedAt(entry)) return 'Ongoing';
  const seconds = durationSeconds(entry);
  if (seconds === null) return '';
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return 'Under 1 min';
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} min`;
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** The phrases of the visit's story, oldest first; joined with " · ", the first one capitalised. */
function phrases(entry: Entry): StoryPart[][] {
  const text = (value: string): StoryPart => ({ text: value });
  const told: StoryPart[][] = [];
  // Being sent back clears the admission, so the send-back is the oldest thing the visit still knows.
  if (entry.sentToLobbyAt) {
    told.push([
      text(`sent back to the lobby${by(entry.sentToLobbyByName)} at `),
      { time: entry.sentToLobbyAt },
    ]);
  }
  switch (entry.status) {
    case 'waiting':
      told.push([text('waiting')]);
      break;
    case 'admitted':
      told.push([text(admission(entry))]);
      break;
    case 'left':
      // A guest's own Leave: whoever admitted them did not make them leave.
      if (!entry.decidedAt) told.push([text('left the lobby before being admitted')]);
      else
        told.push(
          [text(admission(entry))],
          entry.leftAt ? [text('left '), { time: entry.leftAt }] : [text('left')],
        );
      break;
    case 'denied':
      if (entry.outcomeReason === 'guest-access-off')
        told.push([text('turned away: guest access turned off')]);
      else if (entry.outcomeReason === 'link-deleted') told.push([text('turned away: link deleted')]);
      else told.push([text(`denied${by(entry.decidedByName)}`)]);
      break;
    case 'removed':
      told.push([
        text(
          entry.outcomeReason === 'invitation-revoked'
            ? `removed: invitation revoked${by(entry.removedByName)}`
            : `removed${by(entry.removedByName)}`,
        ),
        ...(entry.removedAt ? [text(' at '), { time: entry.removedAt }] : []),
      ]);
      break;
  }
  return told;
}

/** The whole story as parts: adjacent texts merged, the first letter capitalised. */
export function story(entry: Entry): StoryPart[] {
  const parts: StoryPart[] = [];
  phrases(entry).forEach((phrase, index) => {
    for (const part of index === 0 ? phrase : [{ text: ' · ' }, ...phrase]) {
      const last = parts[parts.length - 1];
      if ('text' in part && last && 'text' in last) last.text += part.text;
      else parts.push({ ...part });
    }
  });
  const first = parts[0];
  if (first && 'text' in first) first.text = first.text.charAt(0).toUpperCase() + first.text.slice(1);
  return parts;
}

/** "14:38", or "2026-05-02 14:38" when not on the day the guest joined; always UTC. */
export function utcTime(time: Date, joinedAt: Date): string {
  const iso = time.toISOString();
  const sameDay = iso.slice(0, 10) === joinedAt.toISOString().slice(0, 10);
  return sameDay ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The story as one line, times in UTC: the CSV's wording and the JSON's `outcome`. */
export function outcomeText(entry: Entry): string {
  return story(entry)
    .map((part) => ('text' in part ? part.text : utcTime(part.time, entry.joinedAt)))
    .join('');
}

/**
 * How the person came: a guest link's name, or for an invited person "Invitation · Speaker"
 * (their invitation's current role): the log's Link column, on the page and in the CSV.
 */
export function cameThrough(entry: Pick<GuestLogEntry, 'linkName' | 'role'>): string {
  return entry.role ? `Invitation · ${INVITE_ROLE_LABELS[entry.role]}` : entry.linkName;
}

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

/** One entry of GET …/guest-log: the stored facts (as before) and how the log reads them. */
export function guestLogWire(entry: GuestLogEntry) {
  return {
    visitId: entry.visitId,
    name: entry.name,
    email: entry.email,
    linkName: entry.linkName,
    role: entry.role,
    via: cameThrough(entry),
    joinedAt: entry.joinedAt.toISOString(),
    status: entry.status,
    outcome: outcomeText(entry),
    story: story(entry).map((part) => ('text' in part ? part : { time: part.time.toISOString() })),
    decidedBy: entry.decidedByName,
    decidedAt: isoOrNull(entry.decidedAt),
    admittedAt: isoOrNull(admittedAt(entry)),
    admittedBy: admittedBy(entry),
    leftAt: isoOrNull(entry.leftAt),
    goneAt: isoOrNull(goneAt(entry)),
    duration: durationText(entry),
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
