import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WritebackRule } from '../../src/store/index.ts';
import type { FieldChange } from '../../src/trackers/hook-payloads.ts';
import { answersAsFor, type DecisionInput, decide } from '../../src/trackers/writeback-decision.ts';

const rule = (o: Partial<WritebackRule> = {}): WritebackRule => ({
  source: 'bugzilla:moz',
  task: 'component',
  mode: 'apply',
  threshold: 0.7,
  labelThresholds: {},
  untriaged: ['General', 'Untriaged'],
  needsTriageLabel: null,
  ...o,
});
const ranking = [
  { label: 'Core::Printing', probability: 0.8 },
  { label: 'Core::DOM', probability: 0.15 },
  { label: 'Firefox::General', probability: 0.05 },
];
const input = (o: Partial<DecisionInput> = {}): DecisionInput => ({
  rule: rule(),
  ranking,
  answersAs: 'component',
  taskLabels: ranking.map((r) => r.label),
  state: { product: 'Core', component: 'General', labels: [] },
  humanChanges: [],
  done: new Set(),
  ...o,
});
const change = (o: Partial<FieldChange>): FieldChange => ({
  field: 'component',
  removed: '',
  added: '',
  who: 'triager@example.org',
  at: '2026-11-30T12:00:00Z',
  ...o,
});

describe('the write-back guard rails', () => {
  it('moves an untriaged report to the answer it is sure of, and says it will comment', () => {
    const p = decide(input());
    assert.deepEqual(p.act, {
      kind: 'set-component',
      decision: 'Core::Printing',
      product: 'Core',
      component: 'Printing',
      probability: 0.8,
      productOnly: false,
    });
    assert.equal(p.comment, true);
  });

  it('leaves a triaged report alone', () => {
    const p = decide(input({ state: { product: 'Core', component: 'DOM', labels: [] } }));
    assert.equal(p.act, null);
    assert.match(p.reasons[0]!, /already triaged: the component is DOM/);
  });

  it('never moves a report into a component, or a product, a person moved it out of', () => {
    const back = decide(input({ humanChanges: [change({ removed: 'Printing', added: 'General' })] }));
    assert.equal(back.act, null);
    assert.match(back.reasons.join(' '), /triager@example.org moved it out of Core::Printing/);
    const product = decide(
      input({
        state: { product: 'Firefox', component: 'General', labels: [] },
        humanChanges: [change({ field: 'product', removed: 'Core', added: 'Firefox' })],
      }),
    );
    assert.equal(product.act, null);
    assert.match(product.reasons.join(' '), /moved it out of Core/);
    // a change that took away something else does not stop the answer
    const other = decide(input({ humanChanges: [change({ removed: 'DOM', added: 'General' })] }));
    assert.equal(other.act?.decision, 'Core::Printing');
  });

  it('never takes the same decision twice', () => {
    const p = decide(input({ done: new Set(['set-component:Core::Printing']) }));
    assert.equal(p.act, null);
    assert.match(p.reasons.join(' '), /already did this/);
  });

  it('below the threshold, moves only the product when the answer is spread over its components', () => {
    const spread = [
      { label: 'Core::Printing', probability: 0.4 },
      { label: 'Core::DOM', probability: 0.35 },
      { label: 'Firefox::General', probability: 0.25 },
    ];
    const p = decide(
      input({
        ranking: spread,
        taskLabels: spread.map((r) => r.label),
        state: { product: 'Toolkit', component: 'General', labels: [] },
      }),
    );
    assert.equal(p.act?.kind, 'set-component');
    assert.equal(p.act?.decision, 'Core::General');
    assert.ok(p.act?.kind === 'set-component' && p.act.productOnly);
    assert.ok(Math.abs(p.act!.probability - 0.75) < 1e-9);
    // already in that product: nothing to do but wait for a person
    const same = decide(input({ ranking: spread, taskLabels: spread.map((r) => r.label) }));
    assert.equal(same.act, null);
  });

  it('uses a label’s own threshold, and the needs-triage label below it', () => {
    const strict = rule({ labelThresholds: { 'Core::Printing': 0.9 }, needsTriageLabel: 'needs-triage' });
    const p = decide(input({ rule: strict }));
    assert.deepEqual(p.act, {
      kind: 'needs-triage',
      decision: 'needs-triage',
      labels: ['needs-triage'],
      probability: 0.8,
    });
    assert.equal(p.comment, false, 'no comment for a needs-triage label');
    const lenient = decide(
      input({ rule: rule({ labelThresholds: { 'Core::Printing': 0.5 }, threshold: 0.95 }) }),
    );
    assert.equal(lenient.act?.decision, 'Core::Printing');
  });

  it('labels a GitHub issue that has none of the task’s labels, never one a person removed', () => {
    const labels = [
      { label: 'defect', probability: 0.9 },
      { label: 'enhancement', probability: 0.1 },
    ];
    const gh = (o: Partial<DecisionInput>) =>
      decide(
        input({
          rule: rule({ untriaged: [] }),
          answersAs: 'label',
          ranking: labels,
          taskLabels: ['defect', 'enhancement'],
          state: { product: 'a/b', component: null, labels: ['browser-firefox'] },
          ...o,
        }),
      );
    assert.deepEqual(gh({}).act, {
      kind: 'add-labels',
      decision: 'defect',
      labels: ['defect'],
      probability: 0.9,
    });
    assert.equal(gh({ state: { product: 'a/b', component: null, labels: ['enhancement'] } }).act, null);
    // where the rule names an untriaged label, an issue carrying other labels only is triaged
    const marked = (labels: string[]) =>
      gh({ rule: rule({ untriaged: ['needs-triage'] }), state: { product: 'a/b', component: null, labels } })
        .act;
    assert.equal(marked(['browser-firefox']), null);
    assert.equal(marked(['needs-triage', 'browser-firefox'])?.decision, 'defect');
    assert.equal(marked([])?.decision, 'defect');
    const removed = gh({ humanChanges: [change({ field: 'labels', removed: 'defect' })] });
    assert.equal(removed.act, null);
    assert.match(removed.reasons.join(' '), /removed the label defect/);
  });

  it('suggest comments without acting; off does nothing', () => {
    const s = decide(input({ rule: rule({ mode: 'suggest' }) }));
    assert.equal(s.act, null);
    assert.equal(s.comment, true);
    const off = decide(input({ rule: rule({ mode: 'off' }) }));
    assert.deepEqual(off, { act: null, comment: false, reasons: ['write-back is off'] });
  });

  it('writes routing as the component and any other task as labels (Bugzilla keywords, Jira labels)', () => {
    assert.equal(answersAsFor('component', 'component', ['Core::DOM']), 'component');
    assert.equal(answersAsFor('component', 'team-area', ['Core::DOM', 'Firefox::General']), 'component');
    assert.equal(answersAsFor('component', 'category', ['defect', 'enhancement']), 'label');
    assert.equal(answersAsFor('label', 'component', ['Core::DOM']), 'label', 'GitHub has only labels');
  });
});
