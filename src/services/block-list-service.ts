import { ApiError } from '../domain/errors.ts';
import { matchKey } from '../domain/phone-number.ts';
import type { BlockedNumberRow } from '../store/dialog-store.ts';
import type { Page, PageRequest } from '../store/rows.ts';
import type { InstanceService } from './instance-service.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface BlockEntryInput {
  phoneNumber: string;
  /** Its canonical form, when the caller has it (ContactBlockListsJson's schema); computed otherwise. */
  e164?: string;
  name?: string;
  remark?: string;
  creator?: string;
}

/**
 * An instance's contact block list: numbers the dispatcher never dials for any of
 * the instance's groups. Entries come from SaveContactBlockList and from callees
 * who opt out during a call (added in the call's settlement).
 */
export class BlockListService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
  ) {}

  /** Adds the entries; numbers already listed are left as they are. Returns how many were added. */
  async save(accountId: string, instanceId: string, entries: readonly BlockEntryInput[]): Promise<number> {
    await this.instances.require(accountId, instanceId);
    const now = this.deps.clock.now();
    const rows: BlockedNumberRow[] = entries.map((entry) => ({
      id: this.deps.ids.next(),
      instanceId,
      phoneNumber: entry.phoneNumber,
      numberKey: entry.e164 ?? matchKey(entry.phoneNumber),
      name: entry.name ?? '',
      remark: entry.remark ?? '',
      creator: entry.creator ?? '',
      createdAt: now,
    }));
    return this.deps.store.dialog.addBlockedNumbers(rows);
  }

  async list(accountId: string, instanceId: string, search: string | undefined, page: PageRequest): Promise<Page<BlockedNumberRow>> {
    await this.instances.require(accountId, instanceId);
    return this.deps.store.dialog.listBlockedNumbers(instanceId, search, page);
  }

  async delete(accountId: string, instanceId: string, id: string): Promise<void> {
    await this.instances.require(accountId, instanceId);
    if (!(await this.deps.store.dialog.deleteBlockedNumber(instanceId, id))) throw new ApiError('NotExist.ContactBlockList');
  }
}
