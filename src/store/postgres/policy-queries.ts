import { CALLING_HOURS_FIND } from '../portable-queries.ts';

/** The instance-wide calling policy's statements (StrategyLevel 2). */
export const callingHours = {
  find: CALLING_HOURS_FIND,
  save: `INSERT INTO instance_calling_hours (instance_id, working_time, only_weekdays, only_workdays, modified_at)
    VALUES (@instanceId, @workingTime::jsonb, @onlyWeekdays, @onlyWorkdays, @modifiedAt)
    ON CONFLICT (instance_id) DO UPDATE SET working_time = excluded.working_time, only_weekdays = excluded.only_weekdays,
      only_workdays = excluded.only_workdays, modified_at = excluded.modified_at`,
};
