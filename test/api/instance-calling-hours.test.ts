import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { failure, openApiCoreClient, popCoreClient, type ApiClient, type Credentials } from '../helpers/clients.ts';
import { runCli, TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

const ZONE = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
/** 2026-09-30 00:00 in Shanghai: the day before the National Day holiday (2026-10-01 ... 07). */
const START = local('2026-09-30T00:00');
const DAY = 86_400_000;

async function createKey(dataDir: string, args: string[]): Promise<Credentials> {
  const result = await runCli(['keys', 'create', '--json', ...args], dataDir);
  assert.equal(result.code, 0, result.stderr);
  const key = JSON.parse(result.stdout) as { AccessKeyId: string; AccessKeySecret: string };
  return { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
}

describe('GetBaseStrategyPeriod / SaveBaseStrategyPeriod: the instance calling hours', () => {
  const server = serverPerSuite(virtualClockAt(START));
  const clients = (): ApiClient[] => [popCoreClient(server.url, TEST_KEY), openApiCoreClient(server.url, TEST_KEY)];
  const newInstance = async (client: ApiClient, name: string) =>
    (await client.call('CreateInstance', { InstanceName: name, MaxConcurrentConversation: 4, CallingNumber: ['057188880000'] })).Instance.InstanceId as string;

  it('an instance starts open all hours; a save replaces its hours, which read back with their milliseconds, through both clients', async () => {
    for (const client of clients()) {
      const EntryId = await newInstance(client, `hours ${client.name}`);
      const fresh = await client.call('GetBaseStrategyPeriod', { EntryId, StrategyLevel: 2 });
      assert.equal(fresh.Success, true);
      assert.deepEqual([fresh.WorkingTime, fresh.OnlyWeekdays, fresh.OnlyWorkdays], [[], false, false]);

      const saved = await client.call('SaveBaseStrategyPeriod', {
        EntryId,
        StrategyLevel: 2,
        WorkingTimeFramesJson: JSON.stringify([{ beginTime: '14:00:00', endTime: '24:00:00' }, { beginTime: '09:00:00', endTime: '12:00:00' }]),
        OnlyWorkdays: true,
      });
      assert.equal(saved.Success, true);
      const got = await client.call('GetBaseStrategyPeriod', { EntryId });
      assert.deepEqual(got.WorkingTime, [
        { BeginTime: '09:00:00', EndTime: '12:00:00', BeginTimeMillis: 9 * 3_600_000, EndTimeMillis: 12 * 3_600_000 },
        { BeginTime: '14:00:00', EndTime: '24:00:00', BeginTimeMillis: 14 * 3_600_000, EndTimeMillis: DAY },
      ]);
      assert.equal(got.OnlyWorkdays, true);
      assert.equal(got.OnlyWeekdays, false);

      await client.call('SaveBaseStrategyPeriod', { EntryId, OnlyWeekdays: true });
      const replaced = await client.call('GetBaseStrategyPeriod', { EntryId });
      assert.deepEqual([replaced.WorkingTime, replaced.OnlyWeekdays, replaced.OnlyWorkdays], [[], true, false], 'what a save leaves out takes its default');
    }
  });

  it('refuses bad windows and levels other than 2 with 400 and the envelope, and keeps the hours it had', async () => {
    for (const client of clients()) {
      const EntryId = await newInstance(client, `bad ${client.name}`);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ WorkingTimeFramesJson: '[{"beginTime":"12:00:00","endTime":"09:00:00"}]' }, 'WorkingTimeFramesJson'],
        [{ WorkingTimeFramesJson: '[{"beginTime":"09:00:00","endTime":"12:00:00"},{"beginTime":"11:00:00","endTime":"13:00:00"}]' }, 'WorkingTimeFramesJson'],
        [{ WorkingTimeFramesJson: '[{"beginTime":"9:00","endTime":"12:00:00"}]' }, 'WorkingTimeFramesJson'],
        [{ WorkingTimeFramesJson: '{' }, 'WorkingTimeFramesJson'],
        [{ StrategyLevel: 0 }, 'StrategyLevel'],
        [{ StrategyLevel: 1 }, 'StrategyLevel'],
        [{ OnlyWorkdays: 'maybe' }, 'OnlyWorkdays'],
      ];
      for (const [params, named] of bad) {
        const refused = await failure(client.call('SaveBaseStrategyPeriod', { EntryId, ...params }));
        assert.equal(refused.status, 400, JSON.stringify(params));
        assert.match(refused.code, /^InvalidParameter/, JSON.stringify(params));
        assert.match(refused.message, new RegExp(named), JSON.stringify(params));
      }
      assert.equal((await failure(client.call('GetBaseStrategyPeriod', { EntryId, StrategyLevel: 0 }))).status, 400);
      const kept = await client.call('GetBaseStrategyPeriod', { EntryId });
      assert.deepEqual([kept.WorkingTime, kept.OnlyWeekdays, kept.OnlyWorkdays], [[], false, false]);
      assert.equal((await failure(client.call('GetBaseStrategyPeriod', {}))).code, 'MissingParameter');
    }
  });

  it("another account's instance is NotExist.Instance; a sub-user needs the RAM action on the EntryId's instance", async () => {
    const root = popCoreClient(server.url, TEST_KEY);
    const mine = await newInstance(root, 'mine');
    const other = await newInstance(root, 'other');
    const stranger = await createKey(server.dataDir, ['--new-account', '--name', 'stranger']);
    const readerPolicy = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['outboundbot:GetBaseStrategyPeriod'], Resource: [`acs:outboundbot:*:*:instance/${mine}`] }],
    };
    const reader = await createKey(server.dataDir, ['--name', 'hours reader', '--policy', JSON.stringify(readerPolicy)]);
    for (const client of [popCoreClient(server.url, stranger), openApiCoreClient(server.url, stranger)]) {
      assert.equal((await failure(client.call('GetBaseStrategyPeriod', { EntryId: mine }))).code, 'NotExist.Instance');
      assert.equal((await failure(client.call('SaveBaseStrategyPeriod', { EntryId: mine, OnlyWeekdays: true }))).code, 'NotExist.Instance');
    }
    for (const client of [popCoreClient(server.url, reader), openApiCoreClient(server.url, reader)]) {
      assert.equal((await client.call('GetBaseStrategyPeriod', { EntryId: mine })).Success, true);
      const elsewhere = await failure(client.call('GetBaseStrategyPeriod', { EntryId: other }));
      assert.equal(elsewhere.code, 'Forbidden.RAM');
      assert.match(elsewhere.message, new RegExp(`instance/${other}`));
      assert.equal((await failure(client.call('SaveBaseStrategyPeriod', { EntryId: mine, OnlyWeekdays: true }))).code, 'Forbidden.RAM');
    }
    assert.equal((await root.call('GetBaseStrategyPeriod', { EntryId: mine })).OnlyWeekdays, false, 'nothing was saved');
  });

  it("a campaign calls only inside both the group's and the instance's windows, on working days: none in the National Day holiday or on Sunday, one on the make-up Saturday", async () => {
    const now = await server.clock();
    const campaigns: Array<{ client: ApiClient; InstanceId: string; JobId: string }> = [];
    for (const client of clients()) {
      const InstanceId = await newInstance(client, `campaign ${client.name}`);
      await client.call('SaveBaseStrategyPeriod', {
        EntryId: InstanceId,
        WorkingTimeFramesJson: JSON.stringify([{ beginTime: '10:00:00', endTime: '11:00:00' }]),
        OnlyWorkdays: true,
      });
      const strategy = {
        maxAttemptsPerDay: 1,
        minAttemptInterval: 10,
        repeatBy: 'Day',
        workingTime: [{ beginTime: '10:30:00', endTime: '20:00:00' }],
        startTime: now,
        endTime: local('2026-10-13T00:00'),
      };
      const { JobGroupId } = (await client.call('CreateJobGroup', { InstanceId, JobGroupName: 'holiday', StrategyJson: JSON.stringify(strategy) })).JobGroup;
      // 19900000200 is always busy: retried once a day until the strategy ends.
      const { JobsId } = await client.call('AssignJobs', { InstanceId, JobGroupId, JobsJson: [JSON.stringify({ contacts: [{ phoneNumber: '19900000200' }] })] });
      campaigns.push({ client, InstanceId, JobId: JobsId[0] });
    }
    await server.clock({ to: local('2026-10-13T01:00') });
    for (const { client, InstanceId, JobId } of campaigns) {
      const job = (await client.call('DescribeJob', { InstanceId, JobId })).Job;
      const calls = (job.Tasks as Array<{ ActualTime: number }>).map(({ ActualTime }) => DateTime.fromMillis(ActualTime, { zone: ZONE }));
      const days = calls.map((at) => at.toISODate());
      const expectedDays = ['2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12'].filter((day) => local(`${day}T11:00`) > now);
      assert.deepEqual(days.sort(), expectedDays, `${client.name}: called on ${days.join(', ')}`);
      for (const at of calls) {
        const minutes = at.hour * 60 + at.minute;
        assert.ok(minutes >= 10 * 60 + 30 && minutes < 11 * 60, `${at.toISO()} is outside 10:30-11:00, the windows both allow`);
      }
      assert.equal(job.Status, 'Failed');
    }
  });
});
