import { CONVERSATION_END } from '../domain/call-outcome.ts';
import { jobGroupNotFound } from '../domain/errors.ts';
import { matchKey } from '../domain/phone-number.ts';
import type { JobResultFilter } from '../store/job-result-filter.ts';
import type { JobGroupRow, JobRow, Page, PageRequest, TaskRow } from '../store/rows.ts';
import type { InstanceService } from './instance-service.ts';
import type { ServiceDeps } from './service-deps.ts';

/** QueryJobsWithResult's filters as the action decoded them: the store's, but the search as sent, and labels. */
export type JobResultQuery = Omit<JobResultFilter, 'search'> & {
  /** Label values the calls must carry. */
  labels?: readonly string[];
  /** A phone number in any written form, a job id or a reference id. */
  queryText?: string;
};

/**
 * The general Succeeded status stands for every answered one: the API reports only
 * the Succeeded* statuses (SucceededFinish ...), which a Succeeded filter matches.
 */
const ANSWERED_STATUSES = Object.values(CONVERSATION_END).map((end) => end.taskStatus);

/** A group's jobs with their latest call's result (QueryJobsWithResult). */
export class JobResultService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
  ) {}

  async query(accountId: string, instanceId: string, jobGroupId: string, query: JobResultQuery, page: PageRequest): Promise<{ group: JobGroupRow; results: Page<{ job: JobRow; lastTask?: TaskRow }> }> {
    await this.instances.require(accountId, instanceId);
    const group = await this.deps.store.findJobGroup(instanceId, jobGroupId);
    if (!group) throw jobGroupNotFound();
    // No call carries labels yet (they come from large-model scripts, which this
    // server does not run): a label filter matches no job.
    if (query.labels?.length) return { group, results: { items: [], totalCount: 0 } };
    return { group, results: await this.deps.store.queryJobResults(instanceId, jobGroupId, storeFilter(query), page) };
  }
}

function storeFilter(query: JobResultQuery): JobResultFilter {
  const text = query.queryText?.trim();
  const { labels: _labels, queryText: _text, ...filter } = query;
  return {
    ...filter,
    taskStatuses: query.taskStatuses?.flatMap((status) => (status === 'Succeeded' ? ANSWERED_STATUSES : [status])),
    // A number matches in any written form by its E.164 key (13800000001, +86 138 0000 0001 ...).
    search: text ? { text, phoneKey: matchKey(text) } : undefined,
  };
}
