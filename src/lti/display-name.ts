import { createHash } from 'node:crypto';
import { canonicalRole } from './roles';

/**
 * What Guestlink shows for a launched user. Platforms may withhold name and email (Blackboard's
 * "User Fields to Send", Moodle's privacy settings), so a launch can carry no name at all. Nothing
 * stored pretends to be a name: stores keep null, and this label is computed whenever it is shown.
 *
 * The label of an unnamed user is a role word and a short tag: "Student 3F2A". The tag is always
 * there, for instructors too: co-teachers, teaching assistants and two unnamed students often share
 * a room, and the guest log and participants list must tell them apart. It is the same for one
 * person everywhere (it depends only on the platform and the user id) and reveals neither.
 */

/** Role words, most specific first: the first one a launch carries names the person. */
const ROLE_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['membership/instructor#teachingassistant', 'Teaching assistant'],
  ['membership#instructor', 'Instructor'],
  ['membership#administrator', 'Administrator'],
  ['institution/person#administrator', 'Administrator'],
  ['system/person#administrator', 'Administrator'],
  ['membership#contentdeveloper', 'Content developer'],
  ['membership#mentor', 'Mentor'],
  ['membership#learner', 'Student'],
];

/** Four hex digits from the platform and user id: stable for a person, meaningless to others. */
export function userTag(platformId: string, userId: string): string {
  return createHash('sha256').update(`${platformId}\n${userId}`).digest('hex').slice(0, 4).toUpperCase();
}

/** The word for the launch's most specific known role; "Participant" when none is known. */
export function roleWord(roles: readonly string[]): string {
  const held = new Set(roles.map(canonicalRole));
  return ROLE_WORDS.find(([role]) => held.has(role))?.[1] ?? 'Participant';
}

export interface NamedLaunch {
  platformId: string;
  userId: string;
  userName: string | null;
  roles: readonly string[];
}

/** A launched user's name when the platform sent one, otherwise their role word and tag. */
export function launchDisplayName(launch: NamedLaunch): string {
  return launch.userName ?? `${roleWord(launch.roles)} ${userTag(launch.platformId, launch.userId)}`;
}

/**
 * A stored actor (who admitted, removed, hosts…) whose platform sent no name. Their launch roles
 * are not stored, and they acted with a moderator's rights in the room, so the word says that;
 * the tag is the one the participants list shows for them.
 */
export function unnamedModeratorLabel(platformId: string, userId: string): string {
  return `Moderator ${userTag(platformId, userId)}`;
}
