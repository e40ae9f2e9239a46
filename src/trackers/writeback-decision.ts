import type { WritebackRule } from '../store/index.ts';
import type { FieldChange } from './hook-payloads.ts';
import type { TrackerState } from './tracker-writer.ts';

export interface RankedAnswer {
  label: string;
  probability: number;
}

/** What one action would set. `decision` is the key that makes it happen at most once. */
export type PlannedAct =
  | {
      kind: 'set-component';
      decision: string;
      product: string | null;
      component: string;
      probability: number;
      /** the answer was spread over a product's components: only the product is sure */
      productOnly: boolean;
    }
  | { kind: 'add-labels'; decision: string; labels: string[]; probability: number }
  | { kind: 'needs-triage'; decision: string; labels: string[]; probability: number };

export interface Plan {
  act: PlannedAct | null;
  /** a comment to post (or edit) in suggest mode, or to say what `act` did */
  comment: boolean;
  /** why nothing (or less) is done: shown in the dry run and the audit log */
  reasons: string[];
}

export interface DecisionInput {
  rule: WritebackRule;
  /** the task's answers, most probable first */
  ranking: RankedAnswer[];
  answersAs: 'component' | 'label';
  /** the labels the task's model can answer with (to tell its labels from a repository's others) */
  taskLabels: string[];
  state: TrackerState;
  /** changes people made to the report's triage fields (eightball's own are not among them) */
  humanChanges: FieldChange[];
  /** decisions eightball already acted on for this report and task (`kind:decision`) */
  done: Set<string>;
}

/**
 * How a task's answer is written to a tracker: as the report's component where the tracker has
 * components and the task routes (the `component` task, or labels that are `Product::Component`),
 * else as a label (a Bugzilla keyword, a Jira or GitHub label).
 */
export function answersAsFor(
  tracker: 'component' | 'label',
  task: string,
  labels: readonly string[],
): 'component' | 'label' {
  if (tracker === 'label') return 'label';
  return task === 'component' || (labels.length > 0 && labels.every((l) => l.includes('::')))
    ? 'component'
    : 'label';
}

/** `Product::Component` → its parts; a bare label is a component of no named product. */
export function splitComponent(label: string): { product: string | null; component: string } {
  const i = label.indexOf('::');
  return i < 0
    ? { product: null, component: label }
    : { product: label.slice(0, i), component: label.slice(i + 2) };
}

function thresholdOf(rule: WritebackRule, label: string): number {
  return rule.labelThresholds[label] ?? rule.threshold;
}

/**
 * What to do about one report, by the guard rails bugbot and the label bots learnt the hard way:
 * act only while nobody has triaged it (its component is an "untriaged" one, or it has none of
 * the task's labels); never put back what a person took away (a component or product they moved
 * it out of, a label they removed); never the same decision twice; below the threshold, fall back
 * to the product when the answer is spread over its components, else a needs-triage label or
 * nothing.
 */
export function decide(x: DecisionInput): Plan {
  const reasons: string[] = [];
  const { rule, state } = x;
  if (rule.mode === 'off') return { act: null, comment: false, reasons: ['write-back is off'] };
  const top = x.ranking[0];
  if (!top) return { act: null, comment: false, reasons: ['no answer'] };
  const untriaged = new Set(rule.untriaged.map((u) => u.toLowerCase()));
  const taskLabels = new Set(x.taskLabels);
  // a component: one of the untriaged values ("" for none). Labels: none of the task's yet, and
  // where the rule names untriaged labels (such as "needs-triage"), no labels at all or one of those
  const marks = new Set([...untriaged].filter((u) => u !== ''));
  const triaged =
    x.answersAs === 'component'
      ? !untriaged.has((state.component ?? '').toLowerCase())
      : state.labels.some((l) => taskLabels.has(l)) ||
        (marks.size > 0 && state.labels.length > 0 && !state.labels.some((l) => marks.has(l.toLowerCase())));
  if (triaged) {
    reasons.push(
      x.answersAs === 'component'
        ? `already triaged: the component is ${state.component ?? '(none)'}`
        : `already triaged: it has the label${state.labels.length === 1 ? '' : 's'} ${state.labels.join(', ')}`,
    );
    return { act: null, comment: false, reasons };
  }
  // what a person took away is never put back: a component (or product) they moved it out of, a
  // label they removed. That is what "never undo a person's change" means here; a person who moves
  // a report back to General asks for another answer, not for the one they just rejected
  const removed = (f: string) =>
    new Set(
      x.humanChanges.filter((c) => c.field === f && c.removed !== '').flatMap((c) => c.removed.split(/,\s*/)),
    );
  const movedOut = removed('component');
  const productsLeft = removed('product');
  const labelsRemoved = removed('labels');
  const comment = rule.mode === 'suggest';
  if (rule.mode === 'suggest') return { act: null, comment, reasons };

  const p = top.probability;
  let act: PlannedAct | null = null;
  if (p >= thresholdOf(rule, top.label)) {
    if (x.answersAs === 'component') {
      const { product, component } = splitComponent(top.label);
      act = {
        kind: 'set-component',
        decision: top.label,
        product,
        component,
        probability: p,
        productOnly: false,
      };
    } else act = { kind: 'add-labels', decision: top.label, labels: [top.label], probability: p };
  } else if (x.answersAs === 'component') {
    const product = splitComponent(top.label).product;
    const mass = x.ranking
      .filter((r) => product !== null && splitComponent(r.label).product === product)
      .reduce((s, r) => s + r.probability, 0);
    const general = rule.untriaged.find((u) => u !== '');
    if (product && general && mass >= rule.threshold && product !== state.product)
      act = {
        kind: 'set-component',
        decision: `${product}::${general}`,
        product,
        component: general,
        probability: mass,
        productOnly: true,
      };
    else
      reasons.push(
        `not sure enough: ${top.label} at ${(p * 100).toFixed(0)}% is below ${(thresholdOf(rule, top.label) * 100).toFixed(0)}%`,
      );
  } else
    reasons.push(
      `not sure enough: ${top.label} at ${(p * 100).toFixed(0)}% is below ${(thresholdOf(rule, top.label) * 100).toFixed(0)}%`,
    );
  if (!act && rule.needsTriageLabel && !state.labels.includes(rule.needsTriageLabel))
    act = {
      kind: 'needs-triage',
      decision: rule.needsTriageLabel,
      labels: [rule.needsTriageLabel],
      probability: p,
    };
  if (act?.kind === 'set-component') {
    const target = act.component;
    const named = act.product ? `${act.product}::${act.component}` : act.component;
    if (
      movedOut.has(target) ||
      movedOut.has(named) ||
      (act.product !== null && productsLeft.has(act.product) && act.product !== state.product)
    ) {
      const who = x.humanChanges.filter((c) => c.removed !== '').at(-1)?.who || 'a person';
      reasons.push(
        `${who} moved it out of ${movedOut.has(target) || movedOut.has(named) ? named : act.product}: eightball does not move it back`,
      );
      act = null;
    } else if (act.component === state.component && (act.product === null || act.product === state.product)) {
      reasons.push(`it is in ${named} already`);
      act = null;
    }
  }
  if (act && act.kind !== 'set-component' && act.labels.some((l) => labelsRemoved.has(l))) {
    reasons.push(`a person removed the label ${act.labels.join(', ')}: eightball does not add it back`);
    act = null;
  }
  if (act && x.done.has(`${act.kind}:${act.decision}`)) {
    reasons.push(`eightball already did this (${act.kind} ${act.decision})`);
    act = null;
  }
  return { act, comment: act !== null && act.kind !== 'needs-triage', reasons };
}
