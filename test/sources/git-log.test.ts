import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isShallow, openGitRepo, resolveRevision } from '../../src/sources/git/git-command.ts';
import { type GitCommit, gitLog } from '../../src/sources/git/git-log.ts';
import { GitFixture } from '../support/git-fixture.ts';

async function all(it: AsyncIterable<GitCommit>): Promise<GitCommit[]> {
  const out: GitCommit[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('reading a git history', () => {
  const repo = new GitFixture('log');
  let first = '';
  before(() => {
    repo.write('src/Parser.java', 'class Parser {\n  void parse() {}\n}\n');
    repo.write('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 3]));
    first = repo.commit('Bug 101 - the parser crashes');
    repo.write('src/Parser.java', 'class Parser {\n  void parse() { check(); }\n  void check() {}\n}\n');
    repo.commit('HIVE-7: check before parsing');
    repo.git('mv', 'src/Parser.java', 'src/SqlParser.java');
    repo.commit('rename the parser (fixes #12)');
    repo.git('checkout', '-q', '-b', 'side');
    repo.write('docs/notes.md', 'side notes\n');
    repo.commit('side work');
    repo.git('checkout', '-q', 'main');
    repo.write('src/Other.java', 'class Other {}\n');
    repo.commit('other work');
    repo.git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    repo.write('src/Latin.java', 'class Latin {}\n');
    repo.rawCommit(Buffer.from('caf\xe9 au lait for bug 202\n', 'latin1'));
  });
  after(() => repo.cleanup());

  it('reads every commit once, oldest first, with renames followed and lines counted', async () => {
    const commits = await all(gitLog(openGitRepo(repo.dir), 'main'));
    assert.equal(commits.length, 7);
    assert.equal(commits[0]!.sha, first);
    assert.equal(commits[0]!.message, 'Bug 101 - the parser crashes');
    assert.equal(commits[0]!.author, 'Test Author');
    assert.equal(commits[0]!.time, '2020-01-02T00:00:00.000Z');
    const added = commits[0]!.changes.find((c) => c.path === 'src/Parser.java')!;
    assert.deepEqual([added.status, added.added, added.removed], ['A', 3, 0]);
    const png = commits[0]!.changes.find((c) => c.path === 'logo.png')!;
    assert.equal(png.added, null, 'a binary file has no line counts');
    const renamed = commits[2]!.changes[0]!;
    assert.deepEqual(
      [renamed.status, renamed.oldPath, renamed.path],
      ['R', 'src/Parser.java', 'src/SqlParser.java'],
    );
    const merge = commits.find((c) => c.message === 'merge side')!;
    assert.equal(merge.parents.length, 2);
  });

  it('reads a message in another encoding as Latin-1, and says so', async () => {
    const commits = await all(gitLog(openGitRepo(repo.dir), 'main'));
    const last = commits.at(-1)!;
    assert.equal(last.reencoded, true);
    assert.equal(last.message, 'café au lait for bug 202');
  });

  it('reads only what is new since a checkpoint', async () => {
    const r = openGitRepo(repo.dir);
    const head = resolveRevision(r, 'main');
    const every = await all(gitLog(r, 'main'));
    const merge = every.find((c) => c.message === 'merge side')!;
    const since = await all(gitLog(r, `${merge.sha}..main`));
    assert.deepEqual(
      since.map((c) => c.message),
      ['café au lait for bug 202'],
    );
    assert.equal((await all(gitLog(r, `${head}..main`))).length, 0);
  });

  it('opens a work tree or its .git directory alike, and refuses what is not a repository', () => {
    assert.equal(openGitRepo(repo.dir).gitDir, openGitRepo(join(repo.dir, '.git')).gitDir);
    assert.equal(isShallow(openGitRepo(repo.dir)), false);
    const outside = mkdtempSync(join(tmpdir(), 'eightball-not-git-'));
    assert.throws(() => openGitRepo(outside), /not a git repository/);
    rmSync(outside, { recursive: true });
    assert.throws(() => openGitRepo(join(repo.dir, 'nowhere')), /no such directory/);
    assert.throws(
      () => resolveRevision(openGitRepo(repo.dir), 'no-such-branch'),
      /no branch or revision "no-such-branch"/,
    );
  });
});
