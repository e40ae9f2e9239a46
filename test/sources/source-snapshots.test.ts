import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openGitRepo } from '../../src/sources/git/git-command.ts';
import { globRegExp, SourceSnapshots } from '../../src/sources/git/source-snapshots.ts';
import { GitFixture } from '../support/git-fixture.ts';

describe('the source at a revision', () => {
  const repo = new GitFixture('snapshots');
  const revs: string[] = [];
  before(() => {
    for (let i = 0; i < 6; i++)
      repo.write(
        `src/pkg/File${i}.java`,
        `class File${i} {\n  // parses input ${i}\n  void run${i}() {}\n}\n`,
      );
    repo.write('vendor/lib/Dep.java', 'class Dep {}\n');
    repo.write('img/logo.java', Buffer.from([0x00, 0x01, 0x02]));
    repo.write('README.md', 'not code\n');
    revs.push(repo.commit('initial'));
    repo.write('src/pkg/File0.java', 'class File0 {\n  void renamed() {}\n}\n');
    revs.push(repo.commit('change one file'));
    repo.git('mv', 'src/pkg/File1.java', 'src/pkg/Moved.java');
    repo.write('src/pkg/New.java', 'class New { void fresh() {} }\n');
    revs.push(repo.commit('rename one, add one'));
  });
  after(() => repo.cleanup());

  it('selects source files by glob, leaving out vendored, binary and non-code files', async () => {
    const s = new SourceSnapshots(openGitRepo(repo.dir));
    const snap = await s.at(revs[0]!);
    s.close();
    assert.deepEqual(
      [...snap.index.paths].sort(),
      [0, 1, 2, 3, 4, 5].map((i) => `src/pkg/File${i}.java`),
    );
    assert.equal(snap.skipped, 1, 'the binary one');
  });

  it('re-reads only the blobs that changed, and equals a fresh build at every revision', async () => {
    const replay = new SourceSnapshots(openGitRepo(repo.dir));
    for (const rev of revs) await replay.at(rev);
    // 6 files and the binary one (read once, to find it binary), then 1 changed, then 1 renamed
    // (its path's words change) and 1 added
    assert.equal(replay.blobsRead, 7 + 1 + 2);
    for (const rev of revs) {
      const fresh = new SourceSnapshots(openGitRepo(repo.dir));
      const a = await fresh.at(rev);
      const b = await replay.at(rev);
      fresh.close();
      assert.deepEqual([...b.index.paths], [...a.index.paths]);
      const q = new Map([
        ['run', 1],
        ['parses', 1],
        ['renamed', 1],
        ['moved', 1],
      ]);
      assert.deepEqual([...b.index.bm25(q)], [...a.index.bm25(q)]);
    }
    replay.close();
  });

  it('reads globs the shell way', () => {
    assert.ok(globRegExp('**/*.{java,ts}').test('a/b/C.java'));
    assert.ok(globRegExp('**/*.{java,ts}').test('C.ts'));
    assert.ok(!globRegExp('**/*.{java,ts}').test('C.json'));
    assert.ok(globRegExp('**/vendor/**').test('x/vendor/y/z.c'));
    assert.ok(globRegExp('**/vendor/**').test('vendor/z.c'));
    assert.ok(!globRegExp('src/*.c').test('src/a/b.c'));
  });
});
