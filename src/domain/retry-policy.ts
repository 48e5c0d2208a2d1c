import type { JobRow, JobStatus } from './job.ts';
import type { RecallStrategy, Strategy } from './job-group.ts';
import { FAILURE_REASON, type CallResult } from './call-outcome.ts';
import { localDay, nextCallableDay, nextCallableTime, type ScheduleRules } from './schedule.ts';

/**
 * What happens to a job after one attempt (docs/strategy.md, "Attempts"):
 *
 * - answered: Succeeded, whatever the conversation;
 * - empty number / out of service / in arrears with the matching RecallStrategy
 *   flag: Failed at once, never called again;
 * - otherwise retried at the first callable moment at least minAttemptInterval
 *   later; once the local day's maxAttemptsPerDay are used, on a later day;
 *   a non-repeatable strategy allows maxAttemptsPerDay attempts in all;
 * - no callable moment left before the strategy's end: Failed.
 *
 * The windows and days are the group's strategy under its instance's calling hours
 * (instance-policy.ts underInstanceHours), as the engine passes it.
 */

/** A group's strategy as the dispatcher applies it: its own rules, narrowed by the instance's days (`dayAllowed`) and windows. */
export type AppliedStrategy = Strategy & ScheduleRules;
export interface RetryDecision {
  status: Extract<JobStatus, 'Scheduling' | 'Succeeded' | 'Failed'>;
  nextAttemptAt: number;
  failureReason: string;
}

export interface AttemptContext {
  /** The job as claimed: attempts, attemptDay and dayAttempts already include this attempt. */
  job: Pick<JobRow, 'attempts' | 'attemptDay' | 'dayAttempts' | 'nextAttemptAt'>;
  strategy: AppliedStrategy;
  recall: RecallStrategy;
  zone: string;
  result: CallResult;
  /** When the attempt ended. */
  now: number;
}

export function decideAfterAttempt(context: AttemptContext): RetryDecision {
  const { job, strategy, recall, zone, result, now } = context;
  const keep = job.nextAttemptAt;
  if (result === 'Answered') return { status: 'Succeeded', nextAttemptAt: keep, failureReason: '' };
  const reason = FAILURE_REASON[result];
  const ignored =
    (result === 'EmptyNumber' && recall.emptyNumberIgnore) ||
    (result === 'OutOfService' && recall.outOfServiceIgnore) ||
    (result === 'InArrears' && recall.inArrearsIgnore);
  if (ignored) return { status: 'Failed', nextAttemptAt: keep, failureReason: reason };
  if (!strategy.repeatable && job.attempts >= strategy.maxAttemptsPerDay) {
    return { status: 'Failed', nextAttemptAt: keep, failureReason: 'NoneRepeatableJobMaxAttemptCountLimit' };
  }
  const next = nextAttemptTime(context);
  if (next === undefined) return { status: 'Failed', nextAttemptAt: keep, failureReason: reason };
  return { status: 'Scheduling', nextAttemptAt: next, failureReason: '' };
}

/** The next moment the job may be called, honouring interval, windows and the daily limit. */
export function nextAttemptTime(context: Omit<AttemptContext, 'result' | 'recall'>): number | undefined {
  const { job, strategy, zone, now } = context;
  const earliest = now + strategy.minAttemptInterval * 60_000;
  const candidate = nextCallableTime(strategy, zone, earliest);
  if (candidate === undefined) return undefined;
  const dayIsFull = job.dayAttempts >= strategy.maxAttemptsPerDay && localDay(zone, candidate) === job.attemptDay;
  if (!dayIsFull) return candidate;
  const nextDay = nextCallableDay(strategy, zone, candidate);
  return nextDay === undefined ? undefined : nextCallableTime(strategy, zone, Math.max(nextDay, earliest));
}

/** Whether the job may be called at `now`: a callable moment and the day's attempts not used up. */
export function mayCallNow(job: Pick<JobRow, 'attemptDay' | 'dayAttempts'>, strategy: AppliedStrategy, zone: string, now: number): boolean {
  if (nextCallableTime(strategy, zone, now) !== now) return false;
  return !(job.attemptDay === localDay(zone, now) && job.dayAttempts >= strategy.maxAttemptsPerDay);
}
