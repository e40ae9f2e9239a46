import { EightballError } from '../../domain/index.ts';
import type { TaskRow } from '../../store/index.ts';
import { defaultMetaFields } from '../dataset.ts';
import { type LabelMap, mapLabel } from './label-map.ts';
import { labelFromSource, labelSetFromSource } from './label-reading.ts';
import type { TaskDefinition, TaskKind } from './task.ts';

export interface TeamTaskSpec {
  name: string;
  kind: Extract<TaskKind, 'classify' | 'multilabel'>;
  labelSource: string;
  labelMap: LabelMap;
  description: string;
}

/** A task a team defined (`eightball tasks add`, the admin page): labels read and mapped, no code. */
export function teamTask(spec: TeamTaskSpec): TaskDefinition {
  const { labelMap } = spec;
  const labelsOf =
    spec.kind === 'multilabel'
      ? (r: Parameters<TaskDefinition['labelsOf']>[0], source: string) => {
          const values = labelSetFromSource(r, source);
          if (values === null) return null;
          const mapped = values.map((v) => mapLabel(labelMap, v)).filter((v): v is string => v !== null);
          return [...new Set(mapped)].sort();
        }
      : (r: Parameters<TaskDefinition['labelsOf']>[0], source: string) => {
          const v = labelFromSource(r, source);
          const l = v === null ? null : mapLabel(labelMap, v);
          return l === null ? null : [l];
        };
  return {
    name: spec.name,
    kind: spec.kind,
    builtIn: false,
    description: spec.description,
    defaultLabelSource: spec.labelSource,
    candidateSources: [spec.labelSource],
    prefersLabelsFile: true,
    labelsOf,
    metaFields: (source) => defaultMetaFields(source),
    // until the team says: accuracy and macro-F1 alike
    objective: 'mean',
    similarityPriority: 0,
  };
}

export function teamTaskFromRow(row: TaskRow): TaskDefinition {
  if (row.kind !== 'classify' && row.kind !== 'multilabel')
    throw new EightballError(
      'database',
      `task ${row.name}: stored kind "${row.kind}" is not one this build knows`,
    );
  return teamTask({
    name: row.name,
    kind: row.kind,
    labelSource: row.label_source,
    labelMap: JSON.parse(row.label_map) as LabelMap,
    description: row.description,
  });
}
