import { ApiError, missingParameter } from '../../domain/errors.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { downloadTaskShape, exportPercent, parsingProgressShape } from '../file-shapes.ts';
import { p } from '../params.ts';
import { pageShape } from '../shapes.ts';
import { inInstance, pageRequest, requiredPage } from './common-params.ts';

/**
 * The contact-list upload, parsing and export actions (docs/files.md): a signed
 * form upload to this server, background parsing, and exports downloaded through
 * signed URLs. AssignJobs with JobDataParsingTaskId lives with the other job
 * actions (jobs.ts).
 */

const getJobDataUploadParams = defineAction({
  name: 'GetJobDataUploadParams', summary: 'Returns a signed form-upload policy (OSS style) for a contact file, posted to this server\'s /_files/upload.',
  params: inInstance({
    FileName: p.string({ maxLength: 255, description: 'The file\'s name (.csv or .xlsx to parse it later).' }).require(),
    BusiType: p.string({ maxLength: 64, description: 'Accepted for compatibility; every upload is a job contact file.' }),
    Path: p.string({ maxLength: 255, description: 'Accepted for compatibility; uploads go under UPLOADED/JOB/<InstanceId>/.' }),
    UniqueId: p.string({ maxLength: 128, description: 'Prefix that makes the key unique (a new id when absent).' }),
  }),
  async handler({ caller, services }, params) {
    const upload = await services.uploads.uploadParams(caller.accountId, params.InstanceId, params.FileName, params.UniqueId);
    return { UploadParams: upload };
  },
});

const createJobDataParsingTask = defineAction({
  name: 'CreateJobDataParsingTask', summary: 'Parses an uploaded .csv or .xlsx contact file in the background; rows are checked one by one.',
  params: inInstance({
    JobFilePath: p.string({ maxLength: 1023, description: 'The Folder GetJobDataUploadParams returned, once the file is uploaded.' }).require(),
  }),
  async handler({ caller, services }, params) {
    const id = await services.parsing.create(caller.accountId, params.InstanceId, params.JobFilePath);
    return { JobDataParsingTaskId: id };
  },
});

const describeJobDataParsingTaskProgress = defineAction({
  name: 'DescribeJobDataParsingTaskProgress', summary: 'Returns a parsing task\'s status and counts, and the error report of rejected rows (FeedbackUrl).',
  params: inInstance({
    JobDataParsingTaskId: p.string({ maxLength: 64, description: 'The task CreateJobDataParsingTask returned.' }).require(),
  }),
  async handler({ caller, services }, params) {
    const { task, feedbackUrl, samples } = await services.parsing.describe(caller.accountId, params.InstanceId, params.JobDataParsingTaskId);
    return { Progress: parsingProgressShape(task, feedbackUrl, samples) };
  },
});

const createJobGroupExportTask = defineAction({
  name: 'CreateJobGroupExportTask', summary: 'Exports a job group\'s jobs (one row each: contact, extras, status, attempts, end reason, Briefs, Categories) in the background.',
  params: inInstance({
    JobGroupId: p.string({ maxLength: 64, description: 'The job group to export (required).' }),
    Option: p.stringArray({ maxItems: 32, maxLength: 64, description: '`csv` or `xlsx` (the default) picks the format; column names (JobId, PhoneNumber, Extras, Status ...) pick the columns.' }),
  }),
  async handler({ caller, services }, params) {
    if (!params.JobGroupId) throw missingParameter('JobGroupId');
    const id = await services.exports.createGroupExport(caller.accountId, params.InstanceId, params.JobGroupId, params.Option ?? []);
    return { TaskId: id };
  },
});

const describeJobGroupExportTaskProgress = defineAction({
  name: 'DescribeJobGroupExportTaskProgress', summary: 'Returns an export task\'s progress (percent) and, once finished, a signed download URL.',
  params: {
    InstanceId: p.string({ maxLength: 64, description: 'Instance ID.' }),
    TaskId: p.string({ maxLength: 64, description: 'The export task (required).' }),
  },
  async handler({ caller, services }, params) {
    if (!params.TaskId) throw missingParameter('TaskId');
    const { task, fileHttpUrl } = await services.exports.find(caller.accountId, params.TaskId, params.InstanceId);
    return { Progress: exportPercent(task), FileHttpUrl: fileHttpUrl };
  },
});

const createTaskExportTask = defineAction({
  name: 'CreateTaskExportTask', summary: 'Exports an instance\'s calls (one row per task) matching the filters, as .xlsx, in the background.',
  params: inInstance({
    JobGroupId: p.string({ maxLength: 64, description: 'Only this group\'s calls.' }),
    JobId: p.string({ maxLength: 64, description: 'Only this job\'s calls.' }),
    TaskId: p.string({ maxLength: 64, description: 'Only this call.' }),
    CalledNumber: p.string({ maxLength: 32, description: 'Only calls to this number.' }),
    CallingNumber: p.string({ maxLength: 32, description: 'Only calls from this number.' }),
    ActualTimeGte: p.integer({ min: 0, description: 'Calls started at or after (epoch ms).' }),
    ActualTimeLte: p.integer({ min: 0, description: 'Calls started at or before (epoch ms).' }),
    CallDurationGte: p.integer({ min: 0, description: 'Talk time at least (seconds).' }),
    CallDurationLte: p.integer({ min: 0, description: 'Talk time at most (seconds).' }),
    HasAnswered: p.boolean({ description: 'Only answered (true) or unanswered (false) calls.' }),
    TaskStatusStringList: p.string({ maxLength: 1024, description: 'Call statuses, comma separated (e.g. SucceededFinish,NoAnswer).' }),
    HasHangUpByRejection: p.boolean({ description: 'Accepted; not filtered on yet.' }),
    HasReachedEndOfFlow: p.boolean({ description: 'Only calls whose conversation reached (true) or did not reach (false) the end of its flow.' }),
    JobGroupNameQuery: p.string({ maxLength: 128, description: 'Only calls of groups whose name contains this text.' }),
    JobStatusStringList: p.string({ maxLength: 1024, description: 'Only calls of jobs now in these statuses, comma separated (e.g. Succeeded,Failed).' }),
    OtherId: p.string({ maxLength: 128, description: 'Accepted; not filtered on yet.' }),
    PageIndex: p.integer({ min: 0, description: 'Accepted; an export holds every matching call.' }),
    PageSize: p.integer({ min: 0, description: 'Accepted; an export holds every matching call.' }),
    RecordingDurationGte: p.integer({ min: 0, description: 'Ringing time at least (seconds).' }),
    RecordingDurationLte: p.integer({ min: 0, description: 'Ringing time at most (seconds).' }),
    ScriptNameQuery: p.string({ maxLength: 128, description: 'Only calls of groups whose script\'s name contains this text.' }),
    SortBy: p.string({ maxLength: 64, description: 'Accepted; rows come in the order calls were made.' }),
    SortOrder: p.string({ maxLength: 8, description: 'Accepted; rows come in the order calls were made.' }),
    TaskCreateTimeGte: p.integer({ min: 0, description: 'Accepted; use ActualTimeGte.' }),
    TaskCreateTimeLte: p.integer({ min: 0, description: 'Accepted; use ActualTimeLte.' }),
    UserIdMatch: p.string({ maxLength: 128, description: 'Accepted; not filtered on yet.' }),
  }),
  async handler({ caller, services }, params) {
    const list = (text: string | undefined) => text?.split(',').map((s) => s.trim()).filter(Boolean);
    const id = await services.exports.createTaskExport(
      caller.accountId,
      params.InstanceId,
      {
        jobGroupId: params.JobGroupId,
        jobId: params.JobId,
        taskId: params.TaskId,
        calledNumber: params.CalledNumber,
        callingNumber: params.CallingNumber,
        statuses: list(params.TaskStatusStringList),
        actualTimeFrom: params.ActualTimeGte,
        actualTimeTo: params.ActualTimeLte,
        answered: params.HasAnswered,
        talkFrom: params.CallDurationGte,
        talkTo: params.CallDurationLte,
        ringingFrom: params.RecordingDurationGte,
        ringingTo: params.RecordingDurationLte,
        reachedEndOfFlow: params.HasReachedEndOfFlow,
        jobStatuses: list(params.JobStatusStringList),
        jobGroupName: params.JobGroupNameQuery,
        scriptName: params.ScriptNameQuery,
      },
      'xlsx',
    );
    return { TaskId: id };
  },
});

const listDownloadTasks = defineAction({
  name: 'ListDownloadTasks', summary: 'Lists the caller\'s export tasks (Download Hub), newest first, each with its one file.',
  params: {
    InstanceId: p.string({ maxLength: 64, description: 'Only this instance\'s exports.' }),
    ...requiredPage(),
  },
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.exports.list(caller.accountId, params.InstanceId, page);
    return { DownloadTasks: pageShape(result, page, downloadTaskShape) };
  },
});

const createDownloadUrl = defineAction({
  name: 'CreateDownloadUrl', summary: 'Returns a signed, expiring URL on this server for a finished export\'s file.',
  params: {
    DownloadTaskId: p.string({ maxLength: 64, description: 'The TaskId ListDownloadTasks returned.' }).require(),
    FileId: p.string({ maxLength: 64, description: 'The FileId ListDownloadTasks returned.' }).require(),
  },
  async handler({ caller, services }, params) {
    const { fileHttpUrl } = await services.exports.find(caller.accountId, params.DownloadTaskId);
    if (params.FileId !== params.DownloadTaskId || !fileHttpUrl) {
      throw new ApiError('NotExist.File', fileHttpUrl ? 'No such file in this download task.' : 'The export has not finished.');
    }
    return { FileHttpUrl: fileHttpUrl };
  },
});

export const FILE_ACTIONS: readonly ActionDefinition[] = [
  getJobDataUploadParams,
  createJobDataParsingTask,
  describeJobDataParsingTaskProgress,
  createJobGroupExportTask,
  describeJobGroupExportTaskProgress,
  createTaskExportTask,
  listDownloadTasks,
  createDownloadUrl,
];
