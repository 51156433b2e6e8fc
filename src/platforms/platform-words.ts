import type { PlatformRegistration } from './platform';
import type { PresetName } from './presets';
import { text, type LocalizedText } from '../i18n/translator';

/**
 * The words Guestlink's pages use for the LMS a launch came from: its registration's name,
 * and for what differs per LMS (where its administrator finds the deployment id, what it
 * calls opening a tool in a new window) the LMS's family. The family comes from the
 * registration's preset; without one (older files, `custom`, the sandbox), from the launch's
 * `tool_platform.product_family_code` claim; failing both, neutral words that name no LMS.
 */

export type LmsFamily = Exclude<PresetName, 'custom'> | 'other';

export interface PlatformWords {
  family: LmsFamily;
  /**
   * English, for logs and for code not yet localized: the registration's name, or "your LMS".
   * Pages use registeredName in a message that words the unknown case itself.
   */
  lmsName: string;
  /** The registration's name ("Moodle at Example U"), as data; undefined for an unregistered platform. */
  registeredName: string | undefined;
  /** Where that LMS's administrator finds the deployment id Guestlink must list: one whole sentence. */
  whereToFindDeploymentId: LocalizedText;
  /** How that LMS opens a tool outside its frame, in its own words: one whole sentence. */
  newWindowSetting: LocalizedText;
}

const NEUTRAL_NAME = 'your LMS';

/** `tool_platform.product_family_code` as each LMS sends it (Blackboard: "BlackboardLearn"). */
const FAMILY_CODES: Record<string, LmsFamily> = {
  blackboardlearn: 'blackboard',
  blackboard: 'blackboard',
  moodle: 'moodle',
  canvas: 'canvas',
};

/**
 * Each LMS's menus and settings in the words its own interface uses in the reader's language
 * (Blackboard Learn, Moodle and Canvas are localized: the catalogs quote their translated labels).
 */
const FAMILY_WORDS: Record<LmsFamily, Pick<PlatformWords, 'whereToFindDeploymentId' | 'newWindowSetting'>> = {
  blackboard: {
    whereToFindDeploymentId: text('lti:lms.blackboard.deploymentId'),
    newWindowSetting: text('lti:lms.blackboard.newWindow'),
  },
  moodle: {
    whereToFindDeploymentId: text('lti:lms.moodle.deploymentId'),
    newWindowSetting: text('lti:lms.moodle.newWindow'),
  },
  canvas: {
    whereToFindDeploymentId: text('lti:lms.canvas.deploymentId'),
    newWindowSetting: text('lti:lms.canvas.newWindow'),
  },
  other: {
    whereToFindDeploymentId: text('lti:lms.other.deploymentId'),
    newWindowSetting: text('lti:lms.other.newWindow'),
  },
};

export function familyFromCode(productFamilyCode: unknown): LmsFamily | undefined {
  return typeof productFamilyCode === 'string' ? FAMILY_CODES[productFamilyCode.toLowerCase()] : undefined;
}

/**
 * The words for a launch from `platform` (undefined: an unregistered platform), whose
 * id_token, if there is one, named its product family.
 */
export function platformWords(
  platform: Pick<PlatformRegistration, 'name' | 'preset'> | undefined,
  productFamilyCode?: unknown,
): PlatformWords {
  const preset = platform?.preset;
  const family: LmsFamily =
    (preset && preset !== 'custom' ? preset : undefined) ??
    (platform ? familyFromCode(productFamilyCode) : undefined) ??
    'other';
  const lmsName = platform?.name ?? NEUTRAL_NAME;
  return {
    family,
    lmsName,
    registeredName: platform?.name,
    ...FAMILY_WORDS[family],
  };
}
