import { defaultMetaFields } from '../dataset.ts';
import { oneLabel } from './label-reading.ts';
import type { TaskDefinition } from './task.ts';

/** What kind of report it is: defect, enhancement, task (or the tracker's own types). */
export const categoryTask: TaskDefinition = {
  name: 'category',
  kind: 'classify',
  builtIn: true,
  description: 'what kind of report it is (defect, enhancement, task...)',
  defaultLabelSource: 'type',
  candidateSources: ['type', 'severity-enhancement', 'severity', 'priority'],
  prefersLabelsFile: true,
  labelsOf: oneLabel,
  metaFields: (source) => defaultMetaFields(source),
  // a rare kind of report counts as much as a common one, and so does being right most often
  objective: 'mean',
  similarityPriority: 1,
};
