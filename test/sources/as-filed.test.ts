import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldsAsFiled } from '../../src/sources/as-filed.ts';

describe('fieldsAsFiled', () => {
  const current = { product: 'Core', component: 'Layout', severity: 'major', type: 'defect', priority: 'P1' };

  it('takes the value each field had before its first change', () => {
    const filed = fieldsAsFiled(current, [
      // out of order on purpose: the earliest change decides
      {
        when: '2020-03-01T00:00:00Z',
        changes: [{ field_name: 'component', removed: 'General', added: 'Layout' }],
      },
      {
        when: '2020-01-01T00:00:00Z',
        changes: [
          { field_name: 'product', removed: 'Firefox', added: 'Core' },
          { field_name: 'component', removed: 'Untriaged', added: 'General' },
          { field_name: 'priority', removed: '--', added: 'P1' },
        ],
      },
      { when: '2020-02-01T00:00:00Z', changes: [{ field_name: 'cc', removed: '', added: 'x@example.org' }] },
    ]);
    assert.deepEqual(filed, {
      product: 'Firefox',
      component: 'Untriaged',
      severity: 'major',
      type: 'defect',
      priority: null,
    });
  });

  it('is the current value when there is no history', () => {
    assert.deepEqual(fieldsAsFiled(current, []), current);
    assert.deepEqual(fieldsAsFiled(current, undefined), current);
  });
});
