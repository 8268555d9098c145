/** asText: values of unknown shape as text, never `[object Object]`. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asText } from '../../../src/core/text.js';
import { FILTERS } from '../../../src/core/kube/templates/filters.js';

describe('asText', () => {
  it('keeps strings, writes numbers and booleans as String does, null/undefined as the given empty text', () => {
    assert.equal(asText('t3.micro'), 't3.micro');
    assert.equal(asText(5432), '5432');
    assert.equal(asText(false), 'false');
    assert.equal(asText(undefined), '');
    assert.equal(asText(null, '?'), '?');
  });

  it('writes objects and arrays as JSON and dates as ISO text', () => {
    assert.equal(asText({ Ref: 'ImageId' }), '{"Ref":"ImageId"}');
    assert.equal(asText(['a', 1]), '["a",1]');
    assert.equal(asText(new Date(Date.UTC(2026, 0, 2))), '2026-01-02T00:00:00.000Z');
  });

  it('a template filter given a mapping quotes its JSON, not [object Object]', () => {
    assert.equal(FILTERS.quote!({ a: 1 }), `'{"a":1}'`);
  });
});
