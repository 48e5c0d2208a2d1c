import { calledNumberKey } from './rows.ts';
import type { AttemptSettlement } from './store.ts';

/** The block-list entry of a callee who opted out during a settled call (both backends write it with the settlement). */
export function optOutEntry(settlement: AttemptSettlement) {
  const { task } = settlement;
  return {
    id: task.id,
    instanceId: task.instanceId,
    phoneNumber: task.calledNumber,
    numberKey: calledNumberKey(task),
    name: task.contact.name,
    remark: 'opted out during a call',
    createdAt: task.endTime || settlement.now,
  };
}
