import { ApiError, invalidParameter } from '../domain/errors.ts';
import { matchKey } from '../domain/phone-number.ts';
import type { CallingNumberRow, InstanceBindingRow, PoolNumberRow } from '../store/number-store.ts';
import type { Page, PageRequest } from '../store/rows.ts';
import type { InstanceService } from './instance-service.ts';
import type { NumberPoolService } from './number-pool-service.ts';
import type { ServiceDeps } from './service-deps.ts';

/** How one instance of a CreateInstanceBindNumber fared: false for an id that is no instance of the tenant. */
export interface BindResult {
  instanceId: string;
  bound: boolean;
}

/**
 * Which of a tenant's pool numbers each instance may call from: the API's side of
 * the pool (CreateInstanceBindNumber, ListOutboundCallNumbers ...). Rate limits are
 * stored per pool number, for every instance it is bound to; the dispatcher does not
 * enforce them yet (docs/strategy.md "Calling numbers").
 */
export class NumberBindingService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
    private readonly pool: NumberPoolService,
  ) {}

  /** Binds the pool number to exactly these instances; an empty list unbinds it everywhere. */
  async bind(accountId: string, number: string, instanceIds: readonly string[]): Promise<BindResult[]> {
    const entry = await this.pool.require(accountId, number);
    const bound = await this.deps.store.numbers.setBindings(accountId, entry.id, instanceIds, this.deps.clock.now());
    return instanceIds.map((instanceId) => ({ instanceId, bound: bound.has(instanceId) }));
  }

  /** Every instance of the tenant and whether the number is bound to it. */
  async describe(accountId: string, number: string): Promise<InstanceBindingRow[]> {
    const entry = await this.pool.require(accountId, number);
    return this.deps.store.numbers.instanceBindings(accountId, entry.id);
  }

  listAll(accountId: string): Promise<PoolNumberRow[]> {
    return this.pool.list(accountId);
  }

  async listForInstance(accountId: string, instanceId: string, page: PageRequest): Promise<Page<CallingNumberRow>> {
    await this.instances.require(accountId, instanceId);
    return this.deps.store.numbers.listInstanceNumbers(instanceId, page);
  }

  /** Sets the number's rate limit (`count` calls per `period` seconds); `number` must be the number of that ID, in any form. */
  async setRateLimit(accountId: string, instanceId: string, numberId: string, number: string, count: number, period: number): Promise<CallingNumberRow> {
    const entry = await this.bound(accountId, instanceId, numberId);
    if (matchKey(number) !== entry.numberKey) throw invalidParameter('Number', `is not the number of OutboundCallNumberId ${numberId.slice(0, 64)}`);
    await this.deps.store.numbers.setRateLimit(accountId, entry.id, count, period);
    return { ...entry, rateLimitCount: count, rateLimitPeriod: period };
  }

  /** Unbinds the number from the instance; it stays in the pool and on its other instances. */
  async unbind(accountId: string, instanceId: string, numberId: string): Promise<void> {
    await this.bound(accountId, instanceId, numberId);
    await this.deps.store.numbers.unbind(instanceId, numberId);
  }

  private async bound(accountId: string, instanceId: string, numberId: string): Promise<CallingNumberRow> {
    await this.instances.require(accountId, instanceId);
    const entry = await this.deps.store.numbers.findInstanceNumber(instanceId, numberId);
    if (!entry) throw new ApiError('NotExist.CallingNumber', `No calling number ${numberId.slice(0, 64)} is bound to the instance.`);
    return entry;
  }
}
