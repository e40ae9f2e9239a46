// bench/artifact: the model artifact's size, write and load times, binary against the JSON
// envelope every version before it wrote, on models the shape of bench:scale's million-report
// ones (60 classes; 176,654 word features, and with bigrams the 559,240 the weight budget keeps of
// 2.15 million). The weights are random, rounded to half precision as fitting rounds them: size
// and time depend on the shape, not the values. Each load is timed on a fresh copy of the
// bytes, as the server reads them from the database; the JSON one includes JSON.parse.
// Usage: npm run bench:artifact [-- --features 176654 --classes 60]
import { cpus, totalmem } from 'node:os';
import { roundToHalf } from '../../src/ml/half-float.ts';
import { deserializeModel, serializeClassifier } from '../../src/ml/index.ts';
import { FittedLinearModel } from '../../src/ml/linear-model.ts';
import {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  FittedTextClassifier,
  featureBudget,
} from '../../src/ml/text-classifier.ts';
import { DEFAULT_VECTORIZER, FittedVectorizer } from '../../src/ml/vectorizer.ts';
import { legacyArtifact } from '../../test/support/legacy-artifact.ts';
import { numberArg } from '../options.ts';

const shapes = process.argv.includes('--features')
  ? [{ features: numberArg('features', 176_654), classes: numberArg('classes', 60) }]
  : [
      { features: 176_654, classes: 60 },
      { features: featureBudget(60), classes: 60 },
    ];

function model(features: number, classes: number): FittedTextClassifier {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const terms = Array.from(
    { length: features },
    (_, i) => `summary:w${i.toString(36)}${i % 7 === 0 ? ' bigram' : ''}`,
  );
  const idf = Float32Array.from({ length: features }, () => 1 + rnd() * 8);
  const weights = roundToHalf(Float32Array.from({ length: features * classes }, () => rnd() - 0.5));
  const labels = Array.from({ length: classes }, (_, k) => `Product${k % 5}::Component ${k}`);
  const vectorizer = new FittedVectorizer(
    DEFAULT_VECTORIZER,
    new Map(terms.map((t, i) => [t, i])),
    idf,
    terms,
    features,
  );
  const linear = new FittedLinearModel('svm', labels, features, weights, new Float32Array(classes));
  return new FittedTextClassifier(
    { vectorizer: DEFAULT_VECTORIZER, model: { kind: 'svm', C: 1, classWeight: 'balanced' }, seed: 1 },
    vectorizer,
    linear,
    1,
    null,
  );
}

const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const r = f();
  return [r, (performance.now() - t0) / 1000];
};
const rows: string[] = [];
for (const { features, classes } of shapes) {
  const m = model(features, classes);
  const [bin, binWrite] = time(() => serializeClassifier(m));
  let json: string | null = null;
  let jsonWrite = Number.NaN;
  try {
    [json, jsonWrite] = time(() => legacyArtifact(m, ARTIFACT_FORMAT, ARTIFACT_VERSION));
  } catch (e) {
    // past V8's longest string (2^29 characters): the JSON envelope cannot hold this model at all
    if ((e as { code?: string }).code !== 'ERR_STRING_TOO_LONG' && !(e instanceof RangeError)) throw e;
  }
  const loads = (bytes: () => Buffer | string) => {
    const ts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const input = bytes();
      ts.push(time(() => deserializeModel(input))[1]);
    }
    return Math.min(...ts);
  };
  const binLoad = loads(() => Buffer.from(bin));
  const jsonLoad = json === null ? Number.NaN : loads(() => `${json}`);
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  rows.push(
    `| ${features.toLocaleString('en')} × ${classes} | ${mib(bin.length)} | ${json === null ? 'too long for a string' : mib(Buffer.byteLength(json))} | ${binWrite.toFixed(2)} | ${json === null ? '–' : jsonWrite.toFixed(2)} | **${binLoad.toFixed(2)}** | ${json === null ? '–' : jsonLoad.toFixed(2)} |`,
  );
}
process.stdout.write(
  `# model artifact\n\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.\n\n| features × classes | binary MiB | JSON MiB | binary write s | JSON write s | binary load s | JSON load s |\n|---|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n`,
);
