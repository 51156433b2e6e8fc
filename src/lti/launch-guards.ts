import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { ValidationError } from '../errors';
import { text } from '../i18n/translator';
import { PlatformRegistry } from '../platforms/platform-registry';
import { CLAIM } from './claim-names';
import type { LoginStateStore } from './login-state.store';
import {
  DeploymentNotRegisteredError,
  LaunchRefusedError,
  LoginParametersMissingError,
  PlatformNotRegisteredError,
} from './lti-errors';
import type { JwksCache } from './jwks-cache';
import { LAUNCH_LIMITS, overlongDisplayClaims, overlongIdentifiers } from './launch-limits';
import { onLtijsLoginRedirect } from './ltijs-workarounds';
import { bindWithoutCookie } from './launch-binding';
import { sendLoginPage, storageTargetOf, wantsLoginPage } from './login-page';
import type { Logger } from '../logger';
import { LTI_ROUTES } from './provider';

/**
 * Checks that run inside ltijs's app before ltijs touches a login or a launch, closing
 * the gaps ltijs leaves open (docs/lti-blackboard.md §4–§5): unknown platforms and
 * deployments, nonces bound to the login that sent them, one use per login, message
 * claims, and the target link. A refused launch stores nothing.
 */

export const LOGIN_STATE_TTL_SECONDS = 300;
const MAX_PARAMETER_LENGTH = 4096;

const MESSAGE_TYPES = new Set(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']);

export interface GuardDependencies {
  registry: PlatformRegistry;
  jwks: JwksCache;
  loginStates: LoginStateStore;
  publicUrl: string;
  clockSkewSeconds: number;
  logger: Logger;
}

function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A guard that resolves 'answered' has sent the response itself (a login or check page). */
function asyncGuard(
  guard: (req: Request, res: Response, next: NextFunction) => Promise<void | 'answered'>,
): RequestHandler {
  return (req, res, next: NextFunction) => {
    guard(req, res, next).then((outcome) => {
      if (outcome !== 'answered') next();
    }, next);
  };
}

export function loginGuard({ registry, loginStates, publicUrl }: GuardDependencies): RequestHandler {
  const launchUrl = `${publicUrl}${LTI_ROUTES.launch}`;
  return asyncGuard(async (req, res, next) => {
    if (req.path !== LTI_ROUTES.login) return;
    const params: Record<string, unknown> = {
      ...(req.query as Record<string, unknown>),
      ...(req.body ?? {}),
    };
    const missing = ['iss', 'login_hint', 'target_link_uri'].filter((name) => !stringParam(params, name));
    if (missing.length > 0) throw new LoginParametersMissingError(missing);
    for (const [name, value] of Object.entries(params)) {
      if (typeof value === 'string' && value.length > MAX_PARAMETER_LENGTH) {
        throw new ValidationError(text('lti:login.parameterTooLong', { name }), name);
      }
    }
    const issuer = stringParam(params, 'iss')!;
    const clientId = stringParam(params, 'client_id');
    if (clientId === undefined && registry.issuerHasSeveralClients(issuer)) {
      throw new ValidationError(text('lti:login.clientIdNeeded'), 'client_id');
    }
    const platform = registry.find(issuer, clientId);
    if (!platform) throw new PlatformNotRegisteredError();
    const deploymentId = stringParam(params, 'lti_deployment_id');
    if (deploymentId !== undefined && !PlatformRegistry.deploymentAllowed(platform, deploymentId)) {
      throw new DeploymentNotRegisteredError();
    }
    const targetLinkUri = stringParam(params, 'target_link_uri')!;
    if (targetLinkUri.split('?')[0] !== launchUrl) {
      throw new ValidationError(text('lti:login.targetLinkUri', { url: launchUrl }), 'target_link_uri');
    }

    const storageTarget = storageTargetOf(params);
    const page = wantsLoginPage(req, storageTarget);

    // ltijs answers by redirecting to the platform's auth endpoint with a weak nonce and
    // remembers nothing about it. Replace the nonce and bind it to the state; in a frame,
    // answer the login page instead of the redirect (login-page.ts).
    onLtijsLoginRedirect(
      res,
      async (authRequest) => {
        const state = authRequest.searchParams.get('state') ?? '';
        const nonce = randomBytes(24).toString('base64url');
        authRequest.searchParams.set('nonce', nonce);
        await loginStates.save(
          {
            state,
            nonce,
            platformId: platform.id,
            targetLinkUri,
            storageTarget: page ? storageTarget : null,
          },
          LOGIN_STATE_TTL_SECONDS,
        );
        if (!page) return authRequest;
        sendLoginPage(res, {
          authRequest,
          platform,
          storageTarget,
          state,
          nonce,
          params,
          secureCookies: publicUrl.startsWith('https://'),
        });
        return 'answered';
      },
      next,
    );
  });
}

function decode(idToken: string): { payload: JWTPayload; kid: string | undefined } {
  try {
    const header = decodeProtectedHeader(idToken);
    if (header.alg !== 'RS256') throw new LaunchRefusedError(text('lti:refused.algorithm'));
    return { payload: decodeJwt(idToken), kid: header.kid };
  } catch (error) {
    if (error instanceof LaunchRefusedError) throw error;
    throw new LaunchRefusedError(text('lti:refused.malformed'));
  }
}

export function launchGuard({
  registry,
  loginStates,
  clockSkewSeconds,
  jwks,
  logger,
  publicUrl,
}: GuardDependencies): RequestHandler {
  return asyncGuard(async (req, res) => {
    const idToken = (req.body as Record<string, unknown> | undefined)?.id_token;
    if (idToken === undefined) return;
    if (req.method !== 'POST' || req.path !== LTI_ROUTES.launch) {
      throw new ValidationError(text('lti:refused.postTo', { path: LTI_ROUTES.launch }), 'id_token');
    }
    if (typeof idToken !== 'string' || idToken.length > 64 * 1024)
      throw new LaunchRefusedError(text('lti:refused.malformed'));
    const { payload, kid } = decode(idToken);
    const state = (req.body as Record<string, unknown>).state;
    if (typeof state !== 'string' || state === '') throw new LaunchRefusedError(text('lti:refused.noState'));

    // With the login's state cookie, the cookie binds the launch to this browser and the
    // login state is used up now. Without it (a frame that withholds cookies) the state is
    // only read: launch-binding.ts decides, after the checks below, whether platform storage
    // binds the launch instead, and uses the state up only when it does.
    const hasStateCookie = Boolean(
      (req.signedCookies as Record<string, unknown> | undefined)?.[`state${state}`],
    );
    const login = hasStateCookie ? await loginStates.consume(state) : await loginStates.find(state);
    if (!login) {
      throw new LaunchRefusedError(text('lti:refused.usedOrOld'));
    }
    if (typeof payload.nonce !== 'string' || payload.nonce !== login.nonce) {
      throw new LaunchRefusedError(text('lti:refused.nonce'));
    }
    const platform = registry.get(login.platformId);
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!platform || payload.iss !== platform.issuer || !audiences.includes(platform.clientId)) {
      throw new PlatformNotRegisteredError(undefined, text('lti:platform.launchUnregistered'));
    }
    // 1EdTech Security Framework §5.1.3: with several audiences, azp must name us; with
    // one, an azp present must still be ours. ltijs only checks an azp that is present.
    if (audiences.length > 1 && payload.azp === undefined) {
      throw new LaunchRefusedError(text('lti:refused.noAzp'));
    }
    if (payload.azp !== undefined && payload.azp !== platform.clientId) {
      throw new LaunchRefusedError(text('lti:refused.otherAzp'));
    }
    const overlong = overlongIdentifiers(payload);
    if (overlong.length > 0) {
      throw new LaunchRefusedError(
        text('lti:refused.overlong', { names: overlong.join(', '), limit: LAUNCH_LIMITS.identifier }),
      );
    }
    const shortened = overlongDisplayClaims(payload);
    if (shortened.length > 0) {
      logger.warn({ shortened, platformId: platform.id }, 'Launch text shortened to Guestlink’s limits');
    }
    const deploymentId = payload[CLAIM.deploymentId];
    if (typeof deploymentId !== 'string' || deploymentId === '') {
      throw new LaunchRefusedError(text('lti:refused.missingClaim'));
    }
    if (!PlatformRegistry.deploymentAllowed(platform, deploymentId)) throw new DeploymentNotRegisteredError();

    const messageType = payload[CLAIM.messageType];
    if (typeof messageType !== 'string' || !MESSAGE_TYPES.has(messageType)) {
      throw new LaunchRefusedError(text('lti:refused.messageType'));
    }
    if (payload[CLAIM.version] !== '1.3.0') throw new LaunchRefusedError(text('lti:refused.version'));
    if (messageType === 'LtiResourceLinkRequest') {
      const resourceLink = payload[CLAIM.resourceLink] as { id?: unknown } | undefined;
      if (!resourceLink || typeof resourceLink.id !== 'string' || resourceLink.id === '') {
        throw new LaunchRefusedError(text('lti:refused.noResourceLink'));
      }
      if (payload[CLAIM.targetLinkUri] !== login.targetLinkUri) {
        throw new LaunchRefusedError(text('lti:refused.otherTarget'));
      }
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat !== 'number' || payload.iat > now + clockSkewSeconds) {
      throw new LaunchRefusedError(text('lti:refused.notYetValid'));
    }
    if (typeof payload.exp !== 'number' || payload.exp < now - clockSkewSeconds) {
      throw new LaunchRefusedError(text('lti:refused.expired'));
    }
    if (!hasStateCookie) {
      const binding = await bindWithoutCookie({
        req,
        res,
        state,
        idToken,
        login,
        platform,
        loginStates,
        publicUrl,
      });
      if (binding === 'answered') return 'answered';
    }
    // ltijs verifies the signature next, with the platform's keys from this cache.
    await jwks.ensureKey(platform.jwksUrl, kid);
  });
}
