import type { RequestHandler } from 'express';
import type { LtiProvider } from 'ltijs';
import type { Config } from '../config';
import type { Platform } from '../platforms/platform';
import { allowClockSkew, deployWithoutSigintExit, newLtijsProvider } from './ltijs-workarounds';

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

export interface LtiSetup {
  config: Config;
  database: LtiDatabase;
  /** Middleware that runs inside ltijs's app after its own set-up, before it validates anything. */
  addons: RequestHandler[];
}

/** A fresh, deployed ltijs Provider (ltijs-workarounds.ts says what it patches and why). */
export async function createLtiProvider({ config, database, addons }: LtiSetup): Promise<LtiProvider> {
  allowClockSkew(config.lti.clockSkewSeconds);
  const lti = newLtijsProvider();
  lti.setup(config.appSecret, database, {
    appRoute: LTI_ROUTES.launch,
    loginRoute: LTI_ROUTES.login,
    keysetRoute: LTI_ROUTES.keys,
    dynRegRoute: LTI_ROUTES.dynamicRegistration,
    // ltijs reflects any Origin with credentials by default; nothing of ours is cross-origin.
    cors: false,
    devMode: false,
    // "ltiaas" mode: the launch answers with the media page itself instead of redirecting to
    // `?ltik=…`, and ltijs sets no session cookie. A frame whose cookies are withheld still
    // works after the launch, and the ltik never enters an address (README, Security). The
    // ltik is then a bearer credential: it travels only in Authorization headers and in
    // same-origin form posts (see ltik-transport.ts), never in a URL.
    ltiaas: true,
    tokenMaxAge: config.lti.clockSkewSeconds + LAUNCH_TRANSIT_SECONDS,
    // Blackboard frames the tool from its own site: over HTTPS the cookies must be
    // SameSite=None; Secure to reach us at all. On http://localhost, plain cookies.
    cookies: config.isHttps ? { secure: true, sameSite: 'None' } : {},
    serverAddon: (app: { use: (handler: RequestHandler) => void }) => {
      for (const addon of addons) app.use(addon);
    },
  });
  await deployWithoutSigintExit(lti);
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
