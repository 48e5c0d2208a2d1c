import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient } from '../helpers/clients.ts';
import { formEncode, isoNow, sendAcs3, sendV1, v1Params } from '../helpers/raw-requests.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

describe('request authentication', () => {
  let server: ServerProcess;
  let cleanup: () => void;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir });
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  const expectError = (raw: { status: number; body: Record<string, any> }, status: number, code: string) => {
    assert.equal(raw.body.Code, code, JSON.stringify(raw.body));
    assert.equal(raw.status, status);
    assert.equal(raw.body.HttpStatusCode, status);
    assert.equal(raw.body.Success, false);
    assert.equal(typeof raw.body.RequestId, 'string');
  };

  it('GET /healthz answers 200 {"status":"ok"} without credentials', async () => {
    const response = await fetch(`${server.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('a correctly signed v1 request succeeds, by POST form and by GET query', async () => {
    assert.equal((await sendV1(server.url, TEST_KEY, 'ListInstances', {})).status, 200);
    assert.equal((await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { method: 'GET' })).status, 200);
  });

  it('an unsigned request is refused with 400 IncompleteSignature', async () => {
    const response = await fetch(`${server.url}/?Action=ListInstances&Version=2019-12-26`);
    expectError({ status: response.status, body: await response.json() }, 400, 'IncompleteSignature');
  });

  it('a wrong v1 signature is refused with 400 SignatureDoesNotMatch', async () => {
    expectError(await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), 400, 'SignatureDoesNotMatch');
    const wrongSecret = { ...TEST_KEY, accessKeySecret: `${TEST_KEY.accessKeySecret}x` };
    expectError(await sendV1(server.url, wrongSecret, 'ListInstances', {}), 400, 'SignatureDoesNotMatch');
  });

  it('a parameter changed after signing is refused with 400 SignatureDoesNotMatch', async () => {
    const params = v1Params(TEST_KEY, 'ListInstances', { PageSize: '10' });
    params.set('PageSize', '20');
    const response = await fetch(`${server.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formEncode(params) });
    expectError({ status: response.status, body: await response.json() }, 400, 'SignatureDoesNotMatch');
  });

  it('an unknown AccessKeyId is refused with 404 InvalidAccessKeyId.NotFound', async () => {
    expectError(await sendV1(server.url, { ...TEST_KEY, accessKeyId: 'LTAIdoesnotexist' }, 'ListInstances', {}), 404, 'InvalidAccessKeyId.NotFound');
    const viaClient = await failure(openApiCoreClient(server.url, { ...TEST_KEY, accessKeyId: 'LTAIdoesnotexist' }).call('ListInstances'));
    assert.equal(viaClient.code, 'InvalidAccessKeyId.NotFound');
  });

  it('a timestamp more than 15 minutes off is refused with 400 InvalidTimeStamp.Expired', async () => {
    expectError(await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { timestamp: isoNow(-16 * 60_000) }), 400, 'InvalidTimeStamp.Expired');
    expectError(await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { timestamp: isoNow(16 * 60_000) }), 400, 'InvalidTimeStamp.Expired');
    expectError(await sendAcs3(server.url, TEST_KEY, 'ListInstances', {}, '', { date: isoNow(-20 * 60_000) }), 400, 'InvalidTimeStamp.Expired');
    assert.equal((await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { timestamp: isoNow(-14 * 60_000) })).status, 200, 'inside the window');
  });

  it('a malformed timestamp is refused with 400 InvalidTimeStamp.Format', async () => {
    expectError(await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { timestamp: '2026-11-26 16:43:45' }), 400, 'InvalidTimeStamp.Format');
    expectError(await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { timestamp: 'yesterday' }), 400, 'InvalidTimeStamp.Format');
  });

  it('a replayed nonce is refused with 400 SignatureNonceUsed, for both schemes', async () => {
    assert.equal((await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { nonce: 'nonce-v1-once' })).status, 200);
    expectError(await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { nonce: 'nonce-v1-once' }), 400, 'SignatureNonceUsed');
    assert.equal((await sendAcs3(server.url, TEST_KEY, 'ListInstances', {}, '', { nonce: 'nonce-acs3-once' })).status, 200);
    expectError(await sendAcs3(server.url, TEST_KEY, 'ListInstances', {}, '', { nonce: 'nonce-acs3-once' }), 400, 'SignatureNonceUsed');
  });

  it('an ACS3 body that does not match its signed hash is refused with 400 SignatureDoesNotMatch', async () => {
    const signedBody = 'InstanceName=a&MaxConcurrentConversation=1';
    const raw = await sendAcs3(server.url, TEST_KEY, 'CreateInstance', {}, signedBody, { sentBody: 'InstanceName=b&MaxConcurrentConversation=1' });
    expectError(raw, 400, 'SignatureDoesNotMatch');
    assert.equal((await sendAcs3(server.url, TEST_KEY, 'CreateInstance', {}, signedBody)).status, 200, 'the untampered body is accepted');
  });

  it('a Version other than 2019-12-26 is refused with 400 InvalidVersion', async () => {
    expectError(await sendV1(server.url, TEST_KEY, 'ListInstances', {}, { version: '2017-01-01' }), 400, 'InvalidVersion');
  });

  it('an unknown Action is refused with 400 InvalidAction.NotFound through both clients', async () => {
    expectError(await sendV1(server.url, TEST_KEY, 'NoSuchAction', {}), 400, 'InvalidAction.NotFound');
    assert.equal((await failure(popCoreClient(server.url, TEST_KEY).call('NoSuchAction'))).code, 'InvalidAction.NotFound');
    assert.equal((await failure(openApiCoreClient(server.url, TEST_KEY).call('NoSuchAction'))).code, 'InvalidAction.NotFound');
  });

  it('a disabled key is refused with 400 InvalidAccessKeyId.Inactive, and works again once enabled', async () => {
    const created = await runCli(['keys', 'create', '--name', 'temp', '--json'], server.dataDir);
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { AccessKeyId: string; AccessKeySecret: string };
    const credentials = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
    assert.equal((await sendV1(server.url, credentials, 'ListInstances', {})).status, 200);
    assert.equal((await runCli(['keys', 'disable', key.AccessKeyId], server.dataDir)).code, 0);
    expectError(await sendV1(server.url, credentials, 'ListInstances', {}), 400, 'InvalidAccessKeyId.Inactive');
    assert.equal((await failure(popCoreClient(server.url, credentials).call('ListInstances'))).code, 'InvalidAccessKeyId.Inactive');
    assert.equal((await runCli(['keys', 'enable', key.AccessKeyId], server.dataDir)).code, 0);
    assert.equal((await sendV1(server.url, credentials, 'ListInstances', {})).status, 200);
  });

  it('the virtual clock control API does not exist on the system clock', async () => {
    for (const init of [undefined, { method: 'POST', body: '{"advanceMs":1000}' }]) {
      const response = await fetch(`${server.url}/_outboundbot/clock`, init);
      expectError({ status: response.status, body: await response.json() }, 404, 'NotFound');
    }
  });

  it('an unknown path answers 404 with the error envelope', async () => {
    const response = await fetch(`${server.url}/nope`);
    expectError({ status: response.status, body: await response.json() }, 404, 'NotFound');
  });

  it('an oversized body answers 413 with the error envelope, and the connection serves the next request', async () => {
    // The server reads the rest of the upload and drops it, so the client always gets
    // to read the 413 (closing at once could reset the connection under the upload).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = `JobGroupName=${'x'.repeat(3 * 1024 * 1024)}`;
      const refused = await send(agent, 'POST', `${server.url}/`, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }, body);
      expectError({ status: refused.status, body: JSON.parse(refused.body) }, 413, 'RequestEntityTooLarge');
      const next = await send(agent, 'GET', `${server.url}/healthz`, {});
      assert.equal(next.status, 200);
      assert.equal(next.reusedSocket, true, 'the 413 closed the connection');
    } finally {
      agent.destroy();
    }
  });
});

/** One request on `agent`: its status, body, and whether it went over a connection already used. */
function send(agent: Agent, method: string, url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
