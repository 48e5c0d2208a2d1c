import { overlay } from '../domain/overlay.ts';
import { dedupe } from '../domain/dedupe.ts';
import { invalidParameter, jobGroupNotFound } from '../domain/errors.ts';
import { requestedStatus } from '../domain/job-group-status.ts';
import {
  resolveRecallStrategy,
  resolveStrategy,
  StrategyError,
  type RecallStrategyInput,
  type StrategyInput,
} from '../domain/strategy.ts';
import type {
  FlashSmsExtras,
  InstanceRow,
  JobGroupPriority,
  JobGroupRow,
  JobGroupStatus,
  JobGroupView,
  Page,
  PageRequest,
} from '../store/rows.ts';
import type { GroupCallReport, JobGroupFilter } from '../store/store.ts';
import type { RecordingFiles } from '../files/recording-files.ts';
import type { InstanceService } from './instance-service.ts';
import type { ScriptService } from './script-service.ts';
import type { ServiceDeps } from './service-deps.ts';

export const DEFAULT_RINGING_DURATION_SECONDS = 25;

export interface JobGroupInput {
  name: string;
  description?: string;
  scriptId?: string;
  scenarioId?: string;
  strategy?: StrategyInput;
  recallStrategy?: RecallStrategyInput;
  callingNumbers?: string[];
  recallCallingNumbers?: string[];
  priority?: JobGroupPriority;
  ringingDuration?: number;
  minConcurrency?: number;
  flashSmsExtras?: Partial<FlashSmsExtras>;
}

export interface JobGroupChange extends Partial<JobGroupInput> {
  status?: JobGroupStatus;
}

export class JobGroupService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
    private readonly scripts: ScriptService,
    private readonly recordings: RecordingFiles,
  ) {}

  async create(accountId: string, instanceId: string, input: JobGroupInput): Promise<JobGroupView> {
    const instance = await this.instances.require(accountId, instanceId);
    const { clock, ids, store } = this.deps;
    const now = clock.now();
    if (input.scriptId) await this.scripts.requireInInstance(instanceId, input.scriptId);
    const priority = input.priority ?? 'Daily';
    const minConcurrency = input.minConcurrency ?? 0;
    await this.checkMinConcurrency(instance, priority, minConcurrency);
    const group: JobGroupRow = {
      id: ids.next(),
      instanceId,
      name: input.name,
      description: input.description ?? '',
      scriptId: input.scriptId ?? '',
      scenarioId: input.scenarioId ?? input.scriptId ?? '',
      strategy: strategyOrError(() => resolveStrategy(input.strategy, undefined, now, () => ids.next())),
      recallStrategy: resolveRecallStrategy(input.recallStrategy, undefined),
      // Without explicit numbers a group calls from every number bound to its instance.
      callingNumbers: dedupe(input.callingNumbers ?? instance.callingNumbers),
      recallCallingNumbers: dedupe(input.recallCallingNumbers ?? []),
      priority,
      ringingDuration: input.ringingDuration ?? DEFAULT_RINGING_DURATION_SECONDS,
      minConcurrency,
      flashSmsExtras: input.flashSmsExtras ? completeFlashSms(input.flashSmsExtras, undefined) : undefined,
      jobFilePath: '',
      jobDataParsingTaskId: '',
      status: 'Draft',
      createdAt: now,
      modifiedAt: now,
    };
    await store.insertJobGroup(group);
    return this.requireView(instanceId, group.id);
  }

  /** GetJobGroup / DescribeJobGroup: stored aggregates only, O(1) in the group's size. */
  async view(accountId: string, instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView> {
    await this.instances.require(accountId, instanceId);
    return this.requireView(instanceId, jobGroupId, briefKeys);
  }

  /** DescribeGroupExecutingInfo: the group's counters with a report over its answered calls. */
  async executingInfo(accountId: string, instanceId: string, jobGroupId: string): Promise<{ view: JobGroupView; report: GroupCallReport; creatorName: string }> {
    const instance = await this.instances.require(accountId, instanceId);
    const view = await this.requireView(instanceId, jobGroupId);
    return { view, report: await this.deps.store.groupCallReport(jobGroupId), creatorName: instance.creatorName };
  }

  async list(accountId: string, instanceId: string, filter: JobGroupFilter, page: PageRequest): Promise<Page<JobGroupView>> {
    await this.instances.require(accountId, instanceId);
    return this.deps.store.listJobGroups(instanceId, filter, page);
  }

  async modify(accountId: string, instanceId: string, jobGroupId: string, change: JobGroupChange): Promise<JobGroupView> {
    const instance = await this.instances.require(accountId, instanceId);
    const { clock, ids, store } = this.deps;
    const current = await store.findJobGroup(instanceId, jobGroupId);
    if (!current) throw jobGroupNotFound();
    if (change.scriptId) await this.scripts.requireInInstance(instanceId, change.scriptId);
    const now = clock.now();
    const priority = change.priority ?? current.priority;
    const minConcurrency = change.minConcurrency ?? current.minConcurrency;
    if (change.minConcurrency !== undefined || change.priority !== undefined) {
      await this.checkMinConcurrency(instance, priority, minConcurrency, current.id);
    }
    const view = await this.requireView(instanceId, jobGroupId);
    let status = current.status;
    if (change.status) {
      const next = requestedStatus(current.status, change.status, view.counters.totalJobs > 0);
      if (!next) {
        throw invalidParameter('JobGroupStatus', `a ${current.status} job group cannot be set to ${change.status}`);
      }
      status = next;
    }
    const updated: JobGroupRow = {
      ...current,
      ...overlay(current, change, ['name', 'description', 'scriptId', 'scenarioId', 'ringingDuration']),
      strategy: change.strategy
        ? strategyOrError(() => resolveStrategy(change.strategy, current.strategy, now, () => ids.next()))
        : current.strategy,
      recallStrategy: change.recallStrategy ? resolveRecallStrategy(change.recallStrategy, current.recallStrategy) : current.recallStrategy,
      callingNumbers: change.callingNumbers ? dedupe(change.callingNumbers) : current.callingNumbers,
      recallCallingNumbers: change.recallCallingNumbers ? dedupe(change.recallCallingNumbers) : current.recallCallingNumbers,
      priority,
      minConcurrency,
      flashSmsExtras: change.flashSmsExtras ? completeFlashSms(change.flashSmsExtras, current.flashSmsExtras) : current.flashSmsExtras,
      status,
      modifiedAt: now,
    };
    await store.updateJobGroup(updated);
    if (current.status === 'Paused' && status === 'Scheduling') {
      // Resumed: the counters decide whether it is Scheduling, Executing or already Completed.
      await store.refreshGroupStatus(jobGroupId, now);
      this.deps.work?.wake();
    }
    return this.requireView(instanceId, jobGroupId);
  }

  async delete(accountId: string, instanceId: string, jobGroupId: string): Promise<void> {
    await this.instances.require(accountId, instanceId);
    // Listed before the rows go (they say which calls have a recording), removed after.
    const recorded = await this.deps.store.recordedTaskIds(instanceId, jobGroupId);
    if (!(await this.deps.store.deleteJobGroup(instanceId, jobGroupId))) throw jobGroupNotFound();
    await this.recordings.remove(recorded);
  }

  private async requireView(instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView> {
    const view = await this.deps.store.viewJobGroup(instanceId, jobGroupId, briefKeys);
    if (!view) throw jobGroupNotFound();
    return view;
  }

  /**
   * The public API's rule: the guaranteed concurrency of all groups of one priority
   * in an instance may not exceed the instance's ceiling.
   */
  private async checkMinConcurrency(instance: InstanceRow, priority: string, minConcurrency: number, excludeId?: string) {
    if (minConcurrency === 0) return;
    const others = await this.deps.store.sumMinConcurrency(instance.id, priority, excludeId);
    if (others + minConcurrency > instance.maxConcurrentConversation) {
      throw invalidParameter(
        'MinConcurrency',
        `${priority} groups of this instance would guarantee ${others + minConcurrency} concurrent calls, ` +
          `more than its MaxConcurrentConversation of ${instance.maxConcurrentConversation}`,
      );
    }
  }
}

function strategyOrError<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof StrategyError) throw invalidParameter(`StrategyJson.${error.field}`, error.message);
    throw error;
  }
}

function completeFlashSms(input: Partial<FlashSmsExtras>, base: FlashSmsExtras | undefined): FlashSmsExtras {
  return {
    templateId: input.templateId ?? base?.templateId ?? '',
    configId: input.configId ?? base?.configId ?? '',
    templateContent: input.templateContent ?? base?.templateContent ?? '',
  };
}

