import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundBotClient, type AssignJobsRequest } from '../../src/client/index.ts';
import { ACTIONS } from '../../src/protocol/registry.ts';
import { popCoreClient, typedFailure } from '../helpers/clients.ts';
import { TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

const START = Date.parse('2026-12-01T09:00:00Z');


describe('outboundbot/client against the server', () => {
  const server = serverPerSuite(virtualClockAt(START));
  const connect = () => new OutboundBotClient({ ...TEST_KEY, endpoint: server.url });

  it('has a method for every action of the registry', () => {
    const client = connect();
    for (const { name } of ACTIONS) {
      const method = name[0]!.toLowerCase() + name.slice(1);
      assert.equal(typeof (client as unknown as Record<string, unknown>)[method], 'function', method);
    }
  });

  it('creates an instance, a script and a job group, assigns jobs with arrays and reads the group back, as pop-core sees it', async () => {
    const client = connect();
    const { Instance, RequestId } = await client.createInstance({ InstanceName: 'typed', MaxConcurrentConversation: 2, CallingNumber: ['95187', '95188'] });
    assert.match(RequestId, /\S/);
    assert.deepEqual(Instance.CallingNumbers, ['95187', '95188']);
    const InstanceId = Instance.InstanceId;

    const { Script } = await client.createScript({ InstanceId, ScriptName: '催收话术', Industry: 'Finance', Scene: 'Reminder' });
    const { JobGroup } = await client.createJobGroup({
      InstanceId,
      JobGroupName: 'typed group',
      ScriptId: Script.ScriptId,
      // A JSON-valued parameter given as an object: the client sends its JSON text.
      StrategyJson: { maxAttemptsPerDay: 2, minAttemptInterval: 30, workingTime: [{ beginTime: '09:00:00', endTime: '12:00:00' }] },
      CallingNumber: ['95187'],
    });

    const jobs: AssignJobsRequest['JobsJson'] = [
      { referenceId: 'ref-1', contacts: [{ phoneNumber: '13800000001', name: '张三' }], extras: [{ key: 'amount', value: '100' }] },
      // Or the JSON text itself, as the official clients' users write it.
      JSON.stringify({ referenceId: 'ref-2', contacts: [{ phoneNumber: '+86 138 0000 0002' }] }),
    ];
    const assigned = await client.assignJobs({ InstanceId, JobGroupId: JobGroup.JobGroupId, JobsJson: jobs, CallingNumber: ['95188'] });
    assert.equal(assigned.JobsId.length, 2);

    const { JobGroup: read } = await client.getJobGroup({ InstanceId, JobGroupId: JobGroup.JobGroupId });
    assert.equal(read.JobGroupName, 'typed group');
    assert.equal(read.ScriptId, Script.ScriptId);
    assert.equal(read.Strategy.MaxAttemptsPerDay, 2);
    assert.equal(read.Progress.TotalJobs, 2);

    // The same group through an official client: the typed client wrote what pop-core reads.
    const official = await popCoreClient(server.url, TEST_KEY).call('GetJobGroup', { InstanceId, JobGroupId: JobGroup.JobGroupId });
    assert.deepEqual({ ...read, RequestId: undefined }, { ...official.JobGroup, RequestId: undefined });
    const { Job } = await client.describeJob({ InstanceId, JobId: assigned.JobsId[0]! });
    assert.equal(Job.ReferenceId, 'ref-1');
    assert.equal(Job.Contacts[0]?.PhoneNumber, '13800000001');
    assert.deepEqual(Job.Extras, [{ Key: 'amount', Value: '100' }]);
  });

  it('a 4xx is an OutboundBotError with the envelope\'s Code, Message, RequestId and HttpStatusCode', async () => {
    const client = connect();
    const { Instance } = await client.createInstance({ InstanceName: 'errors', MaxConcurrentConversation: 1 });
    const missing = await typedFailure(client.getJobGroup({ InstanceId: Instance.InstanceId, JobGroupId: 'no-such-group' }));
    assert.equal(missing.Code, 'NotExist.JobGroup');
    assert.equal(missing.HttpStatusCode, 404);
    assert.equal(missing.Message, 'The specified JobGroup does not exist.');
    assert.match(missing.RequestId, /\S/);
    assert.equal(missing.action, 'GetJobGroup');
    assert.equal(missing.attempts, 1, 'a 404 is not retried');

    const bad = await typedFailure(client.createJobGroup({ InstanceId: Instance.InstanceId, JobGroupName: 'x', StrategyJson: '{not json' }));
    assert.equal(bad.HttpStatusCode, 400);
    assert.match(bad.Code, /^InvalidParameter/);
    assert.match(bad.Message, /StrategyJson/);
  });

  it('signs GET requests as well as POST ones', async () => {
    const client = new OutboundBotClient({ ...TEST_KEY, endpoint: server.url, method: 'GET' });
    const { Instance } = await client.createInstance({ InstanceName: 'over GET', MaxConcurrentConversation: 1 });
    const { Instance: read } = await client.describeInstance({ InstanceId: Instance.InstanceId });
    assert.equal(read.InstanceName, 'over GET');
  });

  it('a wrong secret is refused by the server\'s signature check', async () => {
    const client = new OutboundBotClient({ accessKeyId: TEST_KEY.accessKeyId, accessKeySecret: 'not-the-secret', endpoint: server.url });
    const refused = await typedFailure(client.listInstances());
    assert.equal(refused.HttpStatusCode, 400);
    assert.equal(refused.Code, 'SignatureDoesNotMatch');
  });
});
