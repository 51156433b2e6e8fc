// Entry point of `npm run platforms`; the logic lives in platforms-command.ts.
import { loadDotEnv } from './config';
import { runPlatformsCli } from './platforms/platforms-command';

const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };
loadDotEnv();
process.exitCode = runPlatformsCli(process.argv.slice(2), process.env, io);
