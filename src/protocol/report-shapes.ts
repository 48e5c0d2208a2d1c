import type { JobGroupService } from '../services/job-group-service.ts';
import type { InstanceService } from '../services/instance-service.ts';

/** A group's execution report and the account's call summaries, as the public API shapes them (seconds, counts as strings in distributions). */

type ExecutingInfo = Awaited<ReturnType<JobGroupService['executingInfo']>>;
type CallSummary = Awaited<ReturnType<InstanceService['callSummaries']>>[number];

const asStrings = (buckets: Record<string, number>) => Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, String(v)]));

/** DescribeGroupExecutingInfo's ExecutingInfo; a group still running ends `now`. */
export function executingInfoShape({ view, report, creatorName }: ExecutingInfo, now: number) {
  const c = view.counters;
  return {
    CreatorName: creatorName,
    StartTime: c.startTime,
    EndTime: c.endTime || (c.startTime ? now : 0),
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
  };
}

export function instanceSummaryShape(summary: CallSummary) {
  return {
    InstanceId: summary.instanceId,
    TotalCallCount: summary.totalCalls,
    TotalCallTime: Math.round(summary.talkMs / 1000),
    UsedRecordingStorageSpace: 0,
  };
}
