import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { failure, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { postUpload, until, type UploadParams } from '../helpers/file-upload.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const START = Date.parse('2026-12-01T00:00:00Z');

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

describe('contact files: bad input answers a clear error or a per-row rejection', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let client: ApiClient;
  let instanceId: string;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START) } });
    client = popCoreClient(server.url, TEST_KEY);
    instanceId = (await client.call('CreateInstance', { InstanceName: 'files', MaxConcurrentConversation: 2 })).Instance.InstanceId;
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  async function uploadParams(fileName: string): Promise<UploadParams> {
    return (await client.call('GetJobDataUploadParams', { InstanceId: instanceId, FileName: fileName })).UploadParams;
  }

  async function parsed(body: Uint8Array | string, fileName: string) {
    const upload = await uploadParams(fileName);
    assert.equal((await postUpload(upload, body)).status, 200);
    const taskId = (await client.call('CreateJobDataParsingTask', { InstanceId: instanceId, JobFilePath: upload.Folder })).JobDataParsingTaskId;
    const result = await until(
      () => client.call('DescribeJobDataParsingTaskProgress', { InstanceId: instanceId, JobDataParsingTaskId: taskId }),
      (r) => !['Pending', 'InProgress'].includes(r.Progress.Status),
      'the parse',
    );
    return { taskId, progress: result.Progress, upload };
  }

  it('refuses a forged signature, a forged policy, a key outside the prefix and ../ keys, writing nothing', async () => {
    const upload = await uploadParams('contacts.csv');
    const before = filesUnder(server.dataDir);
    const forgedSignature = await postUpload(upload, 'phone\n13800138000\n', { signature: Buffer.alloc(20).toString('base64') });
    assert.deepEqual([forgedSignature.status, forgedSignature.json.Code], [403, 'AccessDenied']);
    const widened = JSON.parse(Buffer.from(upload.Policy, 'base64').toString('utf8'));
    widened.conditions[1][2] = 'UPLOADED/';
    const forgedPolicy = await postUpload(upload, 'phone\n13800138000\n', { policy: Buffer.from(JSON.stringify(widened)).toString('base64') });
    assert.deepEqual([forgedPolicy.status, forgedPolicy.json.Code], [403, 'AccessDenied']);
    const outside = await postUpload(upload, 'phone\n13800138000\n', { key: 'UPLOADED/JOB/another-instance/x.csv' });
    assert.deepEqual([outside.status, outside.json.Code], [400, 'InvalidPolicyDocument']);
    const prefix = upload.Folder.slice(0, upload.Folder.lastIndexOf('/') + 1);
    for (const key of [`${prefix}../../../../escape.csv`, `${prefix}..%2F..%2Fescape.csv`.replace(/%2F/g, '/'), `${prefix}a\\..\\..\\escape.csv`]) {
      const traversal = await postUpload(upload, 'phone\n13800138000\n', { key });
      assert.deepEqual([traversal.status, traversal.json.Code], [400, 'InvalidPolicyDocument'], key);
    }
    const empty = await postUpload(upload, '');
    assert.deepEqual([empty.status, empty.json.Code], [400, 'InvalidPolicyDocument'], 'below content-length-range');
    assert.deepEqual(filesUnder(server.dataDir).filter((f) => !before.includes(f) && !f.startsWith('outboundbot.sqlite')), []);
    const notMultipart = await fetch(upload.Host, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(notMultipart.status, 400);
  });

  it('refuses an expired upload policy', async () => {
    const upload = await uploadParams('late.csv');
    const response = await fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 2 * 3600_000 }) });
    assert.equal(response.status, 200);
    const late = await postUpload(upload, 'phone\n13800138000\n');
    assert.deepEqual([late.status, late.json.Code], [403, 'AccessDenied']);
  });

  it('refuses a wrong extension, a path outside the instance\'s uploads, ../ and a file never uploaded', async () => {
    const text = await uploadParams('contacts.txt');
    assert.equal((await postUpload(text, 'phone\n13800138000\n')).status, 200);
    const cases: Array<[string, string]> = [
      [text.Folder, 'InvalidParameter'],
      ['UPLOADED/JOB/another/x.csv', 'InvalidParameter'],
      [`UPLOADED/JOB/${instanceId}/../../../../etc/passwd.csv`, 'InvalidParameter'],
      [`UPLOADED/JOB/${instanceId}/never-uploaded.csv`, 'NotExist.File'],
    ];
    for (const [path, code] of cases) {
      const error = await failure(client.call('CreateJobDataParsingTask', { InstanceId: instanceId, JobFilePath: path }));
      assert.equal(error.code, code, path);
    }
    const unknown = await failure(client.call('DescribeJobDataParsingTaskProgress', { InstanceId: instanceId, JobDataParsingTaskId: 'nope' }));
    assert.equal(unknown.code, 'NotExist.Task');
  });

  it('fails a corrupt workbook and a header without a phone column with a reason, and the server lives on', async () => {
    const corrupt = await parsed(Buffer.from('PK\u0003\u0004garbage that is not a zip'), 'broken.xlsx');
    assert.deepEqual([corrupt.progress.Status, corrupt.progress.FailErrorCode], ['Failed', 'InvalidFile.Corrupt']);
    const noPhone = await parsed('name,amount\nZhang,1\n', 'nophone.csv');
    assert.deepEqual([noPhone.progress.Status, noPhone.progress.FailErrorCode], ['Failed', 'InvalidFile.NoPhoneColumn']);
    assert.match(noPhone.progress.FailReason, /phone/);
    const group = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'refused' })).JobGroup.JobGroupId;
    const error = await failure(client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: group, JobsJson: '[]', JobDataParsingTaskId: noPhone.taskId }));
    assert.equal(error.code, 'InvalidParameter', 'a failed parse cannot be assigned');
    const both = await failure(
      client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: group, JobsJson: [JSON.stringify({ contacts: [{ phoneNumber: '13800138000' }] })], JobDataParsingTaskId: noPhone.taskId }),
    );
    assert.equal(both.code, 'InvalidParameter');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('shows one account nothing of another\'s parsing and export tasks', async () => {
    const { taskId } = await parsed('phone\n13800138000\n', 'mine.csv');
    const group = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'mine' })).JobGroup.JobGroupId;
    const exportId = (await client.call('CreateJobGroupExportTask', { InstanceId: instanceId, JobGroupId: group, Option: ['csv'] })).TaskId;
    const created = await runCli(['keys', 'create', '--new-account', '--name', 'stranger', '--json'], server.dataDir);
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { AccessKeyId: string; AccessKeySecret: string };
    const stranger = popCoreClient(server.url, { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret });
    assert.equal((await failure(stranger.call('DescribeJobDataParsingTaskProgress', { InstanceId: instanceId, JobDataParsingTaskId: taskId }))).code, 'NotExist.Instance');
    assert.equal((await failure(stranger.call('DescribeJobGroupExportTaskProgress', { TaskId: exportId }))).code, 'NotExist.Task');
    assert.equal((await failure(stranger.call('CreateDownloadUrl', { DownloadTaskId: exportId, FileId: exportId }))).code, 'NotExist.Task');
    assert.equal((await stranger.call('ListDownloadTasks', { PageNumber: 1, PageSize: 10 })).DownloadTasks.TotalCount, 0);
    const upload = await stranger.call('GetJobDataUploadParams', { InstanceId: instanceId, FileName: 'x.csv' }).catch((e) => e);
    assert.equal(upload.code, 'NotExist.Instance');
  });

  it('reads GB18030 and UTF-8-with-BOM files into the same contacts', async () => {
    const csv = '电话,姓名,备注\r\n13800138000,张三,老客户\r\n13900139000,李四,新客户\r\n';
    const names: string[][] = [];
    for (const [body, name] of [
      [iconv.encode(csv, 'gb18030'), 'gb.csv'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), 'bom.csv'],
    ] as Array<[Buffer, string]>) {
      const { taskId, progress } = await parsed(body, name);
      assert.equal(progress.Status, 'Finished', name);
      const group = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: name })).JobGroup.JobGroupId;
      await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: group, JobsJson: '[]', JobDataParsingTaskId: taskId });
      const jobs = await client.call('QueryJobs', { InstanceId: instanceId, JobGroupId: group, PageNumber: 1, PageSize: 10 });
      names.push(
        jobs.Jobs.List.map((j: { Contacts: Array<{ ContactName: string }>; Extras: Array<{ Value: string }> }) => `${j.Contacts[0]!.ContactName}/${j.Extras[0]!.Value}`).sort(),
      );
    }
    assert.deepEqual(names, [
      ['张三/老客户', '李四/新客户'],
      ['张三/老客户', '李四/新客户'],
    ]);
  });
});

describe('contact files: a restart during background work', () => {
  const ROWS = 150_000;
  let server: ServerProcess;
  let cleanup: () => void;
  let dataDir: string;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    dataDir = data.dir;
    server = await startServerProcess({ dataDir });
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  it('resumes an interrupted parse and assignment after a crash: every row becomes exactly one job', async () => {
    let client = popCoreClient(server.url, TEST_KEY);
    const instanceId = (await client.call('CreateInstance', { InstanceName: 'restart', MaxConcurrentConversation: 1 })).Instance.InstanceId;
    const groupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'big' })).JobGroup.JobGroupId;
    const lines = ['phone,name'];
    for (let i = 0; i < ROWS; i++) lines.push(`${13800000000 + i},n${i}`);
    const upload = (await client.call('GetJobDataUploadParams', { InstanceId: instanceId, FileName: 'big.csv' })).UploadParams;
    assert.equal((await postUpload(upload, lines.join('\n'))).status, 200);
    const taskId = (await client.call('CreateJobDataParsingTask', { InstanceId: instanceId, JobFilePath: upload.Folder })).JobDataParsingTaskId;
    const describe = () => client.call('DescribeJobDataParsingTaskProgress', { InstanceId: instanceId, JobDataParsingTaskId: taskId });
    await until(describe, (r) => r.Progress.Status === 'InProgress' && r.Progress.HandledJobCount > 0, 'the parse to be under way');

    // A crash (SIGKILL) mid-parse: the task is picked up again at the next start.
    await server.stop('SIGKILL');
    server = await startServerProcess({ dataDir });
    client = popCoreClient(server.url, TEST_KEY);
    await server.waitForLine((line) => line.includes('resuming an unfinished file task') && line.includes(`Parse:${taskId}`));
    const done = await until(describe, (r) => !['Pending', 'InProgress'].includes(r.Progress.Status), 'the resumed parse');
    assert.deepEqual([done.Progress.Status, done.Progress.AcceptedJobCount, done.Progress.RejectedJobCount], ['Finished', ROWS, 0]);

    // Assignment in the background, crashed part way: it continues after the rows it inserted.
    await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: groupId, JobsJson: '[]', JobDataParsingTaskId: taskId, IsAsynchrony: true });
    await until(describe, (r) => r.Progress.AssignStatus === 'InProgress' && r.Progress.AssignedJobCount > 0, 'the assignment to be under way');
    await server.stop('SIGKILL');
    server = await startServerProcess({ dataDir });
    client = popCoreClient(server.url, TEST_KEY);
    await server.waitForLine((line) => line.includes('resuming an unfinished file task') && line.includes(`Assign:${taskId}`));
    const assigned = await until(describe, (r) => r.Progress.AssignStatus === 'Finished', 'the resumed assignment');
    assert.equal(assigned.Progress.AssignedJobCount, ROWS);
    const group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: groupId })).JobGroup;
    assert.equal(group.Progress.TotalJobs, ROWS);
    assert.equal(group.JobDataParsingTaskId, taskId);
  });
});
