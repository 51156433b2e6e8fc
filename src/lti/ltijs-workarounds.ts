/**
 * Every place Guestlink patches or works around ltijs, in one module. ltijs is pinned to
 * exactly LTIJS_VERSION in package.json; test/unit/lti/ltijs-workarounds.test.ts checks,
 * for each workaround, that the ltijs code it relies on still looks and behaves as assumed,
 * so an upgrade fails there loudly instead of quietly in production.
 *
 * What runs where (one Node process):
 * - Our express 5 app (app.ts) answers first: security headers, guest pages, /static,
 *   our body parsers (urlencoded 64 kB, JSON 16 kB, live signalling's larger JSON), health,
 *   the home page and the sandbox.
 * - Then `mountLtijs` hands every other request to ltijs's own app: express 4.22 with its
 *   own copies of body-parser 1.x, helmet 6, cookie-parser, cors, jsonwebtoken, got 11 and
 *   mongoose 7. In order: a URI-decode guard, helmet (our headers are set again after it),
 *   body-parser 1.x (never reads a stream here: `markBodiesParsed`), cookie-parser signed with
 *   APP_SECRET, ltik extraction, our addons (security headers, the launched pages'
 *   Referrer-Policy and ltik-transport.ts's rules on where the ltik may come from,
 *   `ltijsOutageAs503`, the login and launch guards of launch-guards.ts), ltijs's session
 *   check (verifies the id_token or ltik, stores idtoken/contexttoken documents), ltijs's
 *   login, keyset and launch routes, and last our express 5 routers (`lti.app.use(...)` in
 *   app.ts: /api, /rooms, /lti/deep-linking). Whatever nobody answers goes back to our 404 handler.
 * - Mounting makes ltijs's app take our request/response prototypes (express 4's 'mount'
 *   event), so `req`/`res` methods inside are express 5's; but its own *settings* stayed its
 *   own: a qs "extended" query parser (`?a[b]=1` became an object), weak ETags, views
 *   resolved from the working directory, X-Powered-By. `mountLtijs` drops them so they come
 *   from our app.
 * - ltijs's bundled mongoose 7 is loaded with ltijs (its Database.js requires it) whatever
 *   the backend; it only connects when MONGODB_URI is set (storage/mongo hands ltijs the URL
 *   with bounded timeouts). Our own stores use the root mongoose 8: two copies, so errors
 *   from ltijs's are matched by name, never instanceof (error-handler.ts). On PGlite and
 *   PostgreSQL ltijs keeps its documents through storage/postgres/ltijs-sql-plugin.ts.
 */
import path from 'node:path';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { LtiProvider } from 'ltijs';
import { isDatabaseUnavailable } from '../error-handler';
import { ServiceUnavailableError } from '../errors';

/** The one ltijs version these workarounds were written and tested against. */
export const LTIJS_VERSION = '5.9.9';

const LTIJS_DIR = path.dirname(require.resolve('ltijs'));

/** A module as ltijs itself resolves it (its bundled copy, when it has one). */
export function ltijsDependencyPath(name: string): string {
  return require.resolve(name, { paths: [LTIJS_DIR] });
}

/**
 * ltijs exports a singleton (`module.exports = new Provider()`) that can be set up once per
 * process; its constructor makes fresh ones, as restarts and two instances in a test need.
 */
export function newLtijsProvider(): LtiProvider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const singleton = require('ltijs').Provider as { constructor: new () => LtiProvider };
  return new singleton.constructor();
}

/**
 * jsonwebtoken, as ltijs calls it (Auth.verifyToken), allows no clock tolerance: a platform
 * clock a few seconds ahead makes every token "not active". Give ltijs's verify calls the
 * configured tolerance. Patched once per process, on ltijs's own copy of jsonwebtoken.
 */
export function allowClockSkew(seconds: number): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jwt = require(ltijsDependencyPath('jsonwebtoken')) as {
    verify: (...args: unknown[]) => unknown;
    __guestlinkSkew?: number;
  };
  if (jwt.__guestlinkSkew !== undefined) return;
  const verify = jwt.verify;
  jwt.verify = (token: unknown, key: unknown, options?: unknown, callback?: unknown) => {
    const withTolerance =
      options && typeof options === 'object' ? { clockTolerance: seconds, ...options } : options;
    return verify(token, key, withTolerance, callback);
  };
  jwt.__guestlinkSkew = seconds;
}

/** ltijs's deploy installs a SIGINT handler that exits the process at once; shutdown is ours. */
export async function deployWithoutSigintExit(lti: LtiProvider): Promise<void> {
  const sigintBefore = new Set(process.listeners('SIGINT'));
  await lti.deploy({ serverless: true, silent: true });
  for (const listener of process.listeners('SIGINT')) {
    if (!sigintBefore.has(listener)) process.removeListener('SIGINT', listener);
  }
}

/**
 * Our parsers have run (or chose not to, for a type we do not accept). body-parser 1.x,
 * which ltijs runs for urlencoded, JSON, raw and text bodies with its 100 kB defaults,
 * skips a request marked `_body`: mark every one, so ltijs never reads a body itself and
 * ours are the only limits. ltijs reads `req.body.id_token` unguarded, hence the `{}`.
 */
export const markBodiesParsed: RequestHandler = (req, _res, next) => {
  const parsed = req as { body?: unknown; _body?: boolean };
  parsed.body ??= {};
  parsed._body = true;
  next();
};

/** Settings ltijs's express 4 app sets for itself that must come from our app instead. */
const SETTINGS_OURS_TO_DECIDE = [
  'query parser',
  'query parser fn',
  'etag',
  'etag fn',
  'views',
  'x-powered-by',
] as const;

/** Mounts ltijs's app (and our routers inside it) behind our app; see the header. */
export function mountLtijs(app: Express, lti: LtiProvider): void {
  app.use(markBodiesParsed, lti.app);
  // Only after mounting: express 4 links ltijs's settings to ours on its 'mount' event.
  const settings = (lti.app as unknown as { settings: Record<string, unknown> }).settings;
  for (const name of SETTINGS_OURS_TO_DECIDE) delete settings[name];
}

/**
 * ltijs's login and keyset routes answer their own 500 JSON when the database is
 * unreachable, bypassing our error handler. Turn exactly those answers into our 503
 * ("temporarily unavailable", Retry-After) so an outage looks the same everywhere.
 */
export const ltijsOutageAs503: RequestHandler = (_req, res, next) => {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    if (res.statusCode === 500 && body && typeof body === 'object') {
      const message = (body as { details?: { message?: unknown } }).details?.message;
      if (typeof message === 'string' && isDatabaseUnavailable({ message })) {
        res.send = send;
        next(new ServiceUnavailableError());
        return res;
      }
    }
    return send(body);
  }) as typeof res.send;
  next();
};

/**
 * ltijs's login route ends with `res.redirect(<platform auth endpoint>?…state…nonce…)` and
 * offers no hook before it. Hands that URL to `rewrite`, whose result is sent instead
 * (launch-guards.ts replaces ltijs's weak nonce and binds it to the state), or which
 * answers the request itself and returns 'answered' (the framed login page, login-page.ts).
 */
export function onLtijsLoginRedirect(
  res: Response,
  rewrite: (authRequest: URL) => Promise<URL | 'answered'>,
  fail: (error: unknown) => void,
): void {
  const redirect = res.redirect.bind(res) as (url: string) => void;
  (res as { redirect: (url: string) => void }).redirect = (url: string) => {
    rewrite(new URL(url)).then((rewritten) => {
      if (rewritten !== 'answered') redirect(rewritten.toString());
    }, fail);
  };
}

/**
 * ltijs accepts an id_token only when the signed cookie `state<state>` came back holding the
 * token's issuer (Provider.js sessionValidator → Auth.validateToken: MISSING_VALIDATION_COOKIE,
 * ISS_CLAIM_DOES_NOT_MATCH), and it has no other way to learn that a launch is bound to the
 * browser. When launch-binding.ts has bound a cookie-less launch through the platform's
 * postMessage storage, it vouches for it here: the value ltijs would have read from the
 * cookie is set on this one request's parsed cookies, never sent to the browser. ltijs's
 * issuer comparison still runs on it.
 */
export function vouchForLtijsStateCookie(req: Request, state: string, issuer: string): void {
  const signed = ((req as { signedCookies?: Record<string, unknown> }).signedCookies ??= {});
  signed[`state${state}`] = issuer;
}

type GotLike = { get: (url: string, ...rest: unknown[]) => unknown };

/** Answers a platform's key set for the JWKS URLs it knows, instead of ltijs's HTTP fetch. */
export interface KeysetSource {
  serves(url: string): boolean;
  keyset(url: string): Promise<{ keys: unknown[] }>;
}

/**
 * ltijs fetches a JWK_SET platform's keys with `got.get(url).json()` on every launch
 * (Auth.js, through its shared client in Utils/Http.js). Route those fetches to our
 * sources (jwks-cache.ts); returns the function that takes a source out again.
 */
export function routeLtijsKeysetFetches(source: KeysetSource): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ltijs's own HTTP client instance
  const client = require(path.join(LTIJS_DIR, 'dist', 'Utils', 'Http')) as GotLike & {
    __guestlinkSources?: KeysetSource[];
  };
  if (!client.__guestlinkSources) {
    const sources: KeysetSource[] = [];
    const get = client.get.bind(client);
    client.get = (url: string, ...rest: unknown[]) => {
      const owner = sources.find((candidate) => candidate.serves(String(url)));
      if (!owner) return get(url, ...rest);
      return { json: () => owner.keyset(String(url)) };
    };
    client.__guestlinkSources = sources;
  }
  const sources = client.__guestlinkSources;
  sources.push(source);
  return () => {
    const index = sources.indexOf(source);
    if (index >= 0) sources.splice(index, 1);
  };
}
