/** The SQL of single calls (tasks) and their recordings of the SQLite backend (conventions: queries.ts). */

import { TASK_COLUMNS } from '../portable-queries.ts';

// Answered calls have recordings; a call still Executing may be writing one.
const MAY_BE_RECORDED = `(t.sip_code = '200' OR t.status = 'Executing')`;

export const callTasks = {
  find: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = ?`,
  // Through tasks_by_group, one group at a time.
  recordedOfGroup: `SELECT t.id FROM tasks t WHERE t.job_group_id = @jobGroupId AND t.instance_id = @instanceId AND ${MAY_BE_RECORDED}`,
  recordedOfInstance: `SELECT t.id FROM job_groups g JOIN tasks t ON t.job_group_id = g.id
    WHERE g.instance_id = @instanceId AND ${MAY_BE_RECORDED}`,
};
