import type { Response } from 'express';
import { platformIdFor } from '../platforms/platform';

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
}

export interface DeepLinkingSettings {
  returnUrl: string;
  data: string | undefined;
  acceptTypes: string[];
  acceptMultiple: boolean;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function displayName(userInfo: Json): string | null {
  const full = text(userInfo.name);
  if (full) return full;
  const parts = [text(userInfo.given_name), text(userInfo.family_name)].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : null;
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
    userEmail: text(userInfo.email),
    roles: Array.isArray(context.roles)
      ? context.roles.filter((r): r is string => typeof r === 'string')
      : [],
    contextId: text(courseContext.id) ?? '',
    contextTitle: text(courseContext.title) ?? text(courseContext.label),
    resourceLinkId: text(resource.id),
    resourceLinkTitle: text(resource.title),
    custom: object(context.custom),
    messageType: String(context.messageType ?? ''),
    returnUrl: text(launchPresentation.return_url),
    locale: text(launchPresentation.locale),
    deepLinking: text(deepLinking.deep_link_return_url)
      ? {
          returnUrl: String(deepLinking.deep_link_return_url),
          data: typeof deepLinking.data === 'string' ? deepLinking.data : undefined,
          acceptTypes: Array.isArray(deepLinking.accept_types) ? deepLinking.accept_types.map(String) : [],
          acceptMultiple: deepLinking.accept_multiple !== false,
        }
      : null,
  };
}

/** The launch behind the current request, as ltijs's session check left it in res.locals. */
export function launchFrom(res: Response): LaunchContext {
  return launchContextFromLtijs(res.locals.token);
}

export function ltikFrom(res: Response): string {
  return String(res.locals.ltik ?? '');
}
