import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';
import { EightballError, ERROR_CODES, type ErrorCode } from '../../src/domain/index.ts';
import { openStore } from '../../src/store/index.ts';
import { Predictor } from '../../src/triage/index.ts';
import { buildApp } from '../../src/web/app.ts';

describe('error codes', () => {
  it('one table gives the HTTP status and the exit code: a usage error is 400 and exit 2 in both', () => {
    for (const [code, { http, exit }] of Object.entries(ERROR_CODES)) {
      assert.equal(exitCodeFor(code as ErrorCode), exit);
      if (exit === 2)
        assert.equal(http, 400, `${code}: a usage error in the CLI is a bad request in the API`);
    }
    assert.equal(exitCodeFor('unknown-format'), 2);
    assert.equal(ERROR_CODES['unknown-format'].http, 400);
    assert.equal(ERROR_CODES.unavailable.http, 503);
  });

  it('an error about a field names it, and the API answers with that field', async () => {
    const e = EightballError.about('reports.3.summary', 'usage', 'reports.3.summary: is required');
    assert.equal(e.field, 'reports.3.summary');
    assert.equal(e.code, 'usage');
    const store = await openStore('sqlite::memory:');
    const app = await buildApp({ store, predictor: new Predictor(store, { refreshMs: 0 }) });
    app.get('/api/v1/boom', async () => {
      throw EightballError.about('x.y', 'unknown-format', 'x.y: not a format');
    });
    try {
      const res = await app.inject({ url: '/api/v1/boom' });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), {
        error: { code: 'bad-request', message: 'x.y: not a format', field: 'x.y' },
      });
    } finally {
      await app.close();
      await store.close();
    }
  });
});
