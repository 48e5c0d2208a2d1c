import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLIENT_DECLARATIONS, renderClientDeclarations } from '../../scripts/client-declarations.ts';
import { JSON_PARAMETERS } from '../../src/client/generated/actions.ts';
import { ACTIONS } from '../../src/protocol/registry.ts';

describe('the typed client\'s generated declarations', () => {
  it('are what the registry gives now (npm run generate:client rewrites them)', () => {
    assert.equal(readFileSync(CLIENT_DECLARATIONS, 'utf8'), renderClientDeclarations());
  });

  it('list every registered action, and only those, with its JSON-valued parameters', () => {
    assert.deepEqual(Object.keys(JSON_PARAMETERS), ACTIONS.map((action) => action.name));
    for (const action of ACTIONS) {
      const json = Object.entries(action.params).filter(([, spec]) => spec.format === 'json').map(([name]) => name);
      assert.deepEqual(JSON_PARAMETERS[action.name as keyof typeof JSON_PARAMETERS], json, action.name);
    }
  });
});
