import { durationDisplay, endReasonCode, JOB_STATUS_CODES, taskStatusCode } from '../domain/call-codes.ts';
import { callResultFlags } from '../domain/call-result.ts';
import type { TaskRow } from '../store/rows.ts';
import type { TaskSearchRow } from '../store/task-search.ts';
import { conversationShape } from './job-shapes.ts';

/**
 * Calls as SearchTask and GetTaskByUuid shape them (reference/.../SearchTask.json,
 * GetTaskByUuid.json). Times are epoch ms; CallDuration is ms, RecordingDuration
 * (the reference's ringing time) seconds. Fields nothing in a task records yet
 * answer the reference's empty value: DialException '' and DialExceptionCodes [],
 * Labels [] (a script's results are tallied per group, not kept per call).
 */
export function searchTaskInfoShape({ task, jobStatus, referenceId, jobGroupName, scriptName }: TaskSearchRow) {
  const facts = callResultFlags(task);
  const [statusCode, statusName] = taskStatusCode(task.status);
  const [jobStatusCode, jobStatusName] = JOB_STATUS_CODES[jobStatus];
  return {
    TaskId: task.id,
    JobId: task.jobId,
    JobGroupId: task.jobGroupId,
    JobGroupName: jobGroupName,
    InstanceId: task.instanceId,
    ScriptName: scriptName,
    CalledNumber: task.calledNumber,
    CallingNumber: task.callingNumber,
    UserId: referenceId,
    UserName: task.contact.name,
    ActualTime: task.actualTime,
    TaskCreateTime: task.plannedTime,
    CallDuration: task.talkMs,
    CallDurationDisplay: durationDisplay(task.talkMs),
    RecordingDuration: Math.round(task.ringingMs / 1000),
    TaskStatus: statusCode,
    TaskStatusName: statusName,
    TaskStatusString: task.status,
    TaskEndReason: endReasonCode(task.endReason),
    JobStatus: jobStatusCode,
    JobStatusName: jobStatusName,
    JobStatusString: jobStatus,
    HasAnswered: facts.hasAnswered,
    HasHangUpByRejection: facts.hasHangUpByRejection,
    HasLastPlaybackCompleted: facts.hasLastPlaybackCompleted,
    HasReachedEndOfFlow: facts.hasReachedEndOfFlow,
    DialException: '',
    DialExceptionOld: '',
    DialExceptionCodes: [] as string[],
    Labels: [] as Array<{ K: string; V: string }>,
  };
}

/** GetTaskByUuid's Task; Conversations only when asked for (WithConversations), else []. */
export function taskByUuidShape(task: TaskRow, withConversations: boolean) {
  return {
    Id: task.id,
    CallId: task.id,
    JobId: task.jobId,
    JobGroupId: task.jobGroupId,
    InstanceId: task.instanceId,
    CalledNumber: task.calledNumber,
    CallingNumber: task.callingNumber,
    PlannedTime: task.plannedTime,
    ActualTime: task.actualTime,
    EndTime: task.endTime,
    EndReason: task.endReason,
    Conversations: withConversations
      ? task.conversation.map((turn, i) => {
          const { SequenceId, Speaker, Script, Timestamp, Action } = conversationShape(turn, i, task.id);
          return { SequenceId, Speaker, Script, Timestamp, Action };
        })
      : [],
  };
}
