import type { JobGroupRow, JobGroupView, Page, PageRequest } from '../rows.ts';
import type { JobGroupFilter } from '../store.ts';
import { attachResults, jobGroupParams } from '../row-codecs.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { params, rows } from './sqlite-rows.ts';
import * as q from './queries.ts';

/** Job groups: their rows, and the view GetJobGroup reads with counters, script details and result tallies. */
export function withJobGroups<B extends SqliteBase>(Base: B) {
  return class SqliteJobGroups extends Base {
    async insertJobGroup(group: JobGroupRow): Promise<void> {
      this.db.transaction(() => {
        this.stmt(q.jobGroups.insert).run(jobGroupParams(group));
        this.stmt(q.jobGroups.insertCounters).run(group.id);
      })();
    }

    async findJobGroup(instanceId: string, jobGroupId: string): Promise<JobGroupRow | undefined> {
      return this.findOne(q.jobGroups.find, [instanceId, jobGroupId], rows.toJobGroup);
    }

    async viewJobGroup(instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView | undefined> {
      const row = this.stmt(q.jobGroups.view).get(instanceId, jobGroupId);
      if (!row) return undefined;
      const view = rows.toJobGroupView(row);
      attachResults(view, this.stmt(q.jobGroups.results).all(view.group.id), briefKeys);
      return view;
    }

    async listJobGroups(instanceId: string, filter: JobGroupFilter, page: PageRequest): Promise<Page<JobGroupView>> {
      return this.page(q.jobGroups.list, q.jobGroups.count, params.jobGroups(instanceId, filter), page, rows.toJobGroupView);
    }

    async updateJobGroup(group: JobGroupRow): Promise<void> {
      this.stmt(q.jobGroups.update).run(jobGroupParams(group));
    }

    async deleteJobGroup(instanceId: string, jobGroupId: string): Promise<boolean> {
      return this.stmt(q.jobGroups.delete).run(instanceId, jobGroupId).changes > 0;
    }

    async sumMinConcurrency(instanceId: string, priority: string, excludeJobGroupId?: string): Promise<number> {
      const row = this.stmt(q.jobGroups.sumMinConcurrency).get({ instanceId, priority, excludeId: excludeJobGroupId ?? '' });
      return Number(row?.n ?? 0);
    }
  };
}
