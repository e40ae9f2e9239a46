import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectJsonLayout, type JsonRecord, readJsonRecords } from '../../src/sources/json-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'eightball-json-'));

async function readAll(content: string): Promise<JsonRecord[]> {
  const p = join(dir, `f${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, content);
  const out: JsonRecord[] = [];
  for await (const r of readJsonRecords(p, {})) out.push(r);
  return out;
}

describe('readJsonRecords', () => {
  it('recognises the three layouts', () => {
    assert.equal(detectJsonLayout('{"id":1}\n{"id":2}\n'), 'lines');
    assert.equal(detectJsonLayout('[{"id":1}]'), 'array');
    assert.equal(detectJsonLayout('{\n "bugs": [\n'), 'document');
    assert.equal(detectJsonLayout('{"bugs":[{"id":1}]}'), 'document');
  });

  it('streams the records of {"bugs":[...]} with their line numbers', async () => {
    const recs = await readAll(
      '{"faults": [],\n "bugs": [\n  {"id": 1, "summary": "a ] } tricky \\" string"},\n  {"id": 2, "nested": {"x": [1,2]}}\n ]\n}\n',
    );
    assert.equal(recs.length, 2);
    assert.ok(recs.every((r) => r.ok));
    assert.deepEqual(
      recs.map((r) => (r.ok ? (r.value as { id: number }).id : null)),
      [1, 2],
    );
    assert.deepEqual(
      recs.map((r) => r.line),
      [3, 4],
    );
  });

  it('streams a top-level array larger than one read chunk', async () => {
    const n = 5000;
    const items = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ id: i, summary: `bug ${i} ${'x'.repeat(300)}` }),
    );
    const recs = await readAll(`[\n${items.join(',\n')}\n]`);
    assert.equal(recs.length, n);
    assert.equal((recs[n - 1] as { value: { id: number } }).value.id, n - 1);
    assert.equal(recs[n - 1]!.line, n + 1);
  });

  it('reports a malformed line of JSON Lines and goes on', async () => {
    const recs = await readAll('{"id":1}\n{"id":2,,}\n\n{"id":3}\n');
    assert.equal(recs.length, 3);
    assert.equal(recs[1]!.ok, false);
    assert.equal(recs[1]!.line, 2);
    assert.match((recs[1] as { reason: string }).reason, /malformed JSON/);
    assert.equal(recs[2]!.line, 4);
  });

  it('says so when a document is cut off', async () => {
    const recs = await readAll('{"bugs": [{"id": 1}, {"id": 2, "summary": "cut');
    assert.equal(recs.length, 2);
    assert.equal(recs[0]!.ok, true);
    assert.equal(recs[1]!.ok, false);
    assert.match((recs[1] as { reason: string }).reason, /ends inside a value/);
  });

  it('reads a single pretty-printed object as one record', async () => {
    const recs = await readAll('{\n  "id": 7,\n  "summary": "one bug"\n}\n');
    assert.equal(recs.length, 1);
    assert.deepEqual((recs[0] as { value: unknown }).value, { id: 7, summary: 'one bug' });
  });
});
