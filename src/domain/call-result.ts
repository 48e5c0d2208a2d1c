import type { TaskEndReason, TaskStatus } from './call.ts';

/**
 * What a call came to, as QueryJobsWithResult reports it for a job's latest call.
 * Each flag is defined here once; the store's filters on them
 * (src/store/job-result-filter.ts, RESULT_FLAG_SQL) say the same in SQL, and the
 * store contract checks the two agree. A job not called yet has every flag false.
 */
export interface CallResultFlags {
  /** The callee answered: the task ended in a Succeeded* status. */
  hasAnswered: boolean;
  /** The callee hung up before the flow ended (end reason CLIENT_HANGUP). */
  hasHangUpByRejection: boolean;
  /** The conversation reached an end of its flow (end reason FINISHED). */
  hasReachedEndOfFlow: boolean;
  /**
   * The robot's last prompt had played out when the call ended: the robot ended the
   * call after its closing prompt. Not at the talk limit (which cuts a prompt), and
   * not when the callee hung up: no call records whether a prompt was still playing
   * then, so that is not claimed.
   */
  hasLastPlaybackCompleted: boolean;
}

/** What a call's result is read from (a task row's fields). */
interface ResultFields {
  status: TaskStatus;
  endReason: TaskEndReason | '';
  hangupDirection: 'client' | 'robot' | '';
}

export function callResultFlags(task: ResultFields | undefined): CallResultFlags {
  const answered = task !== undefined && task.status.startsWith('Succeeded');
  return {
    hasAnswered: answered,
    hasHangUpByRejection: answered && task.endReason === 'CLIENT_HANGUP',
    hasReachedEndOfFlow: answered && task.endReason === 'FINISHED',
    hasLastPlaybackCompleted: answered && task.hangupDirection === 'robot' && task.endReason !== 'TIMEOUT_HANGUP',
  };
}
