import { matchKey } from '../domain/phone-number.ts';

/**
 * Rows as the domain sees them, identical for every backend: ids are strings
 * (UUIDv7), times are epoch milliseconds, structured values are plain objects
 * (each backend serialises them as it likes).
 */

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

export type JobGroupStatus =
  | 'Draft'
  | 'Initializing'
  | 'Scheduling'
  | 'Executing'
  | 'Paused'
  | 'Completed'
  | 'Failed'
  | 'Cancelled';

export type RepeatBy = 'Once' | 'Day' | 'Week' | 'Month';
export type RoutingStrategy = 'None' | 'LocalFirst' | 'LocalProvinceFirst';

/** A job group's calling strategy, normalised (see docs/strategy.md). */
export interface Strategy {
  id: string;
  name: string;
  description: string;
  maxAttemptsPerDay: number;
  /** Minutes between two attempts of the same job. */
  minAttemptInterval: number;
  routingStrategy: RoutingStrategy;
  repeatBy: RepeatBy;
  repeatable: boolean;
  /** Week: 0 (Sunday) to 6; Month: 1 to 31; Once/Day: empty. */
  repeatDays: number[];
  /** Local `HH:mm:ss` windows, begin < end; empty means the whole day. */
  workingTime: Array<{ beginTime: string; endTime: string }>;
  startTime: number;
  endTime: number;
  /** Extension: evaluate windows in the instance's zone or in each callee's. */
  timeZoneBy: 'Instance' | 'Callee';
  customized: string;
}

export interface RecallStrategy {
  emptyNumberIgnore: boolean;
  inArrearsIgnore: boolean;
  outOfServiceIgnore: boolean;
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

/**
 * The aggregates GetJobGroup reports, kept in the same transaction as the job and
 * task changes that move them, so reading them is O(1) in the group's size.
 */
export interface JobGroupCounters {
  totalJobs: number;
  scheduling: number;
  executing: number;
  completed: number;
  failed: number;
  paused: number;
  cancelled: number;
  notAnswered: number;
  totalCalls: number;
  /** Calls of the group in flight now (lines in use). */
  inFlight: number;
  /** When the first attempt of the group started; 0 until then. */
  startTime: number;
  /** When the group reached a final state; 0 while it has not. */
  endTime: number;
  finishedNum: number;
  clientHangupNum: number;
  noInteractNum: number;
  timeoutHangupNum: number;
  unrecognizedNum: number;
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

export type JobStatus = 'Scheduling' | 'Executing' | 'Succeeded' | 'Failed' | 'Paused' | 'Cancelled';

export interface Contact {
  id: string;
  /** As the user wrote it (a contact file's as dialled at home), shown in replies. */
  phoneNumber: string;
  /**
   * Its canonical form (E.164, src/domain/phone-number.ts), set where the number came
   * in; the block list is matched by it. Absent on jobs stored before it was carried.
   */
  e164?: string;
  name: string;
  honorific: string;
  referenceId: string;
}

/** The key the block list matches a call's callee by: the contact's e164, or for a job stored before it was carried, its number's. */
export function calledNumberKey(task: Pick<TaskRow, 'contact' | 'calledNumber'>): string {
  return task.contact.e164 ?? matchKey(task.calledNumber);
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface JobRow {
  id: string;
  instanceId: string;
  jobGroupId: string;
  referenceId: string;
  status: JobStatus;
  contacts: Contact[];
  extras: KeyValue[];
  /** Per-job calling numbers (AssignJobs CallingNumber); empty means the group's. */
  callingNumbers: string[];
  /** The script version published when the job was assigned; '' without a script. */
  scriptVersion: string;
  /** When a Scheduling job may next be called (always a callable moment, see domain/schedule.ts). */
  nextAttemptAt: number;
  attempts: number;
  /** The local day (YYYY-MM-DD) `dayAttempts` counts. */
  attemptDay: string;
  dayAttempts: number;
  lastAttemptAt: number;
  failureReason: string;
  endReason: string;
  createdAt: number;
  modifiedAt: number;
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

/**
 * Task (attempt) statuses as the public API names them: Executing while the call
 * runs, then a not-connected outcome or a Succeeded* one once answered.
 */
export type TaskStatus =
  | 'Executing'
  | 'NoAnswer'
  | 'Busy'
  | 'NotExist'
  | 'PoweredOff'
  | 'OutOfService'
  | 'InArrears'
  | 'NotConnected'
  | 'Failed'
  | 'SucceededFinish'
  | 'SucceededClientHangUp'
  | 'SucceededChatbotHangUpAfterSilence'
  | 'SucceededChatbotHangUpAfterNoAnswer'
  | 'SucceededChatbotHangUpAfterTimeout';

/** Why an answered call ended; each feeds one GetJobGroup Result counter. */
export type TaskEndReason = 'FINISHED' | 'CLIENT_HANGUP' | 'NO_INTERACTION' | 'TIMEOUT_HANGUP' | 'CHATBOT_HANGUP_AFTER_NOANSWER';

export interface ConversationTurn {
  speaker: 'Robot' | 'Contact';
  text: string;
  timestamp: number;
  intent?: string;
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
