import { z } from 'zod';
import { JOB_STATUS_CODES, storedStatuses, TASK_STATUS_NAMES, type TaskStatusName } from '../../domain/call-codes.ts';
import { invalidParameter } from '../../domain/errors.ts';
import type { JobStatus } from '../../domain/job.ts';
import { TASK_SORT_KEYS, type TaskSortKey } from '../../store/task-search.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { searchTaskInfoShape, taskByUuidShape } from '../call-history-shapes.ts';
import { p } from '../params.ts';
import { inInstance, MAX_PAGE_SIZE } from './common-params.ts';

/** A comma-separated list of names, each one of `allowed`; undefined when empty. */
function namesList<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T[] | undefined {
  const names = text?.split(',').map((item) => item.trim()).filter(Boolean) ?? [];
  for (const item of names) {
    if (!allowed.includes(item as T)) throw invalidParameter(name, `unknown status ${JSON.stringify(item)}; use ${allowed.join(', ')}`);
  }
  return names.length > 0 ? (names as T[]) : undefined;
}

/** A label condition: the label's name and value, as SearchTask's reply writes them (K, V) or in lower case. */
const labelSchema = z.union([
  z.object({ K: z.string().min(1).max(128), V: z.string().max(512) }).strict().transform(({ K, V }) => ({ name: K, value: V })),
  z.object({ k: z.string().min(1).max(128), v: z.string().max(512) }).strict().transform(({ k, v }) => ({ name: k, value: v })),
]);

/**
 * Ringing bounds in whole seconds as the reply shows them (RecordingDuration, rounded):
 * a call shown as N seconds rang from N s - 500 ms to N s + 499 ms, and both bounds take it.
 */
function ringingRange(fromSeconds: number | undefined, toSeconds: number | undefined): { ringingFrom?: number; ringingTo?: number } {
  return {
    ringingFrom: fromSeconds === undefined ? undefined : Math.max(0, fromSeconds * 1000 - 500),
    ringingTo: toSeconds === undefined ? undefined : toSeconds * 1000 + 499,
  };
}

const JOB_STATUSES = Object.keys(JOB_STATUS_CODES) as JobStatus[];

const ms = (description: string) => p.integer({ min: 0, description });

const searchTask = defineAction({
  name: 'SearchTask', summary: 'Searches the instance\'s call history (one entry per call), filtered and sorted, a page at a time.',
  params: inInstance({
    JobGroupId: p.string({ maxLength: 64, description: 'Only this group\'s calls.' }),
    JobId: p.string({ maxLength: 64, description: 'Only this job\'s calls.' }),
    TaskId: p.string({ maxLength: 64, description: 'Only this call.' }),
    OtherId: p.string({ maxLength: 128, description: 'A call (task) ID or a job ID.' }),
    CalledNumber: p.string({ maxLength: 32, description: 'Only calls to this number, in any written form (national, +86..., with spaces).' }),
    CallingNumber: p.string({ maxLength: 32, description: 'Only calls from this line, as written.' }),
    UserIdMatch: p.string({ maxLength: 128, description: 'Only calls of the job with this reference ID (the user ID).' }),
    TaskStatusStringList: p.string({ maxLength: 1024, description: 'Call statuses, comma separated (e.g. SucceededFinish,NoAnswer); Succeeded is every answered call.' }),
    JobStatusStringList: p.string({ maxLength: 1024, description: 'Only calls of jobs now in these statuses, comma separated (e.g. Succeeded,Failed).' }),
    ActualTimeGte: ms('Calls started at or after (epoch ms).'),
    ActualTimeLte: ms('Calls started at or before (epoch ms).'),
    TaskCreateTimeGte: ms('Calls planned at or after (epoch ms); only with TaskCreateTimeLte.'),
    TaskCreateTimeLte: ms('Calls planned at or before (epoch ms); only with TaskCreateTimeGte.'),
    CallDurationGte: ms('Talk time at least (milliseconds).'),
    CallDurationLte: ms('Talk time at most (milliseconds).'),
    RecordingDurationGte: p.integer({ min: 0, max: 86_400, description: 'Ringing time at least (seconds, as RecordingDuration shows it).' }),
    RecordingDurationLte: p.integer({ min: 0, max: 86_400, description: 'Ringing time at most (seconds, as RecordingDuration shows it).' }),
    JobGroupNameQuery: p.string({ maxLength: 256, description: 'Only calls of groups whose name contains this text.' }),
    ScriptNameQuery: p.string({ maxLength: 256, description: 'Only calls of groups whose script\'s name contains this text.' }),
    LabelsJson: p.jsonArray(labelSchema, { maxItems: 20, maxLength: 1024, description: 'Labels a call must carry, one JSON object each: {"K": name, "V": value}. No call carries labels yet, so any label finds none.' }),
    SortBy: p.string({ oneOf: TASK_SORT_KEYS, description: 'actualTime (default; by index), callDuration, recordingDuration or taskCreateTime.' }),
    SortOrder: p.string({ oneOf: ['asc', 'desc'], description: 'desc (default) or asc.' }),
    PageIndex: p.integer({ min: 0, max: 1_000_000, description: 'Page, from 0 (default 0).' }),
    PageSize: p.integer({ min: 1, max: MAX_PAGE_SIZE, description: `Calls per page, 1 to ${MAX_PAGE_SIZE} (default 10).` }),
  }),
  async handler({ caller, services }, params) {
    const statuses = namesList<TaskStatusName>('TaskStatusStringList', params.TaskStatusStringList, TASK_STATUS_NAMES);
    const bothCreateTimes = params.TaskCreateTimeGte !== undefined && params.TaskCreateTimeLte !== undefined;
    const pageIndex = params.PageIndex ?? 0;
    const pageSize = params.PageSize ?? 10;
    const result = await services.callHistory.search(
      caller.accountId,
      params.InstanceId,
      {
        jobGroupId: params.JobGroupId,
        jobId: params.JobId,
        taskId: params.TaskId,
        otherId: params.OtherId,
        calledNumber: params.CalledNumber,
        callingNumber: params.CallingNumber,
        referenceId: params.UserIdMatch,
        statuses: statuses && storedStatuses(statuses),
        jobStatuses: namesList('JobStatusStringList', params.JobStatusStringList, JOB_STATUSES),
        actualFrom: params.ActualTimeGte,
        actualTo: params.ActualTimeLte,
        // The reference: "You must specify both ... If you omit either, the filter does not work."
        plannedFrom: bothCreateTimes ? params.TaskCreateTimeGte : undefined,
        plannedTo: bothCreateTimes ? params.TaskCreateTimeLte : undefined,
        talkFrom: params.CallDurationGte,
        talkTo: params.CallDurationLte,
        ...ringingRange(params.RecordingDurationGte, params.RecordingDurationLte),
        jobGroupName: params.JobGroupNameQuery,
        scriptName: params.ScriptNameQuery,
        labels: params.LabelsJson,
      },
      { by: (params.SortBy ?? 'actualTime') as TaskSortKey, order: params.SortOrder === 'asc' ? 'asc' : 'desc' },
      { pageNumber: pageIndex + 1, pageSize },
    );
    return {
      SearchTaskInfoList: result.items.map(searchTaskInfoShape),
      Total: result.totalCount,
      PageIndex: pageIndex,
      PageSize: pageSize,
      // Labels with enumerated values, and every label key: none, as no call carries labels yet.
      Labels: [] as Array<{ Name: string; ValueList: string[] }>,
      VariableNames: [] as string[],
    };
  },
});

const getTaskByUuid = defineAction({
  name: 'GetTaskByUuid', summary: 'Returns one call (task) of the instance, with its conversation when WithConversations is true.',
  params: inInstance({
    TaskId: p.string({ maxLength: 64, description: 'The call (task) ID.' }).require(),
    WithConversations: p.boolean({ description: 'Also return the conversation\'s turns (default false).' }),
  }),
  async handler({ caller, services }, params) {
    const task = await services.callHistory.find(caller.accountId, params.InstanceId, params.TaskId);
    return { Task: taskByUuidShape(task, params.WithConversations ?? false) };
  },
});

export const CALL_HISTORY_ACTIONS: readonly ActionDefinition[] = [searchTask, getTaskByUuid];
