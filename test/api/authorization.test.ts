import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, type Credentials } from '../helpers/clients.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

async function createKey(dataDir: string, args: string[]): Promise<Credentials & { accountId: string }> {
  const result = await runCli(['keys', 'create', '--json', ...args], dataDir);
  assert.equal(result.code, 0, result.stderr);
  const key = JSON.parse(result.stdout) as { AccessKeyId: string; AccessKeySecret: string; AccountId: string };
  return { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret, accountId: key.AccountId };
}

describe('authorization between accounts and for sub-users', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let instanceA: string;
  let instanceB: string;
  let jobGroupA: string;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir });
    const root = popCoreClient(server.url, TEST_KEY);
    instanceA = (await root.call('CreateInstance', { InstanceName: 'A', MaxConcurrentConversation: 2 })).Instance.InstanceId;
    instanceB = (await root.call('CreateInstance', { InstanceName: 'B', MaxConcurrentConversation: 2 })).Instance.InstanceId;
    jobGroupA = (await root.call('CreateJobGroup', { InstanceId: instanceA, JobGroupName: 'g' })).JobGroup.JobGroupId;
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  it('another account sees none of the instances and gets NotExist.Instance for their ids', async () => {
    const stranger = await createKey(server.dataDir, ['--new-account', '--name', 'stranger']);
    for (const client of [popCoreClient(server.url, stranger), openApiCoreClient(server.url, stranger)]) {
      const listed = await client.call('ListInstances', { PageNumber: 1, PageSize: 50 });
      assert.equal(listed.TotalCount, 0);
      assert.deepEqual(listed.Instances, []);
      const absent = await failure(client.call('GetJobGroup', { InstanceId: 'af81a389-91f0-4157-8d82-720edd02b66a', JobGroupId: jobGroupA }));
      const foreign = await failure(client.call('GetJobGroup', { InstanceId: instanceA, JobGroupId: jobGroupA }));
      assert.equal(foreign.code, 'NotExist.Instance');
      assert.equal(foreign.code, absent.code, 'a foreign instance is indistinguishable from an absent one');
      assert.equal((await failure(client.call('DeleteInstance', { InstanceId: instanceA }))).code, 'NotExist.Instance');
      assert.equal((await failure(client.call('CreateJobGroup', { InstanceId: instanceA, JobGroupName: 'x' }))).code, 'NotExist.Instance');
    }
    // And the owner still has it.
    const owner = await popCoreClient(server.url, TEST_KEY).call('GetJobGroup', { InstanceId: instanceA, JobGroupId: jobGroupA });
    assert.equal(owner.JobGroup.JobGroupId, jobGroupA);
  });

  it('a sub-user may do only what its policy allows, on the instances it names', async () => {
    const policy = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['outboundbot:Get*', 'outboundbot:List*'], Resource: [`acs:outboundbot:*:*:instance/${instanceA}`] }],
    };
    const reader = await createKey(server.dataDir, ['--name', 'reader', '--policy', JSON.stringify(policy)]);
    for (const client of [popCoreClient(server.url, reader), openApiCoreClient(server.url, reader)]) {
      const got = await client.call('GetJobGroup', { InstanceId: instanceA, JobGroupId: jobGroupA });
      assert.equal(got.JobGroup.JobGroupId, jobGroupA);
      const listed = await client.call('ListJobGroups', { InstanceId: instanceA, PageNumber: 1, PageSize: 10 });
      assert.equal(listed.JobGroups.TotalCount, 1);
      const otherInstance = await failure(client.call('GetJobGroup', { InstanceId: instanceB, JobGroupId: jobGroupA }));
      assert.equal(otherInstance.code, 'Forbidden.RAM');
      const write = await failure(client.call('ModifyJobGroup', { InstanceId: instanceA, JobGroupId: jobGroupA, Name: 'hijack' }));
      assert.equal(write.code, 'Forbidden.RAM');
      const create = await failure(client.call('CreateInstance', { InstanceName: 'x', MaxConcurrentConversation: 1 }));
      assert.equal(create.code, 'Forbidden.RAM');
    }
    const refused = await failure(openApiCoreClient(server.url, reader).call('DeleteJobGroup', { InstanceId: instanceA, JobGroupId: jobGroupA }));
    assert.equal(refused.status, 403);
  });

  it('an explicit Deny wins over an Allow', async () => {
    const policy = {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'outboundbot:*', Resource: '*' },
        { Effect: 'Deny', Action: 'outboundbot:GetJobGroup', Resource: `acs:outboundbot:*:*:instance/${instanceA}` },
      ],
    };
    const limited = await createKey(server.dataDir, ['--name', 'limited', '--policy', JSON.stringify(policy)]);
    const client = popCoreClient(server.url, limited);
    assert.equal((await failure(client.call('GetJobGroup', { InstanceId: instanceA, JobGroupId: jobGroupA }))).code, 'Forbidden.RAM');
    const described = await client.call('DescribeJobGroup', { InstanceId: instanceA, JobGroupId: jobGroupA });
    assert.equal(described.JobGroup.JobGroupId, jobGroupA, 'the Allow still covers other actions');
  });

  it('a sub-user key of another account gets nothing of this one even with a wide policy', async () => {
    const stranger = await createKey(server.dataDir, ['--new-account', '--name', 'other-co']);
    const policy = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'outboundbot:*', Resource: '*' }] };
    const sub = await createKey(server.dataDir, ['--account', stranger.accountId, '--name', 'sub', '--policy', JSON.stringify(policy)]);
    assert.equal((await failure(popCoreClient(server.url, sub).call('DescribeInstance', { InstanceId: instanceA }))).code, 'NotExist.Instance');
  });

  it('keys list shows every key without any secret', async () => {
    const listed = await runCli(['keys', 'list', '--json'], server.dataDir);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, string>>;
    assert.ok(rows.some((row) => row.AccessKeyId === TEST_KEY.accessKeyId && row.Kind === 'root'));
    assert.ok(rows.some((row) => row.Kind === 'sub-user'));
    assert.ok(!listed.stdout.includes(TEST_KEY.accessKeySecret));
    assert.ok(rows.every((row) => !('AccessKeySecret' in row)));
  });

  it('keys create refuses an invalid policy with a clear message', async () => {
    const result = await runCli(['keys', 'create', '--policy', '{"Statement":[{"Effect":"Maybe","Action":"x"}]}'], server.dataDir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid policy: Statement\.0\.Effect/);
  });
});
