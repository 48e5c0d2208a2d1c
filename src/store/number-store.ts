import type { Page, PageRequest } from './rows.ts';

/** Where a pool number stands; only Active numbers exist so far (a later slice disables numbers a carrier withdraws). */
export type CallingNumberStatus = 'Active';

/** One number of a tenant's calling-number pool. */
export interface CallingNumberRow {
  /** OutboundCallNumberId and BindingId on the wire. */
  id: string;
  accountId: string;
  /** As the operator wrote it, shown in replies. */
  number: string;
  /** What it is matched by: its canonical form (src/domain/phone-number.ts matchKey). */
  numberKey: string;
  /** "City, Province" from the phone-number geodata, or what the operator gave; '' when unknown. */
  region: string;
  status: CallingNumberStatus;
  /** The SIP URI calls from this number go out through; '' for the server's own trunk. */
  trunk: string;
  /** ModifyOutboundCallNumber's limit: at most `rateLimitCount` calls per `rateLimitPeriod` seconds (0: none). */
  rateLimitCount: number;
  rateLimitPeriod: number;
  createdAt: number;
}

/** A pool number with the names of the instances it is bound to. */
export interface PoolNumberRow extends CallingNumberRow {
  instanceNames: string[];
}

/** One of the account's instances and whether a number is bound to it. */
export interface InstanceBindingRow {
  instanceId: string;
  instanceName: string;
  bound: boolean;
}

/**
 * Persistence for calling numbers: a tenant's pool and its bindings to instances.
 * A sub-store of Store (`store.numbers`). Every lookup is scoped by account or
 * instance: another tenant's number is indistinguishable from an absent one. Every
 * backend passes test/store/number-store-contract.ts.
 */
export interface NumberStore {
  /** Adds numbers to their accounts' pools; a number already there (the same key) is left as it is. Returns the keys added. */
  addNumbers(rows: readonly CallingNumberRow[]): Promise<Set<string>>;
  findNumber(accountId: string, numberKey: string): Promise<CallingNumberRow | undefined>;
  /** The account's pool, oldest first, each number with the instances it is bound to. */
  listNumbers(accountId: string): Promise<PoolNumberRow[]>;
  /** Takes the number out of the pool and off every instance. */
  removeNumber(accountId: string, numberKey: string): Promise<boolean>;
  /**
   * Binds the number to exactly these instances (replacing its bindings), in one
   * transaction; ids that are no instance of the account are skipped. Returns the ids bound.
   */
  setBindings(accountId: string, numberId: string, instanceIds: readonly string[], now: number): Promise<Set<string>>;
  /** Binds the account's pool numbers with these keys to the instance (keys not in the pool are skipped). */
  bindKeys(accountId: string, instanceId: string, numberKeys: readonly string[], now: number): Promise<void>;
  /** Every instance of the account, oldest first, and whether the number is bound to it. */
  instanceBindings(accountId: string, numberId: string): Promise<InstanceBindingRow[]>;
  /** The numbers bound to the instance, oldest first. */
  listInstanceNumbers(instanceId: string, page: PageRequest): Promise<Page<CallingNumberRow>>;
  findInstanceNumber(instanceId: string, numberId: string): Promise<CallingNumberRow | undefined>;
  setRateLimit(accountId: string, numberId: string, count: number, period: number): Promise<boolean>;
  unbind(instanceId: string, numberId: string): Promise<boolean>;
}

/** Each pool number with the names of its instances (from `boundNames`: one row per binding), written once for both backends. */
export function withInstanceNames(numbers: readonly CallingNumberRow[], bound: readonly Record<string, unknown>[]): PoolNumberRow[] {
  const names = new Map<string, string[]>();
  for (const row of bound) {
    const id = String(row.numberId);
    names.set(id, [...(names.get(id) ?? []), String(row.name)]);
  }
  return numbers.map((number) => ({ ...number, instanceNames: names.get(number.id) ?? [] }));
}
