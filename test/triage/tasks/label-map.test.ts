import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EightballError } from '../../../src/domain/index.ts';
import { formatLabelMap, mapLabel, parseLabelMap } from '../../../src/triage/tasks/index.ts';

describe('a task label map', () => {
  it('renames, drops, matches prefixes, and decides the rest with *', () => {
    const map = parseLabelMap('crash=crash, topcrash=crash,sec-*=security,memory-leak=,*=');
    assert.equal(mapLabel(map, 'crash'), 'crash');
    assert.equal(mapLabel(map, 'topcrash'), 'crash');
    assert.equal(mapLabel(map, 'sec-high'), 'security');
    assert.equal(mapLabel(map, 'memory-leak'), null);
    assert.equal(mapLabel(map, 'regression'), null, '*= drops every value no rule names');
    assert.equal(formatLabelMap(map), 'crash=crash,topcrash=crash,sec-*=security,memory-leak=,*=');
  });

  it('keeps values no rule names when there is no * rule, and an exact rule wins over a * written first', () => {
    assert.equal(mapLabel(parseLabelMap('nobug=not a bug'), 'regression'), 'regression');
    assert.equal(mapLabel(parseLabelMap('*=other,crash=crash'), 'crash'), 'crash');
    assert.equal(mapLabel(parseLabelMap('*=other,crash=crash'), 'hang'), 'other');
    assert.equal(mapLabel([], 'x'), 'x');
  });

  it('refuses a rule that is not FROM=TO, naming it and the labelMap field', () => {
    for (const bad of ['crash', '=x', 'a*b=c']) {
      assert.throws(
        () => parseLabelMap(bad),
        (e: unknown) => e instanceof EightballError && e.code === 'usage' && e.field === 'labelMap',
        bad,
      );
    }
  });
});
