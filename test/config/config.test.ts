import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, threadsSetting } from '../../src/config/config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.databaseUrl, 'sqlite:./eightball.db');
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
  });

  it('takes flags over environment over file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eightball-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ port: 9000, host: '0.0.0.0', databaseUrl: 'sqlite:/tmp/file.db' }));
    const c = loadConfig({
      env: { EIGHTBALL_PORT: '9100', EIGHTBALL_DATABASE_URL: 'sqlite:/tmp/env.db' },
      flags: { databaseUrl: 'sqlite::memory:' },
      file,
    });
    assert.equal(c.databaseUrl, 'sqlite::memory:');
    assert.equal(c.port, 9100);
    assert.equal(c.host, '0.0.0.0');
  });

  it('names the variable and the rule when a value is bad', () => {
    assert.throws(() => loadConfig({ env: { EIGHTBALL_PORT: 'eighty' } }), /EIGHTBALL_PORT: .*number/i);
    assert.throws(
      () => loadConfig({ env: { EIGHTBALL_DATABASE_URL: 'mysql://x' } }),
      /EIGHTBALL_DATABASE_URL: must be sqlite:PATH/,
    );
    assert.throws(() => loadConfig({ env: {}, flags: { databaseUrl: 'nope' } }), /--database-url: must be/);
  });

  it('refuses an unknown setting in a config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eightball-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    assert.throws(() => loadConfig({ env: {}, file }), /unknown setting "prot"/);
  });
  it('reads EIGHTBALL_THREADS, defaulting to the cores, and names it when it is bad', () => {
    assert.equal(threadsSetting({ EIGHTBALL_THREADS: '3' }), 3);
    assert.ok(threadsSetting({}) >= 1);
    assert.throws(
      () => threadsSetting({ EIGHTBALL_THREADS: 'many' }),
      /EIGHTBALL_THREADS: must be a whole number/,
    );
    assert.throws(() => threadsSetting({ EIGHTBALL_THREADS: '0' }), /EIGHTBALL_THREADS/);
  });

  it('takes the threads of a config file when EIGHTBALL_THREADS is not set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eightball-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ threads: 1, port: 9000 }));
    assert.equal(threadsSetting({}, file), 1);
    assert.equal(threadsSetting({ EIGHTBALL_CONFIG: file }), 1);
    assert.equal(threadsSetting({ EIGHTBALL_THREADS: '2' }, file), 2);
    writeFileSync(file, JSON.stringify({ port: 9000 }));
    assert.ok(threadsSetting({}, file) >= 1);
    writeFileSync(file, JSON.stringify({ threads: 'all' }));
    assert.throws(() => threadsSetting({}, file), /config file .*c\.json: threads: must be a whole number/);
  });
});
