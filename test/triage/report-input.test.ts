import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  inputFromReport,
  REPORT_LIMITS,
  ReportInputSchema,
  reportInputJsonSchema,
} from '../../src/triage/index.ts';
import { makeReport } from '../support/reports.ts';

describe('the report input, written once', () => {
  it('gives the API and the form their JSON Schema from the zod schema, limits included', () => {
    const api = reportInputJsonSchema({ omit: ['reporter'], describe: { summary: 'the title' } }) as {
      properties: Record<string, { maxLength?: number; minLength?: number; description?: string }>;
      required: string[];
      additionalProperties: boolean;
    };
    assert.deepEqual(api.required, ['summary']);
    assert.equal(api.additionalProperties, false);
    assert.equal(api.properties.summary!.maxLength, REPORT_LIMITS.summary);
    assert.equal(api.properties.summary!.minLength, 1);
    assert.equal(api.properties.summary!.description, 'the title');
    assert.equal(api.properties.description!.maxLength, REPORT_LIMITS.description);
    assert.equal(api.properties.product!.maxLength, REPORT_LIMITS.field);
    assert.equal(api.properties.reporter, undefined);
    const form = reportInputJsonSchema({
      omit: ['version', 'reporter'],
      extra: { _csrf: { type: 'string' } },
    }) as {
      properties: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(form.properties).sort(), [
      '_csrf',
      'component',
      'description',
      'opSys',
      'platform',
      'product',
      'severity',
      'summary',
    ]);
  });

  it('turns a stored report into the input it would be filed with, within the limits', () => {
    const r = makeReport({
      externalId: '1',
      summary: 's'.repeat(REPORT_LIMITS.summary + 5),
      description: 'd'.repeat(REPORT_LIMITS.description + 5),
      platform: 'p'.repeat(300),
      reporter: 'ada',
    });
    const input = inputFromReport(r);
    assert.ok(ReportInputSchema.safeParse(input).success, 'the models get a valid input');
    assert.equal(input.summary.length, REPORT_LIMITS.summary);
    assert.equal(input.description!.length, REPORT_LIMITS.description);
    assert.equal(input.platform!.length, REPORT_LIMITS.field);
    assert.equal(input.reporter, 'ada');
  });
});
