import type { Page, PageRequest, TaskRow } from '../rows.ts';
import { searchTaskPage, type TaskSearchFilter, type TaskSearchRow, type TaskSort } from '../task-search.ts';
import type { PostgresBase } from './postgres-database.ts';
import { params as filterParams, rows } from './postgres-rows.ts';
import { taskLookup, taskSearchDialect } from './task-search-queries.ts';

/** The instance's call history: SearchTask's filtered, sorted pages and GetTaskByUuid's one call. */
export function withTaskSearch<B extends PostgresBase>(Base: B) {
  return class PostgresTaskSearch extends Base {
    async searchTasks(instanceId: string, filter: TaskSearchFilter, sort: TaskSort, page: PageRequest): Promise<Page<TaskSearchRow>> {
      return searchTaskPage(
        {
          dialect: taskSearchDialect,
          params: filterParams.taskSearch,
          count: async (sql, params) => Number((await this.one(sql, params))?.n ?? 0),
          list: (sql, params) => this.rows(sql, params),
          countCalls: async (instanceId, jobGroupId) =>
            Number((await this.one(jobGroupId ? taskLookup.groupCalls : taskLookup.instanceCalls, { instanceId, jobGroupId }))?.n ?? 0),
          toTask: rows.toTask,
        },
        instanceId, filter, sort, page,
      );
    }

    async findTask(instanceId: string, taskId: string): Promise<TaskRow | undefined> {
      return this.findOne(taskLookup.find, { instanceId, taskId }, rows.toTask);
    }
  };
}
