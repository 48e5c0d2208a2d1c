/** The SQL of the calls (tasks) that have recordings of the PostgreSQL backend (conventions: queries.ts). */

// Answered calls have recordings; a call still Executing may be writing one.
const MAY_BE_RECORDED = `(t.sip_code = '200' OR t.status = 'Executing')`;

export const callTasks = {
  recordedOfGroup: `SELECT t.id FROM tasks t WHERE t.job_group_id = @jobGroupId AND t.instance_id = @instanceId AND ${MAY_BE_RECORDED}`,
  recordedOfInstance: `SELECT t.id FROM job_groups g JOIN tasks t ON t.job_group_id = g.id
    WHERE g.instance_id = @instanceId AND ${MAY_BE_RECORDED}`,
};
