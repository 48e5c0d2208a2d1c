import type { PostgresBase } from './postgres-database.ts';
import { callTasks as q } from './call-task-queries.ts';

/** Which calls of a group or an instance may have a recording (their removal with the group or the instance). */
export function withCallTasks<B extends PostgresBase>(Base: B) {
  return class PostgresCallTasks extends Base {
    async recordedTaskIds(instanceId: string, jobGroupId?: string): Promise<string[]> {
      const found = jobGroupId === undefined ? await this.rows(q.recordedOfInstance, { instanceId }) : await this.rows(q.recordedOfGroup, { instanceId, jobGroupId });
      return found.map((row) => String(row.id));
    }
  };
}
