import { EightballError } from '../../domain/index.ts';
import { SELECTION_METRICS, type SelectionMetric } from '../../ml/index.ts';
import { getSetting, type Store, setSetting } from '../../store/index.ts';
import { SENTENCE_ENCODER } from '../sentence-encoder.ts';
import { SOURCE_MODES, type SourceMode } from '../source-labels.ts';
import { isLabelSource } from './label-reading.ts';
import type { TaskDefinition } from './task.ts';

export interface TaskSettings {
  labelSource: string;
  /** the cost of a wrong answer relative to +1 for a right one and 0 for abstaining */
  cost: number;
  /** a pretrained sentence encoder the model search may use (`use-lite`), or null for none */
  sentenceEncoder: string | null;
  /** what the model search judges candidates by: the task's own unless the team says */
  objective: SelectionMetric;
  /**
   * a store of several trackers: `apart` (the default) answers a tracker's report among its own
   * tracker's labels, `pooled` among every tracker's
   */
  sources: SourceMode;
}

function isSourceMode(v: string): v is SourceMode {
  return (SOURCE_MODES as readonly string[]).includes(v);
}

function isObjective(v: string): v is SelectionMetric {
  return (SELECTION_METRICS as readonly string[]).includes(v);
}

export const DEFAULT_COST = 2;

/** A task's settings: the admin page's (or `train --label-source`'s), else the task's defaults. */
export async function taskSettings(store: Store, task: TaskDefinition): Promise<TaskSettings> {
  const name = task.name;
  const labelSource = (await getSetting(store.db, `task.${name}.labelSource`)) ?? task.defaultLabelSource;
  const cost = Number((await getSetting(store.db, `task.${name}.cost`)) ?? DEFAULT_COST);
  const encoder = (await getSetting(store.db, `task.${name}.sentenceEncoder`)) ?? '';
  const objective = (await getSetting(store.db, `task.${name}.objective`)) ?? '';
  const sources = (await getSetting(store.db, `task.${name}.sources`)) ?? '';
  return {
    sources: isSourceMode(sources) ? sources : 'apart',
    objective: isObjective(objective) ? objective : task.objective,
    labelSource,
    cost: Number.isFinite(cost) && cost >= 0 ? cost : DEFAULT_COST,
    sentenceEncoder: encoder === '' ? null : encoder,
  };
}

export async function saveTaskSettings(
  store: Store,
  task: TaskDefinition,
  s: Partial<TaskSettings>,
): Promise<void> {
  const name = task.name;
  if (s.labelSource !== undefined) {
    if (!isLabelSource(s.labelSource))
      throw EightballError.about(
        'labelSource',
        'usage',
        `label source "${s.labelSource}" is not a report field, product::component, labels.NAME or severity-enhancement`,
      );
    await setSetting(store.db, `task.${name}.labelSource`, s.labelSource);
  }
  if (s.cost !== undefined) {
    if (!Number.isFinite(s.cost) || s.cost < 0 || s.cost > 100)
      throw EightballError.about('cost', 'usage', `cost must be a number from 0 to 100, not ${s.cost}`);
    await setSetting(store.db, `task.${name}.cost`, String(s.cost));
  }
  if (s.sentenceEncoder !== undefined) {
    if (s.sentenceEncoder !== null && s.sentenceEncoder !== SENTENCE_ENCODER)
      throw EightballError.about(
        'sentenceEncoder',
        'usage',
        `sentence encoder "${s.sentenceEncoder}" is not known (this build has "${SENTENCE_ENCODER}", or none)`,
      );
    await setSetting(store.db, `task.${name}.sentenceEncoder`, s.sentenceEncoder ?? '');
  }
  if (s.objective !== undefined) await saveChoice(store, name, 'objective', s.objective, SELECTION_METRICS);
  if (s.sources !== undefined) await saveChoice(store, name, 'sources', s.sources, SOURCE_MODES);
}

/** A setting that is one of a few words, refused by name when it is not. */
async function saveChoice(
  store: Store,
  task: string,
  field: 'objective' | 'sources',
  value: string,
  choices: readonly string[],
): Promise<void> {
  if (!choices.includes(value))
    throw EightballError.about(
      field,
      'usage',
      `${field} "${String(value).slice(0, 40)}" is not one of ${choices.join(', ')}`,
    );
  await setSetting(store.db, `task.${task}.${field}`, value);
}
