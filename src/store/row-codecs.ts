import type { BlockedNumberRow, DialogTrialRow, ScriptItemKind, ScriptItemRow } from './dialog-store.ts';
import type { FileTaskRow } from './file-store.ts';
import type {
  AccessKeyRow,
  AccessKeyStatus,
  DueJob,
  ExportProgressRow,
  InstanceRow,
  JobGroupCounters,
  JobGroupRow,
  JobGroupView,
  JobRow,
  JobStatus,
  ResultCount,
  ScriptRow,
  ScriptVersionRow,
  TaskRow,
} from './rows.ts';

type Row = Record<string, unknown>;

/**
 * How a backend's driver carries what SQL has no common type for. Everything
 * else about a row (column names, numbers, strings) reads the same on both, so
 * the mappers below are written once and take the backend's codec.
 */
export interface RowCodec {
  /** A JSON column as the driver returns it, to its value (SQLite: text to parse; PostgreSQL: JSONB, parsed already). */
  readJson(value: unknown): unknown;
  /** A boolean as bound to a flag column (SQLite has no boolean: 1 or 0; PostgreSQL: itself). */
  writeFlag(value: boolean): unknown;
}

/** A flag column as either driver returns it (SQLite 1/0, PostgreSQL true/false). */
function flag(value: unknown): boolean {
  return value === true || value === 1;
}

/** The counter columns of a group view or a counters read, in JobGroupCounters' order. */
export const COUNTER_KEYS: ReadonlyArray<keyof JobGroupCounters> = [
  'totalJobs', 'scheduling', 'executing', 'completed', 'failed', 'paused', 'cancelled', 'notAnswered', 'totalCalls', 'inFlight',
  'startTime', 'endTime', 'finishedNum', 'clientHangupNum', 'noInteractNum', 'timeoutHangupNum', 'unrecognizedNum',
];

/** Every column of a row as a number (a counters read; NULL, as from an empty recount, is 0). */
export function numbers<T>(row: Row): T {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value ?? 0)])) as T;
}

/** A job group's parameters for its insert and update statements (the same on both backends). */
export function jobGroupParams(group: JobGroupRow): Row {
  return {
    ...group,
    strategy: JSON.stringify(group.strategy),
    recallStrategy: JSON.stringify(group.recallStrategy),
    callingNumbers: JSON.stringify(group.callingNumbers),
    recallCallingNumbers: JSON.stringify(group.recallCallingNumbers),
    flashSmsExtras: group.flashSmsExtras ? JSON.stringify(group.flashSmsExtras) : null,
  };
}

export function instanceParams(instance: InstanceRow): Row {
  return { ...instance, callingNumbers: JSON.stringify(instance.callingNumbers) };
}

export function scriptItemParams(item: ScriptItemRow): Row {
  return { ...item, body: JSON.stringify(item.body) };
}

/** Splits a group's result tallies into Briefs (only `briefKeys` when given) and Categories. */
export function attachResults(view: JobGroupView, results: Iterable<Row>, briefKeys?: readonly string[]): void {
  const wanted = briefKeys?.length ? new Set(briefKeys) : undefined;
  for (const row of results) {
    const result: ResultCount = { key: String(row.key), value: String(row.value), count: Number(row.count) };
    if (row.kind === 'category') view.categories.push(result);
    else if (!wanted || wanted.has(result.key)) view.briefs.push(result);
  }
}

/** The row mappers of one backend: rows as its driver returns them to the rows of src/store/rows.ts, and back. */
export function rowCodecs(codec: RowCodec) {
  const json = <T>(value: unknown): T => codec.readJson(value) as T;
  const optionalJson = <T>(value: unknown): T | undefined => (value ? json<T>(value) : undefined);

  const toJobGroup = (row: Row): JobGroupRow => ({
    id: String(row.id),
    instanceId: String(row.instanceId),
    name: String(row.name),
    description: String(row.description),
    scriptId: String(row.scriptId),
    scenarioId: String(row.scenarioId),
    strategy: json(row.strategy),
    recallStrategy: json(row.recallStrategy),
    callingNumbers: json(row.callingNumbers),
    recallCallingNumbers: json(row.recallCallingNumbers),
    priority: row.priority as JobGroupRow['priority'],
    ringingDuration: Number(row.ringingDuration),
    minConcurrency: Number(row.minConcurrency),
    flashSmsExtras: optionalJson(row.flashSmsExtras),
    jobFilePath: String(row.jobFilePath),
    jobDataParsingTaskId: String(row.jobDataParsingTaskId),
    status: row.status as JobGroupRow['status'],
    createdAt: Number(row.createdAt),
    modifiedAt: Number(row.modifiedAt),
  });

  return {
    accessKeyParams: (key: AccessKeyRow): Row => ({ ...key, isRoot: codec.writeFlag(key.isRoot), policy: key.policy ? JSON.stringify(key.policy) : null }),
    scriptParams: (script: ScriptRow): Row => ({
      ...script,
      settings: JSON.stringify(script.settings),
      publishedVersion: script.publishedVersion ?? null,
      isDrafted: codec.writeFlag(script.isDrafted),
    }),

    toAccessKey: (row: Row): AccessKeyRow => ({
      id: String(row.id),
      accountId: String(row.accountId),
      secret: String(row.secret),
      status: row.status as AccessKeyStatus,
      isRoot: flag(row.isRoot),
      name: String(row.name),
      policy: optionalJson(row.policy),
      createdAt: Number(row.createdAt),
    }),

    toInstance: (row: Row): InstanceRow => ({
      id: String(row.id),
      accountId: String(row.accountId),
      name: String(row.name),
      description: String(row.description),
      maxConcurrentConversation: Number(row.maxConcurrentConversation),
      nluServiceType: String(row.nluServiceType),
      resourceGroupId: String(row.resourceGroupId),
      callingNumbers: json(row.callingNumbers),
      creatorId: Number(row.creatorId),
      creatorName: String(row.creatorName),
      ownerName: String(row.ownerName),
      createdAt: Number(row.createdAt),
      modifiedAt: Number(row.modifiedAt),
    }),

    toScript: (row: Row): ScriptRow => ({
      id: String(row.id),
      instanceId: String(row.instanceId),
      name: String(row.name),
      description: String(row.description),
      industry: String(row.industry),
      scene: String(row.scene),
      nluEngine: String(row.nluEngine),
      nluAccessType: String(row.nluAccessType),
      settings: json(row.settings),
      publishedVersion: row.publishedVersion == null ? undefined : String(row.publishedVersion),
      isDrafted: flag(row.isDrafted),
      createdAt: Number(row.createdAt),
      updatedAt: Number(row.updatedAt),
    }),

    toScriptVersion: (row: Row): ScriptVersionRow => ({
      scriptId: String(row.scriptId),
      instanceId: String(row.instanceId),
      version: String(row.version),
      description: String(row.description),
      publishedAt: Number(row.publishedAt),
      snapshot: json(row.snapshot),
    }),

    toJobGroup,

    toJobGroupView: (row: Row): JobGroupView => ({
      group: toJobGroup(row),
      counters: numbers<JobGroupCounters>(Object.fromEntries(COUNTER_KEYS.map((key) => [key, row[key]]))),
      scriptName: row.scriptName == null ? '' : String(row.scriptName),
      scriptVersion: row.scriptVersion == null ? '' : String(row.scriptVersion),
      scriptNluEngine: row.scriptNluEngine == null ? '' : String(row.scriptNluEngine),
      briefs: [],
      categories: [],
      latestExport: optionalJson<ExportProgressRow>(row.latestExport),
    }),

    toJob: (row: Row): JobRow => ({
      id: String(row.id),
      instanceId: String(row.instanceId),
      jobGroupId: String(row.jobGroupId),
      referenceId: String(row.referenceId),
      status: row.status as JobStatus,
      contacts: json(row.contacts),
      extras: json(row.extras),
      callingNumbers: json(row.callingNumbers),
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
    }),

    /** A due job by column name (SQLite's hot path reads them by position: sqlite/due-jobs.ts). */
    toDueJob: (row: Row, jobGroupId: string): DueJob => ({
      id: String(row.id),
      instanceId: String(row.instanceId),
      jobGroupId,
      contacts: json(row.contacts),
      extras: json(row.extras),
      callingNumbers: json(row.callingNumbers),
      scriptVersion: String(row.scriptVersion),
      nextAttemptAt: Number(row.nextAttemptAt),
      attempts: Number(row.attempts),
      attemptDay: String(row.attemptDay),
      dayAttempts: Number(row.dayAttempts),
    }),

    toTask: (row: Row): TaskRow => ({
      id: String(row.id),
      jobId: String(row.jobId),
      jobGroupId: String(row.jobGroupId),
      instanceId: String(row.instanceId),
      attempt: Number(row.attempt),
      status: row.status as TaskRow['status'],
      callingNumber: String(row.callingNumber),
      calledNumber: String(row.calledNumber),
      contact: json(row.contact),
      plannedTime: Number(row.plannedTime),
      actualTime: Number(row.actualTime),
      leaseExpiresAt: Number(row.leaseExpiresAt),
      endTime: Number(row.endTime),
      ringingMs: Number(row.ringingMs),
      talkMs: Number(row.talkMs),
      endReason: row.endReason as TaskRow['endReason'],
      hangupDirection: row.hangupDirection as TaskRow['hangupDirection'],
      sipCode: String(row.sipCode),
      conversation: json(row.conversation),
    }),

    toFileTask: (row: Row): FileTaskRow => ({
      id: String(row.id),
      accountId: String(row.accountId),
      instanceId: String(row.instanceId),
      kind: row.kind as FileTaskRow['kind'],
      status: row.status as FileTaskRow['status'],
      title: String(row.title),
      jobGroupId: String(row.jobGroupId),
      input: json(row.input),
      total: Number(row.total),
      handled: Number(row.handled),
      accepted: Number(row.accepted),
      rejected: Number(row.rejected),
      resultPath: String(row.resultPath),
      reportPath: String(row.reportPath),
      failCode: String(row.failCode),
      failReason: String(row.failReason),
      assignGroupId: String(row.assignGroupId),
      assignStatus: row.assignStatus as FileTaskRow['assignStatus'],
      assigned: Number(row.assigned),
      createdAt: Number(row.createdAt),
      updatedAt: Number(row.updatedAt),
    }),

    toScriptItem: (row: Row): ScriptItemRow => ({
      id: String(row.id),
      scriptId: String(row.scriptId),
      instanceId: String(row.instanceId),
      kind: String(row.kind) as ScriptItemKind,
      name: String(row.name),
      body: json(row.body),
      createdAt: Number(row.createdAt),
      updatedAt: Number(row.updatedAt),
    }),

    toTrial: (row: Row): DialogTrialRow => ({
      instanceId: String(row.instanceId),
      scriptId: String(row.scriptId),
      callId: String(row.callId),
      nluEngine: String(row.nluEngine),
      content: json(row.content),
      state: json(row.state),
      variables: json(row.variables),
      updatedAt: Number(row.updatedAt),
    }),

    toBlockedNumber: (row: Row): BlockedNumberRow => ({
      id: String(row.id),
      instanceId: String(row.instanceId),
      phoneNumber: String(row.phoneNumber),
      numberKey: String(row.numberKey),
      name: String(row.name),
      remark: String(row.remark),
      creator: String(row.creator),
      createdAt: Number(row.createdAt),
    }),

    toAnsweredTask: (row: Row): Pick<TaskRow, 'id' | 'endReason' | 'conversation'> => ({
      id: String(row.id),
      endReason: String(row.endReason) as TaskRow['endReason'],
      conversation: json(row.conversation),
    }),

    snapshot: (row: Row) => json<Record<string, unknown>>(row.snapshot),
  };
}

export type RowCodecs = ReturnType<typeof rowCodecs>;
