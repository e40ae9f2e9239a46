import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { describeFeature, Predictor, reasonsFor, trainTask } from '../../src/triage/index.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('explanations people read', () => {
  it('names fields in words and leaves out terms made only of function words', () => {
    assert.equal(describeFeature('summary:namenode'), 'the title mentions “namenode”');
    assert.equal(describeFeature('description:print preview'), 'the description mentions “print preview”');
    assert.equal(describeFeature('opSys=Linux'), 'the operating system is “Linux”');
    assert.equal(describeFeature('severity=<missing>'), 'no severity was given');
    assert.equal(describeFeature('summary:the'), null);
    assert.equal(describeFeature('description:when the'), null);
    assert.deepEqual(
      reasonsFor([{ feature: 'summary:the' }, { feature: 'summary:crash' }, { feature: 'summary:crash' }]),
      ['the title mentions “crash”'],
    );
  });

  it('gives each of the top labels its own reasons', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await upsertReports(store.db, triageCorpus(160));
      await trainTask(store, 'component');
      const c = await new Predictor(store, { refreshMs: 0 }).classify({
        summary: 'print preview margin broken after dns proxy timeout',
      });
      const ex = c.answers.component!.explanation;
      assert.ok(ex.length >= 2);
      assert.notDeepEqual(ex[0]!.reasons, ex[1]!.reasons, 'the labels are not given one list');
      assert.ok(
        ex[0]!.reasons.every((r) => /^the (title|description) mentions “|^the \w+ is “|^no /.test(r)),
        ex[0]!.reasons.join('; '),
      );
    } finally {
      await store.close();
    }
  });
});
