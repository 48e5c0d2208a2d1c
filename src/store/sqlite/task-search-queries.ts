/** SearchTask's conditions and GetTaskByUuid's lookup in SQLite's dialect (the statement: src/store/task-search.ts). */

import { TASK_COLUMNS } from '../portable-queries.ts';
import type { TaskSearchDialect } from '../task-search.ts';

/**
 * The callee's key as migration 000014's tasks_by_callee indexes it: the contact's
 * E.164 form, or the number as stored for a task whose contact never carried one.
 * The condition must repeat the index's expression exactly for SQLite to use it.
 */
const CALLEE_KEY = `coalesce(json_extract(t.contact, '$.e164'), t.called_number)`;

export const taskSearchDialect: TaskSearchDialect = {
  instance: {
    plain: 't.instance_id = @instanceId',
    // The unary + keeps SQLite from walking the instance's tasks (tasks_by_instance)
    // when the group's, the job's or the task's own index finds far fewer.
    guarded: '+t.instance_id = @instanceId',
  },
  tieBreak: 't.rowid',
  conditions: {
    jobGroupId: 't.job_group_id = @jobGroupId',
    jobId: 't.job_id = @jobId',
    taskId: 't.id = @taskId',
    otherId: '(t.id = @otherId OR t.job_id = @otherId)',
    calledKey: `${CALLEE_KEY} = @calledKey`,
    callingNumber: 't.calling_number = @callingNumber',
    statuses: 't.status IN (SELECT value FROM json_each(@statuses))',
    jobStatuses: 'EXISTS (SELECT 1 FROM jobs j2 WHERE j2.id = t.job_id AND j2.status IN (SELECT value FROM json_each(@jobStatuses)))',
    referenceId: 'EXISTS (SELECT 1 FROM jobs j2 WHERE j2.id = t.job_id AND j2.reference_id = @referenceId)',
    actualFrom: 't.actual_time >= @actualFrom',
    actualTo: 't.actual_time <= @actualTo',
    talkFrom: 't.talk_ms >= @talkFrom',
    talkTo: 't.talk_ms <= @talkTo',
    ringingFrom: 't.ringing_ms >= @ringingFrom',
    ringingTo: 't.ringing_ms <= @ringingTo',
    plannedFrom: 't.planned_time >= @plannedFrom',
    plannedTo: 't.planned_time <= @plannedTo',
    jobGroupName: 'EXISTS (SELECT 1 FROM job_groups g2 WHERE g2.id = t.job_group_id AND instr(g2.name, @jobGroupName) > 0)',
    scriptName: `EXISTS (SELECT 1 FROM job_groups g2 JOIN scripts s2 ON s2.id = g2.script_id
        WHERE g2.id = t.job_group_id AND instr(s2.name, @scriptName) > 0)`,
  },
};

export const taskLookup = {
  // The calls counted by the groups' counters (total_calls: one per claimed task), of the instance or one group of it.
  instanceCalls: `SELECT coalesce(sum(c.total_calls), 0) AS n FROM job_group_counters c JOIN job_groups g ON g.id = c.job_group_id
    WHERE g.instance_id = @instanceId`,
  groupCalls: `SELECT coalesce(sum(c.total_calls), 0) AS n FROM job_group_counters c JOIN job_groups g ON g.id = c.job_group_id
    WHERE g.instance_id = @instanceId AND g.id = @jobGroupId`,
  find: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = ? AND t.instance_id = ?`,
};
