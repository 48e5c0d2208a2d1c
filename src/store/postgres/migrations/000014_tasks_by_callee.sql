-- SearchTask's CalledNumber: an instance's calls to one number, in any written form,
-- found by index. The key is the contact's E.164 form (what every number sent is
-- matched by: src/domain/phone-number.ts), or the number as stored for a task whose
-- contact never carried one. Ending with actual_time, the index also gives the
-- callee's calls in SearchTask's default order. None of its columns changes once the
-- task is claimed, so settlements stay HOT updates. SearchTask's condition repeats the
-- expression (src/store/postgres/task-search-queries.ts).
CREATE INDEX tasks_by_callee ON tasks (instance_id, (coalesce(contact->>'e164', called_number)), actual_time);
