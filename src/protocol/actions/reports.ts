import { defineAction, type ActionDefinition } from '../action.ts';
import { p } from '../params.ts';
import { executingInfoShape, instanceSummaryShape } from '../report-shapes.ts';
import { inJobGroup } from './common-params.ts';

/** Reports over calls made: one group's execution, and the account's calls per instance. */

const describeGroupExecutingInfo = defineAction({
  name: 'DescribeGroupExecutingInfo', summary: 'Returns a job group\'s execution: job counters, calls, outcomes, average talk time and distributions.',
  params: inJobGroup({}),
  async handler({ caller, services, clock }, params) {
    const info = await services.jobGroups.executingInfo(caller.accountId, params.InstanceId, params.JobGroupId);
    return { InstanceId: params.InstanceId, GroupId: params.JobGroupId, ExecutingInfo: executingInfoShape(info, clock.now()) };
  },
});

const getSummaryInfo = defineAction({
  name: 'GetSummaryInfo', summary: 'Returns calls and talk time (seconds) per instance of the account.',
  params: {
    InstanceIdList: p.stringArray({ maxItems: 100, maxLength: 64, description: 'Only these instances (default: all of the account\'s).' }),
  },
  async handler({ caller, services }, params) {
    const summaries = await services.instances.callSummaries(caller.accountId, params.InstanceIdList);
    return { AgentBotInstanceSummaryList: summaries.map(instanceSummaryShape) };
  },
});

export const REPORT_ACTIONS: readonly ActionDefinition[] = [describeGroupExecutingInfo, getSummaryInfo];
