import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  compileLinkPatterns,
  DEFAULT_LINK_PATTERNS,
  importGit,
  linkedIds,
} from '../../src/jobs/import-git.ts';
import {
  commitsOfReport,
  countCommits,
  reportIdOf,
  type Store,
  upsertReports,
} from '../../src/store/index.ts';
import { DIALECTS } from '../support/dialects.ts';
import { GitFixture } from '../support/git-fixture.ts';
import { makeReport } from '../support/reports.ts';

describe('what commit messages name', () => {
  const defaults = compileLinkPatterns(DEFAULT_LINK_PATTERNS);
  it('finds Bugzilla, Jira and GitHub ids by default', () => {
    assert.deepEqual(linkedIds('Bug 123 - crash on start', defaults), ['123']);
    assert.deepEqual(linkedIds('Fix for 4567: null check', defaults), ['4567']);
    assert.deepEqual(linkedIds('see https://bugzilla.example.org/show_bug.cgi?id=89', defaults), ['89']);
    assert.deepEqual(linkedIds('HIVE-7: check before parsing', defaults), ['HIVE-7']);
    assert.deepEqual(linkedIds('rename the parser (fixes #12)', defaults), ['12']);
    assert.deepEqual(linkedIds('refactor only', defaults), []);
  });
  it('takes a team pattern, and refuses one without a group or that does not compile', () => {
    const own = compileLinkPatterns(['^(\\d{5,6}):']);
    assert.deepEqual(linkedIds('231396: refactoring', own), ['231396']);
    assert.throws(() => compileLinkPatterns(['\\d+']), /needs one group/);
    assert.throws(() => compileLinkPatterns(['(unclosed']), /not a regular expression/);
  });
});

for (const dialect of DIALECTS) {
  describe(`import git on ${dialect.name}`, { skip: dialect.skip }, () => {
    let store: Store & { dispose(): Promise<void> };
    const repo = new GitFixture('import-git');
    before(async () => {
      store = await dialect.open();
      await upsertReports(store.db, [
        makeReport({ externalId: '101', summary: 'the parser crashes' }),
        makeReport({ externalId: 'HIVE-7', summary: 'check before parsing' }),
        makeReport({ externalId: '12', summary: 'rename it' }),
        makeReport({ externalId: '202', summary: 'latin' }),
      ]);
      repo.write('src/Parser.java', 'class Parser {}\n');
      repo.write('logo.png', Buffer.from([0x89, 0, 1, 2]));
      repo.commit('Bug 101 - the parser crashes');
      repo.write('src/Parser.java', 'class Parser { void check() {} }\n');
      repo.commit('HIVE-7: check before parsing');
      repo.git('mv', 'src/Parser.java', 'src/SqlParser.java');
      repo.commit('rename the parser (fixes #12)');
      for (let i = 0; i < 5; i++) repo.write(`gen/G${i}.java`, `class G${i} {}\n`);
      repo.commit('Bug 101: regenerate everything');
      repo.git('checkout', '-q', '-b', 'side');
      repo.write('docs/notes.md', 'notes\n');
      repo.commit('side work');
      repo.git('checkout', '-q', 'main');
      repo.git('merge', '-q', '--no-ff', '-m', 'merge side for bug 101', 'side');
      repo.write('src/Latin.java', 'class Latin {}\n');
      repo.rawCommit(Buffer.from('caf\xe9 for bug 202\n', 'latin1'));
      repo.commit('Bug 999999 names no stored report');
    });
    after(async () => {
      await store.dispose();
      repo.cleanup();
    });

    it('stores each commit with its files, links the reports it names, and skips merges and large commits', async () => {
      const warnings: string[] = [];
      const s = await importGit(store, { repo: repo.dir, maxFiles: 4, onWarning: (w) => warnings.push(w) });
      assert.equal(s.read, 8);
      assert.equal(s.skippedMerges, 1);
      assert.equal(s.skippedLarge, 1);
      assert.equal(s.stored, 6);
      assert.equal(s.reencoded, 1);
      assert.ok(warnings.some((w) => /not UTF-8/.test(w)));
      assert.equal(s.unmatched, 1, 'bug 999999');
      const id = (await reportIdOf(store.db, 'test', '12'))!;
      const fixes = await commitsOfReport(store.db, id);
      assert.equal(fixes.length, 1);
      assert.deepEqual(
        fixes[0]!.files.map((f) => [f.status, f.oldPath, f.path]),
        [['R', 'src/Parser.java', 'src/SqlParser.java']],
      );
      const first = await commitsOfReport(store.db, (await reportIdOf(store.db, 'test', '101'))!);
      assert.deepEqual(
        first.map((c) => c.subject),
        ['Bug 101 - the parser crashes'],
        'not the large one, not the merge',
      );
      const png = first[0]!.files.find((f) => f.path === 'logo.png')!;
      assert.equal(png.added, null);
      assert.equal((await commitsOfReport(store.db, (await reportIdOf(store.db, 'test', '202'))!)).length, 1);
    });

    it('reads only new commits on the next run, and a re-run changes nothing', async () => {
      const before = await countCommits(store.db, s0());
      const again = await importGit(store, { repo: repo.dir, maxFiles: 4 });
      assert.equal(again.read, 0);
      assert.deepEqual(await countCommits(store.db, s0()), before);
      repo.write('src/More.java', 'class More {}\n');
      repo.commit('HIVE-7: one more');
      const next = await importGit(store, { repo: repo.dir, maxFiles: 4 });
      assert.equal(next.read, 1);
      assert.equal(next.linked, 1);
      const fixes = await commitsOfReport(store.db, (await reportIdOf(store.db, 'test', 'HIVE-7'))!);
      assert.equal(fixes.length, 2);
    });

    it('refuses what it cannot read, naming it', async () => {
      await assert.rejects(importGit(store, { repo: `${repo.dir}/nowhere` }), /no such directory/);
      await assert.rejects(
        importGit(store, { repo: repo.dir, branch: 'nope' }),
        /no branch or revision "nope"/,
      );
    });

    function s0() {
      return repo.dir.split('/').at(-1)!;
    }
  });
}
