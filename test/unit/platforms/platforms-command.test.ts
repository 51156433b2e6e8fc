import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PLATFORMS_FILE } from '../../../src/paths';
import { runPlatformsCli } from '../../../src/platforms/platforms-command';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guestlink-platforms-'));
  file = path.join(dir, 'platforms.json');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

function run(argv: string[], env: Record<string, string | undefined> = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const code = runPlatformsCli(argv, env, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Runs a command against the test's file. */
function cli(...argv: string[]): Run {
  return run([...argv, '--file', file]);
}

function saved(): Array<Record<string, unknown> & { deploymentIds: string[] }> {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const BLACKBOARD_TWO_DEPLOYMENTS = [
  'add',
  'blackboard',
  '--client-id',
  'app-123',
  '--deployment-id',
  'dep-1',
  '--deployment-id',
  'dep-2',
];

const CUSTOM = [
  'add',
  'custom',
  '--name',
  'Example LMS',
  '--issuer',
  'https://lms.example.edu',
  '--client-id',
  'c1',
  '--deployment-id',
  'x1',
  '--auth-endpoint',
  'https://lms.example.edu/auth',
  '--token-endpoint',
  'https://lms.example.edu/token',
  '--jwks-url',
  'https://lms.example.edu/jwks',
];

describe('add', () => {
  it('fills in the Blackboard issuer and Developer Portal endpoints, with the client id in the JWKS URL', () => {
    const result = cli('add', 'blackboard', '--client-id', 'app-123', '--deployment-id', 'dep-1');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(`Added Blackboard Learn to ${file}`);
    expect(result.out).toContain('Restart Guestlink to apply the change.');
    expect(saved()).toEqual([
      {
        name: 'Blackboard Learn',
        preset: 'blackboard',
        issuer: 'https://blackboard.com',
        clientId: 'app-123',
        authEndpoint: 'https://developer.blackboard.com/api/v1/gateway/oidcauth',
        tokenEndpoint: 'https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken',
        jwksUrl: 'https://developer.blackboard.com/api/v1/management/applications/app-123/jwks.json',
        deploymentIds: ['dep-1'],
        settings: {
          modules: { invitetomedia: true, mediapage: true },
          linkCreators: 'hosts-and-moderators',
          lobbyDefault: true,
          guestLogRetentionDays: 90,
        },
      },
    ]);
  });

  it('merges a second deployment id into the registration with the same issuer and client id', () => {
    cli('add', 'blackboard', '--client-id', 'app-123', '--deployment-id', 'dep-1');
    const result = cli('add', 'blackboard', '--client-id', 'app-123', '--deployment-id', 'dep-2');
    expect(result.code).toBe(0);
    expect(result.out).toContain('added deployment id dep-2');
    expect(result.out).toContain('Restart Guestlink to apply the change.');
    const registrations = saved();
    expect(registrations).toHaveLength(1);
    expect(registrations[0]!.deploymentIds).toEqual(['dep-1', 'dep-2']);
  });

  it('changes only what is given when merging, and reports it', () => {
    cli('add', 'blackboard', '--client-id', 'app-123', '--deployment-id', 'dep-1', '--name', 'State U');
    const result = cli(
      'add',
      'blackboard',
      '--client-id',
      'app-123',
      '--deployment-id',
      'dep-1',
      '--lobby-default',
      'off',
      '--retention-days',
      '30',
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('lobby by default: on → off');
    expect(result.out).toContain('guest log kept: 90 days → 30 days');
    expect(result.out).not.toContain('added deployment');
    const [registration] = saved();
    // The preset's default name does not overwrite the one given before.
    expect(registration).toMatchObject({
      name: 'State U',
      deploymentIds: ['dep-1'],
      settings: { lobbyDefault: false, guestLogRetentionDays: 30 },
    });
  });

  it('leaves the file alone when a merge changes nothing', () => {
    cli('add', 'blackboard', '--client-id', 'app-123', '--deployment-id', 'dep-1');
    const before = fs.readFileSync(file, 'utf8');
    const result = cli('add', 'blackboard', '--client-id', 'app-123', '--deployment-id', 'dep-1');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Nothing to change');
    expect(result.out).not.toContain('Restart');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('derives the Moodle endpoints from --issuer, the site URL', () => {
    const result = cli(
      'add',
      'moodle',
      '--issuer',
      'https://moodle.example.edu/',
      '--client-id',
      'm1',
      '--deployment-id',
      '3',
    );
    expect(result.code).toBe(0);
    expect(saved()[0]).toMatchObject({
      name: 'Moodle',
      issuer: 'https://moodle.example.edu',
      authEndpoint: 'https://moodle.example.edu/mod/lti/auth.php',
      tokenEndpoint: 'https://moodle.example.edu/mod/lti/token.php',
      jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
      deploymentIds: ['3'],
    });
  });

  it('stores the preset each registration was added with, and lists it', () => {
    cli(
      'add',
      'moodle',
      '--issuer',
      'https://moodle.example.edu',
      '--client-id',
      'm1',
      '--deployment-id',
      '3',
    );
    cli('add', 'canvas', '--client-id', '10000000000001', '--deployment-id', '12:abc');
    cli(...CUSTOM);
    expect(saved().map((registration) => registration.preset)).toEqual(['moodle', 'canvas', 'custom']);
    const listed = cli('list');
    expect(listed.out).toMatch(/Moodle\n\s+preset:\s+moodle\n/);
    expect(listed.out).toMatch(/Canvas\n\s+preset:\s+canvas\n/);
  });

  it('gives a registration written without a preset the one named by add, and reports it', () => {
    const moodle = [
      'add',
      'moodle',
      '--issuer',
      'https://moodle.example.edu',
      '--client-id',
      'm1',
      '--deployment-id',
      '3',
    ];
    cli(...moodle);
    // As a file written before presets were kept.
    const { preset: _dropped, ...older } = saved()[0]!;
    fs.writeFileSync(file, JSON.stringify([older]));
    expect(cli('list').out).toMatch(/preset:\s+none \(each launch says which LMS it is\)/);

    const result = cli(...moodle);
    expect(result.code).toBe(0);
    expect(result.out).toContain('preset: none (each launch says which LMS it is) → moodle');
    expect(saved()[0]!.preset).toBe('moodle');
  });

  it('refuses moodle without --issuer', () => {
    const result = cli('add', 'moodle', '--client-id', 'm1', '--deployment-id', '3');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--issuer');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('registers a custom platform given all its endpoints', () => {
    const result = cli(...CUSTOM);
    expect(result.code).toBe(0);
    expect(saved()[0]).toMatchObject({ name: 'Example LMS', jwksUrl: 'https://lms.example.edu/jwks' });
  });

  it('requires every endpoint for custom, names the missing fields, and leaves the file unchanged', () => {
    cli('add', 'blackboard', '--client-id', 'app-123', '--deployment-id', 'dep-1');
    const before = fs.readFileSync(file, 'utf8');
    const result = cli(
      'add',
      'custom',
      '--issuer',
      'https://lms.example.edu',
      '--client-id',
      'c1',
      '--deployment-id',
      'x1',
      '--auth-endpoint',
      'https://lms.example.edu/auth',
    );
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain('  tokenEndpoint: is required (--token-endpoint)');
    expect(result.err).toContain('  jwksUrl: is required (--jwks-url)');
    expect(result.err).not.toContain('authEndpoint');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('rejects an invalid URL, naming the field', () => {
    const args = [...CUSTOM];
    args[args.indexOf('--jwks-url') + 1] = 'not a url';
    args[args.indexOf('--auth-endpoint') + 1] = 'http://lms.example.edu/auth';
    const result = cli(...args);
    expect(result.code).toBe(2);
    expect(result.err).toContain('  jwksUrl: must be a URL');
    expect(result.err).toContain('  authEndpoint: must be an https:// URL');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('checks the settings options', () => {
    const base = ['add', 'blackboard', '--client-id', 'a', '--deployment-id', 'd'];
    expect(cli(...base, '--lobby-default', 'maybe').err).toContain('--lobby-default must be on or off');
    expect(cli(...base, '--retention-days', 'ten').err).toContain('--retention-days must be a whole number');
    const tooLong = cli(...base, '--retention-days', '5000');
    expect(tooLong.code).toBe(2);
    expect(tooLong.err).toContain('settings.guestLogRetentionDays:');
    expect(cli(...base, '--link-creators', 'everyone').err).toContain('settings.linkCreators:');
    expect(fs.existsSync(file)).toBe(false);

    expect(cli(...base, '--link-creators', 'hosts', '--mediapage', 'off').code).toBe(0);
    expect(saved()[0]!.settings).toMatchObject({
      linkCreators: 'hosts',
      modules: { invitetomedia: true, mediapage: false },
    });
  });

  it('needs a known preset, a client id and a deployment id', () => {
    expect(cli('add', '--client-id', 'a', '--deployment-id', 'd').err).toContain('add needs a preset');
    expect(cli('add', 'sakai', '--client-id', 'a', '--deployment-id', 'd').err).toContain(
      'Unknown preset "sakai"',
    );
    expect(cli('add', 'blackboard', '--deployment-id', 'd').err).toContain('add needs --client-id');
    const noDeployment = cli('add', 'blackboard', '--client-id', 'a');
    expect(noDeployment.code).toBe(2);
    expect(noDeployment.err).toContain('--deployment-id');
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('list', () => {
  it('says so when nothing is registered', () => {
    expect(cli('list')).toEqual({ code: 0, out: `No platforms registered in ${file}.`, err: '' });
  });

  it('shows each registration with its deployment ids and key settings', () => {
    cli(...BLACKBOARD_TWO_DEPLOYMENTS);
    cli(...CUSTOM, '--lobby-default', 'off');
    const result = cli('list');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`2 platforms registered in ${file}`);
    expect(result.out).toContain('Blackboard Learn');
    expect(result.out).toMatch(/issuer: +https:\/\/blackboard\.com/);
    expect(result.out).toMatch(/client id: +app-123/);
    expect(result.out).toMatch(/deployment ids: +dep-1, dep-2/);
    expect(result.out).toContain('Example LMS');
    expect(result.out).toMatch(/lobby by default: +off/);
    expect(result.out).toMatch(/link creators: +hosts-and-moderators/);
    expect(result.out).toMatch(/guest log kept: +90 days/);
  });
});

describe('remove', () => {
  const entry = ['--issuer', 'https://blackboard.com', '--client-id', 'app-123'];

  beforeEach(() => {
    cli(...BLACKBOARD_TWO_DEPLOYMENTS);
    cli(...CUSTOM);
  });

  it('removes one deployment id', () => {
    const result = cli('remove', ...entry, '--deployment-id', 'dep-1');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Removed deployment id dep-1');
    expect(result.out).toContain('Restart Guestlink to apply the change.');
    expect(saved().map((r) => r.deploymentIds)).toEqual([['dep-2'], ['x1']]);
  });

  it('removes the whole registration', () => {
    const result = cli('remove', ...entry);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Removed Blackboard Learn');
    expect(result.out).toContain('Restart Guestlink to apply the change.');
    expect(saved().map((r) => r.name)).toEqual(['Example LMS']);
  });

  it('refuses to remove the last deployment id, suggesting removing the registration', () => {
    cli('remove', ...entry, '--deployment-id', 'dep-1');
    const before = fs.readFileSync(file, 'utf8');
    const result = cli('remove', ...entry, '--deployment-id', 'dep-2');
    expect(result.code).toBe(2);
    expect(result.err).toContain('a registration needs at least one');
    expect(result.err).toContain(
      `npm run platforms -- remove --issuer https://blackboard.com --client-id app-123 --file ${file}`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('reports an unknown registration or deployment id', () => {
    const before = fs.readFileSync(file, 'utf8');
    const unknownEntry = cli('remove', '--issuer', 'https://blackboard.com', '--client-id', 'other');
    expect(unknownEntry.code).toBe(2);
    expect(unknownEntry.err).toContain(
      'No registration with issuer https://blackboard.com and client id other',
    );
    const unknownDeployment = cli('remove', ...entry, '--deployment-id', 'dep-9');
    expect(unknownDeployment.code).toBe(2);
    expect(unknownDeployment.err).toContain('has no deployment id dep-9');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('needs the issuer and the client id', () => {
    const result = cli('remove', '--client-id', 'app-123');
    expect(result.code).toBe(2);
    expect(result.err).toContain('remove needs --issuer and --client-id');
  });
});

describe('an existing file that cannot be used', () => {
  it('is reported and left untouched when it is not JSON', () => {
    fs.writeFileSync(file, '[{"name": "half');
    for (const argv of [
      ['list'],
      ['add', 'blackboard', '--client-id', 'a', '--deployment-id', 'd'],
      ['remove', '--issuer', 'https://blackboard.com', '--client-id', 'a'],
    ]) {
      const result = cli(...argv);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`The platforms file ${file} is not valid JSON`);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('[{"name": "half');
  });

  it('is reported with its problems when it does not validate', () => {
    const content = JSON.stringify([{ name: 'Broken', issuer: 'https://lms.example.edu' }]);
    fs.writeFileSync(file, content);
    const result = cli('add', 'blackboard', '--client-id', 'a', '--deployment-id', 'd');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`The platforms file ${file} is invalid`);
    expect(result.err).toContain('[0].clientId');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });
  it('is reported when an endpoint in it is not a URL at all', () => {
    const content = JSON.stringify([
      {
        name: 'Broken',
        issuer: 'https://lms.example.edu',
        clientId: 'c',
        authEndpoint: 'not a url',
        tokenEndpoint: 'https://lms.example.edu/token',
        jwksUrl: 'https://lms.example.edu/jwks',
        deploymentIds: ['d'],
      },
    ]);
    fs.writeFileSync(file, content);
    const result = cli('add', 'blackboard', '--client-id', 'a', '--deployment-id', 'd');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`The platforms file ${file} is invalid`);
    expect(result.err).toContain('[0].authEndpoint: must be a URL');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });
});

describe('usage', () => {
  it('prints help with the Blackboard example for help, --help and no arguments', () => {
    for (const argv of [[], ['help'], ['--help'], ['add', '--help']]) {
      const result = run(argv);
      expect(result.code).toBe(0);
      expect(result.out).toContain(
        'npm run platforms -- add blackboard --client-id <Application ID> --deployment-id <Deployment ID>',
      );
    }
  });

  it('refuses an unknown command or option', () => {
    const command = cli('frobnicate');
    expect(command.code).toBe(2);
    expect(command.err).toContain('Unknown command "frobnicate"');
    expect(command.err).toContain('npm run platforms -- help');
    const option = cli('list', '--client-id', 'a');
    expect(option.code).toBe(2);
    expect(option.err).toContain('list has no option --client-id');
    const missingValue = cli('add', 'blackboard', '--client-id');
    expect(missingValue.code).toBe(2);
  });
});

describe('which file', () => {
  it('uses PLATFORMS_FILE when there is no --file', () => {
    const result = run(['add', 'canvas', '--client-id', 'k', '--deployment-id', 'd'], {
      PLATFORMS_FILE: file,
    });
    expect(result.code).toBe(0);
    expect(saved()[0]).toMatchObject({ issuer: 'https://canvas.instructure.com' });
  });

  it('prefers --file, resolved from where npm was started', () => {
    const other = path.join(dir, 'elsewhere.json');
    const result = run(['list', '--file', 'platforms.json'], { PLATFORMS_FILE: other, INIT_CWD: dir });
    expect(result.out).toBe(`No platforms registered in ${file}.`);
  });

  it('falls back to the default file', () => {
    // An empty variable counts as unset, as in config.ts. Only lists, so the real file is never written.
    const result = run(['list'], { PLATFORMS_FILE: '' });
    expect(result.out + result.err).toContain(DEFAULT_PLATFORMS_FILE);
  });
});
