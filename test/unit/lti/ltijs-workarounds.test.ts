import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  LTIJS_VERSION,
  allowClockSkew,
  deployWithoutSigintExit,
  ltijsDependencyPath,
  newLtijsProvider,
  routeLtijsKeysetFetches,
  vouchForLtijsStateCookie,
} from '../../../src/lti/ltijs-workarounds';
import { PROJECT_ROOT } from '../../../src/paths';

/**
 * Each test pins down what one workaround in src/lti/ltijs-workarounds.ts relies on in
 * ltijs. A failure here after an upgrade means: re-read that ltijs code, then adapt or drop
 * the workaround. Source is read as ltijs ships it (dist/, compiled by Babel).
 */
const LTIJS_DIR = path.dirname(require.resolve('ltijs'));

function ltijsSource(file: string): string {
  return readFileSync(path.join(LTIJS_DIR, 'dist', file), 'utf8');
}

function versionOf(packageJsonPath: string): string {
  return (JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version: string }).version;
}

describe('ltijs as the workarounds assume it', () => {
  it('is pinned to exactly the version the workarounds were written for, and installed at it', () => {
    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies.ltijs).toBe(LTIJS_VERSION);
    expect(versionOf(path.join(LTIJS_DIR, 'package.json'))).toBe(LTIJS_VERSION);
  });

  it('newLtijsProvider: ltijs exports a singleton whose constructor makes independent providers', () => {
    expect(ltijsSource('Provider/Provider.js')).toContain('module.exports = new Provider();');
    const first = newLtijsProvider();
    const second = newLtijsProvider();
    expect(first).not.toBe(second);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(first).not.toBe(require('ltijs').Provider);
    expect(typeof first.setup).toBe('function');
  });

  it('allowClockSkew: ltijs verifies id_tokens with its jsonwebtoken and no tolerance; the patch adds it', () => {
    const auth = ltijsSource('Utils/Auth.js');
    expect(auth).toContain("const jwt = require('jsonwebtoken');");
    expect(auth).toMatch(
      /jwt\.verify\(token, key, \{\s*algorithms: \[validationParameters\.alg\],\s*clockTimestamp/,
    );
    expect(auth).not.toContain('clockTolerance');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jwt = require(ltijsDependencyPath('jsonwebtoken')) as {
      sign: (payload: object, secret: string) => string;
      verify: (token: string, secret: string, options: object) => unknown;
    };
    const now = Math.floor(Date.now() / 1000);
    const expiredTwoSecondsAgo = jwt.sign({ exp: now - 2 }, 'secret');
    const options = { algorithms: ['HS256'], clockTimestamp: now };
    expect(() => jwt.verify(expiredTwoSecondsAgo, 'secret', options)).toThrow('jwt expired');
    allowClockSkew(5);
    expect(jwt.verify(expiredTwoSecondsAgo, 'secret', options)).toMatchObject({ exp: now - 2 });
  });

  it('deployWithoutSigintExit: ltijs deploy adds a SIGINT handler that exits; ours leaves none behind', async () => {
    expect(ltijsSource('Provider/Provider.js')).toMatch(
      /process\.on\('SIGINT', async \(\) => \{\s*await this\.close\(options\);\s*process\.exit\(\);/,
    );
    // The smallest database plugin ltijs accepts: deploy only calls setup().
    const plugin = { setup: async () => true, Close: async () => true };
    const plain = newLtijsProvider();
    plain.setup('secret-secret-secret', { plugin }, {});
    const before = process.listenerCount('SIGINT');
    await plain.deploy({ serverless: true, silent: true });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.removeListener('SIGINT', process.listeners('SIGINT').at(-1)!);

    const ours = newLtijsProvider();
    ours.setup('secret-secret-secret', { plugin }, {});
    await deployWithoutSigintExit(ours);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('markBodiesParsed: ltijs runs body-parser 1.x for four body types, and each skips a request marked _body', () => {
    const server = ltijsSource('Utils/Server.js');
    for (const type of ['urlencoded', 'json', 'raw', 'text']) {
      expect(server).toContain(`this.app.use(bodyParser.${type}(`);
      const parser = readFileSync(
        path.join(path.dirname(ltijsDependencyPath('body-parser')), 'lib', 'types', `${type}.js`),
        'utf8',
      );
      expect(parser).toMatch(/if \(req\._body\) \{\s*debug\('body already parsed'\)\s*next\(\)/);
    }
    expect(versionOf(path.join(path.dirname(ltijsDependencyPath('body-parser')), 'package.json'))).toMatch(
      /^1\./,
    );
    expect(ltijsSource('Provider/Provider.js')).toContain('const idtoken = req.body.id_token;');
  });

  it('mountLtijs: ltijs runs its own express 4 app, whose settings it sets for itself', () => {
    expect(ltijsSource('Utils/Server.js')).toContain('this.app = express();');
    expect(versionOf(path.join(path.dirname(ltijsDependencyPath('express')), 'package.json'))).toMatch(
      /^4\./,
    );
    const app = newLtijsProvider();
    app.setup('secret-secret-secret', { plugin: {} }, {});
    const settings = (app.app as unknown as { settings: Record<string, unknown> }).settings;
    for (const own of ['query parser', 'etag', 'views', 'x-powered-by']) {
      expect(Object.prototype.hasOwnProperty.call(settings, own)).toBe(true);
    }
  });

  it('ltijsOutageAs503: ltijs answers a failed login or key set with its own 500 JSON carrying the message', () => {
    const provider = ltijsSource('Provider/Provider.js');
    const ownFiveHundreds = provider.match(
      /return res\.status\(500\)\.send\(\{\s*status: 500,\s*error: 'Internal Server Error',\s*details: \{\s*message: err\.message/g,
    );
    expect(ownFiveHundreds?.length).toBeGreaterThanOrEqual(2);
  });

  it('onLtijsLoginRedirect: ltijs ends the login by redirecting to the auth endpoint with state and nonce', () => {
    expect(ltijsSource('Provider/Provider.js')).toMatch(
      /res\.redirect\(url\.format\(\{\s*pathname: await platform\.platformAuthEndpoint\(\),\s*query\s*\}\)\)/,
    );
    expect(ltijsSource('Utils/Request.js')).toMatch(/nonce: encodeURIComponent\(/);
  });

  it('vouchForLtijsStateCookie: ltijs reads the login issuer from the signed cookie state<state>, and only there', async () => {
    const provider = ltijsSource('Provider/Provider.js');
    expect(provider).toContain('const cookies = req.signedCookies;');
    expect(provider).toMatch(
      /const validationCookie = cookies\['state' \+ state\];\s*const validationParameters = \{\s*iss: validationCookie,/,
    );
    // ltijs refuses without that value, or with another issuer, before anything else.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { validateToken } = require(path.join(LTIJS_DIR, 'dist', 'Utils', 'Auth')) as {
      validateToken: (token: string, devMode: boolean, parameters: { iss?: unknown }) => Promise<unknown>;
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jwt = require(ltijsDependencyPath('jsonwebtoken')) as { sign: (p: object, s: string) => string };
    const token = jwt.sign({ iss: 'https://lms.example' }, 'secret');
    await expect(validateToken(token, false, {})).rejects.toThrow('MISSING_VALIDATION_COOKIE');
    await expect(validateToken(token, false, { iss: 'https://other.example' })).rejects.toThrow(
      'ISS_CLAIM_DOES_NOT_MATCH',
    );

    // What the workaround sets is what ltijs reads, for this request only.
    const req = { signedCookies: {} } as unknown as Parameters<typeof vouchForLtijsStateCookie>[0];
    vouchForLtijsStateCookie(req, 'abc', 'https://lms.example');
    expect((req as unknown as { signedCookies: Record<string, unknown> }).signedCookies).toEqual({
      stateabc: 'https://lms.example',
    });
  });

  it('routeLtijsKeysetFetches: ltijs fetches key sets with got.get(url).json() of its shared client', async () => {
    const auth = ltijsSource('Utils/Auth.js');
    expect(auth).toContain("const got = require('./Http');");
    expect(auth).toContain('const res = await got.get(keysEndpoint).json();');
    const keys = [{ kid: 'k1' }];
    const remove = routeLtijsKeysetFetches({
      serves: (url) => url === 'https://lms.example/jwks',
      keyset: async () => ({ keys }),
    });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const client = require(path.join(LTIJS_DIR, 'dist', 'Utils', 'Http')) as {
        get: (url: string) => { json: () => Promise<unknown> };
      };
      await expect(client.get('https://lms.example/jwks').json()).resolves.toEqual({ keys });
    } finally {
      remove();
    }
  });

  it('ltik-transport.ts: ltijs takes the ltik from exactly these places, before our addons run', () => {
    const server = ltijsSource('Utils/Server.js');
    // The sources the guard narrows down: the LTIK-AUTH-V1 header, the query, the body, a Bearer header.
    expect(server).toContain("req.headers.authorization.split('LTIK-AUTH-V1 Token=')");
    expect(server).toContain('if (req.query && req.query.ltik) {');
    expect(server).toContain('if (req.body && req.body.ltik) {');
    expect(server).toMatch(/parts\.length === 2 && parts\[0\] === 'Bearer'/);
    expect(server.match(/req\.token = /g)).toHaveLength(4);
    // Our addons (the guard among them) run after that extraction, before ltijs's session check.
    expect(server.indexOf('req.token = parts[1]')).toBeLessThan(
      server.indexOf('if (serverAddon) serverAddon(this.app)'),
    );
    const provider = ltijsSource('Provider/Provider.js');
    expect(provider).toContain('const ltik = req.token;');
    expect(provider).not.toMatch(/req\.(cookies|signedCookies|query|body)\.ltik/);
  });

  it('lti.routes.ts and lti-errors.ts: the codes ltijs reports are still the ones we read', () => {
    const provider = ltijsSource('Provider/Provider.js');
    expect(provider).toContain("message: 'NO_LTIK_OR_IDTOKEN_FOUND'");
    expect(provider).toContain("message: 'Session not found.'");
    const auth = ltijsSource('Utils/Auth.js');
    for (const code of [
      'AZP_DOES_NOT_MATCH_CLIENTID',
      'NONCE_ALREADY_RECEIVED',
      'TOKEN_TOO_OLD',
      'ALG_NOT_RS256',
    ]) {
      expect(auth).toContain(code);
    }
  });

  it('storage/mongo: ltijs always loads its bundled mongoose 7 and connects it with the options we pass', () => {
    const database = ltijsSource('Utils/Database.js');
    expect(database).toContain("const mongoose = require('mongoose');");
    expect(database).toMatch(/\.\.\.database\.connection/);
    expect(database).toContain('await mongoose.connect(');
    expect(versionOf(path.join(path.dirname(ltijsDependencyPath('mongoose')), 'package.json'))).toMatch(
      /^7\./,
    );
  });
});
