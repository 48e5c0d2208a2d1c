import { defineAction } from '../action.ts';
import { p } from '../params.ts';
import { ids } from './common-params.ts';

export const describeGroupExecutingInfo = defineAction({
  name: 'DescribeGroupExecutingInfo',
  summary: 'Returns a job group\'s execution: job counters, calls, outcomes, average talk time and distributions.',
  params: { InstanceId: ids.instanceId(), JobGroupId: ids.jobGroupId() },
  async handler({ caller, services, clock }, params) {
    const { view, report, creatorName } = await services.jobGroups.executingInfo(caller.accountId, params.InstanceId, params.JobGroupId);
    const c = view.counters;
    const asStrings = (buckets: Record<string, number>) => Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, String(v)]));
    return {
      InstanceId: params.InstanceId,
      GroupId: params.JobGroupId,
      ExecutingInfo: {
        CreatorName: creatorName,
        StartTime: c.startTime,
        EndTime: c.endTime || (c.startTime ? clock.now() : 0),
        CallNum: c.totalCalls,
        CallFailedNum: c.notAnswered,
        FinishedNum: c.finishedNum,
        HangUpByClientNum: c.clientHangupNum,
        NoInteractionNum: c.noInteractNum,
        TransferByIntentNum: 0,
        TransferByNoAnswer: 0,
        AvgTalkTime: report.answered ? Math.round(report.talkMs / report.answered / 1000) : 0,
        DurationDistribution: JSON.stringify({ ...asStrings(report.durationBuckets), max: String(Math.round(report.maxTalkMs / 1000)), total: String(report.answered) }),
        TalkTurnsDistribution: JSON.stringify({ ...asStrings(report.turnBuckets), total: String(report.answered) }),
        JobsProgress: {
          TotalJobs: c.totalJobs,
          SchedulingNum: c.scheduling,
          ExecutingNum: c.executing,
          TotalCompletedNum: c.completed,
          FailedNum: c.failed,
          PausedNum: c.paused,
          CancelledNum: c.cancelled,
          TotalNotAnsweredNum: c.notAnswered,
        },
      },
    };
  },
});

export const getSummaryInfo = defineAction({
  name: 'GetSummaryInfo',
  summary: 'Returns calls and talk time (seconds) per instance of the account.',
  params: {
    InstanceIdList: p.stringArray({ maxItems: 100, maxLength: 64, description: 'Only these instances (default: all of the account\'s).' }),
  },
  async handler({ caller, services }, params) {
    const summaries = await services.instances.callSummaries(caller.accountId, params.InstanceIdList);
    return {
      AgentBotInstanceSummaryList: summaries.map((s) => ({
        InstanceId: s.instanceId,
        TotalCallCount: s.totalCalls,
        TotalCallTime: Math.round(s.talkMs / 1000),
        UsedRecordingStorageSpace: 0,
      })),
    };
  },
});
