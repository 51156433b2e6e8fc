import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from '../errors';
import { describeIssues } from '../validation';
import { platformRegistrationListSchema, type PlatformRegistration } from './platform';

/** Reads and validates the registrations file. A missing file means "no registrations yet". */
export function readPlatformsFile(file: string): PlatformRegistration[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StartupError(`Cannot read the platforms file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StartupError(`The platforms file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = platformRegistrationListSchema.safeParse(json);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error).map((line) => `  ${line}`);
    throw new StartupError(`The platforms file ${file} is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Writes the file atomically so a crash never leaves half a registration list behind. */
export function writePlatformsFile(file: string, registrations: PlatformRegistration[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(registrations, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(temporary, file);
}
