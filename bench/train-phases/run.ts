// bench/train-phases: where `train` spends its time and memory, phase by phase, on a store.
// Usage: npm run bench:train-phases -- --db sqlite:PATH [--task component] [--threads 2] [--json]
// Trains the task on the store as `eightball train` does (it stores and activates a version: run it
// on a copy) and prints a line per phase as it begins: seconds since the start, resident memory,
// the V8 heap and the typed arrays' buffers. A phase that repeats (the search's folds) is printed
// when its name changes. For the peak, run it under `/usr/bin/time -v`: between two lines the
// resident size can rise a gigabyte and fall again.
import { openStore } from '../../src/store/index.ts';
import { trainTask } from '../../src/triage/training.ts';
import { numberArg } from '../options.ts';

function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const db = stringArg('db', '');
if (!db) {
  process.stderr.write(
    'usage: npm run bench:train-phases -- --db sqlite:PATH [--task T] [--threads N] [--json]\n',
  );
  process.exit(2);
}
const json = process.argv.includes('--json');
const mib = (n: number) => Math.round(n / 2 ** 20);
const t0 = performance.now();
const phases: { seconds: number; rssMiB: number; heapMiB: number; buffersMiB: number; phase: string }[] = [];
const mark = (phase: string) => {
  const m = process.memoryUsage();
  const row = {
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    rssMiB: mib(m.rss),
    heapMiB: mib(m.heapUsed),
    buffersMiB: mib(m.arrayBuffers),
    phase,
  };
  phases.push(row);
  if (!json)
    process.stdout.write(
      `${row.seconds.toFixed(1).padStart(7)} s  rss ${String(row.rssMiB).padStart(6)}  heap ${String(row.heapMiB).padStart(6)}  buffers ${String(row.buffersMiB).padStart(6)} MiB  ${phase}\n`,
    );
};
const store = await openStore(db);
let last = '';
try {
  const out = await trainTask(store, stringArg('task', 'component') as never, {
    threads: numberArg('threads', 2),
    onProgress: (what) => {
      // the candidates' names and counters change inside one phase
      const key = what.replace(/\d+/g, '#').replace(/cross-validating .*/, 'cross-validating');
      if (key !== last) mark(what);
      last = key;
    },
  });
  mark('done');
  if (json) process.stdout.write(`${JSON.stringify({ phases, accuracy: out.accuracy, model: out.model })}\n`);
  else process.stdout.write(`${out.model}: validation accuracy ${out.accuracy.toFixed(5)}\n`);
} finally {
  await store.close();
}
