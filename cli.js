/* global process, console */
// Runs a command-line tool from the build (dist/scripts/<name>.js), building first only when a
// source file is newer than the build: `npm run keys -- list` then starts in well under a second.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z-]+$/.test(name)) {
  console.error('usage: node cli.js <tool> [arguments]   (a file of scripts/, e.g. keys)');
  process.exit(2);
}
const root = import.meta.dirname;
const target = join(root, 'dist', 'scripts', `${name}.js`);

/** The newest modification time of the TypeScript sources the build compiles. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(...['src', 'scripts', 'migrations'].map((dir) => newestSource(join(root, dir))));
if (!existsSync(target) || statSync(target).mtimeMs < sources) {
  console.error('Building (a source file is newer than dist/)…');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
}
process.argv = [process.argv[0], target, ...args];
await import(pathToFileURL(target).href);
