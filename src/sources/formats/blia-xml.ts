import { EightballError } from '../../domain/index.ts';
import { readBliaXml } from '../blia-xml.ts';
import type { DumpFormat } from './dump-format.ts';

export const bliaXml: DumpFormat = {
  name: 'blia-xml',
  tracker: 'blia',
  description: 'BugLocator/BLIA benchmark XML (summary, description, fixed files)',
  detect: (probe) => probe.head.startsWith('<'),
  read(path, opts) {
    if (opts.map && Object.keys(opts.map).length > 0)
      throw new EightballError('usage', '--map applies to CSV files only');
    return readBliaXml(path, opts);
  },
};
