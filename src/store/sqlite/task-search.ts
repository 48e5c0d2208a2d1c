import type { Page, PageRequest, TaskRow } from '../rows.ts';
import { givenFilters, taskSearchSql, toTaskSearchRow, type TaskSearchFilter, type TaskSearchRow, type TaskSort } from '../task-search.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { params as filterParams, rows } from './sqlite-rows.ts';
import { taskLookup, taskSearchDialect } from './task-search-queries.ts';

/** The instance's call history: SearchTask's filtered, sorted pages and GetTaskByUuid's one call. */
export function withTaskSearch<B extends SqliteBase>(Base: B) {
  return class SqliteTaskSearch extends Base {
    async searchTasks(instanceId: string, filter: TaskSearchFilter, sort: TaskSort, page: PageRequest): Promise<Page<TaskSearchRow>> {
      const given = givenFilters(filter);
      const sql = taskSearchSql(taskSearchDialect, given, sort);
      const params = filterParams.taskSearch(instanceId, filter, given);
      const totalCount = Number(this.stmt(sql.count).get(params)?.n ?? 0);
      const offset = (page.pageNumber - 1) * page.pageSize;
      if (offset >= totalCount) return { items: [], totalCount };
      const items = this.stmt(sql.list).all({ ...params, limit: page.pageSize, offset }).map((row) => toTaskSearchRow(rows.toTask, row));
      return { items, totalCount };
    }

    async findTask(instanceId: string, taskId: string): Promise<TaskRow | undefined> {
      return this.findOne(taskLookup.find, [taskId, instanceId], rows.toTask);
    }
  };
}
