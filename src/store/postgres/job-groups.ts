import type { JobGroupRow, JobGroupView, Page, PageRequest } from '../rows.ts';
import type { JobGroupFilter } from '../store.ts';
import { attachResults, jobGroupParams } from '../row-codecs.ts';
import type { PostgresBase } from './postgres-database.ts';
import { params, rows } from './postgres-rows.ts';
import * as q from './queries.ts';

type Row = Record<string, unknown>;

/** Job groups: their rows, and the view GetJobGroup reads with counters, script details and result tallies. */
export function withJobGroups<B extends PostgresBase>(Base: B) {
  return class PostgresJobGroups extends Base {
    async insertJobGroup(group: JobGroupRow): Promise<void> {
      await this.transaction(async (client) => {
        await this.run(q.jobGroups.insert, jobGroupParams(group), client);
        await this.run(q.jobGroups.insertCounters, { id: group.id }, client);
      });
    }

    async findJobGroup(instanceId: string, jobGroupId: string): Promise<JobGroupRow | undefined> {
      return this.findOne(q.jobGroups.find, { instanceId, id: jobGroupId }, rows.toJobGroup);
    }

    async viewJobGroup(instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView | undefined> {
      const row = await this.one(q.jobGroups.view, { instanceId, id: jobGroupId });
      if (!row) return undefined;
      const view = rows.toJobGroupView(row);
      attachResults(view, row.results as Row[], briefKeys);
      return view;
    }

    async listJobGroups(instanceId: string, filter: JobGroupFilter, page: PageRequest): Promise<Page<JobGroupView>> {
      return this.page(q.jobGroups.list, q.jobGroups.count, params.jobGroups(instanceId, filter), page, rows.toJobGroupView);
    }

    async updateJobGroup(group: JobGroupRow): Promise<void> {
      await this.run(q.jobGroups.update, jobGroupParams(group));
    }

    async deleteJobGroup(instanceId: string, jobGroupId: string): Promise<boolean> {
      return (await this.changes(q.jobGroups.delete, { instanceId, id: jobGroupId })) > 0;
    }

    async sumMinConcurrency(instanceId: string, priority: string, excludeJobGroupId?: string): Promise<number> {
      const row = await this.one(q.jobGroups.sumMinConcurrency, { instanceId, priority, excludeId: excludeJobGroupId ?? '' });
      return Number(row?.n ?? 0);
    }
  };
}
