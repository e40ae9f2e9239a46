import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { charNgrams, tokenize } from '../../src/ml/tokenizer.ts';

describe('tokenize', () => {
  it('splits identifiers but keeps them whole', () => {
    const t = tokenize('NullPointerException in getUserName and user_id_map');
    for (const w of [
      'nullpointerexception',
      'null',
      'pointer',
      'exception',
      'getusername',
      'user',
      'name',
      'user_id_map',
      'map',
    ]) {
      assert.ok(t.includes(w), `${w} in ${t.join(' ')}`);
    }
  });
  it('keeps paths, file names, dotted classes and error codes, and their parts', () => {
    const t = tokenize(
      'Crash in src/dom/base/nsDocument.cpp (org.apache.hadoop.hdfs.DFSClient) with NS_ERROR_FAILURE 0x80004005',
    );
    for (const w of [
      'src/dom/base/nsdocument.cpp',
      'nsdocument',
      'cpp',
      'org.apache.hadoop.hdfs.dfsclient',
      'dfsclient',
      'hdfs',
      'ns_error_failure',
      '0x80004005',
    ]) {
      assert.ok(t.includes(w), `${w} in ${t.join(' ')}`);
    }
  });
  it('drops stop words and long numbers but keeps negations', () => {
    const t = tokenize("The page doesn't load and it is not 12345678 fast");
    assert.deepEqual(t, ['page', 'not', 'load', 'not', 'fast']);
  });
  it('adds cue tokens for a question and a code block only when asked', () => {
    const text = 'How do I set the proxy?\n```\nconfig.proxy = 1\n```';
    const plain = tokenize(text);
    assert.ok(!plain.some((t) => t.startsWith('?')));
    const cued = tokenize(text, { cues: true });
    assert.deepEqual(cued.slice(0, plain.length), plain);
    assert.deepEqual(cued.slice(plain.length), ['?question', '?code']);
    assert.deepEqual(tokenize('The proxy setting is ignored', { cues: true }).includes('?question'), false);
  });

  it('marks word boundaries in character n-grams', () => {
    assert.deepEqual(charNgrams(['ab'], 3, 3), [' ab', 'ab ']);
  });
});
