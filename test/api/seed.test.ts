import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { failure, openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { mismatchesAgainstExample, mismatchesAgainstTree, referenceAction, seedErrors, seedExample } from '../helpers/reference.ts';
import { sendV1 } from '../helpers/raw-requests.ts';
import { dropTable, schemaForDataDir, testBackendIsPostgres } from '../helpers/postgres.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

describe('GetJobGroup against its seed page', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let pop: ApiClient;
  let openapi: ApiClient;
  let instanceId: string;
  let jobGroupId: string;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir });
    pop = popCoreClient(server.url, TEST_KEY);
    openapi = openApiCoreClient(server.url, TEST_KEY);
    instanceId = (await pop.call('CreateInstance', { InstanceName: 'seed', MaxConcurrentConversation: 4 })).Instance.InstanceId;
    const scriptId = (await pop.call('CreateScript', { InstanceId: instanceId, ScriptName: '催收话术', Industry: '金融', Scene: '催收' })).Script.ScriptId;
    jobGroupId = (
      await pop.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: '催收作业组',
        ScriptId: scriptId,
        StrategyJson: JSON.stringify({ maxAttemptsPerDay: 2, minAttemptInterval: 10, repeatBy: 'Once', workingTime: [{ beginTime: '09:00:00', endTime: '12:00:00' }] }),
      })
    ).JobGroup.JobGroupId;
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  for (const which of ['pop-core', 'openapi-core'] as const) {
    it(`${which}: every field of the seed example is present with the same JSON type`, async () => {
      const client = which === 'pop-core' ? pop : openapi;
      const body = await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId });
      assert.deepEqual(mismatchesAgainstExample(seedExample(), body), []);
      assert.deepEqual(mismatchesAgainstTree(referenceAction('GetJobGroup').response, body), []);
    });
  }

  it('the shape check notices a missing or retyped field', () => {
    const example = seedExample();
    const broken = structuredClone(example) as { JobGroup: Record<string, any> };
    delete broken.JobGroup.Result.UnrecognizedNum;
    broken.JobGroup.ModifyTime = 1;
    assert.deepEqual(mismatchesAgainstExample(example, broken), ['$.JobGroup.ModifyTime: expected string, got number', '$.JobGroup.Result.UnrecognizedNum: missing']);
  });

  it('an unknown instance answers 404 NotExist.Instance', async () => {
    const raw = await sendV1(server.url, TEST_KEY, 'GetJobGroup', { InstanceId: 'af81a389-91f0-4157-8d82-720edd02b66a', JobGroupId: jobGroupId });
    assert.equal(raw.status, 404);
    assert.equal(raw.body.Code, 'NotExist.Instance');
    assert.equal(raw.body.HttpStatusCode, 404);
    assert.equal(raw.body.Success, false);
    for (const field of ['RequestId', 'HostId', 'Message', 'Recommend']) assert.equal(typeof raw.body[field], 'string', field);
    assert.equal((await failure(openapi.call('GetJobGroup', { InstanceId: 'nope', JobGroupId: jobGroupId }))).status, 404);
  });

  it('a job group of another instance answers 404 NotExist.JobGroup', async () => {
    const other = (await pop.call('CreateInstance', { InstanceName: 'other', MaxConcurrentConversation: 1 })).Instance.InstanceId;
    const raw = await sendV1(server.url, TEST_KEY, 'GetJobGroup', { InstanceId: other, JobGroupId: jobGroupId });
    assert.equal(raw.status, 404);
    assert.equal(raw.body.Code, 'NotExist.JobGroup');
  });

  it('every error code of the seed page is one the server answers with its status', async () => {
    // NotExist.* are exercised above; InternalError by the next test.
    const codes = seedErrors();
    assert.deepEqual(codes.map((c) => `${c.status} ${c.code}`).sort(), ['404 NotExist.Instance', '404 NotExist.JobGroup', '500 InternalError']);
  });

  it('an unexpected failure answers 500 InternalError, logs the cause and does not return it', async () => {
    // Break the database under the running server: the failure is real, not mocked.
    if (testBackendIsPostgres()) {
      await dropTable(schemaForDataDir(server.dataDir), 'job_group_results');
    } else {
      const db = new Database(join(server.dataDir, 'outboundbot.sqlite'));
      db.exec('DROP TABLE job_group_results');
      db.close();
    }
    const raw = await sendV1(server.url, TEST_KEY, 'GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId });
    assert.equal(raw.status, 500);
    assert.equal(raw.body.Code, 'InternalError');
    assert.doesNotMatch(JSON.stringify(raw.body), /job_group_results|sqlite/i);
    const logged = await server.waitForLine((line) => line.includes(raw.body.RequestId));
    assert.match(logged, /no such table: job_group_results|relation \\+"job_group_results\\+" does not exist/);
    // The process survives and keeps serving.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});
