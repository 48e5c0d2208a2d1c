import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderApiDocs } from '../../src/protocol/api-docs.ts';
import { ERROR_CODES } from '../../src/domain/error-codes.ts';
import type { WireType } from '../../src/protocol/params.ts';
import { ACTIONS } from '../../src/protocol/registry.ts';
import { referenceAction, type RefType } from '../helpers/reference.ts';

function sameType(ours: WireType, reference: RefType): boolean {
  if (typeof ours === 'string' || typeof reference === 'string') return ours === reference;
  if ('array' in ours && 'array' in reference) {
    const [a, b] = [ours.array, (reference as { array: RefType }).array];
    return typeof a === 'string' && typeof b === 'string' ? a === b : typeof a !== 'string' && typeof b !== 'string';
  }
  return false;
}

describe('the action registry', () => {
  it('has unique action names', () => {
    const names = ACTIONS.map((a) => a.name);
    assert.equal(new Set(names).size, names.length);
  });

  for (const action of ACTIONS) {
    it(`${action.name} declares exactly the reference parameters, with their types and required flags`, () => {
      const reference = referenceAction(action.name);
      const ours = Object.keys(action.params).sort();
      assert.deepEqual(ours, Object.keys(reference.request).sort(), 'parameter names');
      for (const [name, spec] of Object.entries(action.params)) {
        const ref = reference.request[name]!;
        assert.ok(sameType(spec.wireType, ref.type), `${name}: ours ${JSON.stringify(spec.wireType)}, reference ${JSON.stringify(ref.type)}`);
        assert.equal(spec.required, Boolean(ref.required), `${name} required`);
        assert.ok(spec.description.length > 0, `${name} is described for docs/api.md`);
      }
    });
  }

  it('docs/api.md is the rendering of the current registry (run npm run docs:api)', () => {
    const onDisk = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    assert.equal(onDisk, renderApiDocs(ACTIONS));
  });
});

describe('the error code table', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map([...doc.matchAll(/^\| `([A-Za-z.]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));

  it('documents every code with its HTTP status in docs/errors.md', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      assert.equal(documented.get(code), entry.status, `${code} in docs/errors.md`);
    }
  });

  it('documents no code the server cannot answer', () => {
    assert.deepEqual([...documented.keys()].filter((code) => !(code in ERROR_CODES)), []);
  });

  it('uses client statuses for client mistakes, and 5xx only for InternalError and a server that is stopping', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      if (code === 'InternalError') assert.equal(entry.status, 500);
      else if (code === 'ServiceUnavailable') assert.equal(entry.status, 503);
      else assert.ok(entry.status >= 400 && entry.status < 500, code);
    }
  });
});
