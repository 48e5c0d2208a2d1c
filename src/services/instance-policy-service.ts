import { OPEN_ALL_HOURS, type InstanceCallingHours } from '../domain/instance-policy.ts';
import type { InstanceService } from './instance-service.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The instance-wide calling policy (StrategyLevel 2, EntryId = the instance): the
 * hours every group of the instance calls within, set once by the operator. The
 * dispatcher reads them with the groups it draws from (src/engine/engine.ts).
 */
export class InstancePolicyService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
  ) {}

  /** The instance's calling hours; an instance that never set them is open all hours. */
  async callingHours(accountId: string, instanceId: string): Promise<InstanceCallingHours> {
    await this.instances.require(accountId, instanceId);
    return (await this.deps.store.findCallingHours(instanceId)) ?? OPEN_ALL_HOURS;
  }

  /** Replaces the instance's calling hours; the next dispatch round obeys them. */
  async saveCallingHours(accountId: string, instanceId: string, hours: InstanceCallingHours): Promise<void> {
    await this.instances.require(accountId, instanceId);
    const workingTime = [...hours.workingTime].sort((a, b) => (a.beginTime < b.beginTime ? -1 : 1));
    await this.deps.store.saveCallingHours(instanceId, { ...hours, workingTime }, this.deps.clock.now());
    // Jobs held back by the old hours may be callable under the new ones.
    this.deps.work?.wake();
  }
}
