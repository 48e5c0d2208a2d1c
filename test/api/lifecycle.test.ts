import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, typedClient, type ApiClient } from '../helpers/clients.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

/** Calls an action and checks the reply against the action's reference response shape. */
async function callChecked(client: ApiClient, action: string, params: Record<string, unknown>) {
  const body = await client.call(action, params);
  assert.deepEqual(mismatchesAgainstTree(referenceAction(action).response, body), [], `${action} reply shape`);
  assert.equal(body.Success, true);
  assert.equal(body.Code, 'OK');
  assert.equal(body.HttpStatusCode, 200);
  assert.equal(typeof body.RequestId, 'string');
  return body;
}

const STRATEGY = {
  maxAttemptsPerDay: '3',
  minAttemptInterval: '10',
  routingStrategy: 'LocalProvinceFirst',
  repeatDays: ['1', '2', '3'],
  workingTime: [
    { beginTime: '14:00:00', endTime: '15:00:00' },
    { beginTime: '10:00:00', endTime: '11:00:00' },
  ],
  repeatable: true,
  endTime: 1707494400000,
  startTime: 1706976000000,
  repeatBy: 'Week',
};

describe('the full lifecycle through the official clients', () => {
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

  const clients: Array<[string, () => ApiClient]> = [
    ['pop-core POST (signature v1)', () => popCoreClient(server.url, TEST_KEY, 'POST')],
    ['pop-core GET (signature v1)', () => popCoreClient(server.url, TEST_KEY, 'GET')],
    ['openapi-core (ACS3-HMAC-SHA256)', () => openApiCoreClient(server.url, TEST_KEY)],
    ['outboundbot/client (typed, ACS3-HMAC-SHA256)', () => typedClient(server.url, TEST_KEY)],
  ];

  for (const [label, makeClient] of clients) {
    it(`${label}: instance, script and job group are created, read back, changed and deleted`, async () => {
      const client = makeClient();

      // Instance.
      const created = await callChecked(client, 'CreateInstance', {
        InstanceName: `实例 ${label}`,
        InstanceDescription: '这个是第一的实例',
        MaxConcurrentConversation: 4,
        CallingNumber: ['95187', '057188880000'],
      });
      const instanceId: string = created.Instance.InstanceId;
      assert.match(instanceId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'ids are UUIDv7');
      const described = await callChecked(client, 'DescribeInstance', { InstanceId: instanceId });
      assert.equal(described.Instance.InstanceName, `实例 ${label}`);
      assert.equal(described.Instance.MaxConcurrentConversation, 4);
      const listed = await callChecked(client, 'ListInstances', { Name: label, PageNumber: 1, PageSize: 10 });
      assert.deepEqual(listed.Instances.map((i: { InstanceId: string }) => i.InstanceId), [instanceId]);
      const modified = await callChecked(client, 'ModifyInstance', { InstanceId: instanceId, MaxConcurrentConversation: 6, InstanceName: '新实例' });
      assert.equal(modified.Instance.MaxConcurrentConversation, 6);
      assert.equal(modified.Instance.InstanceName, '新实例');

      // Script: draft, modify, publish.
      const script = await callChecked(client, 'CreateScript', {
        InstanceId: instanceId,
        ScriptName: '催收话术',
        Industry: '金融',
        Scene: '催收',
        ScriptDescription: '课程回复话术',
        NluEngine: 'Prompts',
        EmotionEnable: true,
      });
      const scriptId: string = script.Script.ScriptId;
      assert.equal(script.Script.Status, 'DRAFTED');
      await callChecked(client, 'ModifyScript', { InstanceId: instanceId, ScriptId: scriptId, ScriptName: '催收话术 v2', Industry: '金融', Scene: '催收' });
      const draft = await callChecked(client, 'DescribeScript', { InstanceId: instanceId, ScriptId: scriptId });
      assert.equal(draft.Script.ScriptName, '催收话术 v2');
      assert.equal(draft.Script.EmotionEnable, true, 'settings not sent again are kept');
      const scripts = await callChecked(client, 'ListScripts', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 });
      assert.equal(scripts.Scripts.TotalCount, 1);
      await callChecked(client, 'PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: '第一次发布' });
      const history = await callChecked(client, 'ListScriptPublishHistories', { InstanceId: instanceId, ScriptId: scriptId, PageNumber: 1, PageSize: 10 });
      assert.equal(history.ScriptPublishHistories.TotalCount, 1);
      const version: string = history.ScriptPublishHistories.List[0].ScriptVersion;
      assert.equal(history.ScriptPublishHistories.List[0].Description, '第一次发布');
      const published = await callChecked(client, 'DescribeScript', { InstanceId: instanceId, ScriptId: scriptId });
      assert.equal(published.Script.Status, 'PUBLISHED');
      assert.equal(published.Script.IsDrafted, false);

      // Job group with every setting.
      const group = await callChecked(client, 'CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: '催收作业组',
        JobGroupDescription: '第一个的作业组',
        ScriptId: scriptId,
        StrategyJson: JSON.stringify(STRATEGY),
        RecallStrategyJson: JSON.stringify({ emptyNumberIgnore: true, inArrearsIgnore: true, outOfServiceIgnore: false }),
        CallingNumber: ['95187'],
        RecallCallingNumber: ['057188880000'],
        Priority: 'Urgent',
        RingingDuration: 30,
        MinConcurrency: 2,
        FlashSmsExtras: JSON.stringify({ templateId: '104xx', configId: '8037f524', templateContent: '敬请接听' }),
      });
      const jobGroupId: string = group.JobGroup.JobGroupId;

      const got = await callChecked(client, 'GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId });
      const g = got.JobGroup;
      assert.equal(g.JobGroupName, '催收作业组');
      assert.equal(g.JobGroupDescription, '第一个的作业组');
      assert.equal(g.Status, 'Draft');
      assert.equal(g.ScriptId, scriptId);
      assert.equal(g.ScriptName, '催收话术 v2');
      assert.equal(g.ScriptVersion, version);
      assert.equal(g.ScriptNluEngine, 'Prompts');
      assert.equal(typeof g.CreationTime, 'number');
      assert.equal(g.ModifyTime, String(g.CreationTime));
      assert.deepEqual(g.CallingNumbers, ['95187']);
      assert.deepEqual(g.RecallCallingNumbers, ['057188880000']);
      assert.equal(g.Priority, 'Urgent');
      assert.equal(g.RingingDuration, 30);
      assert.equal(g.MinConcurrency, 2);
      assert.deepEqual(g.FlashSmsExtras, { ConfigId: '8037f524', TemplateId: '104xx' });
      assert.deepEqual(g.RecallStrategy, { EmptyNumberIgnore: true, InArrearsIgnore: true, OutOfServiceIgnore: false });
      assert.equal(g.Strategy.MaxAttemptsPerDay, 3);
      assert.equal(g.Strategy.MinAttemptInterval, 10);
      assert.equal(g.Strategy.RoutingStrategy, 'LocalProvinceFirst');
      assert.equal(g.Strategy.RepeatBy, 'Week');
      assert.equal(g.Strategy.Repeatable, true);
      assert.deepEqual(g.Strategy.RepeatDays, ['1', '2', '3']);
      assert.deepEqual(g.Strategy.WorkingTime, [
        { BeginTime: '10:00:00', EndTime: '11:00:00' },
        { BeginTime: '14:00:00', EndTime: '15:00:00' },
      ]);
      assert.equal(g.Strategy.StartTime, 1706976000000);
      assert.equal(g.Strategy.EndTime, 1707494400000);
      assert.deepEqual(
        { ...g.Progress, Briefs: undefined, Categories: undefined },
        {
          Status: 'Draft', TotalJobs: 0, Scheduling: 0, Executing: 0, TotalCompleted: 0, Failed: 0, Paused: 0, Cancelled: 0,
          TotalNotAnswered: 0, StartTime: 0, Duration: 0, Briefs: undefined, Categories: undefined,
        },
        'a group without jobs has zero counters',
      );
      assert.deepEqual(g.Result, { FinishedNum: 0, ClientHangupNum: 0, NoInteractNum: 0, TimeoutHangupNum: 0, UnrecognizedNum: 0 });

      const describedGroup = await callChecked(client, 'DescribeJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, BriefTypes: ['score'] });
      assert.deepEqual({ ...describedGroup.JobGroup, Progress: null }, { ...g, Progress: null });

      const groups = await callChecked(client, 'ListJobGroups', {
        InstanceId: instanceId, PageNumber: 1, PageSize: 10, JobGroupStatusFilter: 'Draft,Paused', SearchText: '催收',
      });
      assert.deepEqual(groups.JobGroups.List.map((x: { JobGroupId: string }) => x.JobGroupId), [jobGroupId]);
      const none = await callChecked(client, 'ListJobGroups', { InstanceId: instanceId, PageNumber: 1, PageSize: 10, JobGroupStatusFilter: 'Completed' });
      assert.equal(none.JobGroups.TotalCount, 0);

      // Modify: a partial strategy merges over the stored one; pausing is a status change.
      const changed = await callChecked(client, 'ModifyJobGroup', {
        InstanceId: instanceId,
        JobGroupId: jobGroupId,
        Name: '修改后的作业组',
        JobGroupStatus: 'Paused',
        StrategyJson: JSON.stringify({ maxAttemptsPerDay: 5 }),
      });
      assert.equal(typeof changed.JobGroup.FlashSmsExtras, 'string');
      const after = (await callChecked(client, 'GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(after.JobGroupName, '修改后的作业组');
      assert.equal(after.Status, 'Paused');
      assert.equal(after.Strategy.MaxAttemptsPerDay, 5);
      assert.equal(after.Strategy.MinAttemptInterval, 10);
      assert.equal(after.Strategy.StrategyId, g.Strategy.StrategyId);
      assert.ok(Number(after.ModifyTime) >= Number(g.ModifyTime));

      // Deletion, innermost first; each deleted thing then answers its NotExist code.
      await callChecked(client, 'DeleteJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId });
      assert.equal((await failure(client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId }))).code, 'NotExist.JobGroup');
      await callChecked(client, 'DeleteScript', { InstanceId: instanceId, ScriptId: scriptId });
      assert.equal((await failure(client.call('DescribeScript', { InstanceId: instanceId, ScriptId: scriptId }))).code, 'NotExist.Script');
      await callChecked(client, 'DeleteInstance', { InstanceId: instanceId });
      assert.equal((await failure(client.call('DescribeInstance', { InstanceId: instanceId }))).code, 'NotExist.Instance');
    });
  }
});
