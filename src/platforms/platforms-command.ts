import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { StartupError } from '../errors';
import { platformsFilePath } from '../paths';
import { describeIssues, formatIssuePath } from '../validation';
import {
  platformRegistrationListSchema,
  platformRegistrationSchema,
  platformSettingsSchema,
  type PlatformRegistration,
  type PlatformSettings,
} from './platform';
import { readPlatformsFile, writePlatformsFile } from './platforms-file';
import { PRESET_NAMES, registrationFromPreset, type PresetName } from './presets';

/**
 * The registrations CLI (`npm run platforms -- <command>`), kept free of process globals so
 * tests drive it with their own argv, environment and output.
 */

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const EXIT_OK = 0;
/** The file could not be written. */
const EXIT_FAILED = 1;
/** Refused: bad usage, invalid values, an unknown entry, an unreadable file. Nothing was written. */
const EXIT_REFUSED = 2;

const HELP_HINT = 'Run `npm run platforms -- help` for the commands and their options.';
const RESTART_NOTE = 'Restart Guestlink to apply the change.';

const USAGE = `Usage: npm run platforms -- <command> [options]

Edits the file of LMS registrations that Guestlink reads when it starts.

Commands:
  add <preset>   Register an LMS; presets: ${PRESET_NAMES.join(', ')}. If the issuer and client id
                 are already registered, adds the deployment ids and options to that registration.
  list           Show the registered LMSs.
  remove         Remove a registration, or only some of its deployment ids.
  help           Show this text.

Options of add:
  --client-id <id>           The client id the LMS gave Guestlink (Blackboard: the Application ID
                             from the Anthology Developer Portal). Required.
  --deployment-id <id>       A deployment id; repeat it to add several. Required.
  --name <text>              The name to show for this LMS (default: from the preset).
  --issuer <url>             The LMS issuer. Required for moodle (the site URL: Moodle's Platform ID)
                             and custom.
  --auth-endpoint <url>      OIDC authentication endpoint. Required for custom.
  --token-endpoint <url>     OAuth 2 token endpoint. Required for custom.
  --jwks-url <url>           The LMS's public keys (JWKS). Required for custom.
  --link-creators <who>      Who may create guest links: hosts or hosts-and-moderators (default).
  --lobby-default <on|off>   Whether new rooms start with the lobby on (default on).
  --retention-days <n>       Days to keep the guest log, 1 to 3650 (default 90).
  --invitetomedia <on|off>   The invitetomedia module (default on).
  --mediapage <on|off>       The mediapage module (default on).

Options of remove:
  --issuer <url>             The issuer of the registration to remove (see list). Required.
  --client-id <id>           Its client id. Required.
  --deployment-id <id>       Remove only this deployment id; repeat it to remove several.

Options of every command:
  --file <path>              The registrations file (default: $PLATFORMS_FILE, else config/platforms.json).

Examples:
  Blackboard Learn: after registering Guestlink once in the Anthology Developer Portal, add the
  Deployment ID each institution's Learn shows when its administrator registers the tool:
    npm run platforms -- add blackboard --client-id <Application ID> --deployment-id <Deployment ID>
  Moodle:
    npm run platforms -- add moodle --issuer https://moodle.example.edu --client-id <Client ID> --deployment-id 1
  Canvas:
    npm run platforms -- add canvas --client-id <Client ID> --deployment-id <Deployment ID>
  Another LTI 1.3 platform:
    npm run platforms -- add custom --name "Example LMS" --issuer https://lms.example.edu \\
      --client-id <Client ID> --deployment-id <Deployment ID> \\
      --auth-endpoint https://lms.example.edu/lti/auth --token-endpoint https://lms.example.edu/lti/token \\
      --jwks-url https://lms.example.edu/lti/jwks
  Turn the lobby off by default for an existing registration:
    npm run platforms -- add blackboard --client-id <Application ID> --deployment-id <Deployment ID> --lobby-default off
  npm run platforms -- list
  npm run platforms -- remove --issuer https://blackboard.com --client-id <Application ID> --deployment-id <Deployment ID>

Guestlink reads the file only when it starts: restart it after a change.`;

/** Something the admin can fix; thrown to unwind to runPlatformsCli, which prints it. */
class Refusal extends Error {
  constructor(
    readonly lines: string[],
    readonly showHelpHint = false,
  ) {
    super(lines.join('\n'));
    this.name = 'Refusal';
  }
}

const FILE_OPTIONS = {
  file: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ADD_OPTIONS = {
  ...FILE_OPTIONS,
  'client-id': { type: 'string' },
  'deployment-id': { type: 'string', multiple: true },
  name: { type: 'string' },
  issuer: { type: 'string' },
  'auth-endpoint': { type: 'string' },
  'token-endpoint': { type: 'string' },
  'jwks-url': { type: 'string' },
  'link-creators': { type: 'string' },
  'lobby-default': { type: 'string' },
  'retention-days': { type: 'string' },
  invitetomedia: { type: 'string' },
  mediapage: { type: 'string' },
} as const;

const REMOVE_OPTIONS = {
  ...FILE_OPTIONS,
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'deployment-id': { type: 'string', multiple: true },
} as const;

/** Which option sets each field, so a validation message tells the admin what to change. */
const OPTION_FOR_FIELD: Record<string, string> = {
  name: '--name',
  issuer: '--issuer',
  clientId: '--client-id',
  authEndpoint: '--auth-endpoint',
  tokenEndpoint: '--token-endpoint',
  jwksUrl: '--jwks-url',
  deploymentIds: '--deployment-id',
  'settings.linkCreators': '--link-creators',
  'settings.lobbyDefault': '--lobby-default',
  'settings.guestLogRetentionDays': '--retention-days',
  'settings.modules.invitetomedia': '--invitetomedia',
  'settings.modules.mediapage': '--mediapage',
};

// zod's own wording for a missing value ("expected string, received undefined") reads like a bug.
const PARSE_PARAMS = {
  error: (issue: { code: string; input?: unknown }) =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined,
};

export function runPlatformsCli(argv: string[], env: Record<string, string | undefined>, io: CliIo): number {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return EXIT_OK;
      case 'add':
        return add(args, env, io);
      case 'list':
        return list(args, env, io);
      case 'remove':
        return remove(args, env, io);
      default:
        throw new Refusal(
          [
            command.startsWith('-')
              ? 'Start with a command: add, list or remove.'
              : `Unknown command "${command}".`,
          ],
          true,
        );
    }
  } catch (error) {
    if (error instanceof Refusal) {
      error.lines.forEach((line) => io.err(line));
      if (error.showHelpHint) io.err(HELP_HINT);
      return EXIT_REFUSED;
    }
    // readPlatformsFile's message already names the file and each problem in it.
    if (error instanceof StartupError) {
      io.err(error.message);
      return EXIT_REFUSED;
    }
    throw error;
  }
}

function add(args: string[], env: Record<string, string | undefined>, io: CliIo): number {
  const { values, positionals } = parseCommandArgs('add', () =>
    parseArgs({ args, options: ADD_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help) return help(io);
  const file = platformsFile(values.file, env);

  const [preset, ...extra] = positionals;
  if (preset === undefined) throw new Refusal([`add needs a preset: ${PRESET_NAMES.join(', ')}.`], true);
  if (!isPresetName(preset)) {
    throw new Refusal([`Unknown preset "${preset}"; use one of ${PRESET_NAMES.join(', ')}.`], true);
  }
  if (extra.length > 0) throw new Refusal([`Unexpected argument "${extra[0]}".`], true);
  const clientId = values['client-id']?.trim();
  if (clientId === undefined) throw new Refusal(['add needs --client-id.'], true);
  const deploymentIds = unique((values['deployment-id'] ?? []).map((id) => id.trim()));
  if (deploymentIds.length === 0) throw new Refusal(['add needs at least one --deployment-id.'], true);
  if (preset === 'moodle' && values.issuer === undefined) {
    throw new Refusal([
      'The moodle preset needs --issuer with the site URL, e.g. https://moodle.example.edu.',
    ]);
  }
  const given = {
    name: values.name?.trim(),
    issuer: values.issuer?.trim(),
    authEndpoint: values['auth-endpoint']?.trim(),
    tokenEndpoint: values['token-endpoint']?.trim(),
    jwksUrl: values['jwks-url']?.trim(),
  };
  const settingsGiven = settingsFromOptions(values);

  const registrations = readPlatformsFile(file);
  const candidate = registrationFromPreset(preset, { clientId, deploymentIds, ...given });
  const issuer = typeof candidate.issuer === 'string' ? candidate.issuer.trim() : undefined;
  const index = registrations.findIndex((entry) => entry.issuer === issuer && entry.clientId === clientId);
  const existing = registrations[index];

  if (existing === undefined) {
    const registration = validRegistration({
      ...candidate,
      settings: withSettings(platformSettingsSchema.parse({}), settingsGiven),
    });
    if (!save(file, [...registrations, registration], io)) return EXIT_FAILED;
    io.out(`Added ${registration.name} to ${file}:`);
    describeRegistration(registration).forEach((line) => io.out(line));
    io.out(RESTART_NOTE);
    return EXIT_OK;
  }

  // Only what the admin typed changes an existing registration; the preset's defaults do not.
  const merged = validRegistration({
    ...existing,
    // The preset named in the command is what the admin typed: it says which LMS this is.
    preset,
    name: given.name ?? existing.name,
    authEndpoint: given.authEndpoint ?? existing.authEndpoint,
    tokenEndpoint: given.tokenEndpoint ?? existing.tokenEndpoint,
    jwksUrl: given.jwksUrl ?? existing.jwksUrl,
    deploymentIds: unique([...existing.deploymentIds, ...deploymentIds]),
    settings: withSettings(existing.settings, settingsGiven),
  });
  const changes = describeChanges(existing, merged);
  if (changes.length === 0) {
    io.out(`Nothing to change: ${label(existing)} in ${file} already has those values.`);
    return EXIT_OK;
  }
  const next = registrations.map((entry, i) => (i === index ? merged : entry));
  if (!save(file, next, io)) return EXIT_FAILED;
  io.out(`Updated ${label(existing)} in ${file}:`);
  changes.forEach((line) => io.out(`  ${line}`));
  io.out(RESTART_NOTE);
  return EXIT_OK;
}

function list(args: string[], env: Record<string, string | undefined>, io: CliIo): number {
  const { values, positionals } = parseCommandArgs('list', () =>
    parseArgs({ args, options: FILE_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help) return help(io);
  if (positionals.length > 0) throw new Refusal([`Unexpected argument "${positionals[0]}".`], true);
  const file = platformsFile(values.file, env);
  const registrations = readPlatformsFile(file);
  if (registrations.length === 0) {
    io.out(`No platforms registered in ${file}.`);
    return EXIT_OK;
  }
  const count = registrations.length === 1 ? '1 platform' : `${registrations.length} platforms`;
  io.out(`${count} registered in ${file}:`);
  for (const registration of registrations) {
    io.out('');
    io.out(registration.name);
    describeRegistration(registration).forEach((line) => io.out(line));
  }
  return EXIT_OK;
}

function remove(args: string[], env: Record<string, string | undefined>, io: CliIo): number {
  const { values, positionals } = parseCommandArgs('remove', () =>
    parseArgs({ args, options: REMOVE_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help) return help(io);
  if (positionals.length > 0) throw new Refusal([`Unexpected argument "${positionals[0]}".`], true);
  const issuer = values.issuer?.trim();
  const clientId = values['client-id']?.trim();
  if (issuer === undefined || clientId === undefined) {
    throw new Refusal(
      ['remove needs --issuer and --client-id; `npm run platforms -- list` shows them.'],
      true,
    );
  }
  const file = platformsFile(values.file, env);
  // Suggested commands must edit the same file as this one.
  const fileOption = values.file === undefined ? '' : ` --file ${values.file}`;

  const registrations = readPlatformsFile(file);
  const index = registrations.findIndex((entry) => entry.issuer === issuer && entry.clientId === clientId);
  const existing = registrations[index];
  if (existing === undefined) {
    throw new Refusal([
      `No registration with issuer ${issuer} and client id ${clientId} in ${file}.`,
      `Run \`npm run platforms -- list${fileOption}\` to see the registered platforms.`,
    ]);
  }

  const toRemove = unique((values['deployment-id'] ?? []).map((id) => id.trim()));
  if (toRemove.length === 0) {
    if (
      !save(
        file,
        registrations.filter((_, i) => i !== index),
        io,
      )
    )
      return EXIT_FAILED;
    io.out(
      `Removed ${label(existing)} with deployment ids ${existing.deploymentIds.join(', ')} from ${file}.`,
    );
    io.out(RESTART_NOTE);
    return EXIT_OK;
  }

  const unknown = toRemove.filter((id) => !existing.deploymentIds.includes(id));
  if (unknown.length > 0) {
    throw new Refusal([
      `${label(existing)} has no deployment id ${unknown.join(', ')}; it has ${existing.deploymentIds.join(', ')}.`,
    ]);
  }
  const remaining = existing.deploymentIds.filter((id) => !toRemove.includes(id));
  if (remaining.length === 0) {
    throw new Refusal([
      `Not removing: ${label(existing)} would be left without a deployment id, and a registration needs at least one.`,
      'To remove the whole registration, run:',
      `  npm run platforms -- remove --issuer ${issuer} --client-id ${clientId}${fileOption}`,
    ]);
  }
  const next = registrations.map((entry, i) =>
    i === index ? { ...entry, deploymentIds: remaining } : entry,
  );
  if (!save(file, next, io)) return EXIT_FAILED;
  const ids =
    toRemove.length === 1 ? `deployment id ${toRemove[0]}` : `deployment ids ${toRemove.join(', ')}`;
  io.out(`Removed ${ids} from ${label(existing)} in ${file}.`);
  io.out(RESTART_NOTE);
  return EXIT_OK;
}

function help(io: CliIo): number {
  io.out(USAGE);
  return EXIT_OK;
}

/** Turns parseArgs's errors (unknown option, missing value) into a usage refusal. */
function parseCommandArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
    throw new Refusal([unknown ? `${command} has no option ${unknown[1]}.` : (error as Error).message], true);
  }
}

function platformsFile(option: string | undefined, env: Record<string, string | undefined>): string {
  if (option !== undefined) {
    if (option.trim() === '') throw new Refusal(['--file needs a path.'], true);
    // npm runs scripts from the project root; INIT_CWD is where the admin typed the path.
    return path.resolve(env.INIT_CWD ?? '', option);
  }
  return platformsFilePath(env.PLATFORMS_FILE);
}

function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

interface SettingsOptions {
  linkCreators?: string;
  lobbyDefault?: boolean;
  guestLogRetentionDays?: number;
  invitetomedia?: boolean;
  mediapage?: boolean;
}

function settingsFromOptions(values: {
  'link-creators'?: string;
  'lobby-default'?: string;
  'retention-days'?: string;
  invitetomedia?: string;
  mediapage?: string;
}): SettingsOptions {
  const days = values['retention-days']?.trim();
  if (days !== undefined && !/^\d+$/.test(days)) {
    throw new Refusal([`--retention-days must be a whole number of days, not "${days}".`]);
  }
  return {
    // The schema names the allowed values if this is not one of them.
    linkCreators: values['link-creators']?.trim(),
    lobbyDefault: onOff('--lobby-default', values['lobby-default']),
    guestLogRetentionDays: days === undefined ? undefined : Number(days),
    invitetomedia: onOff('--invitetomedia', values.invitetomedia),
    mediapage: onOff('--mediapage', values.mediapage),
  };
}

function onOff(option: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const word = value.trim().toLowerCase();
  if (word === 'on') return true;
  if (word === 'off') return false;
  throw new Refusal([`${option} must be on or off, not "${value}".`]);
}

function withSettings(base: PlatformSettings, options: SettingsOptions): Record<string, unknown> {
  return {
    ...base,
    linkCreators: options.linkCreators ?? base.linkCreators,
    lobbyDefault: options.lobbyDefault ?? base.lobbyDefault,
    guestLogRetentionDays: options.guestLogRetentionDays ?? base.guestLogRetentionDays,
    modules: {
      invitetomedia: options.invitetomedia ?? base.modules.invitetomedia,
      mediapage: options.mediapage ?? base.modules.mediapage,
    },
  };
}

function validRegistration(input: Record<string, unknown>): PlatformRegistration {
  const parsed = platformRegistrationSchema.safeParse(input, PARSE_PARAMS);
  if (parsed.success) return parsed.data;
  throw invalid('The registration is invalid; nothing was written:', parsed.error);
}

function invalid(heading: string, error: z.ZodError): Refusal {
  const lines = describeIssues(error).map((line, i) => {
    const option = OPTION_FOR_FIELD[formatIssuePath(error.issues[i]?.path.filter(isNotIndex) ?? [])];
    return option ? `  ${line} (${option})` : `  ${line}`;
  });
  return new Refusal([heading, ...lines]);
}

// deploymentIds[1] is still set by --deployment-id.
function isNotIndex(part: PropertyKey): boolean {
  return typeof part !== 'number';
}

/** Validates the whole list, as the server will at start, then writes it. False if writing failed. */
function save(file: string, registrations: PlatformRegistration[], io: CliIo): boolean {
  const parsed = platformRegistrationListSchema.safeParse(registrations, PARSE_PARAMS);
  if (!parsed.success)
    throw invalid(`The registrations would be invalid; ${file} was not changed:`, parsed.error);
  try {
    writePlatformsFile(file, parsed.data);
    return true;
  } catch (error) {
    io.err(`Cannot write the platforms file ${file}: ${(error as Error).message}`);
    return false;
  }
}

function label(registration: PlatformRegistration): string {
  return `${registration.name} (issuer ${registration.issuer}, client id ${registration.clientId})`;
}

function onOffText(value: boolean): string {
  return value ? 'on' : 'off';
}

/** The fields list shows and add reports changes of, as [label, value]; name is the heading. */
function fields(registration: PlatformRegistration): Array<[string, string]> {
  const { settings } = registration;
  const rows: Array<[string, string]> = [
    ['preset', registration.preset ?? 'none (each launch says which LMS it is)'],
    ['issuer', registration.issuer],
    ['client id', registration.clientId],
    ['deployment ids', registration.deploymentIds.join(', ')],
    ['auth endpoint', registration.authEndpoint],
    ['token endpoint', registration.tokenEndpoint],
    ['JWKS URL', registration.jwksUrl],
    ['link creators', settings.linkCreators],
    ['lobby by default', onOffText(settings.lobbyDefault)],
    ['guest log kept', `${settings.guestLogRetentionDays} days`],
    ['invitetomedia', onOffText(settings.modules.invitetomedia)],
    ['mediapage', onOffText(settings.modules.mediapage)],
  ];
  if (settings.roleMap && Object.keys(settings.roleMap).length > 0) {
    const pairs = Object.entries(settings.roleMap).map(([role, roomRole]) => `${role} → ${roomRole}`);
    rows.push(['role map', pairs.join(', ')]);
  }
  return rows;
}

function describeRegistration(registration: PlatformRegistration): string[] {
  const rows = fields(registration);
  const width = Math.max(...rows.map(([name]) => name.length)) + 1;
  return rows.map(([name, value]) => `  ${`${name}:`.padEnd(width)} ${value}`);
}

function describeChanges(before: PlatformRegistration, after: PlatformRegistration): string[] {
  const changes: string[] = [];
  const added = after.deploymentIds.filter((id) => !before.deploymentIds.includes(id));
  if (added.length > 0) {
    changes.push(`added deployment ${added.length === 1 ? 'id' : 'ids'} ${added.join(', ')}`);
  }
  if (before.name !== after.name) changes.push(`name: ${before.name} → ${after.name}`);
  const old = new Map(fields(before));
  for (const [name, value] of fields(after)) {
    if (name !== 'deployment ids' && old.get(name) !== value)
      changes.push(`${name}: ${old.get(name)} → ${value}`);
  }
  return changes;
}
