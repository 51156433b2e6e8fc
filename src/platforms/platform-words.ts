import type { PlatformRegistration } from './platform';
import type { PresetName } from './presets';

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
  /** For sentences: "This Moodle deployment…", "rename the link in Moodle". */
  lmsName: string;
  /** Who to ask: "your Moodle administrator". */
  administrator: string;
  /** Where that LMS's administrator finds the deployment id Guestlink must list. */
  whereToFindDeploymentId: string;
  /** How that LMS opens a tool outside its frame, in its own words. */
  newWindowSetting: string;
}

const NEUTRAL_NAME = 'your LMS';

/** `tool_platform.product_family_code` as each LMS sends it (Blackboard: "BlackboardLearn"). */
const FAMILY_CODES: Record<string, LmsFamily> = {
  blackboardlearn: 'blackboard',
  blackboard: 'blackboard',
  moodle: 'moodle',
  canvas: 'canvas',
};

const FAMILY_WORDS: Record<LmsFamily, Pick<PlatformWords, 'whereToFindDeploymentId' | 'newWindowSetting'>> = {
  blackboard: {
    whereToFindDeploymentId:
      'Blackboard Learn shows the Deployment ID on its LTI Tool Providers page (Administrator Panel → Integrations → LTI Tool Providers), in the tool’s entry.',
    newWindowSetting: 'set the tool’s placement to “Launch in new window”',
  },
  moodle: {
    whereToFindDeploymentId:
      'Moodle shows it under Site administration → Plugins → Activity modules → External tool → Manage tools: the tool’s “View configuration details” icon lists the Platform ID, Client ID and Deployment ID.',
    newWindowSetting:
      'set the tool’s “Default launch container” (or the activity’s “Launch container”) to “New window”',
  },
  canvas: {
    whereToFindDeploymentId:
      'Canvas lists it with the installed app: Settings → Apps → View App Configurations, the app’s settings menu → Deployment ID (the client id is the Developer Key’s number under Developer Keys).',
    newWindowSetting: 'open the tool in a new tab',
  },
  other: {
    whereToFindDeploymentId:
      'Your LMS shows the deployment id where its administrator registered or deployed Guestlink.',
    newWindowSetting: 'open the tool in a new window',
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
    administrator: platform ? `your ${lmsName} administrator` : 'your LMS administrator',
    ...FAMILY_WORDS[family],
  };
}
