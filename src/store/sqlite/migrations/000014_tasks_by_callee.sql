-- SearchTask's CalledNumber: an instance's calls to one number, in any written form,
-- found by index. The key is the contact's E.164 form (what every number sent is
-- matched by: src/domain/phone-number.ts), or the number as stored for a task whose
-- contact never carried one. Neither column changes once the task is claimed, so the
-- settlement's update leaves the index alone. SearchTask's condition repeats this
-- expression exactly (src/store/sqlite/task-search-queries.ts).
CREATE INDEX tasks_by_callee ON tasks (instance_id, coalesce(json_extract(contact, '$.e164'), called_number));
