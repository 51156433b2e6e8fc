import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, loadDotEnv, redactDatabaseUrl } from '../../../src/config';
import { readyMessage } from '../../../src/ready-message';
import { StartupError } from '../../../src/errors';
import { testEnv } from '../../helpers/constants';

function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(testEnv(env));
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

function platformsFile(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-config-'));
  const file = path.join(dir, 'platforms.json');
  fs.writeFileSync(file, content);
  return file;
}

const blackboard = {
  name: 'Blackboard',
  issuer: 'https://blackboard.com',
  clientId: 'abc',
  authEndpoint: 'https://developer.blackboard.com/api/v1/gateway/oidcauth',
  tokenEndpoint: 'https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken',
  jwksUrl: 'https://developer.blackboard.com/api/v1/management/applications/abc/jwks.json',
  deploymentIds: ['d1'],
};

describe('loadConfig', () => {
  it('applies defaults for a fresh checkout', () => {
    const config = loadConfig(testEnv({ DATA_DIR: '/tmp/guestlink-defaults' }));
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.isHttps).toBe(false);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/tmp/guestlink-defaults/pglite' });
    expect(config.sandboxEnabled).toBe(true);
    expect(config.trustProxy).toBe(false);
    expect(config.lti.clockSkewSeconds).toBe(60);
  });

  it('selects PostgreSQL with DATABASE_URL and HTTPS cookies with an https PUBLIC_URL', () => {
    const config = loadConfig(
      testEnv({
        DATABASE_URL: 'postgres://u:p@db:5432/guestlink',
        PUBLIC_URL: 'https://guestlink.example.edu/',
      }),
    );
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/guestlink' });
    expect(config.publicUrl).toBe('https://guestlink.example.edu');
    expect(config.isHttps).toBe(true);
  });

  it('selects MongoDB with MONGODB_URI', () => {
    const config = loadConfig(testEnv({ MONGODB_URI: 'mongodb://u:p@mongo:27017/guestlink' }));
    expect(config.database).toEqual({ kind: 'mongodb', url: 'mongodb://u:p@mongo:27017/guestlink' });
  });

  it('refuses MONGODB_URI and DATABASE_URL together, naming both', () => {
    const message = configError({
      MONGODB_URI: 'mongodb://mongo:27017/guestlink',
      DATABASE_URL: 'postgres://u:p@db:5432/guestlink',
    });
    expect(message).toContain('DATABASE_URL and MONGODB_URI');
    expect(message).toContain('not both');
  });

  it.each([
    [{ MONGODB_URI: 'postgres://db/guestlink' }, 'MONGODB_URI: must start with mongodb:// or mongodb+srv://'],
    [{ PORT: 'abc' }, 'PORT: must be a whole number between 1 and 65535'],
    [{ PORT: '70000' }, 'PORT:'],
    [{ PUBLIC_URL: 'guestlink.example.edu' }, 'PUBLIC_URL: must be an absolute'],
    [{ PUBLIC_URL: 'ftp://guestlink.example.edu' }, 'PUBLIC_URL:'],
    [{ DATABASE_URL: 'mysql://db/guestlink' }, 'DATABASE_URL: must start with postgres://'],
    [{ APP_SECRET: 'short' }, 'APP_SECRET: must be at least 32 characters'],
    [{ SANDBOX: 'maybe' }, 'SANDBOX:'],
    [{ TRUST_PROXY: 'yes please' }, 'TRUST_PROXY:'],
    [{ LTI_CLOCK_SKEW_SECONDS: '-1' }, 'LTI_CLOCK_SKEW_SECONDS:'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV:'],
  ])('refuses %p naming the variable', (env, expected) => {
    expect(configError(env)).toContain(expected);
  });

  it('requires APP_SECRET in production and keeps the sandbox off there unless forced', () => {
    expect(configError({ NODE_ENV: 'production', APP_SECRET: undefined })).toContain(
      'APP_SECRET: is required in production',
    );
    expect(loadConfig(testEnv({ NODE_ENV: 'production', SANDBOX: 'on' })).sandboxEnabled).toBe(false);
    expect(loadConfig(testEnv({ NODE_ENV: 'production', SANDBOX: 'force' })).sandboxEnabled).toBe(true);
    expect(loadConfig(testEnv({ SANDBOX: 'off' })).sandboxEnabled).toBe(false);
  });

  it('reads TRUST_PROXY as express expects it', () => {
    expect(loadConfig(testEnv({ TRUST_PROXY: 'false' })).trustProxy).toBe(false);
    expect(loadConfig(testEnv({ TRUST_PROXY: '1' })).trustProxy).toBe(1);
    expect(loadConfig(testEnv({ TRUST_PROXY: '2' })).trustProxy).toBe(2);
    expect(loadConfig(testEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' })).trustProxy).toBe(
      'loopback, 10.0.0.0/8',
    );
  });

  it.each(['true', 'TRUE', 'yes'])('refuses TRUST_PROXY=%s, saying what to set instead', (value) => {
    const message = configError({ TRUST_PROXY: value });
    expect(message).toContain('TRUST_PROXY: must not be true');
    expect(message).toContain('number of proxies in front of Guestlink');
  });

  it('creates and then reuses a development secret in DATA_DIR', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-secret-'));
    const first = loadConfig(testEnv({ APP_SECRET: undefined, NODE_ENV: 'development', DATA_DIR: dataDir }));
    const second = loadConfig(testEnv({ APP_SECRET: undefined, NODE_ENV: 'development', DATA_DIR: dataDir }));
    expect(first.appSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.appSecret).toBe(first.appSecret);
    expect(fs.statSync(path.join(dataDir, 'app-secret.key')).mode & 0o777).toBe(0o600);
  });

  it('loads platform registrations with their defaults', () => {
    const config = loadConfig(testEnv({ PLATFORMS_FILE: platformsFile(JSON.stringify([blackboard])) }));
    expect(config.platforms).toHaveLength(1);
    expect(config.platforms[0]!.settings).toEqual({
      modules: { invitetomedia: true, mediapage: true },
      linkCreators: 'hosts-and-moderators',
      lobbyDefault: true,
      guestLogRetentionDays: 90,
    });
  });

  it('accepts the example platforms file the README points to', () => {
    const example = path.join(__dirname, '../../../config/platforms.example.json');
    const config = loadConfig(testEnv({ PLATFORMS_FILE: example }));
    expect(config.platforms[0]).toMatchObject({ preset: 'blackboard', issuer: 'https://blackboard.com' });
  });

  it('loads a registration’s preset, and none when the file names none', () => {
    const moodle = { ...blackboard, name: 'Moodle', issuer: 'https://moodle.example.edu', preset: 'moodle' };
    const config = loadConfig(
      testEnv({ PLATFORMS_FILE: platformsFile(JSON.stringify([blackboard, moodle])) }),
    );
    expect(config.platforms.map((platform) => platform.preset)).toEqual([undefined, 'moodle']);
  });

  it.each([
    ['not JSON', '{', 'is not valid JSON'],
    ['an unknown preset', JSON.stringify([{ ...blackboard, preset: 'sakai' }]), '[0].preset'],
    ['not a list', '{}', 'expected array'],
    [
      'no deployment ids',
      JSON.stringify([{ ...blackboard, deploymentIds: [] }]),
      '[0].deploymentIds: must list at least one deployment id',
    ],
    [
      'a plain http endpoint',
      JSON.stringify([{ ...blackboard, authEndpoint: 'http://lms.example.edu/auth' }]),
      '[0].authEndpoint: must be an https:// URL',
    ],
    ['an unknown field', JSON.stringify([{ ...blackboard, secret: 'x' }]), 'secret'],
    [
      'a bad setting',
      JSON.stringify([{ ...blackboard, settings: { linkCreators: 'everyone' } }]),
      '[0].settings.linkCreators',
    ],
    [
      'a module flag that is not boolean',
      JSON.stringify([{ ...blackboard, settings: { modules: { invitetomedia: 'yes', mediapage: true } } }]),
      '[0].settings.modules.invitetomedia',
    ],
    [
      'a duplicate registration',
      JSON.stringify([blackboard, { ...blackboard, deploymentIds: ['d2'] }]),
      '[1].clientId: repeats the issuer and client id of entry [0]',
    ],
  ])('refuses a platforms file with %s, naming the field', (_name, content, expected) => {
    expect(configError({ PLATFORMS_FILE: platformsFile(content) })).toContain(expected);
  });

  it('redacts passwords from database URLs', () => {
    expect(redactDatabaseUrl('postgres://user:secret@db:5432/guestlink')).toBe(
      'postgres://user:***@db:5432/guestlink',
    );
  });

  describe('the live session', () => {
    it('uses the built-in engine by default, with no ICE servers and a cap of 4', () => {
      expect(loadConfig(testEnv({ DATA_DIR: '/tmp/guestlink-defaults' })).live).toEqual({
        engine: 'builtin',
        iceServers: [],
        turn: null,
        builtinCap: 4,
        janusCap: null,
        janus: null,
      });
    });

    it('takes Janus with its URL and admin key, STUN/TURN servers as JSON, and a TURN secret', () => {
      const config = loadConfig(
        testEnv({
          ROOM_ENGINE: 'janus',
          JANUS_URL: 'http://janus:8088/janus/',
          JANUS_ADMIN_KEY: 'a-long-admin-key',
          ICE_SERVERS:
            '[{"urls":["stun:stun.example.edu:3478","turn:turn.example.edu:3478"],"username":"u","credential":"c"}]',
        }),
      );
      expect(config.live.janus).toEqual({
        url: 'http://janus:8088/janus',
        adminKey: 'a-long-admin-key',
        apiSecret: null,
        maxPublishers: 16,
      });
      expect(config.live.iceServers[0]!.urls).toHaveLength(2);
      const turn = loadConfig(
        testEnv({
          TURN_URLS: 'turn:turn.example.edu:3478, turns:turn.example.edu:5349',
          TURN_SECRET: 'a-long-turn-secret',
        }),
      ).live.turn;
      expect(turn).toEqual({
        urls: ['turn:turn.example.edu:3478', 'turns:turn.example.edu:5349'],
        secret: 'a-long-turn-secret',
      });
    });

    it.each([
      ['an unknown engine', { ROOM_ENGINE: 'zoom' }, 'ROOM_ENGINE: must be builtin or janus'],
      [
        'Janus without its URL',
        { ROOM_ENGINE: 'janus', JANUS_ADMIN_KEY: 'a-long-admin-key' },
        'JANUS_URL: is required',
      ],
      [
        'Janus without an admin key',
        { ROOM_ENGINE: 'janus', JANUS_URL: 'http://j:8088/janus' },
        'JANUS_ADMIN_KEY: is required',
      ],
      ['ICE servers that are not JSON', { ICE_SERVERS: 'stun:x' }, 'ICE_SERVERS: must be a JSON array'],
      ['an ICE server of another scheme', { ICE_SERVERS: '[{"urls":"http://x"}]' }, 'must start with stun:'],
      [
        'a TURN secret without TURN URLs',
        { TURN_SECRET: 'a-long-turn-secret' },
        'TURN_URLS and TURN_SECRET: set both',
      ],
      [
        'a TURN URL of another scheme',
        { TURN_URLS: 'stun:x', TURN_SECRET: 'a-long-turn-secret' },
        'must start with turn:',
      ],
      [
        'a cap of one',
        { BUILTIN_MAX_PARTICIPANTS: '1' },
        'BUILTIN_MAX_PARTICIPANTS: must be a whole number between 2 and 50',
      ],
    ])('refuses %s, naming the variable', (_name, env, expected) => {
      expect(configError(env)).toContain(expected);
    });
  });
});

describe('.env', () => {
  it('fills in what the environment does not set, and never overrides what it does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-dotenv-'));
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# comment\nPORT=4100\nLOG_LEVEL=debug\nPUBLIC_URL="https://tool.example.edu"\n');
    const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
    loadDotEnv(file, env);
    expect(env).toEqual({ PORT: '4100', LOG_LEVEL: 'warn', PUBLIC_URL: 'https://tool.example.edu' });
    expect(loadConfig(testEnv(env)).port).toBe(4100);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is optional', () => {
    const env: NodeJS.ProcessEnv = {};
    loadDotEnv(path.join(os.tmpdir(), 'no-such-dir-guestlink', '.env'), env);
    expect(env).toEqual({});
  });
});

describe('the start-up line', () => {
  it('says plainly which address to open, and the sandbox when it is on', () => {
    expect(readyMessage('http://localhost:3000', true)).toBe(
      'Guestlink is ready: open http://localhost:3000/ (LMS sandbox: http://localhost:3000/sandbox)\n',
    );
    expect(readyMessage('https://tool.example.edu', false)).toBe(
      'Guestlink is ready: open https://tool.example.edu/\n',
    );
  });
});
