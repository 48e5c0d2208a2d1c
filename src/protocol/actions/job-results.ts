import { invalidParameter } from '../../domain/errors.ts';
import type { JobStatus } from '../../store/rows.ts';
import { defineAction, type ActionDefinition } from '../action.ts';
import { jobResultShape, TASK_STATUS_NAMES } from '../job-result-shapes.ts';
import { p } from '../params.ts';
import { inJobGroup, listOf, pageRequest, paging } from './common-params.ts';
import { JOB_STATUSES } from './jobs.ts';

/**
 * Call statuses a TaskStatusFilter may name: those of the reference, whether or not
 * a call here ends in them (the not-dialled ones match nothing), and the general
 * Succeeded, which matches every answered status.
 */
const TASK_STATUS_FILTERS = new Set<string>([
  ...Object.keys(TASK_STATUS_NAMES), 'Succeeded', 'Cancelled', 'EmptyNumber', 'PerDayCallCountLimit', 'ContactBlockList',
  'CallerNotRegistered', 'Terminated', 'VerificationCancelled', 'OutOfServiceNoCall', 'InArrearsNoCall', 'CallingNumberNotExist',
]);

/** A list sent as text: a JSON array of strings (`["NoAnswer","Busy"]`), or names separated by commas. */
function nameList(name: string, text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const names = text.trim().startsWith('[') ? listOf(name, text) : text.split(',').map((item) => item.trim()).filter(Boolean);
  // Status and failure-reason names are identifiers (NoAnswer, SucceededFinish): anything else is a malformed list.
  for (const item of names) if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(item)) throw invalidParameter(name, `${JSON.stringify(item.slice(0, 40))} is not a name: send a JSON array of names or names separated by commas`);
  return names;
}

const queryJobsWithResult = defineAction({
  name: 'QueryJobsWithResult', summary: 'Lists a job group\'s jobs, newest first, each with its latest call\'s result (answered, hung up, end of flow, time, duration, end reason), filtered by job and call status, result, failure reason, call time or a phone number, job id or reference id (docs/results.md).',
  params: inJobGroup({
    JobStatusFilter: p.string({ oneOf: JOB_STATUSES, description: 'Only jobs in this status.' }),
    TaskStatusFilter: p.text({ maxLength: 2_000, description: 'Only jobs whose latest call ended in one of these statuses: a JSON array (`["NoAnswer","Busy"]`) or names separated by commas; `Succeeded` stands for every answered status.' }),
    HasAnsweredFilter: p.boolean({ description: 'Only jobs whose latest call was (true) or was not (false) answered; a job not called yet was not.' }),
    HasHangUpByRejectionFilter: p.boolean({ description: 'Only jobs whose latest call the callee did (true) or did not (false) hang up before the flow ended.' }),
    HasReachedEndOfFlowFilter: p.boolean({ description: 'Only jobs whose latest call did (true) or did not (false) reach the end of its flow.' }),
    JobFailureReasonsFilter: p.text({ maxLength: 2_000, description: 'Only failed jobs with one of these reasons: a JSON array (`["NoAnswer"]`) or names separated by commas.' }),
    StartActualTimeFilter: p.integer({ min: 0, description: 'Only jobs whose latest call started at or after this time (epoch ms).' }),
    EndActualTimeFilter: p.integer({ min: 0, description: 'Only jobs whose latest call started at or before this time (epoch ms).' }),
    LabelsJson: p.stringArray({ maxItems: 100, maxLength: 256, description: 'Label values the latest call must carry. No call carries labels yet, so a label filter matches no job.' }),
    QueryText: p.string({ maxLength: 128, description: 'A contact\'s phone number in any written form (13800000001, +86 138 0000 0001), a job ID or a job reference ID.' }),
    PageNumber: paging.pageNumber(),
    PageSize: paging.pageSize(),
  }),
  async handler({ caller, services }, params) {
    const taskStatuses = nameList('TaskStatusFilter', params.TaskStatusFilter);
    const unknown = taskStatuses?.find((status) => !TASK_STATUS_FILTERS.has(status));
    if (unknown !== undefined) throw invalidParameter('TaskStatusFilter', `unknown call status ${unknown}`);
    const [from, to] = [params.StartActualTimeFilter, params.EndActualTimeFilter];
    if (from !== undefined && to !== undefined && to < from) throw invalidParameter('EndActualTimeFilter', 'is before StartActualTimeFilter');
    const page = pageRequest(params.PageNumber, params.PageSize);
    const { results } = await services.jobResults.query(caller.accountId, params.InstanceId, params.JobGroupId, {
      jobStatus: params.JobStatusFilter as JobStatus | undefined,
      taskStatuses,
      answered: params.HasAnsweredFilter,
      hangUpByRejection: params.HasHangUpByRejectionFilter,
      reachedEndOfFlow: params.HasReachedEndOfFlowFilter,
      failureReasons: nameList('JobFailureReasonsFilter', params.JobFailureReasonsFilter),
      callFrom: from,
      callTo: to,
      labels: params.LabelsJson,
      queryText: params.QueryText,
    }, page);
    return {
      Jobs: {
        List: results.items.map(jobResultShape),
        PageCount: Math.ceil(results.totalCount / page.pageSize),
        PageNumber: page.pageNumber,
        PageSize: page.pageSize,
        RowCount: results.totalCount,
      },
      // Labels come from large-model scripts and collected variables from their label
      // settings; neither exists here yet, so both are the reference's empty lists.
      Labels: [] as Array<{ Name: string; ValueList: string[] }>,
      VariableNames: [] as string[],
    };
  },
});

export const JOB_RESULT_ACTIONS: readonly ActionDefinition[] = [queryJobsWithResult];
