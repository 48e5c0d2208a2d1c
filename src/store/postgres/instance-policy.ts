import type { InstanceCallingHours } from '../../domain/instance-policy.ts';
import type { PostgresBase } from './postgres-database.ts';
import { callingHours as q } from './policy-queries.ts';
import { rows } from './postgres-rows.ts';

/** The instance-wide calling policy (StrategyLevel 2), a row per instance that has set it. */
export function withInstancePolicy<B extends PostgresBase>(Base: B) {
  return class PostgresInstancePolicy extends Base {
    async findCallingHours(instanceId: string): Promise<InstanceCallingHours | undefined> {
      const row = await this.one(q.find, { instanceId });
      return row ? rows.toCallingHours(row) : undefined;
    }

    async saveCallingHours(instanceId: string, hours: InstanceCallingHours, now: number): Promise<void> {
      await this.run(q.save, rows.callingHoursParams(instanceId, hours, now));
    }
  };
}
