import type { TaskRow } from '../rows.ts';
import type { PostgresBase } from './postgres-database.ts';
import { rows } from './postgres-rows.ts';
import { callTasks as q } from './call-task-queries.ts';

/** Single calls by id, and which calls of a group or an instance may have a recording (DownloadRecording, deletion). */
export function withCallTasks<B extends PostgresBase>(Base: B) {
  return class PostgresCallTasks extends Base {
    async findCallTask(taskId: string): Promise<TaskRow | undefined> {
      return this.findOne(q.find, { id: taskId }, rows.toTask);
    }

    async recordedTaskIds(instanceId: string, jobGroupId?: string): Promise<string[]> {
      const found = jobGroupId === undefined ? await this.rows(q.recordedOfInstance, { instanceId }) : await this.rows(q.recordedOfGroup, { instanceId, jobGroupId });
      return found.map((row) => String(row.id));
    }
  };
}
