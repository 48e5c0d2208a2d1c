import { callResultFlags } from '../domain/call-result.ts';
import type { Contact, JobRow, JobStatus, TaskRow, TaskStatus } from '../store/rows.ts';

/**
 * QueryJobsWithResult's jobs as the public API shapes them (docs/results.md says
 * what each field means): the job, and its latest call's result. Durations are
 * milliseconds (CallDuration) and whole seconds as text (CallDurationDisplay).
 */

/** The job status names of the reference (JobStatusFilter's list). */
const JOB_STATUS_NAMES: Record<JobStatus, string> = {
  Scheduling: 'Scheduling',
  Executing: 'Executing',
  Succeeded: 'Ended-Reached',
  Paused: 'Paused',
  Failed: 'Ended-Not reached',
  Cancelled: 'Cancelled-Manual intervention',
};

/** Call status names in the reference's wording (TaskStatusFilter's list), for the statuses calls here end in. */
export const TASK_STATUS_NAMES: Record<TaskStatus, string> = {
  Executing: 'Calling',
  NoAnswer: 'Not connected-No answer',
  NotExist: 'Not connected-Nonexistent number',
  Busy: 'Not connected-Busy',
  Failed: 'Failed',
  NotConnected: 'Not connected-Unreachable',
  PoweredOff: 'Not connected-Powered off',
  OutOfService: 'Not connected-Callee out of service',
  InArrears: 'Not connected-Callee has overdue payment',
  SucceededFinish: 'Connected-Flow finished',
  SucceededClientHangUp: 'Connected-Callee hung up',
  SucceededChatbotHangUpAfterSilence: 'Connected-Robot hung up after silence',
  SucceededChatbotHangUpAfterNoAnswer: 'Connected-Robot hung up after unrecognized answers',
  SucceededChatbotHangUpAfterTimeout: 'Connected-Robot hung up at the talk limit',
};

/** Who hung up, in the reference's words. */
const HANG_UP_DIRECTION = { client: 'Callee', robot: 'Robot', '': '' } as const;

function resultContactShape(contact: Contact | undefined, job: JobRow, round: number) {
  return {
    Honorific: contact?.honorific ?? '',
    Id: contact?.id ?? '',
    JobUuid: job.id,
    Name: contact?.name ?? '',
    PhoneNumber: contact?.phoneNumber ?? '',
    // No source yet: jobs carry no preferred number, role or contact state.
    PreferredPhoneNumber: '',
    ReferenceId: contact?.referenceId ?? '',
    Role: '',
    Round: round,
    State: '',
  };
}

/** The latest call's result; a job not called yet answers the same fields, empty and false. */
function latestTaskShape(job: JobRow, task: TaskRow | undefined) {
  const flags = callResultFlags(task);
  const talkMs = task?.talkMs ?? 0;
  return {
    CallDuration: talkMs,
    CallDurationDisplay: String(Math.round(talkMs / 1000)),
    CallTime: task?.actualTime ?? 0,
    Contact: resultContactShape(task?.contact ?? job.contacts[0], job, task?.attempt ?? 0),
    DialExceptionCodes: [] as Array<{ Code: string; Hint: string }>,
    // Business results are tallied per group (GetJobGroup Briefs), not kept per call yet.
    Extras: [] as Array<{ Key: string; Value: string }>,
    HangUpDirection: HANG_UP_DIRECTION[task?.hangupDirection ?? ''],
    HasAnswered: flags.hasAnswered,
    HasHangUpByRejection: flags.hasHangUpByRejection,
    HasLastPlaybackCompleted: flags.hasLastPlaybackCompleted,
    HasReachedEndOfFlow: flags.hasReachedEndOfFlow,
    Status: task?.status ?? '',
    StatusName: task ? TASK_STATUS_NAMES[task.status] : '',
    TagHits: [] as Array<{ TagGroup: string; TagName: string }>,
    TaskEndReason: task?.endReason ?? '',
    VoiceName: '',
  };
}

export function jobResultShape({ job, lastTask }: { job: JobRow; lastTask?: TaskRow }) {
  return {
    Id: job.id,
    JobFailureReason: job.failureReason,
    LatestTask: latestTaskShape(job, lastTask),
    Status: job.status,
    StatusName: JOB_STATUS_NAMES[job.status],
  };
}
