import type { ErrorRequestHandler, Request, Response } from 'express';
import { decodeJwt, type JWTPayload } from 'jose';
import { toAppError } from '../error-handler';
import type { Logger } from '../logger';
import type { Platform } from '../platforms/platform';
import type { PlatformRegistry } from '../platforms/platform-registry';
import { platformWords } from '../platforms/platform-words';
import { truncateCodePoints } from '../text';
import { speakLaunchLocale } from './launch-locale';
import { speakTokenLocale } from './token-locale';
import { CLAIM } from './claim-names';
import { launchContextFromLtijs } from './claims';
import {
  DeploymentNotRegisteredError,
  LaunchRefusedError,
  LoginParametersMissingError,
  PlatformNotRegisteredError,
  type ReceivedIds,
} from './lti-errors';
import { LTI_ROUTES } from './provider';

/**
 * Every refused login or launch passes here once, on its way to the error handler: it is
 * logged at warn with its reason and the ids it carried (never a token: not the id_token,
 * state, nonce, login_hint, lti_message_hint or ltik), and the refusals an administrator
 * fixes in the registration are given the platform's own words and the ids as received.
 * The guards throw them bare so this is the only place that reads the request for them.
 */

/** Longer values are cut: they come from the request, and only need to be recognisable. */
const MAX_SHOWN_LENGTH = 200;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** What a refused request carried, shortened and stripped of control characters. */
export interface ReceivedLaunch extends ReceivedIds {
  messageType?: string;
  productFamilyCode?: string;
}

function shown(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const clean = value.trim().replace(CONTROL_CHARACTERS, '?');
  return clean.length > MAX_SHOWN_LENGTH ? `${truncateCodePoints(clean, MAX_SHOWN_LENGTH)}…` : clean;
}

function audienceOf(payload: JWTPayload): unknown {
  if (typeof payload.aud === 'string') return payload.aud;
  if (typeof payload.azp === 'string') return payload.azp;
  return Array.isArray(payload.aud)
    ? payload.aud.filter((aud) => typeof aud === 'string').join(', ')
    : undefined;
}

/** Read without verifying: only to show and log what was sent, never to trust it. */
function fromIdToken(idToken: string): ReceivedLaunch {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(idToken);
  } catch {
    return {};
  }
  const toolPlatform = payload[CLAIM.toolPlatform] as { product_family_code?: unknown } | undefined;
  return {
    issuer: shown(payload.iss),
    clientId: shown(audienceOf(payload)),
    deploymentId: shown(payload[CLAIM.deploymentId]),
    messageType: shown(payload[CLAIM.messageType]),
    productFamilyCode: shown(toolPlatform?.product_family_code),
  };
}

export function receivedFrom(req: Request, res: Response): ReceivedLaunch {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (req.path === LTI_ROUTES.login) {
    const params = { ...(req.query as Record<string, unknown>), ...body };
    return {
      issuer: shown(params.iss),
      clientId: shown(params.client_id),
      deploymentId: shown(params.lti_deployment_id),
    };
  }
  if (typeof body.id_token === 'string') return fromIdToken(body.id_token);
  if (res.locals.token) {
    const launch = launchContextFromLtijs(res.locals.token);
    return {
      issuer: shown(launch.issuer),
      clientId: shown(launch.clientId),
      deploymentId: shown(launch.deploymentId),
      messageType: shown(launch.messageType),
      productFamilyCode: shown(launch.productFamilyCode),
    };
  }
  return {};
}

function isLaunchRefusal(error: unknown, req: Request): boolean {
  if (
    error instanceof LaunchRefusedError ||
    error instanceof DeploymentNotRegisteredError ||
    error instanceof LoginParametersMissingError
  ) {
    return true;
  }
  // Any other answer under 500 to a login or a launch refuses it too (a malformed
  // parameter, an instructor-only Deep Linking request).
  const status = toAppError(error).status;
  const launchRoute = req.path === LTI_ROUTES.login || req.path === LTI_ROUTES.launch;
  return launchRoute && status >= 400 && status < 500;
}

/** The same refusal, now naming the platform in its words and listing what was received. */
function described(error: unknown, received: ReceivedLaunch, platform: Platform | undefined): unknown {
  const ids = { issuer: received.issuer, clientId: received.clientId, deploymentId: received.deploymentId };
  if (error instanceof DeploymentNotRegisteredError && !error.received) {
    return new DeploymentNotRegisteredError(ids, platformWords(platform, received.productFamilyCode));
  }
  if (error instanceof PlatformNotRegisteredError && !error.received) {
    return new PlatformNotRegisteredError(ids, error.text);
  }
  return error;
}

/**
 * A refusal speaks the launch's language when the request carries one: a verified launch's
 * (res.locals.token), else the locale its id_token names, read unverified like the ids above.
 * Only the language of the page depends on it, which the sender could choose anyway.
 */
function speakTheLaunchsLanguage(req: Request, res: Response): void {
  if (res.locals.token) speakLaunchLocale(req, res);
  else speakTokenLocale(res, (req.body as Record<string, unknown> | undefined)?.id_token);
}

export function launchRefusals(registry: PlatformRegistry, logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!isLaunchRefusal(error, req)) return next(error);
    const received = receivedFrom(req, res);
    const platform =
      received.issuer === undefined ? undefined : registry.find(received.issuer, received.clientId);
    speakTheLaunchsLanguage(req, res);
    const worded = described(error, received, platform);
    const refusal = toAppError(worded);
    logger.warn(
      {
        reference: String(req.id ?? ''),
        code: refusal.code,
        status: refusal.status,
        ...(error instanceof LaunchRefusedError && error.reasonCode ? { ltijsCode: error.reasonCode } : {}),
        method: req.method,
        route: req.path,
        issuer: received.issuer,
        clientId: received.clientId,
        deploymentId: received.deploymentId,
        platformId: platform?.id,
        messageType: received.messageType,
      },
      `Launch refused: ${refusal.message}`,
    );
    next(worded);
  };
}
