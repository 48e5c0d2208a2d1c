import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

/** Tuesday 2026-12-01 08:00 in Shanghai. */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const STRATEGY = { maxAttemptsPerDay: 2, minAttemptInterval: 30, workingTime: [{ beginTime: '09:00:00', endTime: '18:00:00' }] };

interface ExampleFile {
  dialog: {
    flows: Array<{ name: string; type: string; definition: unknown }>;
    intents: Array<{ name: string; description: string; utterances: string[]; keywords: string[] }>;
    questions: Array<{ name: string; type: string; questions: string[]; answers: string[] }>;
  };
}
const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8')) as ExampleFile;

/** Per test number: the callee's intents turn by turn, the end reason and what it records. */
const EXPECTED: Record<string, { intents: string[]; endReason: string; brief?: string; category?: string; lastRobot?: string }> = {
  '0000': { intents: ['WillPay'], endReason: 'FINISHED', brief: 'Payment=Today', category: 'WillPay', lastRobot: '好的，感谢您的配合，再见。' },
  '0001': { intents: ['AlreadyPaid'], endReason: 'FINISHED', brief: 'Payment=AlreadyPaid', category: 'Paid' },
  '0002': { intents: ['Later'], endReason: 'FINISHED', brief: 'Payment=Later', category: 'FollowUp' },
  '0003': { intents: ['Refuse'], endReason: 'FINISHED', brief: 'Payment=Refused', category: 'Escalated', lastRobot: '好的，正在为您转接人工客服，请稍候。' },
  '0700': { intents: [], endReason: 'CLIENT_HANGUP' },
  '0800': { intents: ['Silence', 'Silence', 'Silence'], endReason: 'NO_INTERACTION' },
  '0900': { intents: ['NoMatch', 'NoMatch', 'NoMatch'], endReason: 'CHATBOT_HANGUP_AFTER_NOANSWER' },
  '1000': { intents: ['NoMatch'], endReason: 'TIMEOUT_HANGUP' },
  '1200': { intents: ['OptOut'], endReason: 'FINISHED', brief: 'OptOut=true' },
  '1201': { intents: ['OptOut'], endReason: 'FINISHED', brief: 'OptOut=true' },
  '1300': { intents: ['WhoIsThis', 'WillPay'], endReason: 'FINISHED', brief: 'Payment=Today', category: 'WillPay' },
};

async function writeScript(client: ApiClient, instanceId: string): Promise<{ scriptId: string; flowId: string }> {
  const scriptId = (await client.call('CreateScript', { InstanceId: instanceId, ScriptName: 'Payment reminder', Industry: 'Finance', Scene: 'Collection' })).Script.ScriptId;
  for (const intent of example.dialog.intents) {
    await client.call('CreateIntent', {
      InstanceId: instanceId,
      ScriptId: scriptId,
      IntentName: intent.name,
      IntentDescription: intent.description,
      Utterances: JSON.stringify(intent.utterances),
      Keywords: JSON.stringify(intent.keywords),
    });
  }
  for (const question of example.dialog.questions) {
    await client.call('CreateGlobalQuestion', {
      InstanceId: instanceId,
      ScriptId: scriptId,
      GlobalQuestionName: question.name,
      GlobalQuestionType: question.type,
      Questions: JSON.stringify(question.questions),
      Answers: JSON.stringify(question.answers),
    });
  }
  const flow = example.dialog.flows[0]!;
  const flowId = (await client.call('CreateDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueName: flow.name, DialogueFlowType: flow.type })).DialogueFlowId;
  await client.call('ModifyDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueFlowId: flowId, DialogueFlowDefinition: JSON.stringify(flow.definition) });
  return { scriptId, flowId };
}

function tally(pairs: Array<{ Key: string; Value: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { Key, Value } of pairs) counts[`${Key}=${Value}`] = (counts[`${Key}=${Value}`] ?? 0) + 1;
  return counts;
}

describe('a campaign running a script written through the public actions', () => {
  const server = serverPerSuite(virtualClockAt(START));

  const clock = (body?: { advanceMs?: number; to?: number }) => server.clock(body);

  async function group(client: ApiClient, instanceId: string, scriptId: string, name: string, numbers: string[]) {
    const begin = await clock();
    const jobGroupId = (
      await client.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: name,
        ScriptId: scriptId,
        StrategyJson: JSON.stringify({ ...STRATEGY, startTime: begin, endTime: begin + 3 * DAY }),
      })
    ).JobGroup.JobGroupId;
    const assigned = await client.call('AssignJobs', {
      InstanceId: instanceId,
      JobGroupId: jobGroupId,
      JobsJson: numbers.map((number) => JSON.stringify({ referenceId: number, contacts: [{ phoneNumber: number, name: '张三', honorific: '先生' }], extras: [{ key: 'amount', value: '100' }] })),
    });
    return { jobGroupId, jobIds: assigned.JobsId as string[] };
  }

  for (const [label, makeClient] of [
    ['pop-core', () => popCoreClient(server.url, TEST_KEY)],
    ['openapi-core', () => openApiCoreClient(server.url, TEST_KEY)],
  ] as Array<[string, () => ApiClient]>) {
    it(`${label}: every branch's conversation, the Briefs/Categories per key, the Result counters and the BriefTypes filter`, async () => {
      const client = makeClient();
      const instanceId = (await client.call('CreateInstance', { InstanceName: `dialog ${label}`, MaxConcurrentConversation: 4, CallingNumber: ['057188880000'] })).Instance.InstanceId;
      const { scriptId } = await writeScript(client, instanceId);
      await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'first version' });
      const codes = Object.keys(EXPECTED);
      const { jobGroupId, jobIds } = await group(client, instanceId, scriptId, `reminder ${label}`, codes.map((code) => `1990000${code}`));
      await clock({ advanceMs: 2 * DAY });

      for (const [i, jobId] of jobIds.entries()) {
        const code = codes[i]!;
        const expected = EXPECTED[code]!;
        const body = await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId });
        assert.deepEqual(mismatchesAgainstTree(referenceAction('DescribeJob').response.Job!.type as never, body.Job).filter((m) => !m.startsWith('$.Script')), []);
        const task = body.Job.Tasks.at(-1);
        assert.equal(task.EndReason, expected.endReason, `${code} end reason`);
        const turns = task.Conversation as Array<{ Speaker: string; Script: string; ActionParams: string; Timestamp: number }>;
        assert.equal(turns[0]!.Speaker, 'Robot');
        assert.equal(turns[0]!.Script, '您好张三先生，这里是示例银行。您本期账单100元今天到期。', `${code} greeting with variables`);
        const heard = turns.filter((t) => t.Speaker === 'Contact').map((t) => JSON.parse(t.ActionParams).intent ?? '');
        assert.deepEqual(heard, expected.intents, `${code} intents`);
        if (expected.lastRobot) assert.equal(turns.at(-1)!.Script, expected.lastRobot);
        for (let t = 1; t < turns.length; t++) assert.ok(turns[t]!.Timestamp >= turns[t - 1]!.Timestamp, `${code} turns in time order`);
        assert.ok(turns[0]!.Timestamp >= task.ActualTime && turns.at(-1)!.Timestamp <= task.EndTime, `${code} turns within the call`);
      }

      const view = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(view.Status, 'Completed');
      assert.deepEqual(view.Result, { FinishedNum: 7, ClientHangupNum: 1, NoInteractNum: 1, TimeoutHangupNum: 1, UnrecognizedNum: 1 });
      const briefs: Record<string, number> = {};
      const categories: Record<string, number> = {};
      for (const e of Object.values(EXPECTED)) {
        if (e.brief) briefs[e.brief] = (briefs[e.brief] ?? 0) + 1;
        if (e.category) categories[e.category] = (categories[e.category] ?? 0) + 1;
      }
      // Briefs list each key/value recorded; Categories carry their counts.
      assert.deepEqual(Object.keys(tally(view.Progress.Briefs)).sort(), Object.keys(briefs).sort());
      assert.deepEqual(
        Object.fromEntries((view.Progress.Categories as Array<{ Key: string; Value: string }>).map((c) => [c.Key, Number(c.Value)])),
        categories,
      );
      const filtered = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, BriefTypes: ['OptOut'] })).JobGroup;
      assert.deepEqual(filtered.Progress.Briefs, [{ Key: 'OptOut', Value: 'true' }]);

      const nodes = await client.call('DescribeDialogueNodeStatistics', { InstanceId: instanceId, JobGroupId: jobGroupId, Limit: 10 });
      assert.equal(nodes.TotalCompleted, codes.length);
      assert.deepEqual(nodes.HangUpDialogueNodes.map((n: { NodeId: string; HangUpNum: number }) => [n.NodeId, n.HangUpNum]), [['ask', 1]]);
      const ask = nodes.NoAnswerDialogueNodes.find((n: { NodeId: string }) => n.NodeId === 'ask');
      assert.equal(ask.NoAnswerNum, 7, 'three silences, three unmatched answers and the monologue at "ask"');
      assert.equal(ask.NodeName, 'Will you pay today?');
      const intents = await client.call('DescribeIntentStatistics', { InstanceId: instanceId, JobGroupId: jobGroupId, Limit: 10 });
      const hits = Object.fromEntries(intents.ProcessIntents.map((i: { IntentName: string; HitNum: number }) => [i.IntentName, i.HitNum]));
      assert.deepEqual(hits, { WillPay: 2, AlreadyPaid: 1, Later: 1, Refuse: 1 });
      assert.deepEqual(intents.GlobalIntents.map((i: { IntentName: string; HitNum: number; Type: string }) => [i.IntentName, i.HitNum, i.Type]), [['WhoIsThis', 1, 'GlobalIntent']]);

      const blocked = await client.call('GetContactBlockList', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 });
      assert.deepEqual(blocked.ContactBlocklistList.List.map((e: { PhoneNumber: string }) => e.PhoneNumber).sort(), ['19900001200', '19900001201']);
    });
  }

  it('a draft edit after publishing changes no call of jobs already assigned; a new publish changes jobs assigned after it', async () => {
    const client = popCoreClient(server.url, TEST_KEY);
    const instanceId = (await client.call('CreateInstance', { InstanceName: 'versions', MaxConcurrentConversation: 2, CallingNumber: ['057188880000'] })).Instance.InstanceId;
    const { scriptId, flowId } = await writeScript(client, instanceId);
    await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'v1' });
    const first = await group(client, instanceId, scriptId, 'v1 jobs', ['19900000000']);
    // The draft now greets differently and is published only after the first group's jobs were assigned.
    const definition = structuredClone(example.dialog.flows[0]!.definition) as { nodes: Array<{ id: string; text?: string }> };
    definition.nodes.find((n) => n.id === 'greet')!.text = 'Hello ${name}, version two speaking.';
    await client.call('ModifyDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueFlowId: flowId, DialogueFlowDefinition: JSON.stringify(definition) });
    await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'v2' });
    const second = await group(client, instanceId, scriptId, 'v2 jobs', ['19900000000']);
    await clock({ advanceMs: DAY });
    const greeting = async (jobId: string) => (await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job.Tasks[0].Conversation[0].Script;
    assert.equal(await greeting(first.jobIds[0]!), '您好张三先生，这里是示例银行。您本期账单100元今天到期。');
    assert.equal(await greeting(second.jobIds[0]!), 'Hello 张三, version two speaking.');
    const versions = await client.call('ListScriptPublishHistories', { InstanceId: instanceId, ScriptId: scriptId, PageNumber: 1, PageSize: 10 });
    assert.equal(versions.ScriptPublishHistories.TotalCount, 2);
  });

  it('a number that opted out is never dialled again by any group of the instance', async () => {
    const client = popCoreClient(server.url, TEST_KEY);
    const instanceId = (await client.call('CreateInstance', { InstanceName: 'opt-out', MaxConcurrentConversation: 2, CallingNumber: ['057188880000'] })).Instance.InstanceId;
    const { scriptId } = await writeScript(client, instanceId);
    await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'v1' });
    await group(client, instanceId, scriptId, 'first', ['19900001201']);
    await clock({ advanceMs: DAY });
    const later = await group(client, instanceId, scriptId, 'second', ['19900001201', '19900000000']);
    await clock({ advanceMs: DAY });
    const blockedJob = (await client.call('DescribeJob', { InstanceId: instanceId, JobId: later.jobIds[0]! })).Job;
    assert.equal(blockedJob.Tasks.length, 0, 'the opted-out number is not called');
    assert.deepEqual([blockedJob.Status, blockedJob.FailureReason], ['Failed', 'ContactBlockList']);
    const other = (await client.call('DescribeJob', { InstanceId: instanceId, JobId: later.jobIds[1]! })).Job;
    assert.equal(other.Tasks.length, 1);
  });

  it('refuses to publish a flow whose branch names no intent, naming the flow and the node', async () => {
    const client = openApiCoreClient(server.url, TEST_KEY);
    const instanceId = (await client.call('CreateInstance', { InstanceName: 'invalid', MaxConcurrentConversation: 1, CallingNumber: ['057188880000'] })).Instance.InstanceId;
    const { scriptId, flowId } = await writeScript(client, instanceId);
    const intents = await client.call('ListIntents', { InstanceId: instanceId, ScriptId: scriptId, PageNumber: 1, PageSize: 10 });
    const later = intents.Intents.List.find((i: { IntentName: string }) => i.IntentName === 'Later');
    await client.call('DeleteIntent', { InstanceId: instanceId, ScriptId: scriptId, IntentId: later.IntentId });
    const refused = await failure(client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'broken' }));
    assert.equal(refused.code, 'InvalidDialogueFlow');
    assert.equal(refused.status, 400);
    assert.match(refused.message, /flow "Main", node "ask": branch "Later" names no intent/);
    const badSave = await failure(
      client.call('ModifyDialogueFlow', { InstanceId: instanceId, ScriptId: scriptId, DialogueFlowId: flowId, DialogueFlowDefinition: JSON.stringify({ nodes: [{ id: 'a', type: 'say', text: 'hi', next: 'nowhere' }] }) }),
    );
    assert.equal(badSave.code, 'InvalidDialogueFlow');
    assert.match(badSave.message, /node "a": next goes to "nowhere"/);
  });
});
