import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { postUpload, until } from '../helpers/file-upload.ts';
import { TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

/** Tuesday 2026-12-01 08:00 in Shanghai. */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8'));

/**
 * A number is one number however it is written (docs/strategy.md "Phone numbers"):
 * the block list stops every form of a number, every path refuses what cannot be a
 * phone number, and replies keep the number as it was written.
 */
describe('phone numbers, one number in every form, on every path', () => {
  const server = serverPerSuite(virtualClockAt(START));

  async function setUp(client: ApiClient, name: string) {
    const instanceId = (await client.call('CreateInstance', { InstanceName: name, MaxConcurrentConversation: 4, CallingNumber: ['057188880000'] })).Instance.InstanceId as string;
    return instanceId;
  }

  async function runJobs(client: ApiClient, instanceId: string, numbers: string[], scriptId?: string) {
    const begin = await server.clock();
    const jobGroupId = (
      await client.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: `group ${begin}`,
        ...(scriptId ? { ScriptId: scriptId } : {}),
        StrategyJson: JSON.stringify({ maxAttemptsPerDay: 1, minAttemptInterval: 10, workingTime: [{ beginTime: '09:00:00', endTime: '18:00:00' }], startTime: begin, endTime: begin + 2 * DAY }),
      })
    ).JobGroup.JobGroupId as string;
    const jobIds = (
      await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: numbers.map((phoneNumber) => JSON.stringify({ contacts: [{ phoneNumber }] })) })
    ).JobsId as string[];
    await server.clock({ advanceMs: DAY });
    return Promise.all(jobIds.map(async (JobId) => (await client.call('DescribeJob', { InstanceId: instanceId, JobId })).Job));
  }

  const blockedNumbers = async (client: ApiClient, instanceId: string) =>
    (await client.call('GetContactBlockList', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 })).ContactBlocklistList.List.map((e: { PhoneNumber: string }) => e.PhoneNumber).sort();

  for (const [label, makeClient] of [
    ['pop-core', () => popCoreClient(server.url, TEST_KEY)],
    ['openapi-core', () => openApiCoreClient(server.url, TEST_KEY)],
  ] as Array<[string, () => ApiClient]>) {
    it(`${label}: after 19900001200 opts out in a call, +8619900001200 and 8619900001200 are never dialled`, async () => {
      const client = makeClient();
      const instanceId = await setUp(client, `opt-out ${label}`);
      const scriptId = (await client.call('ImportScript', { InstanceId: instanceId, SignatureUrl: JSON.stringify(example) })).ScriptId;
      await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'v1' });

      const [optedOut] = await runJobs(client, instanceId, ['19900001200'], scriptId);
      assert.equal(optedOut.Status, 'Succeeded');
      assert.deepEqual(await blockedNumbers(client, instanceId), ['19900001200'], 'listed as it was dialled');

      const [plus, noPlus, other] = await runJobs(client, instanceId, ['+8619900001200', '8619900001200', '19900000001'], scriptId);
      for (const job of [plus, noPlus]) {
        assert.deepEqual([job.Status, job.FailureReason, job.Tasks], ['Failed', 'ContactBlockList', []], job.Contacts[0].PhoneNumber);
      }
      assert.deepEqual([plus.Contacts[0].PhoneNumber, noPlus.Contacts[0].PhoneNumber], ['+8619900001200', '8619900001200'], 'replies keep the number as written');
      assert.equal(other.Status, 'Succeeded');
    });

    it(`${label}: an entry saved as +8613900139000 stops a job for 13900139000, and 13800138000 stops +8613800138000`, async () => {
      const client = makeClient();
      const instanceId = await setUp(client, `forms ${label}`);
      const save = async (phoneNumber: string) =>
        (await client.call('SaveContactBlockList', { InstanceId: instanceId, ContactBlockListsJson: JSON.stringify([{ phoneNumber, name: 'n', remark: 'r' }]) })).AffectedRows;
      assert.equal(await save('+8613900139000'), 1);
      assert.equal(await save('13800138000'), 1);
      assert.equal(await save('8613900139000'), 0, 'the same number in another form is listed once');
      assert.deepEqual(await blockedNumbers(client, instanceId), ['+8613900139000', '13800138000'].sort(), 'kept as written');

      const [national, international, free] = await runJobs(client, instanceId, ['13900139000', '+8613800138000', '13700137000']);
      for (const job of [national, international]) {
        assert.deepEqual([job.Status, job.FailureReason, job.Tasks], ['Failed', 'ContactBlockList', []], job.Contacts[0].PhoneNumber);
      }
      assert.equal(free.Tasks.length, 1, 'a number not listed is dialled');
      assert.equal(free.Tasks[0].CalledNumber, '13700137000');
    });

    it(`${label}: QueryJobs finds a contact by its number in any written form, and shows it as written`, async () => {
      const client = makeClient();
      const instanceId = await setUp(client, `query ${label}`);
      const jobGroupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'query forms' })).JobGroup.JobGroupId;
      await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: ['13900139000', '+8613800138000', '13700137000'].map((phoneNumber) => JSON.stringify({ contacts: [{ phoneNumber }] })) });
      const found = async (PhoneNumber: string) =>
        (await client.call('QueryJobs', { InstanceId: instanceId, PhoneNumber, PageNumber: 1, PageSize: 10 })).Jobs.List.map((job: { Contacts: Array<{ PhoneNumber: string }> }) => job.Contacts[0]!.PhoneNumber);
      for (const form of ['13900139000', '+8613900139000', '8613900139000', '+86 139 0013 9000']) assert.deepEqual(await found(form), ['13900139000'], form);
      for (const form of ['13800138000', '+8613800138000']) assert.deepEqual(await found(form), ['+8613800138000'], form);
      assert.deepEqual(await found('13600136000'), [], 'another number finds nothing');
    });

    it(`${label}: a number that cannot be a phone number is refused by name on every path; service numbers stay calling numbers`, async () => {
      const client = makeClient();
      const instanceId = await setUp(client, `validity ${label}`);
      const jobGroupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'bad numbers' })).JobGroup.JobGroupId;

      const assign = await failure(
        client.call('AssignJobs', {
          InstanceId: instanceId,
          JobGroupId: jobGroupId,
          JobsJson: [JSON.stringify({ contacts: [{ phoneNumber: '13800138000' }] }), JSON.stringify({ contacts: [{ phoneNumber: '12345' }] })],
        }),
      );
      assert.deepEqual([assign.code, assign.status], ['InvalidParameter', 400]);
      assert.match(assign.message, /"JobsJson\.2\.contacts\.0\.phoneNumber" is invalid: not a phone number/);
      const group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(group.Progress?.TotalJobs ?? 0, 0, 'no job of the refused call was created');

      for (const bad of ['12345', '1200009', '16800000000']) {
        const block = await failure(client.call('SaveContactBlockList', { InstanceId: instanceId, ContactBlockListsJson: JSON.stringify([{ phoneNumber: bad }]) }));
        assert.deepEqual([block.code, block.status], ['InvalidParameter', 400], bad);
        assert.match(block.message, /"ContactBlockListsJson\.0\.phoneNumber" is invalid/);
      }
      assert.deepEqual(await blockedNumbers(client, instanceId), []);

      const scriptId = (await client.call('ImportScript', { InstanceId: instanceId, SignatureUrl: JSON.stringify(example) })).ScriptId;
      const turn = { InstanceId: instanceId, ScriptId: scriptId, CallId: `trial-${label}`, CallType: 'Sandbox', CallingNumber: '057188880000', Utterance: '' };
      const dialogue = await failure(client.call('Dialogue', { ...turn, CalledNumber: '12345' }));
      assert.deepEqual([dialogue.code, dialogue.status], ['InvalidParameter', 400]);
      assert.match(dialogue.message, /"CalledNumber" is invalid/);
      assert.ok((await client.call('Dialogue', { ...turn, CalledNumber: '+86 138 0013 8000' })).Feedback.Content, 'a number in any valid form is taken');

      const lines = await client.call('CreateInstance', { InstanceName: 'service line', MaxConcurrentConversation: 1, CallingNumber: ['95187'] });
      assert.deepEqual(lines.Instance.CallingNumbers, ['95187']);
      const line = await failure(client.call('CreateInstance', { InstanceName: 'bad line', MaxConcurrentConversation: 1, CallingNumber: ['call-me'] }));
      assert.deepEqual([line.code, line.status], ['InvalidParameter', 400]);
    });
  }

  it('openapi-core: AssignJobs(InstanceId, JobGroupId, JobDataParsingTaskId) with no JobsJson assigns the file; the block list stops the file\'s other forms', async () => {
    const client = openApiCoreClient(server.url, TEST_KEY);
    const instanceId = await setUp(client, 'file without JobsJson');
    const jobGroupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'from a file' })).JobGroup.JobGroupId;
    await client.call('SaveContactBlockList', { InstanceId: instanceId, ContactBlockListsJson: JSON.stringify([{ phoneNumber: '+8619900000200' }]) });

    const upload = (await client.call('GetJobDataUploadParams', { InstanceId: instanceId, FileName: 'contacts.csv' })).UploadParams;
    const csv = ['手机号,姓名', '19900000001,张三', '19900000200,李四', '8619900000100,王五'].join('\r\n');
    assert.equal((await postUpload(upload, csv)).status, 200);
    const taskId = (await client.call('CreateJobDataParsingTask', { InstanceId: instanceId, JobFilePath: upload.Folder })).JobDataParsingTaskId;
    const parsed = await until(
      () => client.call('DescribeJobDataParsingTaskProgress', { InstanceId: instanceId, JobDataParsingTaskId: taskId }),
      (r) => !['Pending', 'InProgress'].includes(r.Progress.Status),
      'the parse',
    );
    assert.deepEqual(parsed.Progress.RejectedRows, [{ RowNumber: 3, Reason: 'Blocked', PhoneNumber: '19900000200' }], 'an entry saved with +86 stops the national form');

    // As a generated SDK sends it when its jobs list is empty: no JobsJson at all.
    const assigned = await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobDataParsingTaskId: taskId });
    assert.deepEqual(assigned.JobsId, []);
    const group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
    assert.deepEqual([group.JobDataParsingTaskId, group.Progress.TotalJobs], [taskId, 2]);

    const missing = await failure(client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId }));
    assert.deepEqual([missing.code, missing.status], ['MissingParameter', 400], 'without a file JobsJson is still required');
  });
});
