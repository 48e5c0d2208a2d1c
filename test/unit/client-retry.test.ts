import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CLIENT_TIMEOUT, NETWORK_ERROR, OutboundBotClient } from '../../src/client/index.ts';
import { backoffDelay, retryPolicy } from '../../src/client/retry.ts';
import { typedFailure } from '../helpers/clients.ts';

type Answer = (response: ServerResponse) => void;

const envelope = (status: number, code: string, extra: Record<string, unknown> = {}): Answer => (response) => {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ RequestId: `req-${code}`, Success: status === 200, Code: code, Message: `answered ${code}`, HttpStatusCode: status, ...extra }));
};
const OK = envelope(200, 'OK', { Instances: [] });
const UNAVAILABLE = envelope(503, 'ServiceUnavailable');
const THROTTLED = envelope(400, 'Throttling.User');


describe('the typed client retries over real HTTP', () => {
  let server: Server;
  let endpoint = '';
  /** What the server answers, request by request; the last one repeats. */
  let script: Answer[] = [];
  let requests: Array<{ action: string; nonce: string }> = [];
  let waits: number[] = [];

  const client = (extra: ConstructorParameters<typeof OutboundBotClient>[0]['retry'] = {}, timeoutMs?: number) =>
    new OutboundBotClient({
      accessKeyId: 'LTAIretry',
      accessKeySecret: 'secret',
      endpoint,
      timeoutMs,
      retry: extra === false ? false : { random: () => 0.5, sleep: async (ms) => void waits.push(ms), ...extra },
    });

  before(async () => {
    server = createServer((request, response) => {
      requests.push({ action: String(request.headers['x-acs-action']), nonce: String(request.headers['x-acs-signature-nonce']) });
      const answer = script.length > 1 ? script.shift()! : script[0]!;
      answer(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
    waits = [];
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a read answered 503 then 200 succeeds on its second attempt, freshly signed, after one backoff', async () => {
    script = [UNAVAILABLE, OK];
    const reply = await client({ baseDelayMs: 100 }).listInstances();
    assert.equal(reply.RequestId, 'req-OK');
    assert.equal(requests.length, 2);
    assert.notEqual(requests[0]!.nonce, requests[1]!.nonce, 'each attempt has its own nonce');
    assert.deepEqual(waits, [75], 'half of 100 ms fixed, the other half times random 0.5');
  });

  it('a write answered 503 is not repeated: the error tells the code, status and one attempt', async () => {
    script = [UNAVAILABLE, OK];
    const error = await typedFailure(client().createInstance({ InstanceName: 'x', MaxConcurrentConversation: 1 }));
    assert.equal(error.Code, 'ServiceUnavailable');
    assert.equal(error.HttpStatusCode, 503);
    assert.equal(error.RequestId, 'req-ServiceUnavailable');
    assert.equal(error.attempts, 1);
    assert.equal(requests.length, 1);
  });

  it('a write marked idempotent is retried after a 503', async () => {
    script = [UNAVAILABLE, OK];
    await client().call('CreateInstance', { InstanceName: 'x', MaxConcurrentConversation: 1 }, { idempotent: true });
    assert.equal(requests.length, 2);
  });

  it('a throttled write is retried: it was refused before it ran', async () => {
    script = [THROTTLED, envelope(429, 'Throttling'), OK];
    await client().createInstance({ InstanceName: 'x', MaxConcurrentConversation: 1 });
    assert.equal(requests.length, 3);
    assert.deepEqual(waits, [150, 300], 'the ceiling doubles: 200 then 400 ms, each with equal jitter');
  });

  it('gives up after maxAttempts with the last error', async () => {
    script = [UNAVAILABLE];
    const error = await typedFailure(client({ maxAttempts: 4 }).describeInstance({ InstanceId: 'i' }));
    assert.equal(error.attempts, 4);
    assert.equal(requests.length, 4);
    assert.equal(waits.length, 3);
  });

  it('a 4xx other than throttling is not retried, even for a read', async () => {
    script = [envelope(404, 'NotExist.Instance'), OK];
    const error = await typedFailure(client().describeInstance({ InstanceId: 'i' }));
    assert.equal(error.Code, 'NotExist.Instance');
    assert.equal(error.HttpStatusCode, 404);
    assert.equal(error.Message, 'answered NotExist.Instance');
    assert.equal(requests.length, 1);
  });

  it('retry: false makes one attempt', async () => {
    script = [UNAVAILABLE, OK];
    await typedFailure(client(false).listInstances());
    assert.equal(requests.length, 1);
  });

  it('an attempt that outlasts timeoutMs fails with ClientTimeout, and a read is tried again', async () => {
    const slow: Answer = (response) => void setTimeout(() => OK(response), 1000);
    script = [slow, OK];
    const started = performance.now();
    await client({}, 150).listInstances();
    assert.equal(requests.length, 2);
    assert.ok(performance.now() - started < 900, 'the first attempt was abandoned at its timeout');

    script = [slow];
    const error = await typedFailure(client(false, 150).createInstance({ InstanceName: 'x', MaxConcurrentConversation: 1 }));
    assert.equal(error.Code, CLIENT_TIMEOUT);
    assert.equal(error.HttpStatusCode, 0);
  });

  it('a refused connection fails with NetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new OutboundBotClient({ accessKeyId: 'a', accessKeySecret: 'b', endpoint: `http://127.0.0.1:${port}`, retry: false });
    const error = await typedFailure(unreachable.listInstances());
    assert.equal(error.Code, NETWORK_ERROR);
  });

  it('a caller\'s abort stops the call and its retries', async () => {
    script = [UNAVAILABLE];
    const controller = new AbortController();
    const aborting = new OutboundBotClient({
      accessKeyId: 'a',
      accessKeySecret: 'b',
      endpoint,
      retry: { maxAttempts: 5, sleep: async () => controller.abort(new Error('stopped by the caller')) },
    });
    await assert.rejects(aborting.call('ListInstances', {}, { signal: controller.signal }), /stopped by the caller/);
    assert.equal(requests.length, 1, 'the attempt after the abort is refused before it is sent');
  });
});

describe('backoffDelay', () => {
  it('doubles up to maxDelayMs, half fixed and half jitter', () => {
    const at = (random: number) => retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => random });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(at(0), n)), [50, 100, 200, 400, 500, 500]);
    assert.deepEqual([1, 2, 5].map((n) => backoffDelay(at(0.999999), n)), [100, 200, 1000]);
  });
});
