import { bugzillaBugToReport, looksLikeBugzillaBug } from '../bugzilla-json.ts';
import { jsonRecordsFormat } from './json-records-format.ts';

export const bugzillaJson = jsonRecordsFormat({
  name: 'bugzilla-json',
  tracker: 'bugzilla',
  description:
    'Bugzilla REST bugs: {"bugs":[...]}, a JSON array, or one bug per line; with comments the first is the description, with history the as-filed fields are computed',
  looksLike: looksLikeBugzillaBug,
  toReport: bugzillaBugToReport,
});
