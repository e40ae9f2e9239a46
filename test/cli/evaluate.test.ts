import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/eightball.js');
const dir = mkdtempSync(join(tmpdir(), 'eightball-eval-'));

function csv(): string {
  const rows = ['id,title,body,component,created'];
  const words: Record<string, string[]> = {
    Editor: ['autocomplete', 'syntax highlight', 'indent', 'undo'],
    Debugger: ['breakpoint', 'step over', 'watch expression', 'call stack'],
    Build: ['maven', 'gradle', 'classpath', 'compile'],
  };
  for (let i = 0; i < 120; i++) {
    const c = Object.keys(words)[i % 3]!;
    const w = words[c]!;
    rows.push(
      `${i + 1},"${w[i % 4]} broken",<b>${w[(i + 1) % 4]}</b> fails,${c},2021-01-${String((i % 28) + 1).padStart(2, '0')}`,
    );
  }
  rows.push('999,"<script>alert(1)</script> in title",x,Editor,2021-02-01');
  const p = join(dir, 'issues.csv');
  writeFileSync(p, `${rows.join('\n')}\n`);
  return p;
}

describe('eightball evaluate', () => {
  const input = csv();

  it('prints the JSON contract', () => {
    const r = spawnSync(
      process.execPath,
      [BIN, 'evaluate', '-i', input, '--label', 'component', '--split', 'random', '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (const k of [
      'accuracy',
      'macroF1',
      'microF1',
      'weightedF1',
      'top3',
      'auc',
      'brier',
      'ece',
      'nTrain',
      'nTest',
      'classes',
      'fitSeconds',
      'predictMsPerReport',
      'perClass',
    ]) {
      assert.ok(k in j, k);
    }
    assert.equal(j.classes, 3);
    assert.equal(j.perClass.length, 3);
    assert.ok(j.accuracy > 0.8);
  });

  it('writes a self-contained HTML report with every chart, and escapes report text', () => {
    const html = join(dir, 'report.html');
    const r = spawnSync(
      process.execPath,
      [BIN, 'evaluate', '-i', input, '--label', 'component', '--model', 'nb', '--html', html, '-q'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const page = readFileSync(html, 'utf8');
    for (const id of ['roc', 'pr', 'confusion', 'reliability', 'cost', 'coverage'])
      assert.match(page, new RegExp(`<figure id="${id}">[\\s\\S]*?<svg`));
    assert.doesNotMatch(page, /<script/i);
    assert.match(page, /macro F1/);
  });

  it('exits 2 on a bad split or label', () => {
    const bad = spawnSync(
      process.execPath,
      [BIN, 'evaluate', '-i', input, '--label', 'component', '--split', 'sideways'],
      { encoding: 'utf8' },
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--split: "sideways"/);
    const label = spawnSync(process.execPath, [BIN, 'evaluate', '-i', input, '--label', 'colour'], {
      encoding: 'utf8',
    });
    assert.equal(label.status, 2);
    assert.match(label.stderr, /--label: "colour"/);
    const chars = spawnSync(
      process.execPath,
      [BIN, 'evaluate', '-i', input, '--label', 'component', '--char-ngrams', '5-2'],
      { encoding: 'utf8' },
    );
    assert.equal(chars.status, 2);
    assert.match(chars.stderr, /--char-ngrams: "5-2" is not LO-HI/);
    const pool = spawnSync(
      process.execPath,
      [BIN, 'evaluate', '-i', input, '--label', 'component', '--pool-groups'],
      { encoding: 'utf8' },
    );
    assert.equal(pool.status, 2);
    assert.match(pool.stderr, /--pool-groups goes with --group-by/);
  });

  /** `evaluate` of the component on a random split, with more flags, as JSON */
  const evaluateWith = (...flags: string[]) =>
    spawnSync(
      process.execPath,
      [BIN, 'evaluate', '-i', input, '--label', 'component', '--split', 'random', ...flags, '--json'],
      { encoding: 'utf8' },
    );

  it('adds character n-grams when asked, and says so in the model', () => {
    const r = evaluateWith('--char-ngrams', '2-4');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.match(j.model, /chars 2-4/);
    assert.ok(j.accuracy > 0);
  });

  it('answers with the best model alone when told --no-blend, and says which model in both cases', () => {
    const single = JSON.parse(evaluateWith('--no-blend').stdout);
    assert.equal(single.blend, undefined);
    assert.doesNotMatch(single.model, /blend/);
    const help = spawnSync(process.execPath, [BIN, 'evaluate', '--help'], { encoding: 'utf8' }).stdout;
    assert.match(help, /--no-blend/);
    assert.match(help, /Up to 5000 training reports, the answer is a blend/);
  });

  it('encodes the reports with a sentence encoder when asked, and times that apart', () => {
    const run = (encoder: string) => evaluateWith('--sentence-encoder', encoder);
    const r = run('use-lite');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.sentenceEncoding.encoder, 'use-lite');
    assert.equal(j.sentenceEncoding.reports, 121);
    assert.ok(j.sentenceEncoding.seconds > 0);
    assert.ok(j.candidates.some((c: { description: string }) => c.description.includes('use-lite')));
    const bad = run('bert');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /sentence-encoder.*bert/);
  });
});
