import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { LlmSettings } from '../../src/config/config.ts';
import { converse } from '../../src/dialog/conversation.ts';
import { LlmNlu } from '../../src/dialog/llm-nlu.ts';
import { builtinNlu, nluFor } from '../../src/dialog/nlu-engines.ts';
import { cooperative } from '../../src/dialog/persona.ts';
import { DialogSession } from '../../src/dialog/runtime.ts';
import { compileScript, type ScriptContent } from '../../src/dialog/script-content.ts';

/**
 * A local stand-in for an OpenAI-compatible chat-completions endpoint (127.0.0.1
 * only): each test sets how it answers; every request is recorded.
 */
type Behaviour = (body: { model: string; messages: Array<{ role: string; content: string }> }, res: ServerResponse) => void;

let server: Server;
let url = '';
let behaviour: Behaviour = () => {};
const requests: Array<{ path: string; authorization?: string; body: { model: string; messages: Array<{ role: string; content: string }> } }> = [];

function answer(content: string): Behaviour {
  return (_body, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
  };
}

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw);
      requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      behaviour(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const settings = (overrides: Partial<LlmSettings> = {}): LlmSettings => ({ url, key: 'sk-test-secret', model: 'test-model', timeoutMs: 2_000, ...overrides });
const candidates = [
  { name: 'WillPay', utterances: ['好的，今天还'], keywords: [] },
  { name: 'Later', utterances: ['Call me later'], keywords: ['later'] },
];

const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8')) as { dialog: ScriptContent };
const script = compileScript(example.dialog, 'Prompts');

describe('LlmNlu against a fake OpenAI-compatible server', () => {
  it('posts a chat completion with the model, the key as Bearer token and the candidates, and reads the intent named', async () => {
    behaviour = answer('Later');
    requests.length = 0;
    const match = await new LlmNlu(settings()).classify('maybe next month', candidates);
    assert.deepEqual(match, { intent: 'Later', score: 0.9 });
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.path, '/v1/chat/completions');
    assert.equal(requests[0]!.authorization, 'Bearer sk-test-secret');
    assert.equal(requests[0]!.body.model, 'test-model');
    assert.match(requests[0]!.body.messages[0]!.content, /WillPay/);
    assert.deepEqual(requests[0]!.body.messages[1], { role: 'user', content: 'maybe next month' });
  });

  it('an answer of "none" or of a name not offered is no intent', async () => {
    behaviour = answer('none');
    assert.deepEqual(await new LlmNlu(settings()).classify('hm', candidates), { score: 0 });
    behaviour = answer('Dance');
    assert.deepEqual(await new LlmNlu(settings()).classify('hm', candidates), { score: 0 });
  });

  it('an HTTP error, a body that is not JSON and a missing message all throw, without the key in the message', async () => {
    const nlu = new LlmNlu(settings());
    behaviour = (_b, res) => {
      res.statusCode = 500;
      res.end('boom');
    };
    await assert.rejects(nlu.classify('x', candidates), (e: Error) => /HTTP 500/.test(e.message) && !e.message.includes('sk-test'));
    behaviour = (_b, res) => res.end('not json');
    await assert.rejects(nlu.classify('x', candidates), /not JSON/);
    behaviour = (_b, res) => res.end('{"choices": []}');
    await assert.rejects(nlu.classify('x', candidates), /without choices/);
  });

  it('an endpoint that never answers fails after the timeout', async () => {
    behaviour = () => {}; // holds the request open
    await assert.rejects(new LlmNlu(settings({ timeoutMs: 150 })).classify('x', candidates), /no answer within 150 ms/);
  });

  it('an unreachable endpoint fails at once', async () => {
    await assert.rejects(new LlmNlu(settings({ url: 'http://127.0.0.1:9/v1' })).classify('x', candidates), /could not be reached/);
  });

  it('drives a whole call: the branch the model names is taken', async () => {
    behaviour = answer('Later');
    const session = new DialogSession(script, {}, new LlmNlu(settings()), builtinNlu);
    const outcome = await converse(session, script, { steps: [{ say: 'I am busy right now' }] }, 0, 300_000);
    assert.equal(outcome.end, 'Finished');
    assert.deepEqual(outcome.results.briefs, [{ key: 'Payment', value: 'Later' }]);
  });

  it('a call whose NLU times out or fails on every turn still ends, answered by the built-in engine', async () => {
    for (const failing of [() => {}, (_b: unknown, res: ServerResponse) => ((res.statusCode = 503), res.end())] as Behaviour[]) {
      behaviour = failing;
      const session = new DialogSession(script, {}, new LlmNlu(settings({ timeoutMs: 100 })), builtinNlu);
      const outcome = await converse(session, script, cooperative(1), 0, 300_000);
      assert.equal(outcome.end, 'Finished');
      assert.deepEqual(outcome.results.briefs, [{ key: 'Payment', value: 'AlreadyPaid' }], 'the built-in engine heard the example');
    }
    behaviour = () => {};
    const unanswered = new DialogSession(script, {}, new LlmNlu(settings({ timeoutMs: 100 })), builtinNlu);
    unanswered.start();
    const step = await unanswered.hear('purple elephants');
    assert.equal(step.heard?.kind, 'noMatch');
    assert.match(step.heard?.error ?? '', /no answer within 100 ms/);
  });
});

describe('nluFor', () => {
  it('uses the LLM only for an external engine and only when configured', () => {
    assert.equal(nluFor('Prompts', settings()).name, 'llm');
    assert.equal(nluFor('llm', settings()).name, 'llm');
    assert.equal(nluFor('Prompts', undefined).name, 'builtin');
    assert.equal(nluFor('', settings()).name, 'builtin');
    assert.equal(nluFor('Tongyi', settings()).name, 'builtin');
  });
});
