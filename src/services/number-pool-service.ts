import { ApiError, invalidParameter } from '../domain/errors.ts';
import { CALLING_NUMBER, matchKey } from '../domain/phone-number.ts';
import { readTrunkUri, TRUNK_URI_FORM } from '../domain/trunk-uri.ts';
import type { CallingNumberRow, PoolNumberRow } from '../store/number-store.ts';
import type { InstanceRow } from '../store/rows.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Where a number is, as the phone-number geodata says (src/telephony/number-directory.ts). */
export interface RegionLookup {
  describe(number: string): Promise<{ city: string; province: string } | undefined>;
}

/** What the operator gives for one pool number (`outboundbot numbers add`). */
export interface PoolNumberInput {
  number: string;
  /** Defaults to the geodata's "City, Province". */
  region?: string;
  /** A SIP URI; defaults to '' (the server's own trunk). */
  trunk?: string;
}

/** How the pool is set up: where regions come from, and the numbers every new instance gets. */
export interface NumberPoolSettings {
  regions: RegionLookup;
  /** Bound to every new instance (the emulator's test numbers); none by default. */
  testNumbers?: readonly string[];
}

const MAX_REGION = 64;
const MAX_TRUNK = 256;

/**
 * A tenant's pool of calling numbers, as the operator keeps it: numbers added with
 * their region, status and trunk, listed, removed. Binding them to instances is
 * NumberBindingService's (the API's side); this one also binds the test numbers to
 * each new instance.
 */
export class NumberPoolService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: NumberPoolSettings,
  ) {}

  /** Adds the numbers (all checked before any is written); returns those added and those already in the pool. */
  async add(accountId: string, inputs: readonly PoolNumberInput[]): Promise<{ added: CallingNumberRow[]; present: string[] }> {
    const rows: CallingNumberRow[] = [];
    const keys = new Set<string>();
    for (const input of inputs) {
      const row = await this.newRow(accountId, input);
      if (keys.has(row.numberKey)) continue;
      keys.add(row.numberKey);
      rows.push(row);
    }
    const added = await this.deps.store.numbers.addNumbers(rows);
    return {
      added: rows.filter((row) => added.has(row.numberKey)),
      present: rows.filter((row) => !added.has(row.numberKey)).map((row) => row.number),
    };
  }

  /** Whether the account exists (the CLI names accounts by id). */
  async hasAccount(accountId: string): Promise<boolean> {
    return (await this.deps.store.findAccount(accountId)) !== undefined;
  }

  list(accountId: string): Promise<PoolNumberRow[]> {
    return this.deps.store.numbers.listNumbers(accountId);
  }

  /** Takes a number (in any written form) out of the pool and off every instance. */
  async remove(accountId: string, number: string): Promise<void> {
    if (!(await this.deps.store.numbers.removeNumber(accountId, matchKey(number)))) throw callingNumberNotFound(number);
  }

  /** The pool entry of a number in any written form. */
  async require(accountId: string, number: string): Promise<CallingNumberRow> {
    const found = await this.deps.store.numbers.findNumber(accountId, matchKey(number));
    if (!found) throw callingNumberNotFound(number);
    return found;
  }

  /** Binds the test numbers to a new instance, adding to its tenant's pool those missing. */
  async bindTestNumbers(instance: InstanceRow): Promise<void> {
    const numbers = this.settings.testNumbers ?? [];
    if (numbers.length === 0) return;
    await this.add(instance.accountId, numbers.map((number) => ({ number })));
    await this.deps.store.numbers.bindKeys(instance.accountId, instance.id, numbers.map(matchKey), this.deps.clock.now());
  }

  private async newRow(accountId: string, input: PoolNumberInput): Promise<CallingNumberRow> {
    if (!CALLING_NUMBER.test(input.number)) throw invalidParameter('Number', `"${input.number.slice(0, 32)}" is not a calling number (3 to 20 digits, an optional leading +)`);
    const trunk = input.trunk ?? '';
    if (trunk !== '' && (trunk.length > MAX_TRUNK || !readTrunkUri(trunk))) throw invalidParameter('Trunk', `must be ${TRUNK_URI_FORM}, got "${trunk.slice(0, 64)}"`);
    const region = input.region ?? (await this.regionOf(input.number));
    if (region.length > MAX_REGION) throw invalidParameter('Region', `longer than ${MAX_REGION} characters`);
    return {
      id: this.deps.ids.next(),
      accountId,
      number: input.number,
      numberKey: matchKey(input.number),
      region,
      status: 'Active',
      trunk,
      rateLimitCount: 0,
      rateLimitPeriod: 0,
      createdAt: this.deps.clock.now(),
    };
  }

  /** "City, Province" ("Hangzhou, Zhejiang"), one name where they are the same ("Shanghai"), '' when unknown. */
  private async regionOf(number: string): Promise<string> {
    const place = await this.settings.regions.describe(number);
    if (!place || !place.city) return place?.province ?? '';
    return place.city === place.province || !place.province ? place.city : `${place.city}, ${place.province}`;
  }
}

export const callingNumberNotFound = (number: string) =>
  new ApiError('NotExist.CallingNumber', `The calling number ${number.slice(0, 32)} is not in the tenant's number pool.`);
