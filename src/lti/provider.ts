import path from 'node:path';
import type { RequestHandler } from 'express';
import { Provider as ltijsSingleton, type LtiProvider } from 'ltijs';
import type { Config } from '../config';
import type { Platform } from '../platforms/platform';

/**
 * What ltijs is given as its database: our plugin (SQL backends), or a MongoDB URL that
 * ltijs's bundled mongoose connects to itself, with extra options for that connection.
 */
export type LtiDatabase = { plugin: object } | { url: string; connection?: Record<string, unknown> };

export const LTI_ROUTES = {
  login: '/lti/login',
  launch: '/lti/launch',
  keys: '/lti/keys',
  dynamicRegistration: '/lti/register',
} as const;

/** Seconds allowed between the platform signing an id_token and it reaching us, besides clock skew. */
const LAUNCH_TRANSIT_SECONDS = 60;

/**
 * jsonwebtoken, as ltijs calls it, allows no clock tolerance: a platform clock a few
 * seconds ahead makes every token "expired" or "not active". Give ltijs's verify calls
 * the configured tolerance. Applied once per process; ltijs passes no tolerance itself.
 */
function allowClockSkew(seconds: number): void {
  const jwtPath = require.resolve('jsonwebtoken', { paths: [path.dirname(require.resolve('ltijs'))] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jwt = require(jwtPath) as { verify: (...args: unknown[]) => unknown; __guestlinkSkew?: number };
  if (jwt.__guestlinkSkew !== undefined) return;
  const verify = jwt.verify;
  jwt.verify = (token: unknown, key: unknown, options?: unknown, callback?: unknown) => {
    const withTolerance =
      options && typeof options === 'object' ? { clockTolerance: seconds, ...options } : options;
    return verify(token, key, withTolerance, callback);
  };
  jwt.__guestlinkSkew = seconds;
}

export interface LtiSetup {
  config: Config;
  database: LtiDatabase;
  /** Middleware that runs inside ltijs's app after its own set-up, before it validates anything. */
  addons: RequestHandler[];
}

/**
 * A fresh ltijs Provider (the package exports a singleton; its class lets several
 * instances live in one process, as tests of restarts and of two instances need).
 */
export async function createLtiProvider({ config, database, addons }: LtiSetup): Promise<LtiProvider> {
  allowClockSkew(config.lti.clockSkewSeconds);
  const ProviderClass = (ltijsSingleton as unknown as { constructor: new () => LtiProvider }).constructor;
  const lti = new ProviderClass();
  lti.setup(config.appSecret, database, {
    appRoute: LTI_ROUTES.launch,
    loginRoute: LTI_ROUTES.login,
    keysetRoute: LTI_ROUTES.keys,
    dynRegRoute: LTI_ROUTES.dynamicRegistration,
    // ltijs reflects any Origin with credentials by default; nothing of ours is cross-origin.
    cors: false,
    devMode: false,
    tokenMaxAge: config.lti.clockSkewSeconds + LAUNCH_TRANSIT_SECONDS,
    // Blackboard frames the tool from its own site: over HTTPS the cookies must be
    // SameSite=None; Secure to reach us at all. On http://localhost, plain cookies.
    cookies: config.isHttps ? { secure: true, sameSite: 'None' } : {},
    serverAddon: (app: { use: (handler: RequestHandler) => void }) => {
      for (const addon of addons) app.use(addon);
    },
  });
  // ltijs installs a SIGINT handler that exits the process at once; shutdown is ours to run.
  const sigintBefore = new Set(process.listeners('SIGINT'));
  await lti.deploy({ serverless: true, silent: true });
  for (const listener of process.listeners('SIGINT')) {
    if (!sigintBefore.has(listener)) process.removeListener('SIGINT', listener);
  }
  return lti;
}

/** Makes ltijs's platform list match ours: registers or updates each, removes the rest. */
export async function syncLtijsPlatforms(lti: LtiProvider, platforms: Platform[]): Promise<void> {
  const wanted = new Set(platforms.map((platform) => `${platform.issuer}\n${platform.clientId}`));
  for (const platform of platforms) {
    await lti.registerPlatform({
      url: platform.issuer,
      name: platform.name,
      clientId: platform.clientId,
      authenticationEndpoint: platform.authEndpoint,
      accesstokenEndpoint: platform.tokenEndpoint,
      authConfig: { method: 'JWK_SET', key: platform.jwksUrl },
    });
  }
  for (const registered of await lti.getAllPlatforms()) {
    const key = `${await registered.platformUrl()}\n${await registered.platformClientId()}`;
    if (!wanted.has(key)) await registered.delete();
  }
}
