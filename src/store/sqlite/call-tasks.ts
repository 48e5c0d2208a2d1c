import type { SqliteBase } from './sqlite-database.ts';
import { callTasks as q } from './call-task-queries.ts';

/** Which calls of a group or an instance may have a recording (their removal with the group or the instance). */
export function withCallTasks<B extends SqliteBase>(Base: B) {
  return class SqliteCallTasks extends Base {
    async recordedTaskIds(instanceId: string, jobGroupId?: string): Promise<string[]> {
      const found = jobGroupId === undefined ? this.stmt(q.recordedOfInstance).all({ instanceId }) : this.stmt(q.recordedOfGroup).all({ instanceId, jobGroupId });
      return found.map((row) => String(row.id));
    }
  };
}
