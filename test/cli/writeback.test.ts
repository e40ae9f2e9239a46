import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { cliDatabase } from '../support/cli-db.ts';

describe('eightball writeback', () => {
  const { cli, seed } = cliDatabase('writeback');

  before(async () => {
    await seed(160);
    const t = cli('-q', 'train', '--task', 'component');
    assert.equal(t.status, 0, t.stderr);
  });

  it('sets a rule, keeps what is not given, and lists it', () => {
    const set = cli(
      'writeback',
      'set',
      '--source',
      'bugzilla:test',
      '--task',
      'component',
      '--mode',
      'suggest',
      '--threshold',
      '0.7',
    );
    assert.equal(set.status, 0, set.stderr);
    const again = cli(
      'writeback',
      'set',
      '--source',
      'bugzilla:test',
      '--task',
      'component',
      '--needs-triage-label',
      'triage-needed',
    );
    assert.equal(again.status, 0, again.stderr);
    const list = cli('writeback', 'list', '--json');
    const [rule] = JSON.parse(list.stdout) as {
      mode: string;
      threshold: number;
      untriaged: string[];
      needsTriageLabel: string;
    }[];
    assert.equal(rule!.mode, 'suggest');
    assert.equal(rule!.threshold, 0.7);
    assert.deepEqual(rule!.untriaged, ['General', 'Untriaged']);
    assert.equal(rule!.needsTriageLabel, 'triage-needed');
  });

  it('refuses a mode, source or threshold it cannot use, with exit 2 naming it', () => {
    const mode = cli(
      'writeback',
      'set',
      '--source',
      'bugzilla:test',
      '--task',
      'component',
      '--mode',
      'yolo',
    );
    assert.equal(mode.status, 2);
    assert.match(mode.stderr, /mode: "yolo" is not off, suggest or apply/);
    const source = cli(
      'writeback',
      'set',
      '--source',
      'Mozilla.csv',
      '--task',
      'component',
      '--mode',
      'apply',
    );
    assert.equal(source.status, 2);
    assert.match(source.stderr, /not a Bugzilla, GitHub or Jira source/);
    const p = cli(
      'writeback',
      'set',
      '--source',
      'bugzilla:test',
      '--task',
      'component',
      '--threshold',
      '1.5',
    );
    assert.equal(p.status, 2);
    assert.match(p.stderr, /--threshold: "1.5" is not a probability/);
  });

  it('dry-runs apply on the newest reports and scores it against what people decided', () => {
    const r = cli(
      'writeback',
      'dry-run',
      '--source',
      'bugzilla:test',
      '--task',
      'component',
      '--last',
      '40',
      '--threshold',
      '0.5',
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(r.stdout) as {
      rows: {
        act: { kind: string; decision: string } | null;
        decided: string;
        right: boolean | null;
        seenInTraining: boolean;
      }[];
      acted: number;
      precision: number;
    };
    assert.equal(d.rows.length, 40);
    assert.ok(d.acted > 0);
    const judged = d.rows.filter((x) => x.right !== null);
    assert.equal(d.precision, judged.filter((x) => x.right).length / judged.length);
    for (const x of judged) assert.equal(x.right, x.act!.decision === x.decided);
    assert.ok(
      d.rows.every((x) => x.seenInTraining),
      'every seeded report predates the model',
    );
    const text = cli(
      'writeback',
      'dry-run',
      '--source',
      'bugzilla:test',
      '--task',
      'component',
      '--last',
      '5',
    );
    assert.match(text.stdout, /5 reports, \d+ acted on, precision/);
    const none = cli('writeback', 'dry-run', '--source', 'bugzilla:nothing', '--task', 'component');
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no reports are stored under "bugzilla:nothing"/);
  });

  it('says which action is not there to undo', () => {
    const r = cli('writeback', 'undo', '999');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /action 999 not found/);
  });
});
