import type { PlannedAct, RankedAnswer } from './writeback-decision.ts';

const pct = (p: number) => `${Math.round(p * 100)}%`;

/**
 * The comment a reporter and the triagers see: what eightball did (or suggests), how sure it was,
 * why, and how to correct it. One per report and task, edited when the answer changes.
 */
export function commentText(c: {
  task: string;
  act: PlannedAct | null;
  ranking: RankedAnswer[];
  reasons: string[];
  answersAs: 'component' | 'label';
  link: string | null;
}): string {
  const lines: string[] = [];
  const top = c.ranking.slice(0, 3);
  if (c.act?.kind === 'set-component') {
    const where = c.act.product ? `${c.act.product}::${c.act.component}` : c.act.component;
    lines.push(
      c.act.productOnly
        ? `eightball moved this report to ${where}: it is ${pct(c.act.probability)} sure of the product, not yet of the component.`
        : `eightball moved this report to ${where} (${pct(c.act.probability)} sure).`,
    );
  } else if (c.act?.kind === 'add-labels') {
    lines.push(`eightball labelled this report ${c.act.labels.join(', ')} (${pct(c.act.probability)} sure).`);
  } else {
    lines.push(`eightball's suggestion for ${c.task} (nothing was changed):`);
  }
  lines.push('', 'Its likeliest answers:');
  for (const r of top) lines.push(`- ${r.label}: ${pct(r.probability)}`);
  if (c.reasons.length > 0) lines.push('', ...c.reasons.map((r) => `(${r})`));
  lines.push(
    '',
    c.act
      ? `If this is wrong, change it back${c.answersAs === 'label' ? ' (remove the label)' : ''}: eightball learns from the correction and never redoes a change a person undid.`
      : `A triager decides; eightball learns from what they choose.`,
  );
  if (c.link) lines.push(`Details: ${c.link}`);
  return lines.join('\n');
}
