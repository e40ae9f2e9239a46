import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { openQueue } from '../../src/jobs/open-queue.ts';
import { openStore } from '../../src/store/index.ts';

const REDIS = process.env.EIGHTBALL_TEST_REDIS_URL;

describe('settings for a proxy in front and a shared Redis behind', () => {
  it('reads EIGHTBALL_TRUST_PROXY and EIGHTBALL_QUEUE_PREFIX, and refuses bad values by name', () => {
    const d = loadConfig({ env: {} });
    assert.equal(d.trustProxy, false);
    assert.equal(d.queuePrefix, 'eightball');
    const c = loadConfig({ env: { EIGHTBALL_TRUST_PROXY: 'true', EIGHTBALL_QUEUE_PREFIX: 'team-a' } });
    assert.equal(c.trustProxy, true);
    assert.equal(c.queuePrefix, 'team-a');
    assert.equal(
      loadConfig({ env: { EIGHTBALL_TRUST_PROXY: '10.0.0.1, 10.0.0.2' } }).trustProxy,
      '10.0.0.1, 10.0.0.2',
    );
    assert.throws(() => loadConfig({ env: { EIGHTBALL_QUEUE_PREFIX: 'a b' } }), /EIGHTBALL_QUEUE_PREFIX/);
    assert.throws(
      () => loadConfig({ env: { EIGHTBALL_TRUST_PROXY: 'yes please' } }),
      /EIGHTBALL_TRUST_PROXY/,
    );
  });

  it('keeps two installations on one Redis apart by their queue prefix', {
    skip: REDIS ? false : 'EIGHTBALL_TEST_REDIS_URL is not set',
  }, async () => {
    const store = await openStore('sqlite::memory:');
    const tag = randomBytes(4).toString('hex');
    const a = await openQueue(store, { redisUrl: REDIS, prefix: `team-a-${tag}` });
    const b = await openQueue(store, { redisUrl: REDIS, prefix: `team-b-${tag}` });
    try {
      const job = await a.enqueue('notify', { reportId: 1 });
      assert.equal((await a.get(job.id))?.name, 'notify');
      assert.equal(await b.get(job.id), null);
      assert.deepEqual(await b.list(), []);
    } finally {
      await a.close();
      await b.close();
      await store.close();
    }
  });
});
