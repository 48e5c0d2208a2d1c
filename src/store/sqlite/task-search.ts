import type { Page, PageRequest, TaskRow } from '../rows.ts';
import { searchTaskPage, type TaskSearchFilter, type TaskSearchRow, type TaskSort } from '../task-search.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { params as filterParams, rows } from './sqlite-rows.ts';
import { taskLookup, taskSearchDialect } from './task-search-queries.ts';

/** The instance's call history: SearchTask's filtered, sorted pages and GetTaskByUuid's one call. */
export function withTaskSearch<B extends SqliteBase>(Base: B) {
  return class SqliteTaskSearch extends Base {
    async searchTasks(instanceId: string, filter: TaskSearchFilter, sort: TaskSort, page: PageRequest): Promise<Page<TaskSearchRow>> {
      return searchTaskPage(
        {
          dialect: taskSearchDialect,
          params: filterParams.taskSearch,
          count: async (sql, params) => Number(this.stmt(sql).get(params)?.n ?? 0),
          list: async (sql, params) => this.stmt(sql).all(params),
          countCalls: async (instanceId, jobGroupId) =>
            Number(this.stmt(jobGroupId ? taskLookup.groupCalls : taskLookup.instanceCalls).get(jobGroupId ? { instanceId, jobGroupId } : { instanceId })?.n ?? 0),
          toTask: rows.toTask,
        },
        instanceId, filter, sort, page,
      );
    }

    async findTask(instanceId: string, taskId: string): Promise<TaskRow | undefined> {
      return this.findOne(taskLookup.find, [taskId, instanceId], rows.toTask);
    }
  };
}
