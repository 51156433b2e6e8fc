// Builds dist/ only when what it is compiled from changed since the last build: `npm start`
// used to spend ~15-25 s in tsc on every start, even with nothing to compile. The stamp is a
// hash of every source file's path, size and modification time (so edits, checkouts, new and
// deleted files all count); it lives in dist/, so deleting dist/ (or a fresh clone) builds.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const root = path.resolve(import.meta.dirname, '..');
const stampFile = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function* files(entry) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return;
  if (!fs.statSync(full).isDirectory()) return yield entry;
  for (const name of fs.readdirSync(full).sort()) yield* files(path.join(entry, name));
}

const hash = createHash('sha256');
for (const input of inputs) {
  for (const file of files(input)) {
    const { size, mtimeMs } = fs.statSync(path.join(root, file));
    hash.update(`${file}\0${size}\0${mtimeMs}\n`);
  }
}
const stamp = hash.digest('hex');
const built = fs.existsSync(path.join(root, 'dist', 'server.js'));
if (built && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) process.exit(0);

execFileSync(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
fs.writeFileSync(stampFile, stamp);
