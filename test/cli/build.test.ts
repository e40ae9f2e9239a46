import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commandOf } from '../../src/cli/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const version = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;

describe('the compiled CLI', () => {
  it('npm install built dist/, and the compiled CLI runs with no TypeScript loader', () => {
    assert.ok(existsSync(`${root}dist/.built`), 'npm install runs the build (prepare); run npm run build');
    // plain node, no tsx: what bin/eightball.js runs when the build is fresh
    const r = spawnSync(process.execPath, [`${root}dist/cli/run.js`, '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
    const help = spawnSync(process.execPath, [`${root}dist/cli/run.js`, 'stats', '--help'], {
      encoding: 'utf8',
    });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: eightball stats/);
  });

  it('finds the command a line names past the global options, so only its module is loaded', () => {
    assert.equal(commandOf(['--db', 'sqlite:x.db', '-q', 'serve', '--port', '0']), 'serve');
    assert.equal(commandOf(['--config', 'c.json', 'import', 'file', 'a.csv']), 'import');
    assert.equal(commandOf(['--version']), null);
    assert.equal(commandOf([]), null);
  });
});
