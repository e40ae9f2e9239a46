import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getReportById, openStore, type Store, upsertReports } from '../../src/store/index.ts';
import { Predictor, trainTask } from '../../src/triage/index.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

describe('answering a report that names its product, or leaves fields blank', () => {
  let store: Store;
  before(async () => {
    store = await openStore('sqlite::memory:');
    // Graphics and Printing live in Core, DOM and Networking in Toolkit; Core's tracker fills in
    // the platform and OS, Toolkit's never does (two trackers in one store)
    const reports = triageCorpus(240).map((r) => {
      const core = r.component === 'Graphics' || r.component === 'Printing';
      const product = core ? 'Core' : 'Toolkit';
      return {
        ...r,
        product,
        filed: { ...r.filed, product },
        platform: core ? 'x86_64' : null,
        opSys: core ? 'Linux' : null,
      };
    });
    await upsertReports(store.db, reports);
    await trainTask(store, 'component');
  });
  after(() => store?.close());

  it('ranks only that product’s components, their probabilities summing to one', async () => {
    const predictor = new Predictor(store, { refreshMs: 0 });
    const text = { summary: 'print preview pdf margin', description: 'printer page footer landscape scale' };
    const free = (await predictor.classify(text)).answers.component!;
    assert.equal(free.ranking[0]!.label, 'Core::Printing', 'the text alone says Printing');
    const named = (await predictor.classify({ ...text, product: 'Toolkit' })).answers.component!;
    assert.ok(
      named.ranking.every((r) => r.label.startsWith('Toolkit::')),
      JSON.stringify(named.ranking),
    );
    const sum = named.ranking.reduce((s, r) => s + r.probability, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `sum ${sum}`);
    assert.equal(named.explanation[0]!.label, named.ranking[0]!.label);
    // a product the model has never seen narrows nothing
    const unknown = (await predictor.classify({ ...text, product: 'Thunderbird' })).answers.component!;
    assert.equal(unknown.ranking[0]!.label, 'Core::Printing');
  });

  it('finds similar reports in the report’s own product and tracker', async () => {
    const predictor = new Predictor(store, { refreshMs: 0 });
    await predictor.similarReady();
    const text = { summary: 'print preview pdf margin', description: 'printer page footer landscape scale' };
    const products = async (input: Parameters<Predictor['classify']>[0], source?: string) => {
      const { similar } = await predictor.classify(input, source ? { source } : {});
      return Promise.all(similar.map(async (x) => (await getReportById(store.db, x.id))!.report.product));
    };
    const free = await products(text);
    assert.ok(free.length > 0 && free[0] === 'Core', `${free}`);
    const named = await products({ ...text, product: 'Toolkit' });
    assert.ok(named.length > 0 && named.every((p) => p === 'Toolkit'), `${named}`);
    assert.deepEqual(await products(text, 'jira:other'), [], 'no report of another tracker');
  });

  it('lets a blank field push no label: the same answer with or without the fields nobody filled', async () => {
    const predictor = new Predictor(store, { refreshMs: 0 });
    const text = {
      summary: 'socket timeout proxy',
      description: 'dns request fails with a tls certificate error',
    };
    // blank here as in Toolkit's reports: under the old rule `platform=<missing>` was evidence for them
    const a = (await predictor.classify(text)).answers.component!;
    for (const e of a.explanation)
      for (const b of e.because) assert.doesNotMatch(b.feature, /=<missing>$/, `${e.label}: ${b.feature}`);
    assert.ok(a.explanation.every((e) => e.reasons.every((r) => !/was given/.test(r))));
  });
});
