import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/jobs/import-file.ts';
import { getReport, openStore, type Store, storeStats } from '../../src/store/index.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

/** Each shared file, the format it must be recognised as, and the report count its README gives. */
const FILES: [string[], string, number][] = [
  [['bugzilla', 'mozilla', 'bugs-2009-2018.jsonl'], 'bugzilla-json', 1014],
  [['bugzilla', 'mozilla', 'fixtures-2019.jsonl'], 'bugzilla-json', 58],
  [['bugzilla', 'list-exports', 'Eclipse.csv'], 'csv', 8478],
  [['bugzilla', 'list-exports', 'Mozilla.csv'], 'csv', 4165],
  [['bugzilla', 'list-exports', 'Netbeans.csv'], 'csv', 4305],
  [['bugzilla', 'list-exports', 'Openoffice.csv'], 'csv', 4553],
  [['github', 'nlbse2024', 'issues_train.csv'], 'csv', 1500],
  [['github', 'nlbse2024', 'issues_test.csv'], 'csv', 1500],
  [['github', 'webcompat-issues.jsonl'], 'github-json', 100],
  [['jira', 'apache', 'HIVE.jsonl'], 'jira-json', 11861],
  [['jira', 'apache', 'HADOOP.jsonl'], 'jira-json', 7259],
  [['jira', 'apache', 'HDFS.jsonl'], 'jira-json', 5668],
  [['jira', 'apache', 'MAPREDUCE.jsonl'], 'jira-json', 4154],
  [['jira', 'apache', 'YARN.jsonl'], 'jira-json', 3777],
  [['localization', 'blia', 'AspectJBugRepository.xml'], 'blia-xml', 284],
  [['localization', 'blia', 'SWTBugRepository.xml'], 'blia-xml', 98],
  [['localization', 'blia', 'ZXingBugRepository.xml'], 'blia-xml', 20],
  [['localization', 'ye-fse14', 'AspectJ.txt'], 'csv', 593],
];

describe('every shared data file imports with its README count', { skip: skipUnlessShared() }, () => {
  let store: Store;
  before(async () => {
    store = await openStore('sqlite::memory:');
  });
  after(async () => {
    await store?.close();
  });

  for (const [parts, format, count] of FILES) {
    it(`${parts.join('/')}: ${count} reports as ${format}`, async () => {
      const s = await importFile(store, { path: sharedFile(...parts) });
      assert.equal(s.format, format);
      assert.equal(s.rejected, 0);
      assert.equal(s.imported + s.updated + s.unchanged, count);
    });
  }

  it('maps the fields: list-export columns, Jira components, GitHub repos, FSE fixed files', async () => {
    const moz = await getReport(store.db, 'csv:Mozilla', '1600000');
    assert.equal(moz?.product, 'Firefox');
    assert.equal(moz?.component, 'Search');
    assert.equal(moz?.severity, 'normal');
    assert.equal(moz?.reporter, 'standard8');
    assert.equal(moz?.createdAt, '2019-11-28T09:50:26.000Z');
    const hdfs = await getReport(store.db, 'jira:HDFS', 'HDFS-10');
    assert.equal(hdfs?.product, 'HDFS');
    assert.equal(hdfs?.type, 'Bug');
    const fse = await getReport(store.db, 'csv:AspectJ', '423257');
    assert.match(fse?.labels.files ?? '', /AjState\.java/);
    const s = await storeStats(store.db, { source: 'github:webcompat-issues' });
    assert.equal(s.total, 100);
    assert.match(s.byProductComponent[0]!.key, /^webcompat\/web-bugs::/);
  });

  it('keeps the as-filed fields of Bugzilla reports that were moved later', async () => {
    // bug 518272 was filed in Core::XUL and never moved; find one that was
    const rows = await store.db
      .selectFrom('bug_reports')
      .select(['external_id', 'component', 'filed_component'])
      .where('source', '=', 'bugzilla:bugs-2009-2018')
      .where('filed_known', '=', 1)
      .execute();
    assert.equal(rows.length, 1014);
    const moved = rows.filter((r) => r.filed_component !== r.component);
    assert.ok(moved.length > 100, `only ${moved.length} moved bugs`);
    const one = await getReport(store.db, 'bugzilla:bugs-2009-2018', moved[0]!.external_id);
    assert.ok(one);
    const hist = (one.raw as { history: { changes: { field_name: string; removed: string }[] }[] }).history;
    const firstComponentChange = hist.flatMap((h) => h.changes).find((c) => c.field_name === 'component');
    assert.equal(one.filed.component, firstComponentChange?.removed);
  });

  it('joins the regression labels to the Mozilla REST reports', {
    skip: skipUnlessShared('bugzilla', 'mozilla'),
  }, async () => {
    const s = await importFile(store, {
      path: sharedFile('bugzilla', 'mozilla', 'bugs-2009-2018.jsonl'),
      labelsPath: sharedFile('bugzilla', 'mozilla', 'labels-regression-bug-nobug.csv'),
    });
    assert.equal(s.updated, 635);
    const rows = await store.db
      .selectFrom('bug_reports')
      .select('labels')
      .where('source', '=', 'bugzilla:bugs-2009-2018')
      .execute();
    const nobug = rows.filter((r) => JSON.parse(r.labels).category === 'nobug').length;
    assert.equal(nobug, 218);
  });
});
