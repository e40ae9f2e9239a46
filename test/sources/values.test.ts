import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optionalText, parseDate, textList } from '../../src/sources/values.ts';

describe('parseDate', () => {
  it('reads the shapes trackers write, into UTC', () => {
    assert.equal(parseDate('2019-11-28 01:50:26 -0800'), '2019-11-28T09:50:26.000Z');
    assert.equal(parseDate('2007-04-30T21:09:36.137+0000'), '2007-04-30T21:09:36.137Z');
    assert.equal(parseDate('2009-09-23T02:57:43Z'), '2009-09-23T02:57:43.000Z');
    assert.equal(parseDate('2003-1-3 10:28:00'), '2003-01-03T10:28:00.000Z');
    assert.equal(parseDate('2013-12-04'), '2013-12-04T00:00:00.000Z');
    assert.equal(parseDate(1386200000), '2013-12-04T23:33:20.000Z');
  });
  it('gives null for no value and an Error naming the value for a bad one', () => {
    assert.equal(parseDate(''), null);
    assert.equal(parseDate(null), null);
    const bad = parseDate('last tuesday');
    assert.ok(bad instanceof Error);
    assert.match(bad.message, /last tuesday/);
    assert.ok(parseDate('2019-13-45') instanceof Error);
    assert.ok(parseDate('2019-01-01 10:00 bogus') instanceof Error);
  });
});

describe('optionalText and textList', () => {
  it("treat Bugzilla's '---' and blanks as no value, and unwrap Jira/GitHub objects", () => {
    assert.equal(optionalText('---'), null);
    assert.equal(optionalText('  '), null);
    assert.equal(optionalText({ name: 'Major' }), 'Major');
    assert.equal(optionalText({ login: 'octocat' }), 'octocat');
    assert.equal(optionalText('a\u0000b'), 'ab');
  });
  it('split keyword strings and lists', () => {
    assert.deepEqual(textList('crash, regression'), ['crash', 'regression']);
    assert.deepEqual(textList([{ name: 'x' }, 'y', null]), ['x', 'y']);
  });
});
