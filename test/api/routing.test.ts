import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

/** 2026-12-01 00:00 UTC: 08:00 in Shanghai, 19:00 the day before in New York. */
const START = Date.parse('2026-12-01T00:00:00Z');
const EVERYONE_ANSWERS = JSON.stringify({ outcomes: { answered: 1, noAnswer: 0, busy: 0, powerOff: 0, emptyNumber: 0, outOfService: 0, inArrears: 0 }, conversations: { finished: 1, clientHangup: 0, noInteract: 0, unrecognized: 0, timeout: 0 } });

/** Fixed-line numbers whose city the phone-number metadata knows. */
const HANGZHOU = '057188880000';
const SHANGHAI = '02188880000';
const NINGBO = '057488880000';
const GUANGZHOU = '02088880000';

describe('caller-number routing and callee time zones', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let client: ApiClient;
  let instanceId: string;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({
      dataDir: data.dir,
      env: { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START), OUTBOUNDBOT_SIM_PROFILE: EVERYONE_ANSWERS },
    });
    client = popCoreClient(server.url, TEST_KEY);
    instanceId = (await client.call('CreateInstance', { InstanceName: 'routing', MaxConcurrentConversation: 10 })).Instance.InstanceId;
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  const advance = async (advanceMs: number) => {
    const response = await fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify({ advanceMs }) });
    assert.equal(response.status, 200);
  };

  async function firstCalls(routingStrategy: string, callees: string[], extra: object = {}) {
    const jobGroupId = (
      await client.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: routingStrategy,
        CallingNumber: [SHANGHAI, HANGZHOU, GUANGZHOU],
        StrategyJson: JSON.stringify({ routingStrategy, ...extra }),
      })
    ).JobGroup.JobGroupId;
    const jobIds: string[] = (
      await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: callees.map((n) => JSON.stringify({ contacts: [{ phoneNumber: n }] })) })
    ).JobsId;
    await advance(2 * 86_400_000);
    const tasks = [];
    for (const jobId of jobIds) tasks.push((await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job.Tasks[0]);
    return tasks as Array<{ CallingNumber: string; ActualTime: number }>;
  }

  it('LocalFirst calls from a number in the callee\'s city', async () => {
    const tasks = await firstCalls('LocalFirst', ['057111112222', '02133334444', '02055556666']);
    assert.deepEqual(tasks.map((t) => t.CallingNumber), [HANGZHOU, SHANGHAI, GUANGZHOU]);
  });

  it('LocalProvinceFirst calls from a number in the callee\'s province when its city has none', async () => {
    // Ningbo is in Zhejiang, like Hangzhou; the pool has no Ningbo number.
    const tasks = await firstCalls('LocalProvinceFirst', [NINGBO.replace('8888', '1234')]);
    assert.equal(tasks[0]!.CallingNumber, HANGZHOU);
  });

  it('with no local number the pool rotates', async () => {
    const tasks = await firstCalls('LocalFirst', ['+12125551234']);
    assert.ok([SHANGHAI, HANGZHOU, GUANGZHOU].includes(tasks[0]!.CallingNumber));
  });

  it('timeZoneBy Callee opens each callee\'s window in their own local time', async () => {
    const tasks = await firstCalls('None', ['+12125551234', '13812345678'], {
      timeZoneBy: 'Callee',
      workingTime: [{ beginTime: '10:00:00', endTime: '11:00:00' }],
    });
    const newYork = DateTime.fromMillis(tasks[0]!.ActualTime, { zone: 'America/New_York' });
    const shanghai = DateTime.fromMillis(tasks[1]!.ActualTime, { zone: 'Asia/Shanghai' });
    assert.equal(newYork.hour, 10, `New York callee called at ${newYork.toISO()}`);
    assert.equal(shanghai.hour, 10, `Shanghai callee called at ${shanghai.toISO()}`);
    assert.notEqual(tasks[0]!.ActualTime, tasks[1]!.ActualTime);
  });
});
