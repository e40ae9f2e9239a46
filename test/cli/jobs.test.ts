import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { cliDatabase } from '../support/cli-db.ts';
import { BIN } from '../support/serve-process.ts';

describe('eightball worker and eightball jobs', () => {
  const { db, cli, seed } = cliDatabase('jobs');
  let worker: ChildProcess;

  before(async () => {
    await seed(120);
    worker = spawn(process.execPath, [BIN, '--db', db, 'worker'], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      worker.stderr!.on('data', (d: Buffer) => {
        if (/worker \S+ on the embedded queue/.test(d.toString())) resolve();
      });
      worker.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
    });
  });
  after(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
  });

  it('queues a job, follows it to the end and prints its result', () => {
    const r = cli('jobs', 'add', 'train', '--task', 'component', '--follow', '--json');
    assert.equal(r.status, 0, r.stderr);
    const job = JSON.parse(r.stdout) as {
      state: string;
      result: { task: string; version: number; activated: boolean }[];
    };
    assert.equal(job.state, 'completed');
    assert.deepEqual(
      job.result.map((x) => [x.task, x.version, x.activated]),
      [['component', 1, true]],
    );
    const models = cli('models', '--json');
    assert.equal((JSON.parse(models.stdout) as unknown[]).length, 1);
  });

  it('lists jobs, and refuses to retry what cannot be retried', () => {
    const list = JSON.parse(cli('jobs', 'list', '--json').stdout) as { name: string; state: string }[];
    assert.deepEqual(
      list.map((j) => [j.name, j.state]),
      [['train', 'completed']],
    );
    const r = cli('jobs', 'retry', '999');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /job 999 cannot be retried/);
    assert.equal(cli('jobs', 'add', 'evaluate').status, 2, 'evaluate needs --task');
  });

  it('stops on SIGTERM with exit 0', async () => {
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
