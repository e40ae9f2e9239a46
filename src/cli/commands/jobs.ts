import { type Command, Option } from 'commander';
import { EightballError } from '../../domain/index.ts';
import { openConfiguredQueue } from '../../jobs/open-queue.ts';
import type { JobInfo, JobQueue, JobState } from '../../jobs/queue.ts';
import { openStore } from '../../store/index.ts';
import { checkTaskName, SENTENCE_ENCODER } from '../../triage/index.ts';
import { configFrom, isQuiet } from '../context.ts';
import { createProgress } from '../progress.ts';

const STATES: JobState[] = ['waiting', 'delayed', 'active', 'completed', 'dead', 'cancelled'];

async function withQueue<T>(cmd: Command, fn: (queue: JobQueue) => Promise<T>): Promise<T> {
  const config = configFrom(cmd);
  const store = await openStore(config.databaseUrl);
  const queue = await openConfiguredQueue(store, config);
  try {
    return await fn(queue);
  } finally {
    await queue.close();
    await store.close();
  }
}

function line(j: JobInfo): string {
  const p = j.progress
    ? ` ${j.progress.message}${j.progress.total > 0 ? ` ${Math.round((100 * j.progress.done) / j.progress.total)}%` : ''}`
    : '';
  return `${j.id.padEnd(6)} ${j.name.padEnd(15)} ${j.state.padEnd(9)} ${j.attempts}/${j.maxAttempts} ${j.createdAt.slice(0, 19)}${p}${j.error ? `  error: ${j.error}` : ''}\n`;
}

/** Follow a job with the same progress bar the direct commands draw, until it ends. */
async function follow(queue: JobQueue, id: string, quiet: boolean): Promise<JobInfo> {
  const bar = createProgress(`job ${id}`, !quiet && process.stderr.isTTY === true);
  for (;;) {
    const j = await queue.get(id);
    if (!j) throw new EightballError('not-found', `job ${id} not found`);
    if (j.progress)
      bar.update(j.progress.done, j.progress.total > 0 ? j.progress.total : undefined, j.progress.message);
    if (j.state === 'completed' || j.state === 'dead' || j.state === 'cancelled') {
      bar.stop();
      return j;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('background jobs: queue one, follow it, list, cancel, retry')
    .addHelpText(
      'after',
      `
Jobs run on eightball worker processes (and inside eightball serve with the embedded queue).

Examples:
  $ eightball jobs add train --task component --follow
  $ eightball jobs add evaluate --task category --follow --json
  $ eightball jobs list --state dead
  $ eightball jobs retry 42`,
    );
  jobs
    .command('add')
    .description('queue a job: train, evaluate, import-source')
    .argument('<name>', 'train | evaluate | import-source')
    .option('-t, --task <task>', 'for train and evaluate')
    .option('--force', 'train: activate even if worse')
    .addOption(
      new Option(
        '--sentence-encoder <name>',
        "train and evaluate: also try a pretrained sentence encoder's vectors (see eightball train --help)",
      ).choices([SENTENCE_ENCODER]),
    )
    .option('--source <id>', 'import-source: the data source id (see the admin page)')
    .option('-f, --follow', 'wait for the job, showing its progress; exit 1 if it fails')
    .option('--json', 'print the job (with --follow: as it ended) as JSON')
    .action(async (name: string, o, cmd: Command) => {
      let data: Record<string, unknown>;
      if (name === 'train' || name === 'evaluate') {
        // the worker checks the task exists (a team's tasks live in its database)
        data = o.task ? { task: checkTaskName(o.task) } : {};
        if (name === 'evaluate' && !o.task) throw new EightballError('usage', 'evaluate needs --task');
        if (o.force) data.force = true;
        if (o.sentenceEncoder) data.sentenceEncoder = o.sentenceEncoder;
      } else if (name === 'import-source') {
        if (!/^\d+$/.test(String(o.source ?? '')))
          throw new EightballError('usage', 'import-source needs --source ID');
        data = { sourceId: Number(o.source) };
      } else throw new EightballError('usage', `unknown job "${name}": train, evaluate or import-source`);
      await withQueue(cmd, async (queue) => {
        // a train job whose worker died is taken up again: its run key makes the second run store nothing twice
        let job = await queue.enqueue(name, data, { attempts: 3 });
        if (!o.json) process.stderr.write(`queued job ${job.id} (${name}) on the ${queue.backend} queue\n`);
        if (o.follow) job = await follow(queue, job.id, isQuiet(cmd));
        process.stdout.write(o.json ? `${JSON.stringify(job)}\n` : line(job));
        if (o.follow && job.state !== 'completed') process.exitCode = 1;
      });
    });
  jobs
    .command('list')
    .description('the newest jobs')
    .option('-s, --state <state>', STATES.join(', '))
    .option('-n, --limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'a JSON array')
    .action(async (o, cmd: Command) => {
      if (o.state && !STATES.includes(o.state))
        throw new EightballError('usage', `--state: one of ${STATES.join(', ')}`);
      await withQueue(cmd, async (queue) => {
        const list = await queue.list({ ...(o.state ? { state: o.state } : {}), limit: o.limit });
        process.stdout.write(o.json ? `${JSON.stringify(list)}\n` : list.map(line).join('') || 'no jobs\n');
      });
    });
  for (const action of ['cancel', 'retry'] as const) {
    jobs
      .command(action)
      .description(
        action === 'cancel' ? 'cancel a waiting or running job' : 'run a dead or cancelled job again',
      )
      .argument('<id>')
      .action(async (id: string, _o, cmd: Command) => {
        await withQueue(cmd, async (queue) => {
          const ok = action === 'cancel' ? await queue.cancel(id) : await queue.retry(id);
          if (!ok)
            throw new EightballError(
              'rejected',
              `job ${id} cannot be ${action === 'cancel' ? 'cancelled' : 'retried'} (missing, or in the wrong state)`,
            );
          process.stdout.write(`job ${id}: ${action === 'cancel' ? 'cancel requested' : 'queued again'}\n`);
        });
      });
  }
}
