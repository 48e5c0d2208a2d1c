import type { BlockedNumberRow, DialogTrialRow, ScriptItemRow } from './dialog-store.ts';
import { OPEN_ALL_HOURS, type InstanceCallingHours, type WorkingWindow } from '../domain/instance-policy.ts';
import type { FileTaskRow } from './file-store.ts';
import type { ParamCodec } from './filter-params.ts';
import type { DispatchGroup } from './store.ts';
import type {
  AccessKeyRow,
  DueJob,
  ExportProgressRow,
  InstanceRow,
  JobGroupCounters,
  JobGroupRow,
  JobGroupView,
  JobRow,
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
export interface RowCodec extends ParamCodec {
  /** A JSON column as the driver returns it, to its value (SQLite: text to parse; PostgreSQL: JSONB, parsed already). */
  readJson(value: unknown): unknown;
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

/**
 * How a column reads into a row field: `text` and `number` as they say, `json` through
 * the backend's codec (`optionalJson`: absent when NULL or empty), `flag` from either
 * driver's boolean (SQLite 1/0, PostgreSQL true/false), `optionalText` absent when
 * NULL, `orEmpty` '' when NULL, `asIs` the driver's value (a status, an end reason).
 */
type ColumnKind = 'text' | 'number' | 'json' | 'optionalJson' | 'flag' | 'optionalText' | 'orEmpty' | 'asIs';

/** Every field of T with how its column reads: a row type and its mapper cannot drift apart. */
type Columns<T> = { [K in keyof T]-?: ColumnKind };

const ACCESS_KEY: Columns<AccessKeyRow> = {
  id: 'text', accountId: 'text', secret: 'text', status: 'asIs', isRoot: 'flag', name: 'text', policy: 'optionalJson', createdAt: 'number',
};

const INSTANCE: Columns<InstanceRow> = {
  id: 'text', accountId: 'text', name: 'text', description: 'text', maxConcurrentConversation: 'number', nluServiceType: 'text',
  resourceGroupId: 'text', callingNumbers: 'json', creatorId: 'number', creatorName: 'text', ownerName: 'text', createdAt: 'number',
  modifiedAt: 'number',
};

const SCRIPT: Columns<ScriptRow> = {
  id: 'text', instanceId: 'text', name: 'text', description: 'text', industry: 'text', scene: 'text', nluEngine: 'text',
  nluAccessType: 'text', settings: 'json', publishedVersion: 'optionalText', isDrafted: 'flag', createdAt: 'number', updatedAt: 'number',
};

const SCRIPT_VERSION: Columns<ScriptVersionRow> = {
  scriptId: 'text', instanceId: 'text', version: 'text', description: 'text', publishedAt: 'number', snapshot: 'json',
};

const JOB_GROUP: Columns<JobGroupRow> = {
  id: 'text', instanceId: 'text', name: 'text', description: 'text', scriptId: 'text', scenarioId: 'text', strategy: 'json',
  recallStrategy: 'json', callingNumbers: 'json', recallCallingNumbers: 'json', priority: 'asIs', ringingDuration: 'number',
  minConcurrency: 'number', flashSmsExtras: 'optionalJson', jobFilePath: 'text', jobDataParsingTaskId: 'text', status: 'asIs',
  createdAt: 'number', modifiedAt: 'number',
};

const DUE_JOB: Omit<Columns<DueJob>, 'jobGroupId'> = {
  id: 'text', instanceId: 'text', contacts: 'json', extras: 'json', callingNumbers: 'json', scriptVersion: 'text',
  nextAttemptAt: 'number', attempts: 'number', attemptDay: 'text', dayAttempts: 'number',
};

const JOB: Columns<JobRow> = {
  ...DUE_JOB, jobGroupId: 'text', referenceId: 'text', status: 'asIs', lastAttemptAt: 'number', failureReason: 'text',
  endReason: 'text', createdAt: 'number', modifiedAt: 'number',
};

const TASK: Columns<TaskRow> = {
  id: 'text', jobId: 'text', jobGroupId: 'text', instanceId: 'text', attempt: 'number', status: 'asIs', callingNumber: 'text',
  calledNumber: 'text', contact: 'json', plannedTime: 'number', actualTime: 'number', leaseExpiresAt: 'number', endTime: 'number',
  ringingMs: 'number', talkMs: 'number', endReason: 'asIs', hangupDirection: 'asIs', sipCode: 'text', conversation: 'json',
};

const FILE_TASK: Columns<FileTaskRow> = {
  id: 'text', accountId: 'text', instanceId: 'text', kind: 'asIs', status: 'asIs', title: 'text', jobGroupId: 'text', input: 'json',
  total: 'number', handled: 'number', accepted: 'number', rejected: 'number', resultPath: 'text', reportPath: 'text', failCode: 'text',
  failReason: 'text', assignGroupId: 'text', assignStatus: 'asIs', assigned: 'number', createdAt: 'number', updatedAt: 'number',
};

const SCRIPT_ITEM: Columns<ScriptItemRow> = {
  id: 'text', scriptId: 'text', instanceId: 'text', kind: 'text', name: 'text', body: 'json', createdAt: 'number', updatedAt: 'number',
};

const TRIAL: Columns<DialogTrialRow> = {
  instanceId: 'text', scriptId: 'text', callId: 'text', nluEngine: 'text', content: 'json', state: 'json', variables: 'json', updatedAt: 'number',
};

const BLOCKED_NUMBER: Columns<BlockedNumberRow> = {
  id: 'text', instanceId: 'text', phoneNumber: 'text', numberKey: 'text', name: 'text', remark: 'text', creator: 'text', createdAt: 'number',
};

const ANSWERED_TASK: Columns<Pick<TaskRow, 'id' | 'endReason' | 'conversation'>> = { id: 'text', endReason: 'text', conversation: 'json' };

/** The row mappers of one backend: rows as its driver returns them to the rows of src/store/rows.ts, and back. */
export function rowCodecs(codec: RowCodec) {
  const read: Record<ColumnKind, (value: unknown) => unknown> = {
    text: (value) => String(value),
    number: (value) => Number(value),
    json: (value) => codec.readJson(value),
    optionalJson: (value) => (value ? codec.readJson(value) : undefined),
    flag: (value) => value === true || value === 1,
    optionalText: (value) => (value == null ? undefined : String(value)),
    orEmpty: (value) => (value == null ? '' : String(value)),
    asIs: (value) => value,
  };
  const mapper = <T>(columns: Partial<Columns<T>>) => {
    const fields = Object.entries(columns as Record<string, ColumnKind>).map(([key, kind]) => [key, read[kind]] as const);
    return (row: Row): T => {
      const out: Record<string, unknown> = {};
      for (const [key, readColumn] of fields) out[key] = readColumn(row[key]);
      return out as T;
    };
  };
  const toJobGroup = mapper<JobGroupRow>(JOB_GROUP);
  const dueJob = mapper<DueJob>(DUE_JOB);
  const latestExport = read.optionalJson;
  /** The CALLING_HOURS_COLUMNS of a row (portable-queries.ts); NULL (no row joined) is open all hours. */
  const toCallingHours = (row: Row): InstanceCallingHours =>
    row.hoursWorkingTime == null
      ? OPEN_ALL_HOURS
      : {
          workingTime: codec.readJson(row.hoursWorkingTime) as WorkingWindow[],
          onlyWeekdays: read.flag(row.hoursOnlyWeekdays) as boolean,
          onlyWorkdays: read.flag(row.hoursOnlyWorkdays) as boolean,
        };

  return {
    accessKeyParams: (key: AccessKeyRow): Row => ({ ...key, isRoot: codec.writeFlag(key.isRoot), policy: key.policy ? JSON.stringify(key.policy) : null }),
    callingHoursParams: (instanceId: string, hours: InstanceCallingHours, now: number): Row => ({
      instanceId,
      workingTime: JSON.stringify(hours.workingTime),
      onlyWeekdays: codec.writeFlag(hours.onlyWeekdays),
      onlyWorkdays: codec.writeFlag(hours.onlyWorkdays),
      modifiedAt: now,
    }),
    scriptParams: (script: ScriptRow): Row => ({
      ...script,
      settings: JSON.stringify(script.settings),
      publishedVersion: script.publishedVersion ?? null,
      isDrafted: codec.writeFlag(script.isDrafted),
    }),

    toAccessKey: mapper<AccessKeyRow>(ACCESS_KEY),
    toInstance: mapper<InstanceRow>(INSTANCE),
    toScript: mapper<ScriptRow>(SCRIPT),
    toScriptVersion: mapper<ScriptVersionRow>(SCRIPT_VERSION),
    toJobGroup,
    toJobGroupView: (row: Row): JobGroupView => ({
      group: toJobGroup(row),
      counters: numbers<JobGroupCounters>(Object.fromEntries(COUNTER_KEYS.map((key) => [key, row[key]]))),
      scriptName: read.orEmpty(row.scriptName) as string,
      scriptVersion: read.orEmpty(row.scriptVersion) as string,
      scriptNluEngine: read.orEmpty(row.scriptNluEngine) as string,
      briefs: [],
      categories: [],
      latestExport: latestExport(row.latestExport) as ExportProgressRow | undefined,
    }),
    toJob: mapper<JobRow>(JOB),
    /** A due job by column name (SQLite's hot due read takes them by position: sqlite/dispatch-round.ts). */
    toDueJob: (row: Row, jobGroupId: string): DueJob => ({ ...dueJob(row), jobGroupId }),
    toTask: mapper<TaskRow>(TASK),
    toFileTask: mapper<FileTaskRow>(FILE_TASK),
    toScriptItem: mapper<ScriptItemRow>(SCRIPT_ITEM),
    toTrial: mapper<DialogTrialRow>(TRIAL),
    toBlockedNumber: mapper<BlockedNumberRow>(BLOCKED_NUMBER),
    toAnsweredTask: mapper<Pick<TaskRow, 'id' | 'endReason' | 'conversation'>>(ANSWERED_TASK),
    snapshot: (row: Row) => codec.readJson(row.snapshot) as Record<string, unknown>,
    toCallingHours,
    /** A row of the dispatchable groups' read (portable-queries.ts dispatchableGroups). */
    toDispatchGroup: (row: Row): DispatchGroup => ({
      group: toJobGroup(row),
      instanceMaxConcurrency: Number(row.instanceMaxConcurrency),
      inFlight: Number(row.inFlight),
      instanceInFlight: Number(row.instanceInFlight),
      instanceHours: toCallingHours(row),
    }),
  };
}

export type RowCodecs = ReturnType<typeof rowCodecs>;
