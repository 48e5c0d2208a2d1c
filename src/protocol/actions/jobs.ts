import { invalidParameter, missingParameter } from '../../domain/errors.ts';
import { jobInputSchema, MAX_JOBS_PER_ASSIGNMENT } from '../../domain/job-input.ts';
import { strategyInputSchema, unknownStrategyKeys } from '../../domain/strategy.ts';
import type { JobRow, JobStatus } from '../../store/rows.ts';
import type { JobSelector } from '../../store/store.ts';
import { defineAction, type ActionContext, type ActionDefinition } from '../action.ts';
import { jobShape } from '../job-shapes.ts';
import { p } from '../params.ts';
import { jobScriptShape, pageShape } from '../shapes.ts';
import { ids, inInstance, inJobGroup, pageRequest, phoneNumbers, requiredPage } from './common-params.ts';
import { checkNumbers } from './instances.ts';

export const JOB_STATUSES: readonly JobStatus[] = ['Scheduling', 'Executing', 'Succeeded', 'Paused', 'Failed', 'Cancelled'];

const assignJobs = defineAction({
  name: 'AssignJobs', summary: 'Adds up to 99 jobs (contacts to call), or every accepted row of a parsed contact file, to a job group; the engine starts calling them by the group\'s strategy.',
  params: inJobGroup({
    JobsJson: p
      .jsonArray(jobInputSchema, { maxItems: MAX_JOBS_PER_ASSIGNMENT, description: 'The jobs, one JSON object each: referenceId, contacts[{phoneNumber, name, honorific, referenceId}], extras[{key, value}]. With JobDataParsingTaskId it may be left out (or `[]`).' })
      .requireUnless('JobDataParsingTaskId', []),
    CallingNumber: phoneNumbers('Calling numbers for these jobs; defaults to the group\'s.'),
    StrategyJson: p.json(strategyInputSchema, { unknownKeys: unknownStrategyKeys, description: 'Changes the group\'s strategy (merged over it), as in the public API.' }),
    IsAsynchrony: p.boolean({ description: 'With JobDataParsingTaskId: true replies at once while the file\'s jobs are created in the background. JobsJson jobs are always created before the reply.' }),
    JobDataParsingTaskId: p.string({ maxLength: 128, description: 'Jobs from a parsed contact file (CreateJobDataParsingTask); with it, JobsJson is left out or the empty array `[]`.' }),
    RosterType: p.string({ oneOf: ['json', 'excel'], description: 'json (JobsJson) or excel (a parsed file).' }),
  }),
  async handler({ caller, services }, params) {
    if (params.JobDataParsingTaskId && params.JobsJson.length > 0) {
      throw invalidParameter('JobsJson', 'leave it out (or send []) with JobDataParsingTaskId: the jobs come from the parsed file');
    }
    if (!params.JobDataParsingTaskId && params.JobsJson.length === 0) throw invalidParameter('JobsJson', 'give at least one job');
    const jobIds = await services.jobs.assign(caller.accountId, params.InstanceId, params.JobGroupId, {
      jobs: params.JobsJson,
      callingNumbers: checkNumbers('CallingNumber', params.CallingNumber),
      strategy: params.StrategyJson,
      parsingTaskId: params.JobDataParsingTaskId,
      asynchronous: params.IsAsynchrony,
    });
    return { JobGroupId: params.JobGroupId, JobsId: jobIds };
  },
});

const describeJob = defineAction({
  name: 'DescribeJob', summary: 'Returns a job with every attempt (task): times, numbers, status, end reason, duration and conversation.',
  params: inInstance({
    JobId: ids.jobId(),
    WithScript: p.boolean({ description: 'Also return the group\'s script.' }),
  }),
  async handler({ caller, services }, params) {
    const { job, tasks, group } = await services.jobs.describe(caller.accountId, params.InstanceId, params.JobId);
    const shape: ReturnType<typeof jobShape> & { Script?: ReturnType<typeof jobScriptShape> } = jobShape(job, group, tasks);
    if (params.WithScript && group.scriptId) {
      const script = await services.scripts.requireInInstance(params.InstanceId, group.scriptId).catch(() => undefined);
      if (script) shape.Script = jobScriptShape(script);
    }
    return { Job: shape };
  },
});

const listJobs = defineAction({
  name: 'ListJobs', summary: 'Returns the given jobs (up to 99) with their tasks.',
  params: inInstance({
    JobId: p.stringArray({ maxItems: 99, maxLength: 64, description: 'Job IDs.' }).require(),
  }),
  async handler({ caller, services }, params) {
    const jobs = await services.jobs.list(caller.accountId, params.InstanceId, params.JobId);
    const details = await services.jobs.details(caller.accountId, params.InstanceId, jobs);
    return { Jobs: details.map((d) => jobShape(d.job, d.group, d.tasks)) };
  },
});

const listJobsByGroup = defineAction({
  name: 'ListJobsByGroup', summary: 'Lists a job group\'s jobs, newest first, by status or failure reason.',
  params: inJobGroup({
    JobStatus: p.string({ oneOf: JOB_STATUSES, description: 'Only jobs in this status.' }),
    JobFailureReason: p.string({ maxLength: 64, description: 'Only failed jobs with this reason (e.g. NoAnswer).' }),
    ...requiredPage(),
  }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const group = await services.jobGroups.view(caller.accountId, params.InstanceId, params.JobGroupId);
    const result = await services.jobs.query(
      caller.accountId,
      params.InstanceId,
      { jobGroupId: params.JobGroupId, statuses: params.JobStatus ? [params.JobStatus as JobStatus] : undefined, failureReason: params.JobFailureReason },
      page,
    );
    const withoutTasks = ({ job }: { job: JobRow }) => {
      const { Tasks: _tasks, ...rest } = jobShape(job, group.group);
      return rest;
    };
    return { Jobs: pageShape(result, page, withoutTasks) };
  },
});

const queryJobs = defineAction({
  name: 'QueryJobs', summary: 'Searches an instance\'s jobs by phone number, contact name, group and creation time.',
  params: inInstance({
    JobGroupId: p.string({ maxLength: 64, description: 'Only this group\'s jobs.' }),
    PhoneNumber: p.string({ maxLength: 32, description: 'A contact\'s phone number, in any written form (13900139000, +86 139 0013 9000).' }),
    ContactName: p.string({ maxLength: 128, description: 'Part of a contact\'s name.' }),
    StartTime: p.integer({ min: 0, description: 'Created at or after (epoch ms).' }),
    EndTime: p.integer({ min: 0, description: 'Created at or before (epoch ms).' }),
    TimeAlignment: p.string({ oneOf: ['start', 'end', 'job_create'], description: 'Accepted; the time range applies to job creation.' }),
    ScenarioId: p.string({ maxLength: 64, description: 'Deprecated; ignored.' }),
    ...requiredPage(),
  }),
  async handler({ caller, services }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.jobs.query(
      caller.accountId,
      params.InstanceId,
      {
        jobGroupId: params.JobGroupId,
        phoneNumber: params.PhoneNumber,
        contactName: params.ContactName,
        createdFrom: params.StartTime || undefined,
        createdTo: params.EndTime || undefined,
      },
      page,
    );
    const details = await services.jobs.details(caller.accountId, params.InstanceId, result.items.map((item) => item.job));
    const withTags = (d: (typeof details)[number]) => ({ ...jobShape(d.job, d.group, d.tasks), TagHits: [] as Array<{ TagGroup: string; TagName: string }> });
    return { Jobs: pageShape({ items: details, totalCount: result.totalCount }, page, withTags) };
  },
});

const selectorParams = inInstance({
  All: p.boolean({ description: 'true: every job of JobGroupId; false: the jobs named by JobId or JobReferenceId.' }).require(),
  JobGroupId: p.string({ maxLength: 64, description: 'The job group (required with All or JobReferenceId).' }),
  JobId: p.stringArray({ maxItems: 1000, maxLength: 64, description: 'Job IDs.' }),
  JobReferenceId: p.stringArray({ maxItems: 1000, maxLength: 128, description: 'Job reference IDs (with JobGroupId).' }),
  ScenarioId: p.string({ maxLength: 64, description: 'Deprecated; ignored.' }),
});

async function moveSelected(
  { caller, services }: ActionContext,
  params: { InstanceId: string; All: boolean; JobGroupId?: string; JobId?: string[]; JobReferenceId?: string[] },
  action: 'suspend' | 'resume' | 'cancel',
): Promise<number> {
  if (params.All || params.JobReferenceId?.length) {
    if (!params.JobGroupId) throw missingParameter('JobGroupId');
    const selector: JobSelector = params.All ? { all: true } : { referenceIds: params.JobReferenceId! };
    return services.jobs.move(caller.accountId, params.InstanceId, params.JobGroupId, selector, action);
  }
  if (!params.JobId?.length) throw missingParameter('JobId');
  // Jobs may belong to several groups: move them group by group.
  const jobs = await services.jobs.list(caller.accountId, params.InstanceId, params.JobId);
  const byGroup = new Map<string, string[]>();
  for (const job of jobs) {
    if (params.JobGroupId && job.jobGroupId !== params.JobGroupId) continue;
    byGroup.set(job.jobGroupId, [...(byGroup.get(job.jobGroupId) ?? []), job.id]);
  }
  let moved = 0;
  for (const [jobGroupId, jobIds] of byGroup) moved += await services.jobs.move(caller.accountId, params.InstanceId, jobGroupId, { jobIds }, action);
  return moved;
}

/** SuspendJobs, ResumeJobs and CancelJobs: the same selection, one move each. */
function moveJobsAction(name: string, summary: string, move: 'suspend' | 'resume' | 'cancel') {
  return defineAction({
    name,
    summary,
    params: selectorParams,
    async handler(context, params) {
      await moveSelected(context, params, move);
      return {};
    },
  });
}

const suspendJobs = moveJobsAction('SuspendJobs', 'Pauses waiting jobs: they are not called until resumed.', 'suspend');
const resumeJobs = moveJobsAction('ResumeJobs', 'Resumes paused jobs: they are called again by the strategy.', 'resume');
const cancelJobs = moveJobsAction('CancelJobs', 'Cancels unfinished jobs for good; a call in flight finishes normally.', 'cancel');

const getCurrentConcurrency = defineAction({
  name: 'GetCurrentConcurrency', summary: 'Returns the calls an instance has in flight and its ceiling.',
  params: inInstance({}),
  async handler({ caller, services }, params) {
    const usage = await services.instances.concurrency(caller.accountId, params.InstanceId);
    return { InstanceId: params.InstanceId, CurrentConcurrency: usage.inFlight, MaxConcurrentConversation: usage.max };
  },
});

const getConcurrentConversationQuota = defineAction({
  name: 'GetConcurrentConversationQuota', summary: 'Returns the account\'s concurrency: the sum of its instances\' ceilings and what is not in use.',
  params: {},
  async handler({ caller, services }) {
    const usage = await services.instances.accountConcurrency(caller.accountId);
    return { MaxConcurrent: usage.max, RemainingConcurrent: Math.max(0, usage.max - usage.inFlight) };
  },
});

export const JOB_ACTIONS: readonly ActionDefinition[] = [
  assignJobs,
  describeJob,
  listJobs,
  listJobsByGroup,
  queryJobs,
  suspendJobs,
  resumeJobs,
  cancelJobs,
  getCurrentConcurrency,
  getConcurrentConversationQuota,
];
