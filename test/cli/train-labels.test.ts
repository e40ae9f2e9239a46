import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { authenticate } from '../../src/triage/index.ts';
import { cliDatabase } from '../support/cli-db.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('eightball train when a task has no labels to learn from', () => {
  const { db, cli } = cliDatabase('train-labels');
  before(async () => {
    // as a Jira dump: every report's type is "Bug"; a labels file gave the categories instead
    const store = await openStore(db);
    await upsertReports(
      store.db,
      triageCorpus(160).map((r) => ({
        ...r,
        labels: { kind: r.type === 'defect' ? 'product-bug' : 'documentation' },
        type: 'Bug',
        filed: { ...r.filed, type: 'Bug' },
        severity: null,
      })),
    );
    await store.close();
  });

  it('trains the tasks it can, says why the other was not and which label sources would work, exit 0', () => {
    const r = cli('train');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^component v1 /m);
    assert.match(r.stderr, /^category: not trained: .*fewer than two classes/m);
    assert.match(r.stderr, /Label sources that would work: labels\.kind \(2 labels, 160 reports\)/);
    assert.match(r.stderr, /eightball train --task category --label-source labels\.kind/);
  });

  it('exits 1 when nothing could be trained, and trains once the advised source is chosen', () => {
    const none = cli('train', '--task', 'category');
    assert.equal(none.status, 1);
    const chosen = cli('train', '--task', 'category', '--label-source', 'labels.kind');
    assert.equal(chosen.status, 0, chosen.stderr);
    assert.match(chosen.stdout, /^category v1 .*\n.*label source labels\.kind/m);
    assert.equal(cli('train', '--label-source', 'labels.kind').status, 2, '--label-source needs --task');
  });
});

describe('eightball users reset-password', () => {
  const { db, cli } = cliDatabase('reset');
  it('prints a new one-time password once, and refuses a user who is not there', async () => {
    assert.equal(cli('users', 'add', 'alice', '--role', 'triager').status, 0);
    const r = cli('users', 'reset-password', 'alice');
    assert.equal(r.status, 0, r.stderr);
    const password = /^alice one-time password: (\S+)$/m.exec(r.stdout)![1]!;
    const store = await openStore(db);
    try {
      const u = await authenticate(store, 'alice', password);
      assert.equal(u?.must_change_password, 1, 'the next login must change it');
    } finally {
      await store.close();
    }
    const none = cli('users', 'reset-password', 'nobody');
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no user "nobody"/);
  });
});
