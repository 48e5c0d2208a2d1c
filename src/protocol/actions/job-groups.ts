import { z } from 'zod';
import { invalidParameter } from '../../domain/errors.ts';
import { JOB_GROUP_STATUSES } from '../../domain/job-group-status.ts';
import { recallStrategyInputSchema, strategyInputSchema, unknownStrategyKeys } from '../../domain/strategy.ts';
import type { JobGroupStatus } from '../../store/rows.ts';
import { defineAction, type ActionContext, type ActionDefinition } from '../action.ts';
import { p, type Decoded } from '../params.ts';
import { jobGroupListItemShape, jobGroupShape, pageShape } from '../shapes.ts';
import { descriptionParam, inInstance, inJobGroup, nameParam, pageRequest, phoneNumbers, requiredPage } from './common-params.ts';
import { checkNumbers } from './instances.ts';

const flashSmsSchema = z.object({
  templateId: z.string().max(256).optional(),
  configId: z.string().max(256).optional(),
  templateContent: z.string().max(1024).optional(),
});

/** Parameters CreateJobGroup and ModifyJobGroup share. */
const groupSettingParams = {
  ScriptId: p.string({ maxLength: 64, description: 'The script the group\'s calls run.' }),
  ScenarioId: p.string({ maxLength: 64, description: 'Deprecated; defaults to ScriptId.' }),
  StrategyJson: p.json(strategyInputSchema, { unknownKeys: unknownStrategyKeys, description: 'Calling strategy (JSON); see docs/strategy.md.' }),
  RecallStrategyJson: p.json(recallStrategyInputSchema, { description: 'Recall strategy (JSON).' }),
  CallingNumber: phoneNumbers('Calling numbers; defaults to the instance\'s.'),
  RecallCallingNumber: phoneNumbers('Calling numbers for retries; defaults to CallingNumber.'),
  Priority: p.string({ oneOf: ['Urgent', 'Daily'], description: 'Urgent groups are dialled before Daily ones.' }),
  RingingDuration: p.integer({ min: 5, max: 120, description: 'Seconds a call rings before it counts as not answered.' }),
  MinConcurrency: p.integer({ min: 0, max: 10_000, description: 'Calls guaranteed to the group while it has due work.' }),
  FlashSmsExtras: p.json(flashSmsSchema, { description: 'Flash SMS settings (JSON).' }),
};

/** The shared settings as the service takes them. */
function groupSettingsOf(params: Decoded<typeof groupSettingParams>) {
  return {
    scriptId: params.ScriptId,
    scenarioId: params.ScenarioId,
    strategy: params.StrategyJson,
    recallStrategy: params.RecallStrategyJson,
    callingNumbers: checkNumbers('CallingNumber', params.CallingNumber),
    recallCallingNumbers: checkNumbers('RecallCallingNumber', params.RecallCallingNumber),
    priority: params.Priority as 'Urgent' | 'Daily' | undefined,
    ringingDuration: params.RingingDuration,
    minConcurrency: params.MinConcurrency,
    flashSmsExtras: params.FlashSmsExtras,
  };
}

const createJobGroup = defineAction({
  name: 'CreateJobGroup', summary: 'Creates a job group (campaign) in Draft.',
  params: inInstance({
    JobGroupName: nameParam('Job group name.').require(),
    JobGroupDescription: descriptionParam('Job group description.'),
    ...groupSettingParams,
  }),
  async handler({ caller, services, clock }, params) {
    const view = await services.jobGroups.create(caller.accountId, params.InstanceId, {
      name: params.JobGroupName,
      description: params.JobGroupDescription,
      ...groupSettingsOf(params),
    });
    return { JobGroup: jobGroupShape(view, clock.now()) };
  },
});

const viewParams = inJobGroup({
  BriefTypes: p.stringArray({ maxItems: 100, maxLength: 256, description: 'Only these Brief keys in Progress.Briefs.' }),
});

/** GetJobGroup and DescribeJobGroup answer the same. */
async function viewJobGroup({ caller, services, clock }: ActionContext, params: Decoded<typeof viewParams>) {
  const view = await services.jobGroups.view(caller.accountId, params.InstanceId, params.JobGroupId, params.BriefTypes);
  return { JobGroup: jobGroupShape(view, clock.now()) };
}

const getJobGroup = defineAction({
  name: 'GetJobGroup', summary: 'Returns a job group with its strategy, progress and results (the seed page).',
  params: viewParams,
  handler: viewJobGroup,
});

const describeJobGroup = defineAction({
  name: 'DescribeJobGroup', summary: 'Same as GetJobGroup.',
  params: viewParams,
  handler: viewJobGroup,
});

function parseStatusFilter(filter: string | undefined): JobGroupStatus[] | undefined {
  if (!filter) return undefined;
  const statuses = filter.split(',').map((s) => s.trim()).filter(Boolean);
  for (const status of statuses) {
    if (!JOB_GROUP_STATUSES.includes(status as JobGroupStatus)) {
      throw invalidParameter('JobGroupStatusFilter', `unknown status "${status.slice(0, 32)}"; use ${JOB_GROUP_STATUSES.join(', ')}`);
    }
  }
  return statuses as JobGroupStatus[];
}

const listJobGroups = defineAction({
  name: 'ListJobGroups', summary: 'Lists an instance\'s job groups, newest first, with status, text and creation-time filters.',
  params: inInstance({
    ...requiredPage(),
    JobGroupStatusFilter: p.string({ maxLength: 256, description: 'Comma-separated statuses (OR).' }),
    SearchText: p.string({ maxLength: 256, description: 'Part of the name or description.' }),
    StartTime: p.integer({ min: 0, description: 'Created at or after (epoch ms).' }),
    EndTime: p.integer({ min: 0, description: 'Created at or before (epoch ms).' }),
    OnlyMinConcurrencyEnabled: p.boolean({ description: 'Only groups with MinConcurrency > 0.' }),
    AsyncQuery: p.boolean({ description: 'Accepted for compatibility; results are always returned at once.' }),
  }),
  async handler({ caller, services, clock }, params) {
    const page = pageRequest(params.PageNumber, params.PageSize);
    const result = await services.jobGroups.list(
      caller.accountId,
      params.InstanceId,
      {
        statuses: parseStatusFilter(params.JobGroupStatusFilter),
        searchText: params.SearchText,
        createdFrom: params.StartTime,
        createdTo: params.EndTime,
        onlyMinConcurrencyEnabled: params.OnlyMinConcurrencyEnabled,
      },
      page,
    );
    const now = clock.now();
    return { AsyncTaskId: '', JobGroups: pageShape(result, page, (view) => jobGroupListItemShape(view, now)) };
  },
});

const modifyJobGroup = defineAction({
  name: 'ModifyJobGroup', summary: 'Modifies a job group; JobGroupStatus pauses or resumes it.',
  params: inJobGroup({
    Name: nameParam('Job group name.').require(),
    Description: descriptionParam('Job group description.'),
    JobGroupStatus: p.string({ oneOf: JOB_GROUP_STATUSES, description: 'Paused pauses; Scheduling resumes a paused group.' }),
    ...groupSettingParams,
  }),
  async handler({ caller, services, clock }, params) {
    const view = await services.jobGroups.modify(caller.accountId, params.InstanceId, params.JobGroupId, {
      name: params.Name,
      description: params.Description,
      status: params.JobGroupStatus as JobGroupStatus | undefined,
      ...groupSettingsOf(params),
    });
    const shape = jobGroupShape(view, clock.now());
    // ModifyJobGroup reports FlashSmsExtras as the JSON text it was given.
    const flash = view.group.flashSmsExtras;
    return { JobGroup: { ...shape, FlashSmsExtras: flash ? JSON.stringify(flash) : '' } };
  },
});

const deleteJobGroup = defineAction({
  name: 'DeleteJobGroup', summary: 'Deletes a job group.',
  params: inJobGroup({}),
  async handler({ caller, services }, params) {
    await services.jobGroups.delete(caller.accountId, params.InstanceId, params.JobGroupId);
    return {};
  },
});

export const JOB_GROUP_ACTIONS: readonly ActionDefinition[] = [createJobGroup, getJobGroup, describeJobGroup, listJobGroups, modifyJobGroup, deleteJobGroup];
