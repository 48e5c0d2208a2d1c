/** SearchTask's conditions and GetTaskByUuid's lookup in PostgreSQL's dialect (the statement: src/store/task-search.ts). */

import { TASK_COLUMNS } from '../portable-queries.ts';
import type { TaskSearchDialect } from '../task-search.ts';

/**
 * The callee's key as migration 000014's tasks_by_callee indexes it: the contact's
 * E.164 form, or the number as stored for a task whose contact never carried one.
 */
const CALLEE_KEY = `coalesce(t.contact->>'e164', t.called_number)`;

export const taskSearchDialect: TaskSearchDialect = {
  // PostgreSQL's planner weighs the indexes by their statistics: one form serves.
  instance: { plain: 't.instance_id = @instanceId', guarded: 't.instance_id = @instanceId' },
  tieBreak: 't.id',
  conditions: {
    jobGroupId: 't.job_group_id = @jobGroupId::text',
    jobId: 't.job_id = @jobId::text',
    taskId: 't.id = @taskId::text',
    otherId: '(t.id = @otherId::text OR t.job_id = @otherId::text)',
    calledKey: `${CALLEE_KEY} = @calledKey::text`,
    callingNumber: 't.calling_number = @callingNumber::text',
    statuses: 't.status = ANY(@statuses::text[])',
    jobStatuses: 'EXISTS (SELECT 1 FROM jobs j2 WHERE j2.id = t.job_id AND j2.status = ANY(@jobStatuses::text[]))',
    referenceId: 'EXISTS (SELECT 1 FROM jobs j2 WHERE j2.id = t.job_id AND j2.reference_id = @referenceId::text)',
    actualFrom: 't.actual_time >= @actualFrom::bigint',
    actualTo: 't.actual_time <= @actualTo::bigint',
    talkFrom: 't.talk_ms >= @talkFrom::bigint',
    talkTo: 't.talk_ms <= @talkTo::bigint',
    ringingFrom: 't.ringing_ms >= @ringingFrom::bigint',
    ringingTo: 't.ringing_ms <= @ringingTo::bigint',
    plannedFrom: 't.planned_time >= @plannedFrom::bigint',
    plannedTo: 't.planned_time <= @plannedTo::bigint',
    jobGroupName: 'EXISTS (SELECT 1 FROM job_groups g2 WHERE g2.id = t.job_group_id AND strpos(g2.name, @jobGroupName::text) > 0)',
    scriptName: `EXISTS (SELECT 1 FROM job_groups g2 JOIN scripts s2 ON s2.id = g2.script_id
        WHERE g2.id = t.job_group_id AND strpos(s2.name, @scriptName::text) > 0)`,
  },
};

export const taskLookup = {
  // The calls counted by the groups' counters (total_calls: one per claimed task), of the instance or one group of it.
  instanceCalls: `SELECT coalesce(sum(c.total_calls), 0) AS n FROM job_group_totals c JOIN job_groups g ON g.id = c.job_group_id
    WHERE g.instance_id = @instanceId`,
  groupCalls: `SELECT coalesce(sum(c.total_calls), 0) AS n FROM job_group_totals c JOIN job_groups g ON g.id = c.job_group_id
    WHERE g.instance_id = @instanceId AND g.id = @jobGroupId::text`,
  find: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = @taskId AND t.instance_id = @instanceId`,
};
