import type { Response } from 'express';
import { platformIdFor } from '../platforms/platform';
import { truncateCodePoints } from '../text';
import { LAUNCH_LIMITS, object, type Json } from './launch-limits';

/** What a validated launch tells us, read from ltijs's stored id token and context token. */
export interface LaunchContext {
  platformId: string;
  issuer: string;
  clientId: string;
  deploymentId: string;
  userId: string;
  userName: string | null;
  userEmail: string | null;
  roles: string[];
  contextId: string;
  contextTitle: string | null;
  resourceLinkId: string | null;
  resourceLinkTitle: string | null;
  custom: Record<string, unknown>;
  messageType: string;
  returnUrl: string | null;
  locale: string | null;
  deepLinking: DeepLinkingSettings | null;
  /** The signed tool_platform.product_family_code ("moodle", "canvas", "BlackboardLearn"…). */
  productFamilyCode: string | null;
}

export interface DeepLinkingSettings {
  returnUrl: string;
  data: string | undefined;
  acceptTypes: string[];
  acceptMultiple: boolean;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Display text, shortened to `max` code points (launch-limits.ts says why). */
function shortText(value: unknown, max: number): string | null {
  const full = text(value);
  return full === null ? null : truncateCodePoints(full, max);
}

/** A value that would be wrong if cut (an address, a URL): dropped when too long. */
function wholeText(value: unknown, max: number): string | null {
  const full = text(value);
  return full !== null && full.length <= max ? full : null;
}

function displayName(userInfo: Json): string | null {
  const full = shortText(userInfo.name, LAUNCH_LIMITS.personName);
  if (full) return full;
  const parts = [text(userInfo.given_name), text(userInfo.family_name)].filter(Boolean);
  return parts.length > 0 ? truncateCodePoints(parts.join(' '), LAUNCH_LIMITS.personName) : null;
}

/** Reads res.locals.token as ltijs 5.9 fills it (see docs/lti-blackboard.md §2). */
export function launchContextFromLtijs(token: unknown): LaunchContext {
  const idToken = object(token);
  const context = object(idToken.platformContext);
  const courseContext = object(context.context);
  const resource = object(context.resource);
  const launchPresentation = object(context.launchPresentation);
  const deepLinking = object(context.deepLinkingSettings);
  const issuer = String(idToken.iss ?? '');
  const clientId = String(idToken.clientId ?? '');
  const userInfo = object(idToken.userInfo);
  return {
    platformId: platformIdFor(issuer, clientId),
    issuer,
    clientId,
    deploymentId: String(idToken.deploymentId ?? ''),
    userId: String(idToken.user ?? ''),
    userName: displayName(userInfo),
    userEmail: wholeText(userInfo.email, LAUNCH_LIMITS.email),
    roles: Array.isArray(context.roles)
      ? context.roles.filter((r): r is string => typeof r === 'string')
      : [],
    contextId: text(courseContext.id) ?? '',
    contextTitle:
      shortText(courseContext.title, LAUNCH_LIMITS.title) ??
      shortText(courseContext.label, LAUNCH_LIMITS.title),
    resourceLinkId: text(resource.id),
    resourceLinkTitle: shortText(resource.title, LAUNCH_LIMITS.title),
    custom: object(context.custom),
    messageType: String(context.messageType ?? ''),
    returnUrl: wholeText(launchPresentation.return_url, LAUNCH_LIMITS.url),
    locale: wholeText(launchPresentation.locale, LAUNCH_LIMITS.locale),
    deepLinking: text(deepLinking.deep_link_return_url)
      ? {
          returnUrl: String(deepLinking.deep_link_return_url),
          data: typeof deepLinking.data === 'string' ? deepLinking.data : undefined,
          acceptTypes: Array.isArray(deepLinking.accept_types) ? deepLinking.accept_types.map(String) : [],
          acceptMultiple: deepLinking.accept_multiple !== false,
        }
      : null,
    productFamilyCode: wholeText(object(idToken.platformInfo).product_family_code, LAUNCH_LIMITS.identifier),
  };
}

/** The launch behind the current request, as ltijs's session check left it in res.locals. */
export function launchFrom(res: Response): LaunchContext {
  return launchContextFromLtijs(res.locals.token);
}

export function ltikFrom(res: Response): string {
  return String(res.locals.ltik ?? '');
}
