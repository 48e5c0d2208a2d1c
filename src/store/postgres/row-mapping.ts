import type { DueJob, JobRow, JobStatus, TaskRow } from '../rows.ts';

type Row = Record<string, unknown>;

/** Rows as the PostgreSQL backend reads them (JSONB arrives parsed, BIGINT as numbers) mapped to src/store/rows.ts. */

export function toJob(row: Row): JobRow {
  return {
    id: String(row.id),
    instanceId: String(row.instanceId),
    jobGroupId: String(row.jobGroupId),
    referenceId: String(row.referenceId),
    status: row.status as JobStatus,
    contacts: row.contacts as JobRow['contacts'],
    extras: row.extras as JobRow['extras'],
    callingNumbers: row.callingNumbers as string[],
    scriptVersion: String(row.scriptVersion),
    nextAttemptAt: Number(row.nextAttemptAt),
    attempts: Number(row.attempts),
    attemptDay: String(row.attemptDay),
    dayAttempts: Number(row.dayAttempts),
    lastAttemptAt: Number(row.lastAttemptAt),
    failureReason: String(row.failureReason),
    endReason: String(row.endReason),
    createdAt: Number(row.createdAt),
    modifiedAt: Number(row.modifiedAt),
  };
}

export function toDueJob(row: Row, jobGroupId: string): DueJob {
  return {
    id: String(row.id),
    instanceId: String(row.instanceId),
    jobGroupId,
    contacts: row.contacts as DueJob['contacts'],
    extras: row.extras as DueJob['extras'],
    callingNumbers: row.callingNumbers as string[],
    scriptVersion: String(row.scriptVersion),
    nextAttemptAt: Number(row.nextAttemptAt),
    attempts: Number(row.attempts),
    attemptDay: String(row.attemptDay),
    dayAttempts: Number(row.dayAttempts),
  };
}

export function toTask(row: Row): TaskRow {
  return {
    id: String(row.id),
    jobId: String(row.jobId),
    jobGroupId: String(row.jobGroupId),
    instanceId: String(row.instanceId),
    attempt: Number(row.attempt),
    status: row.status as TaskRow['status'],
    callingNumber: String(row.callingNumber),
    calledNumber: String(row.calledNumber),
    contact: row.contact as TaskRow['contact'],
    plannedTime: Number(row.plannedTime),
    actualTime: Number(row.actualTime),
    leaseExpiresAt: Number(row.leaseExpiresAt),
    endTime: Number(row.endTime),
    ringingMs: Number(row.ringingMs),
    talkMs: Number(row.talkMs),
    endReason: row.endReason as TaskRow['endReason'],
    hangupDirection: row.hangupDirection as TaskRow['hangupDirection'],
    sipCode: String(row.sipCode),
    conversation: row.conversation as TaskRow['conversation'],
  };
}

