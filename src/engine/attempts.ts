import { CONVERSATION_END, NOT_ANSWERED_TASK_STATUS } from '../domain/call-outcome.ts';
import { decideAfterAttempt, type AppliedStrategy } from '../domain/retry-policy.ts';
import type { DueJob, JobGroupRow, TaskRow } from '../store/rows.ts';
import type { AttemptClaim, AttemptSettlement, CounterDelta } from '../store/store.ts';
import type { CallReport } from '../telephony/carrier.ts';

/**
 * How one attempt starts and ends, as data the engine commits: the claim (the job
 * Executing, its task recorded with a lease) and the settlement (the task's outcome,
 * the job's next state, every counter they move). Pure: the engine supplies the
 * zone, ids and moments, and the store writes them.
 */

/** Longest conversation before the bot hangs up (TimeoutHangup). */
export const TALK_LIMIT_MS = 5 * 60_000;
/** Extra time on top of ringing + talk limit before a call's lease is considered dead. */
const LEASE_MARGIN_MS = 60_000;
/** The shortest lease any call gets (a group may ring for 0 s). */
export const MIN_LEASE_MS = TALK_LIMIT_MS + LEASE_MARGIN_MS;

/** A group as the dispatcher applies it: its strategy under the instance's calling hours (instance-policy.ts underInstanceHours). */
export type GovernedGroup = JobGroupRow & { strategy: AppliedStrategy };

/** What a claim is made of, once the engine has chosen the number to call from and the day it counts on. */
export interface ClaimInput {
  job: DueJob;
  group: JobGroupRow;
  taskId: string;
  callingNumber: string;
  /** The callee's local day the attempt counts on (maxAttemptsPerDay). */
  day: string;
  now: number;
}

/** The contact the next attempt of a job calls: contacts take turns. */
export function nextContact(job: Pick<DueJob, 'contacts' | 'attempts'>): DueJob['contacts'][number] | undefined {
  return job.contacts[job.attempts % Math.max(1, job.contacts.length)];
}

/** The claim of a job's next attempt; its lease covers ringing, the talk limit and a margin. */
export function attemptClaim({ job, group, taskId, callingNumber, day, now }: ClaimInput): AttemptClaim {
  const attempt = job.attempts + 1;
  const contact = nextContact(job)!;
  const task: TaskRow = {
    id: taskId,
    jobId: job.id,
    jobGroupId: job.jobGroupId,
    instanceId: job.instanceId,
    attempt,
    status: 'Executing',
    callingNumber,
    calledNumber: contact.phoneNumber,
    contact,
    plannedTime: job.nextAttemptAt,
    actualTime: now,
    leaseExpiresAt: now + group.ringingDuration * 1000 + MIN_LEASE_MS,
    endTime: 0,
    ringingMs: 0,
    talkMs: 0,
    endReason: '',
    hangupDirection: '',
    sipCode: '',
    conversation: [],
  };
  return { task, attempts: attempt, attemptDay: day, dayAttempts: job.attemptDay === day ? job.dayAttempts + 1 : 1 };
}

/**
 * The settlement of an ended call. The job's next attempt is reckoned from the
 * moment the call ended (`report.endedAt`), not from when the settlement runs
 * (`now`), in the windows of the group's strategy under the instance's hours;
 * `zone` is the zone of the contact just called.
 */
export function attemptSettlement(task: TaskRow, job: DueJob, report: CallReport, group: GovernedGroup, zone: string, now: number): AttemptSettlement {
  const answered = report.result === 'Answered';
  const conversation = answered ? CONVERSATION_END[report.conversationEnd ?? 'Finished'] : undefined;
  const endedAt = report.endedAt;
  const decision = decideAfterAttempt({ job, strategy: group.strategy, recall: group.recallStrategy, zone, result: report.result, now: endedAt });
  const taskDelta: CounterDelta = { inFlight: -1 };
  if (conversation) taskDelta[conversation.counter] = 1;
  else taskDelta.notAnswered = 1;
  return {
    task: {
      ...task,
      status: conversation?.taskStatus ?? NOT_ANSWERED_TASK_STATUS[report.result as Exclude<typeof report.result, 'Answered'>],
      endTime: endedAt,
      ringingMs: report.ringingMs,
      talkMs: report.talkMs,
      endReason: conversation?.endReason ?? '',
      hangupDirection: report.hangupDirection,
      sipCode: report.sipCode,
      conversation: report.turns,
    },
    job: {
      id: job.id,
      status: decision.status,
      nextAttemptAt: decision.nextAttemptAt,
      failureReason: decision.failureReason,
      endReason: conversation?.endReason ?? '',
    },
    jobDelta: { executing: -1, [decision.status === 'Succeeded' ? 'completed' : decision.status === 'Failed' ? 'failed' : 'scheduling']: 1 },
    taskDelta,
    now,
    results: report.results,
  };
}
