// The build `npm install` runs (prepare): the TypeScript sources compiled to dist/ once, so the CLI,
// the server and their worker threads start plain JavaScript instead of compiling at every start.
// Without the compiler (an install without dev dependencies) it builds nothing, and bin/eightball.js
// runs the sources through tsx as before.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('eightball build: no TypeScript compiler installed; the CLI will run the sources\n');
  process.exit(0);
}
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
cpSync(join(root, 'src/web/public'), join(dist, 'web/public'), { recursive: true });
if (!existsSync(join(dist, 'cli/run.js'))) throw new Error('build: dist/cli/run.js was not written');
// written last: bin/eightball.js runs dist/ only while no source is newer than this
writeFileSync(join(dist, '.built'), `${new Date().toISOString()}\n`);
