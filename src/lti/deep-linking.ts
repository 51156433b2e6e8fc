import { createPrivateKey, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { LtiProvider } from 'ltijs';
import type { LaunchContext } from './claims';
import { text } from '../i18n/translator';
import { DeepLinkingUnsupportedError } from './lti-errors';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim';

export interface ResourceLinkItem {
  type: 'ltiResourceLink';
  title: string;
  url: string;
  custom: Record<string, string>;
}

/**
 * The Deep Linking response, signed with the tool's key for that platform. Built here
 * rather than by ltijs because Blackboard requires `sub` = client id, which ltijs omits.
 */
export async function signDeepLinkingResponse(
  lti: LtiProvider,
  launch: LaunchContext,
  items: ResourceLinkItem[],
  message: string,
): Promise<string> {
  const settings = launch.deepLinking;
  if (!settings) throw new DeepLinkingUnsupportedError(text('lti:deepLinking.notRequest'));
  const platform = await lti.getPlatform(launch.issuer, launch.clientId);
  if (!platform) throw new DeepLinkingUnsupportedError(text('lti:deepLinking.platformGone'));
  const key = createPrivateKey(await platform.platformPrivateKey());
  const claims: Record<string, unknown> = {
    nonce: randomBytes(16).toString('base64url'),
    [`${LTI}/deployment_id`]: launch.deploymentId,
    [`${LTI}/message_type`]: 'LtiDeepLinkingResponse',
    [`${LTI}/version`]: '1.3.0',
    [`${DL}/content_items`]: items,
    [`${DL}/msg`]: message,
  };
  if (settings.data !== undefined) claims[`${DL}/data`] = settings.data;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: await platform.platformKid(), typ: 'JWT' })
    .setIssuer(launch.clientId)
    .setSubject(launch.clientId)
    .setAudience(launch.issuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomBytes(16).toString('hex'))
    .sign(key);
}
