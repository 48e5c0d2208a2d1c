import type {
  AccessKeyRow,
  AccessKeyStatus,
  AccountRow,
  InstanceRow,
  JobGroupRow,
  JobGroupStatus,
  JobGroupView,
  Page,
  PageRequest,
  ScriptRow,
  ScriptVersionRow,
} from './rows.ts';

export interface InstanceFilter {
  name?: string;
  resourceGroupId?: string;
}

export interface ScriptFilter {
  name?: string;
  nluEngine?: string;
}

export interface JobGroupFilter {
  statuses?: JobGroupStatus[];
  searchText?: string;
  createdFrom?: number;
  createdTo?: number;
  onlyMinConcurrencyEnabled?: boolean;
}

/**
 * Everything the services need from persistence. Each method is one atomic unit
 * (its own transaction), so a backend never leaks transaction handles into the
 * domain. Every backend passes test/store/store-contract.ts.
 *
 * Lookups below the account level take the owning scope (account, instance) as
 * well as the id: a row of another scope is indistinguishable from an absent one.
 */
export interface Store {
  close(): Promise<void>;

  // Accounts and AccessKeys.
  insertAccount(account: AccountRow): Promise<void>;
  findAccount(id: string): Promise<AccountRow | undefined>;
  listAccounts(): Promise<AccountRow[]>;
  insertAccessKey(key: AccessKeyRow): Promise<void>;
  findAccessKey(id: string): Promise<AccessKeyRow | undefined>;
  listAccessKeys(): Promise<AccessKeyRow[]>;
  updateAccessKey(id: string, change: { status?: AccessKeyStatus; secret?: string }): Promise<boolean>;
  /**
   * Records a signature nonce; false when the same key already used it and the
   * record has not expired at `now` (a replay). Expired records are purged by purgeNonces.
   */
  claimNonce(accessKeyId: string, nonce: string, now: number, expiresAt: number): Promise<boolean>;
  purgeNonces(now: number): Promise<number>;
  /** A small key/value area for server-wide settings (e.g. the generated root key's id). */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  // Instances.
  insertInstance(instance: InstanceRow): Promise<void>;
  findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined>;
  listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>>;
  updateInstance(instance: InstanceRow): Promise<void>;
  /** Deletes the instance with its scripts and job groups. */
  deleteInstance(accountId: string, instanceId: string): Promise<boolean>;

  // Scripts.
  insertScript(script: ScriptRow): Promise<void>;
  findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined>;
  listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>>;
  updateScript(script: ScriptRow): Promise<void>;
  deleteScript(instanceId: string, scriptId: string): Promise<boolean>;
  /** Freezes a version and marks the script published, atomically. */
  publishScript(version: ScriptVersionRow): Promise<void>;
  listScriptVersions(instanceId: string, scriptId: string, page: PageRequest): Promise<Page<ScriptVersionRow>>;

  // Job groups.
  /** Inserts the group with zeroed counters. */
  insertJobGroup(group: JobGroupRow): Promise<void>;
  findJobGroup(instanceId: string, jobGroupId: string): Promise<JobGroupRow | undefined>;
  /** The group with its counters, script details, result tallies and latest export. */
  viewJobGroup(instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView | undefined>;
  listJobGroups(instanceId: string, filter: JobGroupFilter, page: PageRequest): Promise<Page<JobGroupView>>;
  updateJobGroup(group: JobGroupRow): Promise<void>;
  deleteJobGroup(instanceId: string, jobGroupId: string): Promise<boolean>;
  /** Sum of MinConcurrency over the instance's groups of that priority, excluding one group. */
  sumMinConcurrency(instanceId: string, priority: string, excludeJobGroupId?: string): Promise<number>;
}
