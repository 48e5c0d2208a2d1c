import type { Contact, ConversationTurn, JobGroupRow, JobRow, TaskRow } from '../store/rows.ts';

/**
 * Jobs and tasks as the public API shapes them (DescribeJob, ListJobs,
 * ListJobsByGroup, QueryJobs). Durations are seconds, times epoch ms.
 */

/** The API's numeric Priority of a job: its group's priority (Urgent before Daily). */
const PRIORITY_NUMBER = { Urgent: 10, Daily: 5 } as const;

export function contactShape(contact: Contact, jobId: string) {
  return {
    ContactId: contact.id,
    ContactName: contact.name,
    Honorific: contact.honorific,
    PhoneNumber: contact.phoneNumber,
    ReferenceId: contact.referenceId,
    JobId: jobId,
    Role: '*',
    State: 'Available',
  };
}

export function conversationShape(turn: ConversationTurn, index: number, taskId: string) {
  return {
    SequenceId: `${taskId}-${index + 1}`,
    Speaker: turn.speaker,
    Script: turn.text,
    Timestamp: turn.timestamp,
    Action: turn.speaker === 'Robot' ? 'Broadcast' : 'Listen',
    ActionParams: turn.intent ? JSON.stringify({ intent: turn.intent }) : '{}',
    Summary: [] as Array<{ Category: string; Content: string; SummaryName: string }>,
  };
}

export function taskShape(task: TaskRow, group: Pick<JobGroupRow, 'scenarioId' | 'ringingDuration'>) {
  const seconds = (ms: number) => Math.round(ms / 1000);
  const ended = task.endTime > 0;
  return {
    TaskId: task.id,
    JobId: task.jobId,
    CallId: task.id,
    Status: task.status,
    EndReason: task.endReason,
    PlanedTime: task.plannedTime,
    ActualTime: task.actualTime,
    EndTime: task.endTime,
    CallingNumber: task.callingNumber,
    CalledNumber: task.calledNumber,
    Contact: contactShape(task.contact, task.jobId),
    Duration: seconds(task.talkMs),
    TotalDuration: seconds(ended ? task.endTime - task.actualTime : 0),
    RingingDuration: group.ringingDuration,
    RealRingingDuration: seconds(task.ringingMs),
    SipCode: task.sipCode,
    SipDuration: seconds(task.talkMs),
    HangUpDirection: task.hangupDirection,
    ScenarioId: group.scenarioId,
    ChatbotId: '',
    Brief: '',
    Conversation: task.conversation.map((turn, i) => conversationShape(turn, i, task.id)),
  };
}

export function jobShape(job: JobRow, group: JobGroupRow, tasks: TaskRow[] = []) {
  const last = tasks[tasks.length - 1];
  return {
    JobId: job.id,
    JobGroupId: job.jobGroupId,
    InstanceId: job.instanceId,
    ReferenceId: job.referenceId,
    Status: job.status,
    FailureReason: job.failureReason,
    // Deprecated numeric end reason: 1 once the job has ended, 0 while it runs.
    EndReason: ['Succeeded', 'Failed', 'Cancelled'].includes(job.status) ? 1 : 0,
    CalledNumber: last?.calledNumber ?? job.contacts[0]?.phoneNumber ?? '',
    CallingNumbers: job.callingNumbers.length > 0 ? job.callingNumbers : group.callingNumbers,
    ActualTime: last?.actualTime ?? 0,
    NextExecutionTime: job.status === 'Scheduling' ? job.nextAttemptAt : 0,
    Priority: PRIORITY_NUMBER[group.priority],
    SystemPriority: 1,
    ScenarioId: group.scenarioId,
    StrategyId: group.strategy.id,
    DsReport: '',
    Contacts: job.contacts.map((contact) => contactShape(contact, job.id)),
    Extras: job.extras.map((extra) => ({ Key: extra.key, Value: extra.value })),
    Summary: [] as Array<{ Category: string; Content: string; SummaryName: string }>,
    Tasks: tasks.map((task) => taskShape(task, group)),
  };
}
