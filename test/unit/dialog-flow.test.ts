import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowError, fillVariables, parseFlow } from '../../src/dialog/flow.ts';
import { compileScript, type ScriptContent } from '../../src/dialog/script-content.ts';

const listen = { id: 'ask', type: 'listen', text: 'Pay today?', branches: [{ intent: 'Yes', next: 'bye' }] };
const bye = { id: 'bye', type: 'hangup', text: 'Bye' };

function problem(definition: unknown): string {
  try {
    parseFlow('Main', definition);
  } catch (error) {
    assert.ok(error instanceof FlowError);
    return error.message;
  }
  assert.fail('the flow was accepted');
}

describe('parseFlow', () => {
  it('accepts a valid graph and starts at the first node unless told', () => {
    const flow = parseFlow('Main', { nodes: [listen, bye] });
    assert.equal(flow.start, 'ask');
    assert.equal(parseFlow('Main', { start: 'bye', nodes: [bye] }).start, 'bye');
  });

  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /flow "Main": the definition must be a JSON object/],
    ['no nodes', { nodes: [] }, /flow "Main": the flow has no nodes/],
    ['a branch to nowhere', { nodes: [{ ...listen, branches: [{ intent: 'Yes', next: 'gone' }] }, bye] }, /node "ask": branch 1 \("Yes"\) goes to "gone", which is not a node of this flow/],
    ['a next to nowhere', { nodes: [{ id: 'hi', type: 'say', text: 'Hi', next: 'gone' }] }, /node "hi": next goes to "gone"/],
    ['an unreachable node', { nodes: [listen, bye, { id: 'orphan', type: 'hangup' }] }, /node "orphan": unreachable: no path leads to it from the start node "ask"/],
    ['an unknown variable', { nodes: [{ ...listen, text: 'Pay ${amount}?' }, bye] }, /node "ask": unknown variable \$\{amount\}/],
    ['a duplicate id', { nodes: [listen, bye, { ...bye }] }, /node "bye": the id is used by another node/],
    ['an unknown type', { nodes: [{ id: 'x', type: 'dance' }] }, /node "x": "type" must be one of say, listen, hangup, transfer/],
    ['a listen without branches', { nodes: [{ id: 'ask', type: 'listen', branches: [] }] }, /node "ask": a listen node needs at least one branch/],
    ['a say without next', { nodes: [{ id: 'hi', type: 'say', text: 'Hi' }] }, /node "hi": a say node needs a "next"/],
    ['a hangup with next', { nodes: [{ id: 'bye', type: 'hangup', next: 'bye' }] }, /node "bye": a hangup node ends the call/],
    ['a bad silence limit', { nodes: [{ ...listen, silence: { limit: -1 } }, bye] }, /node "ask": "silence.limit" must be an integer 0-10/],
    ['a start that names no node', { start: 'nope', nodes: [listen, bye] }, /"start" names no node/],
    ['a node without id', { nodes: [{ type: 'hangup' }] }, /node "#1": needs an "id"/],
    ['a branch with neither intent nor key', { nodes: [{ ...listen, branches: [{ next: 'bye' }] }, bye] }, /node "ask": branch 1 needs an "intent" or a "dtmf" key/],
    ['a dtmf that is no key', { nodes: [{ ...listen, branches: [{ dtmf: '12', next: 'bye' }] }, bye] }, /node "ask": branch 1: "dtmf" must be one key: 0-9, \*, #, A-D/],
    ['a dtmf of the wrong type', { nodes: [{ ...listen, branches: [{ dtmf: 1, next: 'bye' }] }, bye] }, /node "ask": branch 1: "dtmf" must be one key/],
    ['one key on two branches', { nodes: [{ ...listen, branches: [{ dtmf: '1', next: 'bye' }, { intent: 'Yes', dtmf: '1', next: 'bye' }] }, bye] }, /node "ask": branch 2: key "1" is taken by an earlier branch/],
    ['a key branch to nowhere', { nodes: [{ ...listen, branches: [{ dtmf: '#', next: 'gone' }] }, bye] }, /node "ask": branch 1 \("key #"\) goes to "gone"/],
  ];
  for (const [what, definition, expected] of cases) {
    it(`refuses ${what}, naming the node`, () => assert.match(problem(definition), expected));
  }

  it('accepts branches taken by a key, by an intent, or by either', () => {
    const flow = parseFlow('Main', { nodes: [{ ...listen, branches: [{ dtmf: '1', next: 'bye' }, { intent: 'Yes', dtmf: '*', next: 'bye' }, { intent: 'No', next: 'bye' }] }, bye] });
    assert.deepEqual(flow.nodes[0]!.branches, [{ dtmf: '1', next: 'bye' }, { intent: 'Yes', dtmf: '*', next: 'bye' }, { intent: 'No', next: 'bye' }]);
  });

  it('accepts declared variables and the contact\'s', () => {
    const flow = parseFlow('Main', { variables: [{ name: 'amount' }], nodes: [{ ...listen, text: '${name}${honorific}, pay ${amount}?' }, bye] });
    assert.deepEqual(flow.variables, [{ name: 'amount' }]);
  });
});

describe('compileScript', () => {
  const content = (flows: ScriptContent['flows'], intents = ['Yes']): ScriptContent => ({
    flows,
    intents: intents.map((name) => ({ id: name, name, description: '', utterances: [name], keywords: [] })),
    questions: [],
  });

  it('needs exactly one MainFlow', () => {
    assert.throws(() => compileScript(content([{ id: 'f', name: 'Sub', type: 'SubFlow', definition: { nodes: [bye] } }]), ''), /exactly one MainFlow, it has 0/);
  });

  it('checks branch intents and @Flow targets against the script', () => {
    assert.throws(() => compileScript(content([{ id: 'f', name: 'Main', type: 'MainFlow', definition: { nodes: [listen, bye] } }], []), ''), /flow "Main", node "ask": branch "Yes" names no intent/);
    const jump = { id: 'go', type: 'say', text: 'One moment', next: '@Missing' };
    assert.throws(() => compileScript(content([{ id: 'f', name: 'Main', type: 'MainFlow', definition: { nodes: [jump] } }]), ''), /node "go": goes to "@Missing", which is not a flow/);
    const compiled = compileScript(
      content([
        { id: 'f', name: 'Main', type: 'MainFlow', definition: { nodes: [{ ...jump, next: '@Sub' }] } },
        { id: 'g', name: 'Sub', type: 'SubFlow', definition: { nodes: [listen, bye] } },
      ]),
      '',
    );
    assert.equal(compiled.mainFlow, 'Main');
  });

  it('does not ask a key-only branch for an intent of the script', () => {
    const keyed = { ...listen, branches: [{ dtmf: '1', next: 'bye' }] };
    assert.equal(compileScript(content([{ id: 'f', name: 'Main', type: 'MainFlow', definition: { nodes: [keyed, bye] } }], []), '').mainFlow, 'Main');
  });

  it('refuses a flow that has no nodes yet', () => {
    assert.throws(() => compileScript(content([{ id: 'f', name: 'Main', type: 'MainFlow', definition: {} }]), ''), /flow "Main": the flow has no nodes yet/);
  });
});

describe('fillVariables', () => {
  it('fills known variables and empties unknown ones', () => {
    assert.equal(fillVariables('${name}，您好，欠款${ amount }元${x}', { name: '张三', amount: '100' }), '张三，您好，欠款100元');
  });
});
