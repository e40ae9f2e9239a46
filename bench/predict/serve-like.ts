// Loads a model artifact and times predictions one report at a time, three passes over the reports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserializeClassifier, type RawDoc } from '../../src/ml/index.ts';

const dir = process.argv[2]!;
const model = deserializeClassifier(readFileSync(join(dir, 'model.bin')));
const docs = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as RawDoc[];
for (let pass = 1; pass <= 3; pass++) {
  const t: number[] = [];
  for (const d of docs) {
    const a = performance.now();
    model.predict(model.tokenize(d));
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  const q = (p: number) => t[Math.min(t.length - 1, Math.floor(p * t.length))]!.toFixed(2);
  const mean = (t.reduce((x, y) => x + y, 0) / t.length).toFixed(2);
  process.stdout.write(
    `pass ${pass}: ${t.length} reports, mean ${mean} ms, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms\n`,
  );
}
