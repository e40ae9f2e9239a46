import { EightballError } from '../domain/index.ts';
import {
  addAudit,
  getWritebackRule,
  putWritebackRule,
  type Store,
  type WritebackRule,
} from '../store/index.ts';
import { getTask } from '../triage/index.ts';
import { defaultUntriaged } from './dry-run.ts';

export const WRITEBACK_MODES = ['off', 'suggest', 'apply'] as const;
const WRITABLE = /^(bugzilla|github|jira):/;

function probability(v: number, field: string): number {
  if (!Number.isFinite(v) || v < 0 || v > 1)
    throw EightballError.about(field, 'usage', `${field}: ${v} is not a probability from 0 to 1`);
  return v;
}

/**
 * Set what eightball writes back for one source and task: checked whole (a mode it knows, a
 * source of a tracker it can write to, a task that exists, thresholds that are probabilities),
 * what is not given kept from before, and the change put in the audit log.
 */
export async function setWritebackRule(
  store: Store,
  input: {
    source: string;
    task: string;
    mode?: string | undefined;
    threshold?: number | undefined;
    labelThresholds?: Record<string, number> | undefined;
    untriaged?: string[] | undefined;
    needsTriageLabel?: string | null | undefined;
  },
  actorId: number | null,
): Promise<WritebackRule> {
  const source = input.source.trim();
  if (!WRITABLE.test(source))
    throw EightballError.about(
      'source',
      'usage',
      `source: "${source}" is not a Bugzilla, GitHub or Jira source (bugzilla:NAME, github:NAME, jira:NAME)`,
    );
  const task = (await getTask(store, input.task)).name;
  const old = await getWritebackRule(store.db, source, task);
  const mode = input.mode ?? old?.mode ?? 'off';
  if (!(WRITEBACK_MODES as readonly string[]).includes(mode))
    throw EightballError.about('mode', 'usage', `mode: "${mode}" is not off, suggest or apply`);
  const labelThresholds = input.labelThresholds ?? old?.labelThresholds ?? {};
  for (const [label, p] of Object.entries(labelThresholds)) probability(p, `label threshold ${label}`);
  const rule: WritebackRule = {
    source,
    task,
    mode: mode as WritebackRule['mode'],
    threshold: probability(input.threshold ?? old?.threshold ?? 0.8, 'threshold'),
    labelThresholds,
    untriaged: (input.untriaged ?? old?.untriaged ?? defaultUntriaged(source)).map((u) => u.trim()),
    needsTriageLabel:
      input.needsTriageLabel === undefined
        ? (old?.needsTriageLabel ?? null)
        : input.needsTriageLabel?.trim() || null,
  };
  const now = new Date().toISOString();
  await putWritebackRule(store.db, rule, now);
  await addAudit(
    store.db,
    {
      userId: actorId,
      action: 'writeback.set',
      detail: `${source} ${task}: ${rule.mode} at ${rule.threshold}${rule.needsTriageLabel ? `, below it "${rule.needsTriageLabel}"` : ''}`,
    },
    now,
  );
  return rule;
}

/** `LABEL=0.9` → [LABEL, 0.9]. */
export function parseLabelThreshold(s: string): [string, number] {
  const i = s.lastIndexOf('=');
  if (i <= 0)
    throw EightballError.about(
      'label-threshold',
      'usage',
      `--label-threshold: "${s}" is not LABEL=PROBABILITY`,
    );
  return [s.slice(0, i), probability(Number(s.slice(i + 1)), `--label-threshold ${s.slice(0, i)}`)];
}
