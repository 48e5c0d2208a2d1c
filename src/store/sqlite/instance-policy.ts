import type { InstanceCallingHours } from '../../domain/instance-policy.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { callingHours as q } from './policy-queries.ts';
import { rows } from './sqlite-rows.ts';

/** The instance-wide calling policy (StrategyLevel 2), a row per instance that has set it. */
export function withInstancePolicy<B extends SqliteBase>(Base: B) {
  return class SqliteInstancePolicy extends Base {
    async findCallingHours(instanceId: string): Promise<InstanceCallingHours | undefined> {
      const row = this.stmt(q.find).get({ instanceId });
      return row ? rows.toCallingHours(row) : undefined;
    }

    async saveCallingHours(instanceId: string, hours: InstanceCallingHours, now: number): Promise<void> {
      this.stmt(q.save).run(rows.callingHoursParams(instanceId, hours, now));
    }
  };
}
