import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { popCoreClient } from '../helpers/clients.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

/**
 * A campaign whose script uses the external NLU engine (NluEngine Prompts), against a
 * fake OpenAI-compatible endpoint on 127.0.0.1 started by the test: the model's answer
 * picks the branch; when the endpoint hangs or fails, every call still ends.
 */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const SECRET = 'sk-llm-secret-never-logged';
const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8'));

let mode: 'answer' | 'hang' | 'fail' = 'answer';
let requests = 0;
let fake: Server;
let server: ServerProcess;
let cleanup: () => void;

describe('the external NLU engine in a campaign', () => {
  before(async () => {
    fake = createServer((req, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        requests++;
        if (mode === 'hang') return;
        if (mode === 'fail') {
          res.statusCode = 502;
          res.end('bad gateway');
          return;
        }
        assert.equal(req.headers.authorization, `Bearer ${SECRET}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Later' } }] }));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({
      dataDir: data.dir,
      env: {
        OUTBOUNDBOT_CLOCK: 'virtual',
        OUTBOUNDBOT_CLOCK_START: String(START),
        OUTBOUNDBOT_LLM_URL: `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`,
        OUTBOUNDBOT_LLM_KEY: SECRET,
        OUTBOUNDBOT_LLM_TIMEOUT_MS: '200',
      },
    });
  });

  after(async () => {
    await server.stop();
    cleanup();
    fake.closeAllConnections();
    await new Promise((resolve) => fake.close(resolve));
  });

  async function campaign(name: string): Promise<Array<{ EndReason: string; Conversation: Array<{ Speaker: string; ActionParams: string }> }>> {
    const client = popCoreClient(server.url, TEST_KEY);
    const instanceId = (await client.call('CreateInstance', { InstanceName: name, MaxConcurrentConversation: 2, CallingNumber: ['057188880000'] })).Instance.InstanceId;
    const scriptId = (await client.call('ImportScript', { InstanceId: instanceId, SignatureUrl: JSON.stringify(example), NluEngine: 'Prompts' })).ScriptId;
    await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'llm' });
    const now = Number(((await (await fetch(`${server.url}/_outboundbot/clock`)).json()) as { now: number }).now);
    const jobGroupId = (
      await client.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: name,
        ScriptId: scriptId,
        StrategyJson: JSON.stringify({ maxAttemptsPerDay: 1, minAttemptInterval: 10, workingTime: [{ beginTime: '00:00:00', endTime: '23:59:59' }], startTime: now, endTime: now + 2 * DAY }),
      })
    ).JobGroup.JobGroupId;
    const jobIds: string[] = (
      await client.call('AssignJobs', {
        InstanceId: instanceId,
        JobGroupId: jobGroupId,
        JobsJson: ['19900000000', '19900000001'].map((n) => JSON.stringify({ contacts: [{ phoneNumber: n, name: 'Li' }], extras: [{ key: 'amount', value: '5' }] })),
      })
    ).JobsId;
    const response = await fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: DAY }) });
    assert.equal(response.status, 200);
    const tasks = [];
    for (const jobId of jobIds) tasks.push((await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job.Tasks.at(-1));
    return tasks;
  }

  const heard = (task: { Conversation: Array<{ Speaker: string; ActionParams: string }> }) =>
    task.Conversation.filter((t) => t.Speaker === 'Contact').map((t) => JSON.parse(t.ActionParams).intent);

  it('the branch the model names is taken, whatever the callee said', async () => {
    mode = 'answer';
    requests = 0;
    const tasks = await campaign('llm answers');
    assert.deepEqual(tasks.map(heard), [['Later'], ['Later']]);
    assert.ok(requests >= 2);
    assert.ok(!server.stdout().includes(SECRET), 'the key is never logged');
  });

  for (const failing of ['hang', 'fail'] as const) {
    it(`an endpoint that ${failing === 'hang' ? 'never answers' : 'fails'} still lets every call end, heard by the built-in engine`, async () => {
      mode = failing;
      const tasks = await campaign(`llm ${failing}`);
      assert.deepEqual(tasks.map((t) => t.EndReason), ['FINISHED', 'FINISHED']);
      assert.deepEqual(tasks.map(heard), [['WillPay'], ['AlreadyPaid']]);
    });
  }
});
