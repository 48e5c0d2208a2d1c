import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { postUpload, until } from '../helpers/file-upload.ts';
import { sendV1 } from '../helpers/raw-requests.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const START = Date.parse('2026-12-01T00:00:00Z');
const ENVELOPE_FIELDS = ['Code', 'HostId', 'HttpStatusCode', 'Message', 'Recommend', 'RequestId', 'Success'];
/** An upper-case UUIDv7: the app's one request id generator (time-ordered ids). */
const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

interface Answer {
  what: string;
  status: number;
  body: Record<string, any>;
}

async function answer(what: string, response: Response | Promise<Response>): Promise<Answer> {
  const settled = await response;
  return { what, status: settled.status, body: (await settled.json()) as Record<string, any> };
}

/** The one envelope: the same fields, HttpStatusCode equal to the HTTP status, the Host as HostId. */
function assertEnvelope(got: Answer, status: number, code: string, host: string): void {
  assert.equal(got.status, status, `${got.what}: ${JSON.stringify(got.body)}`);
  assert.deepEqual(Object.keys(got.body).sort(), ENVELOPE_FIELDS, got.what);
  assert.equal(got.body.Code, code, got.what);
  assert.equal(got.body.HttpStatusCode, status, got.what);
  assert.equal(got.body.Success, false, got.what);
  assert.equal(got.body.HostId, host, got.what);
  assert.match(got.body.RequestId, REQUEST_ID, got.what);
}

describe('every route family fails with the one envelope, its RequestId from the one generator', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let client: ApiClient;
  let host: string;
  let instanceId: string;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START) } });
    client = popCoreClient(server.url, TEST_KEY);
    host = new URL(server.url).host;
    instanceId = (await client.call('CreateInstance', { InstanceName: 'errors', MaxConcurrentConversation: 2 })).Instance.InstanceId;
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  it('RPC, file upload, download, clock control, unknown route and an oversized body answer the same shape, with ids in request order', async () => {
    const url = server.url;
    const rpcOk = await sendV1(url, TEST_KEY, 'DescribeInstance', { InstanceId: instanceId });
    const answers: Answer[] = [
      { what: 'RPC', ...(await sendV1(url, TEST_KEY, 'DescribeInstance', { InstanceId: 'no-such-instance' })) },
      await answer('upload', fetch(`${url}/_files/upload`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not a form' })),
      await answer('download', fetch(`${url}/_files/download/UPLOADED/JOB/x/report.csv?Expires=1&Signature=forged`)),
      await answer('clock', fetch(`${url}/_outboundbot/clock`, { method: 'POST', body: '{"advanceMs": -1}' })),
      await answer('unknown route', fetch(`${url}/no/such/path?x=1`)),
      await answer('oversized body', fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a'.repeat(3 * 1024 * 1024) })),
    ];
    assertEnvelope(answers[0]!, 404, 'NotExist.Instance', host);
    assertEnvelope(answers[1]!, 400, 'InvalidPolicyDocument', host);
    assertEnvelope(answers[2]!, 403, 'AccessDenied', host);
    assertEnvelope(answers[3]!, 400, 'InvalidParameter', host);
    assertEnvelope(answers[4]!, 404, 'NotFound', host);
    assert.equal(answers[4]!.body.Message, 'No route for GET /no/such/path.');
    assertEnvelope(answers[5]!, 413, 'RequestEntityTooLarge', host);

    // One time-ordered generator serves success and failure alike: the ids rise in the order the requests were made.
    const ids = [rpcOk.body.RequestId as string, ...answers.map((a) => a.body.RequestId as string)];
    assert.match(ids[0]!, REQUEST_ID);
    assert.deepEqual([...ids].sort(), ids, 'request ids in request order');
    assert.equal(new Set(ids).size, ids.length);
  });

  it('a server told to stop answers the AssignJobs still waiting for its file 503 ServiceUnavailable in the same envelope', async () => {
    const ROWS = 150_000;
    const groupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'stopping' })).JobGroup.JobGroupId;
    const lines = ['phone,name'];
    for (let i = 0; i < ROWS; i++) lines.push(`${13800000000 + i},n${i}`);
    const upload = (await client.call('GetJobDataUploadParams', { InstanceId: instanceId, FileName: 'big.csv' })).UploadParams;
    assert.equal((await postUpload(upload, lines.join('\n'))).status, 200);
    const taskId = (await client.call('CreateJobDataParsingTask', { InstanceId: instanceId, JobFilePath: upload.Folder })).JobDataParsingTaskId;
    const describeTask = () => client.call('DescribeJobDataParsingTaskProgress', { InstanceId: instanceId, JobDataParsingTaskId: taskId });
    await until(describeTask, (r) => r.Progress.Status === 'Finished', 'the parse');

    // The synchronous assignment waits for the background task; the stop interrupts it.
    const assigning = sendV1(server.url, TEST_KEY, 'AssignJobs', { InstanceId: instanceId, JobGroupId: groupId, JobsJson: '[]', JobDataParsingTaskId: taskId });
    await until(describeTask, (r) => r.Progress.AssignStatus === 'InProgress' && r.Progress.AssignedJobCount > 0, 'the assignment to be under way');
    const stopped = server.stop('SIGTERM');
    const got = { what: 'shutting down', ...(await assigning) };
    await stopped;
    assertEnvelope(got, 503, 'ServiceUnavailable', host);
    assert.match(got.body.Message, /stopping/);
  });
});
