import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/ml/random.ts';
import { charNgrams, rawTokens, tokenize, withoutFencedCode } from '../../src/ml/tokenizer.ts';
import {
  DocTokenizer,
  PLAIN_TOKENIZER,
  type RawDoc,
  tokenizeDoc,
  tokenizerOptions,
} from '../../src/ml/tokenizer-spec.ts';

describe('tokenize', () => {
  it('finds by character tests on ASCII text exactly the tokens the Unicode regex finds', () => {
    // the characters where the regex's alternatives and separators meet
    const alphabet = [
      'a',
      'Z',
      'x',
      'f',
      'F',
      '0',
      '7',
      '_',
      '$',
      '.',
      ':',
      '::',
      '/',
      '\\',
      '-',
      ' ',
      "'",
      '0x',
      '\n',
      '#',
    ];
    const rng = createRng(11);
    let tokens = 0;
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      const len = Math.floor(rng() * 24);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
      const scanned = rawTokens(s);
      assert.deepEqual(scanned, rawTokens(s, true), JSON.stringify(s));
      tokens += scanned.length;
    }
    assert.ok(tokens > 50_000, `${tokens} tokens compared`);
    assert.deepEqual(rawTokens('see 0x1F a-b-1 a--b 1.2.3. x::y: p\\q/ 0xg'), [
      'see',
      '0x1',
      'F',
      'a-b',
      '1',
      'a',
      'b',
      '1.2.3',
      'x::y',
      'p\\q',
      '0',
      'xg',
    ]);
    // past ASCII the regex decides, with its Unicode letter classes
    assert.deepEqual(rawTokens('naïve café-crème'), ['naïve', 'café-crème']);
  });
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
  it('leaves out fenced code when asked, unclosed fences running to the end, and still cues it', () => {
    assert.equal(withoutFencedCode('a ```x``` b ```y'), 'a \n b \n');
    assert.equal(withoutFencedCode('no fence'), 'no fence');
    const text = 'Crash on start\n```\nTypeError: foo.bar is undefined\n```\nafter update\n```js\nrun()';
    assert.deepEqual(tokenize(text, { skipFencedCode: true }), ['crash', 'start', 'update']);
    assert.deepEqual(tokenize(text, { skipFencedCode: true, cues: true }), [
      'crash',
      'start',
      'update',
      '?code',
    ]);
    assert.ok(tokenize(text).includes('typeerror'));
    // the character cap applies to what is left, so prose after a long log is still read
    const afterLog = `\`\`\`\n${'x '.repeat(5000)}\n\`\`\`\nbroken?`;
    assert.deepEqual(tokenize(afterLog, { skipFencedCode: true, cues: true }), [
      'broken',
      '?question',
      '?code',
    ]);
    assert.ok(!tokenize(afterLog, { cues: true }).includes('broken'));
  });

  it('marks word boundaries in character n-grams', () => {
    assert.deepEqual(charNgrams(['ab'], 3, 3), [' ab', 'ab ']);
  });
});

describe('DocTokenizer', () => {
  it('gives each document the tokens tokenizeDoc gives it, though it refills the same arrays', () => {
    const docs: RawDoc[] = [
      {
        text: {
          summary: 'NameNode crashes on startup',
          description: 'java.lang.NullPointerException at FSNamesystem.load '.repeat(20),
        },
        meta: { product: ['HDFS'] },
      },
      { text: { summary: 'Typo', description: 'a b' }, meta: {} },
      { text: { summary: "only a title: doesn't start?" }, meta: {} },
      { text: { summary: '', description: 'snake_case_name and camelCaseName' }, meta: { os: [] } },
    ];
    for (const spec of [undefined, PLAIN_TOKENIZER]) {
      const options = tokenizerOptions(spec);
      const reused = new DocTokenizer(options);
      const seen: string[][] = [];
      for (const d of docs) {
        const got = reused.tokenize(d);
        assert.deepEqual(got, tokenizeDoc(d, options));
        seen.push(got.text.summary!);
      }
      // one array per field, refilled: a short document after a long one keeps none of its tokens
      assert.equal(seen[0], seen[1]);
    }
  });

  it('appends to the array it is given', () => {
    assert.deepEqual(tokenize('disk full', {}, ['kept']), ['kept', 'disk', 'full']);
  });
});
