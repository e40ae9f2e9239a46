import { defaultMetaFields } from '../dataset.ts';
import { oneLabel } from './label-reading.ts';
import type { TaskDefinition } from './task.ts';

/** Where the report lives: its product::component. */
export const componentTask: TaskDefinition = {
  name: 'component',
  kind: 'classify',
  builtIn: true,
  description: 'where the report lives (product::component)',
  defaultLabelSource: 'product::component',
  candidateSources: ['product::component', 'component', 'product'],
  prefersLabelsFile: false,
  labelsOf: oneLabel,
  metaFields: (source) => defaultMetaFields(source),
  // its text space is the one that tells where a report lives: the best neighbour finder
  similarityPriority: 2,
};
