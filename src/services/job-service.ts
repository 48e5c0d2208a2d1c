import { dedupe } from '../domain/dedupe.ts';
import { invalidParameter, jobGroupNotFound, jobNotFound } from '../domain/errors.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { JobInput } from '../domain/job-input.ts';
import { matchKey } from '../domain/phone-number.ts';
import { resolveStrategy, StrategyError, type StrategyInput } from '../domain/strategy.ts';
import { newJob, type JobGroupRow, type JobRow, type JobStatus, type Page, type PageRequest, type TaskRow } from '../store/rows.ts';
import type { JobFilter, JobSelector } from '../store/store.ts';
import type { InstanceService } from './instance-service.ts';
import type { AssignService } from './files/assign-task.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface AssignInput {
  jobs: JobInput[];
  callingNumbers?: string[];
  strategy?: StrategyInput;
  /** Jobs from a parsed contact file instead of `jobs` (AssignJobs JobDataParsingTaskId). */
  parsingTaskId?: string;
  /** With parsingTaskId: reply before the jobs exist (AssignJobs IsAsynchrony). */
  asynchronous?: boolean;
}

/** A new job from AssignJobs input: fresh ids for it and its contacts (see newJob). */
export function newJobRow(
  ids: IdGenerator,
  instanceId: string,
  jobGroupId: string,
  job: JobInput,
  callingNumbers: readonly string[],
  scriptVersion: string,
  now: number,
): JobRow {
  return newJob(
    {
      id: ids.next(),
      instanceId,
      jobGroupId,
      referenceId: job.referenceId ?? '',
      contacts: job.contacts.map((contact) => ({
        id: ids.next(),
        phoneNumber: contact.phoneNumber,
        e164: contact.e164 ?? matchKey(contact.phoneNumber),
        name: contact.name ?? '',
        honorific: contact.honorific ?? '',
        referenceId: contact.referenceId ?? '',
      })),
      extras: job.extras ?? [],
      callingNumbers: dedupe(callingNumbers),
      scriptVersion,
    },
    now,
  );
}

/** Jobs of a group: assignment, reads, and the user's status changes (suspend, resume, cancel). */
export class JobService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
    private readonly assignments: AssignService,
  ) {}

  async assign(accountId: string, instanceId: string, jobGroupId: string, input: AssignInput): Promise<string[]> {
    await this.instances.require(accountId, instanceId);
    const { store, clock, ids } = this.deps;
    let group = await this.requireGroup(instanceId, jobGroupId);
    if (group.status === 'Cancelled' || group.status === 'Failed') {
      throw invalidParameter('JobGroupId', `a ${group.status} job group takes no new jobs`);
    }
    const now = clock.now();
    if (input.strategy) {
      // AssignJobs' StrategyJson changes the group's strategy, as in the public API.
      try {
        group = { ...group, strategy: resolveStrategy(input.strategy, group.strategy, now, () => ids.next()), modifiedAt: now };
      } catch (error) {
        if (error instanceof StrategyError) throw invalidParameter(`StrategyJson.${error.field}`, error.message);
        throw error;
      }
      await store.updateJobGroup(group);
    }
    if (input.parsingTaskId) {
      // The assignment service claims the parsed file (once) and creates its jobs in the background.
      // The group names its file before any job is created (job inserts move its status).
      const claimed = group;
      const { done } = await this.assignments.assignParsed(accountId, instanceId, jobGroupId, input.parsingTaskId, input.callingNumbers ?? [], (task) =>
        store.updateJobGroup({ ...claimed, jobFilePath: String(task.input.jobFilePath ?? ''), jobDataParsingTaskId: task.id, modifiedAt: now }),
      );
      if (!input.asynchronous) await done;
      return [];
    }
    const script = group.scriptId ? await store.findScript(instanceId, group.scriptId) : undefined;
    const jobs: JobRow[] = input.jobs.map((job) => newJobRow(ids, instanceId, jobGroupId, job, input.callingNumbers ?? [], script?.publishedVersion ?? '', now));
    await store.insertJobs(jobGroupId, jobs, now);
    this.deps.work?.wake();
    return jobs.map((job) => job.id);
  }

  async describe(accountId: string, instanceId: string, jobId: string): Promise<{ job: JobRow; tasks: TaskRow[]; group: JobGroupRow }> {
    await this.instances.require(accountId, instanceId);
    const found = await this.deps.store.findJob(instanceId, jobId);
    if (!found) throw jobNotFound();
    const group = await this.requireGroup(instanceId, found.job.jobGroupId);
    return { ...found, group };
  }

  /** Several jobs with their tasks and groups: the instance is checked once, each group read once. */
  async details(accountId: string, instanceId: string, jobs: readonly JobRow[]): Promise<Array<{ job: JobRow; tasks: TaskRow[]; group: JobGroupRow }>> {
    await this.instances.require(accountId, instanceId);
    const groups = new Map<string, JobGroupRow>();
    const out = [];
    for (const listed of jobs) {
      const found = await this.deps.store.findJob(instanceId, listed.id);
      if (!found) continue;
      let group = groups.get(found.job.jobGroupId);
      if (!group) {
        group = await this.requireGroup(instanceId, found.job.jobGroupId);
        groups.set(group.id, group);
      }
      out.push({ ...found, group });
    }
    return out;
  }

  async list(accountId: string, instanceId: string, jobIds: readonly string[]): Promise<JobRow[]> {
    await this.instances.require(accountId, instanceId);
    return this.deps.store.listJobs(instanceId, jobIds);
  }

  async query(accountId: string, instanceId: string, filter: JobFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>> {
    await this.instances.require(accountId, instanceId);
    if (filter.jobGroupId) await this.requireGroup(instanceId, filter.jobGroupId);
    return this.deps.store.queryJobs(instanceId, filter, page);
  }

  /** Suspend (Scheduling → Paused), resume (Paused → Scheduling) or cancel (any unfinished → Cancelled). */
  async move(accountId: string, instanceId: string, jobGroupId: string, selector: JobSelector, action: 'suspend' | 'resume' | 'cancel'): Promise<number> {
    await this.instances.require(accountId, instanceId);
    await this.requireGroup(instanceId, jobGroupId);
    const now = this.deps.clock.now();
    const [from, to]: [JobStatus[], JobStatus] =
      action === 'suspend' ? [['Scheduling'], 'Paused'] : action === 'resume' ? [['Paused'], 'Scheduling'] : [['Scheduling', 'Paused', 'Executing'], 'Cancelled'];
    const moved = await this.deps.store.moveJobs(jobGroupId, selector, from, to, now, now);
    if (action === 'resume') this.deps.work?.wake();
    return moved;
  }

  private async requireGroup(instanceId: string, jobGroupId: string): Promise<JobGroupRow> {
    const group = await this.deps.store.findJobGroup(instanceId, jobGroupId);
    if (!group) throw jobGroupNotFound();
    return group;
  }
}
