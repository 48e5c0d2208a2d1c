import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { postUpload, until } from '../helpers/file-upload.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

/** Tuesday 2026-12-01 08:00 in Shanghai. */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

/**
 * A contact list as a user would upload it: test numbers with scripted outcomes,
 * plus rows the parser must reject (a bad number, a duplicate, a number on the
 * block list) and a name that would be a formula in a spreadsheet.
 */
const CSV = [
  '手机号,姓名,称呼,编号,金额',
  '19900000001,张三,先生,A1,100',
  '19900000100,李四,女士,A2,200',
  '12345,坏号码,,A3,0',
  '19900000700,"=HYPERLINK(""http://evil"")",,A4,400',
  '199 0000 0001,重复,,A5,500',
  '+86 199 0000 1100,王五,先生,A6,600',
  '19900000200,赵六,先生,A7,700',
].join('\r\n');

describe('a contact list from upload to results spreadsheet', () => {
  const server = serverPerSuite(virtualClockAt(START));

  const clock = (body?: { advanceMs?: number; to?: number }) => server.clock(body);

  for (const [label, makeClient] of [
    ['pop-core', () => popCoreClient(server.url, TEST_KEY)],
    ['openapi-core', () => openApiCoreClient(server.url, TEST_KEY)],
  ] as Array<[string, () => ApiClient]>) {
    it(`${label}: upload, parse, assign, run, export and download; the file's rows match DescribeJob`, async () => {
      const client = makeClient();
      const begin = await clock();
      const instanceId = (await client.call('CreateInstance', { InstanceName: label, MaxConcurrentConversation: 3, CallingNumber: ['057188880000'] })).Instance.InstanceId;
      const jobGroupId = (
        await client.call('CreateJobGroup', {
          InstanceId: instanceId,
          JobGroupName: `files ${label}`,
          StrategyJson: JSON.stringify({ maxAttemptsPerDay: 2, minAttemptInterval: 30, repeatable: true, repeatBy: 'Day', workingTime: [{ beginTime: '09:00:00', endTime: '18:00:00' }], startTime: begin, endTime: begin + 3 * DAY }),
        })
      ).JobGroup.JobGroupId;

      await client.call('SaveContactBlockList', { InstanceId: instanceId, ContactBlockListsJson: JSON.stringify([{ phoneNumber: '19900000200', name: '赵六', remark: 'opted out' }]) });

      // Upload with exactly what GetJobDataUploadParams returned.
      const params = await client.call('GetJobDataUploadParams', { InstanceId: instanceId, FileName: '外呼名单.csv' });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('GetJobDataUploadParams').response, params), []);
      const upload = params.UploadParams;
      assert.ok(upload.Host.startsWith(server.url), 'uploads go to this server');
      assert.ok(upload.Folder.startsWith(`UPLOADED/JOB/${instanceId}/`) && upload.Folder.endsWith('_外呼名单.csv'));
      const policy = JSON.parse(Buffer.from(upload.Policy, 'base64').toString('utf8'));
      assert.deepEqual(policy.conditions[1], ['starts-with', '$key', `UPLOADED/JOB/${instanceId}/`]);
      assert.equal((await postUpload(upload, CSV)).status, 200);

      // Parse.
      const created = await client.call('CreateJobDataParsingTask', { InstanceId: instanceId, JobFilePath: upload.Folder });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('CreateJobDataParsingTask').response, created), []);
      const taskId = created.JobDataParsingTaskId;
      const parsed = await until(
        () => client.call('DescribeJobDataParsingTaskProgress', { InstanceId: instanceId, JobDataParsingTaskId: taskId }),
        (r) => !['Pending', 'InProgress'].includes(r.Progress.Status),
        'the parse',
      );
      assert.deepEqual(mismatchesAgainstTree(referenceAction('DescribeJobDataParsingTaskProgress').response, parsed), []);
      const progress = parsed.Progress;
      assert.deepEqual(
        [progress.Status, progress.TotalJobCount, progress.HandledJobCount, progress.AcceptedJobCount, progress.RejectedJobCount],
        ['PartialFinished', 7, 7, 4, 3],
      );
      assert.deepEqual(progress.RejectedRows, [
        { RowNumber: 4, Reason: 'InvalidNumber', PhoneNumber: '12345' },
        { RowNumber: 6, Reason: 'DuplicateInFile', PhoneNumber: '199 0000 0001' },
        { RowNumber: 8, Reason: 'Blocked', PhoneNumber: '19900000200' },
      ]);
      const report = await fetch(progress.FeedbackUrl);
      assert.equal(report.status, 200);
      const reportRows = parse((await report.text()).replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>;
      assert.deepEqual(reportRows.map((r) => [r.RowNumber, r.Reason]), [['4', 'InvalidNumber'], ['6', 'DuplicateInFile'], ['8', 'Blocked']]);

      // Assign the parsed file; the group names it.
      const assigned = await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: '[]', JobDataParsingTaskId: taskId });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('AssignJobs').response, assigned), []);
      const again = await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: '[]', JobDataParsingTaskId: taskId }).catch((e) => e);
      assert.equal(again.code, 'InvalidParameter', 'a parsed file is assigned once');
      let group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.deepEqual([group.JobFilePath, group.JobDataParsingTaskId, group.Progress.TotalJobs], [upload.Folder, taskId, 4]);

      // Run the campaign on the virtual clock.
      await clock({ to: begin + 4 * DAY });
      group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(group.Status, 'Completed');

      // Export as CSV and compare every row with DescribeJob.
      const exportTask = await client.call('CreateJobGroupExportTask', { InstanceId: instanceId, JobGroupId: jobGroupId, Option: ['csv'] });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('CreateJobGroupExportTask').response, exportTask), []);
      const exported = await until(
        () => client.call('DescribeJobGroupExportTaskProgress', { InstanceId: instanceId, TaskId: exportTask.TaskId }),
        (r) => r.Progress === 100,
        'the export',
      );
      assert.deepEqual(mismatchesAgainstTree(referenceAction('DescribeJobGroupExportTaskProgress').response, exported), []);
      const file = await fetch(exported.FileHttpUrl);
      assert.equal(file.status, 200);
      const rows = parse((await file.text()).replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>;
      assert.equal(rows.length, 4);
      for (const row of rows) {
        const job = (await client.call('DescribeJob', { InstanceId: instanceId, JobId: row.JobId })).Job;
        const contact = job.Contacts[0];
        assert.deepEqual(
          [row.PhoneNumber, row.ContactName, row.Honorific, row.ReferenceId, row.金额, row.Status, row.FailureReason, Number(row.Attempts), row.LastCallStatus, row.EndReason],
          [
            contact.PhoneNumber,
            contact.ContactName.startsWith('=') ? `'${contact.ContactName}` : contact.ContactName,
            contact.Honorific,
            job.ReferenceId,
            job.Extras.find((e: { Key: string }) => e.Key === '金额').Value,
            job.Status,
            job.FailureReason,
            job.Tasks.length,
            job.Tasks.at(-1)?.Status ?? '',
            job.Tasks.at(-1)?.EndReason ?? '',
          ],
          `row of ${row.PhoneNumber}`,
        );
      }
      assert.deepEqual(rows.map((r) => r.PhoneNumber).sort(), ['19900000001', '19900000100', '19900000700', '19900001100']);
      assert.equal(rows.find((r) => r.PhoneNumber === '19900000700')!.ContactName, `'=HYPERLINK("http://evil")`, 'formula escaped');
      assert.equal(rows.find((r) => r.PhoneNumber === '19900000001')!.Status, 'Succeeded');

      // GetJobGroup shows the latest export, downloadable.
      group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.deepEqual([group.ExportProgress.Status, group.ExportProgress.Progress], ['FINISHED', '1']);
      assert.equal((await fetch(group.ExportProgress.FileHttpUrl)).status, 200);

      // The same as xlsx, and the calls as a task export; both in the Download Hub.
      const xlsxTask = (await client.call('CreateJobGroupExportTask', { InstanceId: instanceId, JobGroupId: jobGroupId, Option: ['xlsx', 'JobId', 'PhoneNumber', 'Status'] })).TaskId;
      const callsTask = (await client.call('CreateTaskExportTask', { InstanceId: instanceId, JobGroupId: jobGroupId })).TaskId;
      const hub = await until(
        () => client.call('ListDownloadTasks', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 }),
        (r) => r.DownloadTasks.List.length === 3 && r.DownloadTasks.List.every((t: { Status: string }) => t.Status === 'Finished'),
        'the exports',
      );
      assert.deepEqual(mismatchesAgainstTree(referenceAction('ListDownloadTasks').response, hub), []);
      assert.deepEqual(hub.DownloadTasks.List.map((t: { TaskId: string }) => t.TaskId), [callsTask, xlsxTask, exportTask.TaskId]);
      const url = await client.call('CreateDownloadUrl', { DownloadTaskId: xlsxTask, FileId: hub.DownloadTasks.List[1].DownloadTaskFiles[0].FileId });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('CreateDownloadUrl').response, url), []);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await (await fetch(url.FileHttpUrl)).arrayBuffer()) as never);
      const sheet = workbook.worksheets[0]!;
      assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), ['JobId', 'PhoneNumber', 'Status']);
      assert.equal(sheet.rowCount, 5);
      const callsUrl = (await client.call('CreateDownloadUrl', { DownloadTaskId: callsTask, FileId: callsTask })).FileHttpUrl;
      const calls = new ExcelJS.Workbook();
      await calls.xlsx.load(Buffer.from(await (await fetch(callsUrl)).arrayBuffer()) as never);
      const callCount = rows.reduce((sum, r) => sum + Number(r.Attempts), 0);
      assert.equal(calls.worksheets[0]!.rowCount, callCount + 1, 'one row per call');

      // Filtered call exports: calls that reached the end of the flow (0001, and 1100's
      // second call), and the calls of the jobs that failed.
      const callRows = async (filter: Record<string, unknown>) => {
        const taskId = (await client.call('CreateTaskExportTask', { InstanceId: instanceId, JobGroupId: jobGroupId, ...filter })).TaskId;
        await until(
          () => client.call('ListDownloadTasks', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 }),
          (r) => r.DownloadTasks.List.some((t: { TaskId: string; Status: string }) => t.TaskId === taskId && t.Status === 'Finished'),
          'a filtered export',
        );
        const workbook = new ExcelJS.Workbook();
        const fileUrl = (await client.call('CreateDownloadUrl', { DownloadTaskId: taskId, FileId: taskId })).FileHttpUrl;
        await workbook.xlsx.load(Buffer.from(await (await fetch(fileUrl)).arrayBuffer()) as never);
        return workbook.worksheets[0]!.rowCount - 1;
      };
      assert.equal(await callRows({ HasReachedEndOfFlow: true }), 2, 'calls that reached the end of the flow');
      const failedCalls = rows.filter((r) => r.Status === 'Failed').reduce((sum, r) => sum + Number(r.Attempts), 0);
      assert.ok(failedCalls > 0);
      assert.equal(await callRows({ JobStatusStringList: 'Failed' }), failedCalls, 'calls of failed jobs');
      assert.equal(await callRows({ JobGroupNameQuery: 'no such group' }), 0, 'group name filter');

      // Signed URLs refuse tampering and expire.
      const tampered = url.FileHttpUrl.replace(/Signature=(.)/, (_: string, c: string) => `Signature=${c === 'A' ? 'B' : 'A'}`);
      const refused = await fetch(tampered);
      assert.equal(refused.status, 403);
      assert.equal(((await refused.json()) as { Code: string }).Code, 'AccessDenied');
      const otherFile = url.FileHttpUrl.replace(/tasks\/[^/]+\//, `tasks/${exportTask.TaskId}/`);
      assert.equal((await fetch(otherFile)).status, 403, 'a signature is bound to its path');
      await clock({ advanceMs: 8 * DAY });
      assert.equal((await fetch(url.FileHttpUrl)).status, 403, 'expired');
    });
  }
});
