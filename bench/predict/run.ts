// bench/predict: single-report latency of a 58-class model (Jira HIVE component), measured the way
// the service answers: a process holding only the loaded model, one report at a time.
// Usage: npm run bench:predict
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeSplit } from '../../src/evaluation/splits.ts';
import { DEFAULT_VECTORIZER, serializeClassifier, TextClassifier, tokenizeDoc } from '../../src/ml/index.ts';
import { loadReports } from '../../src/sources/load-reports.ts';
import { defaultMetaFields, docOf } from '../../src/triage/dataset.ts';

const here = dirname(fileURLToPath(import.meta.url));
const data = process.env.EIGHTBALL_SHARED_DATA ?? resolve(here, '../../../shared/data');
const TEXT = ['summary', 'description'];
const meta = defaultMetaFields('component');

const { reports } = await loadReports(join(data, 'jira/apache/HIVE.jsonl'));
const labelled = reports.filter((r) => r.component !== null);
const split = timeSplit(labelled.map((r) => ({ time: r.createdAt, id: r.externalId })));
const counts = new Map<string, number>();
for (const i of split.train)
  counts.set(labelled[i]!.component!, (counts.get(labelled[i]!.component!) ?? 0) + 1);
const train = split.train.map((i) => labelled[i]!).filter((r) => counts.get(r.component!)! >= 5);
const test = split.test.map((i) => labelled[i]!);
const model = new TextClassifier({
  vectorizer: { ...DEFAULT_VECTORIZER, metaFields: meta },
  model: { kind: 'svm', C: 1, classWeight: 'balanced' },
  seed: 1,
}).fit(
  train.map((r) => tokenizeDoc(docOf(r, TEXT, meta))),
  train.map((r) => r.component!),
);
const dir = mkdtempSync(join(tmpdir(), 'eightball-predict-'));
writeFileSync(join(dir, 'model.bin'), serializeClassifier(model));
writeFileSync(join(dir, 'test.json'), JSON.stringify(test.map((r) => docOf(r, TEXT, meta))));
const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'serve-like.ts'), dir], {
  encoding: 'utf8',
});
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `model: ${model.classes.length} classes, ${model.vectorizer.nFeatures} features, ${train.length} training reports\n${out}`,
);
