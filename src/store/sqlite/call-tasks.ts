import type { TaskRow } from '../rows.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { rows } from './sqlite-rows.ts';
import { callTasks as q } from './call-task-queries.ts';

/** Single calls by id, and which calls of a group or an instance may have a recording (DownloadRecording, deletion). */
export function withCallTasks<B extends SqliteBase>(Base: B) {
  return class SqliteCallTasks extends Base {
    async findCallTask(taskId: string): Promise<TaskRow | undefined> {
      return this.findOne(q.find, [taskId], rows.toTask);
    }

    async recordedTaskIds(instanceId: string, jobGroupId?: string): Promise<string[]> {
      const found = jobGroupId === undefined ? this.stmt(q.recordedOfInstance).all({ instanceId }) : this.stmt(q.recordedOfGroup).all({ instanceId, jobGroupId });
      return found.map((row) => String(row.id));
    }
  };
}
