import { matchKey } from '../domain/phone-number.ts';
import type { ConversationTurn, TaskEndReason, TaskStatus } from '../domain/call.ts';
import type { Contact, JobRow } from '../domain/job.ts';
import type { JobGroupCounters, JobGroupStatus, RecallStrategy, Strategy } from '../domain/job-group.ts';

/**
 * Rows as the domain sees them, identical for every backend: ids are strings
 * (UUIDv7), times are epoch milliseconds, structured values are plain objects
 * (each backend serialises them as it likes).
 */

// The domain's own types, kept where the domain defines them; re-exported so the
// store and its callers name every row type from this one module.
export type { ConversationTurn, TaskEndReason, TaskStatus } from '../domain/call.ts';
export type { Contact, JobRow, JobStatus, KeyValue } from '../domain/job.ts';
export type { JobGroupCounters, JobGroupStatus, RecallStrategy, RepeatBy, RoutingStrategy, Strategy } from '../domain/job-group.ts';

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccountRow {
  id: string;
  /** The numeric account id the API reports as CreatorId (like an Alibaba Cloud UID). */
  uid: number;
  name: string;
  createdAt: number;
}

export interface AccessKeyRow {
  id: string;
  accountId: string;
  secret: string;
  status: AccessKeyStatus;
  /** Root keys act for the whole account; sub-user keys are limited by `policy`. */
  isRoot: boolean;
  name: string;
  /** The RAM-style policy document of a sub-user key; undefined for root keys. */
  policy?: PolicyDocument;
  createdAt: number;
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export interface InstanceRow {
  id: string;
  accountId: string;
  name: string;
  description: string;
  maxConcurrentConversation: number;
  nluServiceType: string;
  resourceGroupId: string;
  callingNumbers: string[];
  creatorId: number;
  creatorName: string;
  ownerName: string;
  createdAt: number;
  modifiedAt: number;
}

export type ScriptStatus = 'DRAFTED' | 'PUBLISHED';

/** Settings a script carries that the gateway stores and returns but does not interpret yet. */
export interface ScriptSettings {
  agentId?: number;
  agentKey?: string;
  agentLlm?: boolean;
  asrConfig?: string;
  ttsConfig?: string;
  chatConfig?: string;
  labelConfig?: string;
  nlsConfig?: string;
  chatbotId?: string;
  emotionEnable?: boolean;
  longWaitEnable?: boolean;
  miniPlaybackEnable?: boolean;
  newBargeInEnable?: boolean;
  nluProfile?: { fcFunction?: string; fcHttpTriggerUrl?: string; fcRegion?: string; supportBeebotPrompts?: boolean };
  scriptContent?: string[];
  scriptWaveform?: string[];
}

export interface ScriptRow {
  id: string;
  instanceId: string;
  name: string;
  description: string;
  industry: string;
  scene: string;
  nluEngine: string;
  nluAccessType: string;
  settings: ScriptSettings;
  /** The latest published version, or undefined while never published. */
  publishedVersion?: string;
  /** True when the draft has changed since the latest publication (or was never published). */
  isDrafted: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ScriptVersionRow {
  scriptId: string;
  instanceId: string;
  version: string;
  description: string;
  publishedAt: number;
  /** The frozen draft at publication time. */
  snapshot: Omit<ScriptRow, 'publishedVersion' | 'isDrafted'>;
}

export interface FlashSmsExtras {
  templateId: string;
  configId: string;
  templateContent: string;
}

export type JobGroupPriority = 'Urgent' | 'Daily';

export interface JobGroupRow {
  id: string;
  instanceId: string;
  name: string;
  description: string;
  scriptId: string;
  scenarioId: string;
  strategy: Strategy;
  recallStrategy: RecallStrategy;
  callingNumbers: string[];
  recallCallingNumbers: string[];
  priority: JobGroupPriority;
  ringingDuration: number;
  minConcurrency: number;
  flashSmsExtras?: FlashSmsExtras;
  jobFilePath: string;
  jobDataParsingTaskId: string;
  status: JobGroupStatus;
  createdAt: number;
  modifiedAt: number;
}

export interface ResultCount {
  key: string;
  value: string;
  count: number;
}

export interface ExportProgressRow {
  status: string;
  progress: string;
  fileHttpUrl: string;
}

/** A job group with everything GetJobGroup needs, read in one go. */
export interface JobGroupView {
  group: JobGroupRow;
  counters: JobGroupCounters;
  scriptName: string;
  scriptVersion: string;
  scriptNluEngine: string;
  /** Business-result tallies (Progress.Briefs), empty until calls produce them. */
  briefs: ResultCount[];
  /** Category tallies (Progress.Categories). */
  categories: ResultCount[];
  latestExport?: ExportProgressRow;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

export interface PageRequest {
  pageNumber: number;
  pageSize: number;
}

/** The key the block list matches a call's callee by: the contact's e164, or for a job stored before it was carried, its number's. */
export function calledNumberKey(task: Pick<TaskRow, 'contact' | 'calledNumber'>): string {
  return task.contact.e164 ?? matchKey(task.calledNumber);
}

/**
 * What the dispatcher reads of a due job: what it needs to decide, claim, dial and
 * settle the attempt. Reading only these (not the reference id, timestamps and
 * outcome fields) made a round's due read 40 % cheaper on SQLite.
 */
export type DueJob = Pick<
  JobRow,
  'id' | 'instanceId' | 'jobGroupId' | 'contacts' | 'extras' | 'callingNumbers' | 'scriptVersion' | 'nextAttemptAt' | 'attempts' | 'attemptDay' | 'dayAttempts'
>;

/** What a new job is made of; the rest of its row is the same for every new job (newJob). */
export type NewJobFields = Pick<JobRow, 'id' | 'instanceId' | 'jobGroupId' | 'referenceId' | 'contacts' | 'extras' | 'callingNumbers' | 'scriptVersion'>;

/**
 * A job as it is created (AssignJobs, or a parsed file's assignment): Scheduling, never
 * attempted, due at once; the dispatcher moves it to its first callable moment by the
 * strategy (one rule, in one place: src/engine/engine.ts).
 */
export function newJob(fields: NewJobFields, now: number): JobRow {
  // Every field named, not `{ ...fields, status, … }`: V8 builds an object spread
  // and then extended with new keys about 100 times slower (10 µs against 0.1 µs
  // here), which was a third of AssignJobs' time at a million jobs.
  return {
    id: fields.id,
    instanceId: fields.instanceId,
    jobGroupId: fields.jobGroupId,
    referenceId: fields.referenceId,
    contacts: fields.contacts,
    extras: fields.extras,
    callingNumbers: fields.callingNumbers,
    scriptVersion: fields.scriptVersion,
    status: 'Scheduling',
    nextAttemptAt: now,
    attempts: 0,
    attemptDay: '',
    dayAttempts: 0,
    lastAttemptAt: 0,
    failureReason: '',
    endReason: '',
    createdAt: now,
    modifiedAt: now,
  };
}

export interface TaskRow {
  id: string;
  jobId: string;
  jobGroupId: string;
  instanceId: string;
  attempt: number;
  status: TaskStatus;
  callingNumber: string;
  calledNumber: string;
  contact: Contact;
  plannedTime: number;
  actualTime: number;
  /** The call may run until then; past it, recovery settles the task. */
  leaseExpiresAt: number;
  endTime: number;
  ringingMs: number;
  talkMs: number;
  endReason: TaskEndReason | '';
  hangupDirection: 'client' | 'robot' | '';
  sipCode: string;
  conversation: ConversationTurn[];
}
