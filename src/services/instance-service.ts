import { overlay } from '../domain/overlay.ts';
import { dedupe } from '../domain/dedupe.ts';
import { instanceNotFound } from '../domain/errors.ts';
import type { InstanceRow, Page, PageRequest } from '../store/rows.ts';
import type { InstanceFilter } from '../store/store.ts';
import type { RecordingFiles } from '../files/recording-files.ts';
import type { NumberPoolService } from './number-pool-service.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface InstanceInput {
  name: string;
  description?: string;
  maxConcurrentConversation: number;
  nluServiceType?: string;
  resourceGroupId?: string;
  callingNumbers?: string[];
}

export interface InstanceChange {
  name?: string;
  description?: string;
  maxConcurrentConversation: number;
  callingNumbers?: string[];
}

/** Who creates an instance: recorded as CreatorId/CreatorName/OwnerName. */
export interface Creator {
  accountId: string;
  accessKeyId: string;
}

export class InstanceService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly recordings: RecordingFiles,
    /** Binds the test calling numbers (if any) to each new instance. */
    private readonly numberPool?: NumberPoolService,
  ) {}

  async create(creator: Creator, input: InstanceInput): Promise<InstanceRow> {
    const { store, clock, ids } = this.deps;
    const account = await store.findAccount(creator.accountId);
    const key = await store.findAccessKey(creator.accessKeyId);
    const now = clock.now();
    const instance: InstanceRow = {
      id: ids.next(),
      accountId: creator.accountId,
      name: input.name,
      description: input.description ?? '',
      maxConcurrentConversation: input.maxConcurrentConversation,
      nluServiceType: input.nluServiceType ?? 'Managed',
      resourceGroupId: input.resourceGroupId ?? '',
      callingNumbers: dedupe(input.callingNumbers ?? []),
      creatorId: account?.uid ?? 0,
      creatorName: key?.name || account?.name || '',
      ownerName: account?.name ?? '',
      createdAt: now,
      modifiedAt: now,
    };
    await store.insertInstance(instance);
    await this.numberPool?.bindTestNumbers(instance);
    return instance;
  }

  /** The instance if it belongs to the account; another account's id is NotExist.Instance, as an absent one. */
  async require(accountId: string, instanceId: string): Promise<InstanceRow> {
    const instance = await this.deps.store.findInstance(accountId, instanceId);
    if (!instance) throw instanceNotFound();
    return instance;
  }

  list(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>> {
    return this.deps.store.listInstances(accountId, filter, page);
  }

  async modify(accountId: string, instanceId: string, change: InstanceChange): Promise<InstanceRow> {
    const current = await this.require(accountId, instanceId);
    const updated: InstanceRow = {
      ...current,
      ...overlay(current, change, ['name', 'description']),
      maxConcurrentConversation: change.maxConcurrentConversation,
      callingNumbers: change.callingNumbers ? dedupe(change.callingNumbers) : current.callingNumbers,
      modifiedAt: this.deps.clock.now(),
    };
    await this.deps.store.updateInstance(updated);
    return updated;
  }

  async concurrency(accountId: string, instanceId: string): Promise<{ max: number; inFlight: number }> {
    const usage = await this.deps.store.instanceConcurrency(accountId, instanceId);
    if (!usage) throw instanceNotFound();
    return usage;
  }

  /** Calls and talk time per instance of the account (all of them, or those named). */
  async callSummaries(accountId: string, instanceIds?: readonly string[]) {
    return this.deps.store.instanceCallSummaries(accountId, instanceIds);
  }

  accountConcurrency(accountId: string): Promise<{ max: number; inFlight: number }> {
    return this.deps.store.accountConcurrency(accountId);
  }

  /** The instance's rows go, then its calls' recordings (listed first: the rows say which calls have one). */
  async delete(accountId: string, instanceId: string): Promise<void> {
    await this.require(accountId, instanceId);
    const recorded = await this.deps.store.recordedTaskIds(instanceId);
    if (!(await this.deps.store.deleteInstance(accountId, instanceId))) throw instanceNotFound();
    await this.recordings.remove(recorded);
  }
}
