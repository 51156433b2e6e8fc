import { createHash } from 'node:crypto';
import { translator, type Translator } from '../i18n';
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
 *
 * Languages: the label is computed for each reader, in the reader's language ("Estudiante 3F2A"
 * for a Spanish page), never stored; the tag is the same in every language. Pass the
 * response's translator (res.locals.i18n); without one the label is English (logs).
 */

/**
 * Role labels, most specific first: the first role a launch carries names the person. Each
 * message holds the role word and the tag, so a language may order them as it needs.
 */
const ROLE_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['membership/instructor#teachingassistant', 'lti:unnamed.teachingAssistant'],
  ['membership#instructor', 'lti:unnamed.instructor'],
  ['membership#administrator', 'lti:unnamed.administrator'],
  ['institution/person#administrator', 'lti:unnamed.administrator'],
  ['system/person#administrator', 'lti:unnamed.administrator'],
  ['membership#contentdeveloper', 'lti:unnamed.contentDeveloper'],
  ['membership#mentor', 'lti:unnamed.mentor'],
  ['membership#learner', 'lti:unnamed.student'],
];

const ENGLISH = (): Translator => translator('en');

/** Four hex digits from the platform and user id: stable for a person, meaningless to others. */
export function userTag(platformId: string, userId: string): string {
  return createHash('sha256').update(`${platformId}\n${userId}`).digest('hex').slice(0, 4).toUpperCase();
}

/** The label's key for the launch's most specific known role; "Participant" when none is known. */
function roleLabelKey(roles: readonly string[]): string {
  const held = new Set(roles.map(canonicalRole));
  return ROLE_LABELS.find(([role]) => held.has(role))?.[1] ?? 'lti:unnamed.participant';
}

export interface NamedLaunch {
  platformId: string;
  userId: string;
  userName: string | null;
  roles: readonly string[];
}

/** A launched user's name when the platform sent one, otherwise their role word and tag. */
export function launchDisplayName(launch: NamedLaunch, i18n: Translator = ENGLISH()): string {
  return (
    launch.userName ?? i18n.t(roleLabelKey(launch.roles), { tag: userTag(launch.platformId, launch.userId) })
  );
}

/**
 * A stored actor (who admitted, removed, hosts…) whose platform sent no name. Their launch roles
 * are not stored, and they acted with a moderator's rights in the room, so the word says that;
 * the tag is the one the participants list shows for them.
 */
export function unnamedModeratorLabel(
  platformId: string,
  userId: string,
  i18n: Translator = ENGLISH(),
): string {
  return i18n.t('lti:unnamed.moderator', { tag: userTag(platformId, userId) });
}
