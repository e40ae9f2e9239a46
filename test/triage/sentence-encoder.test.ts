import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { evaluateReports } from '../../src/triage/evaluate-reports.ts';
import { Predictor } from '../../src/triage/predictor.ts';
import {
  encodeReports,
  encoderTexts,
  loadSentenceEncoder,
  SENTENCE_DIMS,
} from '../../src/triage/sentence-encoder.ts';
import { categoryTask, saveTaskSettings } from '../../src/triage/tasks/index.ts';
import { trainTask } from '../../src/triage/training.ts';
import { makeReport } from '../support/reports.ts';

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
};

// Training and test reports share almost no words: only what the encoder knows of English links them
const TRAIN: Record<string, string[]> = {
  bug: [
    'The app crashes when I click save',
    'Editor freezes after opening a large file',
    'Error thrown on startup since the last update',
    'Button does nothing when pressed',
    'Segfault when loading the plugin',
    'Wrong result returned by the sum function',
    'The window goes blank after resizing',
    'Exception in the console when submitting the form',
    'Memory leak makes the process use 8 GB',
    'Text is cut off in the dialog',
  ],
  feature: [
    'Please add a dark theme',
    'It would be nice to support exporting to PDF',
    'Feature request: keyboard shortcut for closing tabs',
    'Allow configuring the font size',
    'Add an option to disable telemetry',
    'Support for Python 3.12 would be great',
    'Could you add a search box to the settings page',
    'Proposal: let users pin favourite files',
    'Provide an API to list all open documents',
    'Request to add Spanish translation',
  ],
  question: [
    'How do I change the default language?',
    'What is the recommended way to install on Windows?',
    'Is there documentation for the configuration file?',
    'Why does the build take so long, is that expected?',
    'Where can I find the log files?',
    'Can someone explain the difference between these two modes?',
    'Which version should I use with Node 18?',
    'How can I run the tests locally?',
    'Is it possible to use this with Docker?',
    'What does this warning mean?',
  ],
};
const TEST: Record<string, string[]> = {
  bug: [
    'Program terminates unexpectedly at launch',
    'Application hangs indefinitely, must kill it',
    'Clicking OK has no effect at all',
  ],
  feature: [
    'Wish: a night mode for the interface',
    'Would love the ability to print documents',
    'Suggestion: make colours customisable',
  ],
  question: [
    'Help needed: how to set up a proxy?',
    'Does anybody know where settings are stored?',
    'Any guide for getting started on Linux?',
  ],
};

function reports(set: Record<string, string[]>, from: number) {
  let id = from;
  return Object.entries(set).flatMap(([type, titles]) =>
    titles.map((summary, i) =>
      makeReport({
        externalId: String(id++),
        summary,
        description: '',
        type,
        // the kinds take turns in time, so a time split trains and validates on each of them
        createdAt: new Date(Date.UTC(2024, 0, 1 + i * 3 + Object.keys(set).indexOf(type))).toISOString(),
      }),
    ),
  );
}

describe('the sentence encoder', () => {
  it('reads the title, then every field without code blocks or HTML comments, capped', () => {
    const [title, all] = encoderTexts([
      'Crash on save',
      `<!-- template -->Steps:\n\`\`\`\nstack frame\n\`\`\`\nthen it fails ${'x'.repeat(2000)}`,
    ]);
    assert.equal(title, 'Crash on save');
    assert.ok(all.startsWith('Crash on save. Steps: then it fails'), all.slice(0, 60));
    assert.ok(!all.includes('stack frame') && !all.includes('template'));
    assert.equal(all.length, 1000);
  });

  it('puts paraphrases closer together than reports of another kind', async () => {
    const encoder = await loadSentenceEncoder();
    const [crash, paraphrase, wish] = await encoder.encode([
      ['The app crashes when I click save'],
      ['Program terminates unexpectedly when saving'],
      ['Please add a dark theme'],
    ]);
    assert.equal(crash!.length, SENTENCE_DIMS);
    assert.ok(cosine(crash!, paraphrase!) > cosine(crash!, wish!) + 0.1);
    await assert.rejects(loadSentenceEncoder('bert'), /unknown sentence encoder "bert"/);
  });

  it('encodes many reports on two threads into the vectors one thread gives, in order', async () => {
    const encoder = await loadSentenceEncoder();
    const onTwo = await loadSentenceEncoder(undefined, 2);
    const words = ['crash', 'save', 'theme', 'install', 'docs', 'slow', 'font', 'proxy', 'tab', 'log'];
    const docs = Array.from({ length: 230 }, (_, i) => [
      `${words[i % 10]} ${words[(i * 7) % 10]} ${i}`,
      `when I ${words[(i * 3) % 10]} it fails`,
    ]);
    const one = await encoder.encode(docs);
    const seen: number[] = [];
    const two = await onTwo.encode(docs, (done) => seen.push(done));
    assert.equal(two.length, docs.length);
    for (let i = 0; i < docs.length; i++)
      for (let d = 0; d < SENTENCE_DIMS; d += 97)
        assert.ok(Math.abs(two[i]![d]! - one[i]![d]!) < 1e-5, `${i}/${d}`);
    assert.equal(seen.at(-1), docs.length);
  });

  it('lets evaluate classify reports whose words it never saw, and says the vectors were chosen', async () => {
    const train = reports(TRAIN, 1);
    const test = reports(TEST, 100);
    const vectors = await encodeReports(
      [...train, ...test],
      ['summary', 'description'],
      await loadSentenceEncoder(),
    );
    const opts = {
      label: 'type',
      split: { kind: 'file' },
      testReports: test,
      model: 'auto',
      seed: 1,
    } as const;
    const words = evaluateReports(train, opts);
    const both = evaluateReports(train, { ...opts, sentenceVectors: vectors });
    assert.ok(both.candidates.some((c) => c.description.includes('use-lite')));
    assert.ok(both.candidates.some((c) => !c.description.includes('use-lite')));
    assert.match(both.model, /use-lite/);
    assert.ok(both.accuracy >= 0.75, `with the encoder ${both.accuracy}`);
    assert.ok(both.accuracy > words.accuracy, `${both.accuracy} against words alone ${words.accuracy}`);
    assert.throws(
      () => evaluateReports(train, { ...opts, sentenceVectors: { ...vectors, of: () => undefined } }),
      /has no use-lite vector/,
    );
  });

  it('trains a stored task with it, and the served model encodes each report it is asked about', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, [...reports(TRAIN, 1), ...reports(TEST, 100)]);
      // chosen on the admin page: a task's setting
      await saveTaskSettings(store, categoryTask, { sentenceEncoder: 'use-lite' });
      const outcome = await trainTask(store, 'category');
      assert.match(outcome.model, /use-lite/);
      const predictor = new Predictor(store, { refreshMs: 0 });
      const c = await predictor.classify({ summary: 'Could you make it possible to zoom into pictures' });
      const answer = c.answers.category!;
      assert.equal(answer.ranking[0]!.label, 'feature');
      assert.ok(
        answer.explanation[0]!.because.some((b) => b.feature === "(the report's meaning, use-lite)"),
        JSON.stringify(answer.explanation[0]),
      );
    } finally {
      await store.close();
    }
  });
});
