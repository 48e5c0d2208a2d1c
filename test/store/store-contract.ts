/**
 * The Store contract: what every backend (SQLite now, PostgreSQL later) must do,
 * exercised through the Store interface only, never through SQL. A backend's test
 * file calls runStoreContract once with a factory that opens an empty store; every
 * test opens its own, so tests are independent and may run in parallel.
 *
 * The shape follows graphile/worker's per-test fresh database
 * (`__tests__/helpers.ts`) and pg-boss's one suite per backend (`test/config.*.json`).
 *
 * Rows are compared with `sameRow`, which ignores keys whose value is undefined:
 * whether a backend returns `{ policy: undefined }` or omits the key is not part of
 * the contract, while every defined value is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIdGenerator } from '../../src/domain/ids.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import type {
  AccessKeyRow,
  AccountRow,
  InstanceRow,
  JobGroupCounters,
  JobGroupRow,
  JobGroupStatus,
  PolicyDocument,
  ScriptRow,
  ScriptVersionRow,
  Strategy,
} from '../../src/store/rows.ts';
import type { Store } from '../../src/store/store.ts';

/** An empty store and what releases it (closing the store and dropping its data). */
export interface OpenedStore {
  store: Store;
  cleanup: () => Promise<void>;
}

export type OpenStore = () => Promise<OpenedStore>;

/** A test body run on an empty store of `open`'s, released whatever the body does. */
export function withStoreOf(open: OpenStore) {
  return (body: (store: Store) => Promise<void>) => async () => {
    const { store, cleanup } = await open();
    try {
      await body(store);
    } finally {
      await cleanup();
    }
  };
}

/** 2025-10-09T08:53:20Z: beyond 32 bits, so backends must keep times as 64-bit integers. */
export const T0 = 1_760_000_000_000;
export const DAY = 24 * 60 * 60 * 1000;

export const ZERO_COUNTERS: JobGroupCounters = {
  totalJobs: 0,
  scheduling: 0,
  executing: 0,
  completed: 0,
  failed: 0,
  paused: 0,
  cancelled: 0,
  notAnswered: 0,
  totalCalls: 0,
  inFlight: 0,
  startTime: 0,
  endTime: 0,
  finishedNum: 0,
  clientHangupNum: 0,
  noInteractNum: 0,
  timeoutHangupNum: 0,
  unrecognizedNum: 0,
};

const SUB_USER_POLICY: PolicyDocument = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: ['outboundbot:List*', 'outboundbot:Describe*'], Resource: ['*'] },
    { Effect: 'Deny', Action: ['outboundbot:DeleteInstance'], Resource: ['acs:outboundbot:*:*:instance/*'] },
  ],
};

// Comparison -------------------------------------------------------------------

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    );
  }
  return value;
}

/** Deep strict equality of rows, ignoring keys whose value is undefined. */
export function sameRow(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(withoutUndefined(actual), withoutUndefined(expected), message);
}

function byId<T extends { id: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function ids(rows: ReadonlyArray<{ id: string }>): string[] {
  return rows.map((row) => row.id);
}

// Row factories ----------------------------------------------------------------

/**
 * Builds rows with ids from a UUIDv7 generator on a manual clock that moves one
 * millisecond per id, so ids (and createdAt values) strictly increase in creation
 * order. `seed*` methods also insert what they build.
 */
export class Fixtures {
  readonly clock = new ManualClock(T0);
  private readonly generator = createIdGenerator(this.clock);
  private serial = 0;

  constructor(readonly store: Store) {}

  id(): string {
    this.clock.advance(1);
    return this.generator.next();
  }

  account(over: Partial<AccountRow> = {}): AccountRow {
    const n = ++this.serial;
    return { id: this.id(), uid: 1_200_000_000_000_000 + n, name: `account-${n}`, createdAt: this.clock.now(), ...over };
  }

  accessKey(accountId: string, over: Partial<AccessKeyRow> = {}): AccessKeyRow {
    const n = ++this.serial;
    return {
      id: `LTAIcontract${String(n).padStart(8, '0')}`,
      accountId,
      secret: `secret-${n}-0123456789abcdef`,
      status: 'Active',
      isRoot: true,
      name: `key-${n}`,
      createdAt: this.clock.now(),
      ...over,
    };
  }

  instance(accountId: string, over: Partial<InstanceRow> = {}): InstanceRow {
    const n = ++this.serial;
    const id = this.id();
    return {
      id,
      accountId,
      name: `instance-${n}`,
      description: `外呼实例 ${n}`,
      maxConcurrentConversation: 10,
      nluServiceType: 'Managed',
      resourceGroupId: 'rg-default',
      callingNumbers: ['05712345678', '05718765432'],
      creatorId: 1_234_567_890_123_456,
      creatorName: 'root',
      ownerName: 'owner',
      createdAt: this.clock.now(),
      modifiedAt: this.clock.now(),
      ...over,
    };
  }

  script(instanceId: string, over: Partial<ScriptRow> = {}): ScriptRow {
    const n = ++this.serial;
    return {
      id: this.id(),
      instanceId,
      name: `script-${n}`,
      description: `话术 ${n}`,
      industry: 'Finance',
      scene: 'Collection',
      nluEngine: 'Prompts',
      nluAccessType: 'Managed',
      settings: {
        agentId: 42,
        agentLlm: true,
        asrConfig: '{"vocabulary":"v1"}',
        emotionEnable: false,
        nluProfile: { fcFunction: 'fn', fcRegion: 'cn-shanghai', supportBeebotPrompts: true },
        scriptContent: ['hello', '你好'],
        scriptWaveform: [],
      },
      publishedVersion: undefined,
      isDrafted: true,
      createdAt: this.clock.now(),
      updatedAt: this.clock.now(),
      ...over,
    };
  }

  strategy(over: Partial<Strategy> = {}): Strategy {
    return {
      id: 'strategy-1',
      name: 'office hours',
      description: 'weekdays, two windows',
      maxAttemptsPerDay: 3,
      minAttemptInterval: 10,
      routingStrategy: 'LocalProvinceFirst',
      repeatBy: 'Week',
      repeatable: true,
      repeatDays: [1, 2, 3, 4, 5],
      workingTime: [
        { beginTime: '09:00:00', endTime: '12:00:00' },
        { beginTime: '14:00:00', endTime: '18:00:00' },
      ],
      startTime: T0,
      endTime: T0 + 30 * DAY,
      timeZoneBy: 'Instance',
      customized: '{"note":"x"}',
      ...over,
    };
  }

  jobGroup(instanceId: string, over: Partial<JobGroupRow> = {}): JobGroupRow {
    const n = ++this.serial;
    return {
      id: this.id(),
      instanceId,
      name: `group-${n}`,
      description: `description-${n}`,
      scriptId: '',
      scenarioId: '',
      strategy: this.strategy(),
      recallStrategy: { emptyNumberIgnore: true, inArrearsIgnore: false, outOfServiceIgnore: true },
      callingNumbers: ['05712345678'],
      recallCallingNumbers: [],
      priority: 'Daily',
      ringingDuration: 25,
      minConcurrency: 0,
      flashSmsExtras: undefined,
      jobFilePath: '',
      jobDataParsingTaskId: '',
      status: 'Draft',
      createdAt: this.clock.now(),
      modifiedAt: this.clock.now(),
      ...over,
    };
  }

  version(script: ScriptRow, version: string, publishedAt: number, description = `release ${version}`): ScriptVersionRow {
    const { publishedVersion: _published, isDrafted: _drafted, ...snapshot } = script;
    return { scriptId: script.id, instanceId: script.instanceId, version, description, publishedAt, snapshot };
  }

  async seedAccount(over: Partial<AccountRow> = {}): Promise<AccountRow> {
    const account = this.account(over);
    await this.store.insertAccount(account);
    return account;
  }

  async seedInstance(accountId: string, over: Partial<InstanceRow> = {}): Promise<InstanceRow> {
    const instance = this.instance(accountId, over);
    await this.store.insertInstance(instance);
    return instance;
  }

  /** An account with one instance: the scope most tests work in. */
  async seedTenant(): Promise<{ account: AccountRow; instance: InstanceRow }> {
    const account = await this.seedAccount();
    const instance = await this.seedInstance(account.id);
    return { account, instance };
  }

  async seedScript(instanceId: string, over: Partial<ScriptRow> = {}): Promise<ScriptRow> {
    const script = this.script(instanceId, over);
    await this.store.insertScript(script);
    return script;
  }

  async seedJobGroup(instanceId: string, over: Partial<JobGroupRow> = {}): Promise<JobGroupRow> {
    const group = this.jobGroup(instanceId, over);
    await this.store.insertJobGroup(group);
    return group;
  }
}

// The suite --------------------------------------------------------------------

/** Makes test bodies that each run against a store of their own (with fixtures over it), released afterwards whatever happens. */
export function freshStore<F>(open: OpenStore, fixtures: (store: Store) => F) {
  return (body: (f: F, store: Store) => Promise<void>) =>
    async (): Promise<void> => {
      const { store, cleanup } = await open();
      try {
        await body(fixtures(store), store);
      } finally {
        await cleanup();
      }
    };
}

export function runStoreContract(name: string, open: OpenStore): void {
  const fresh = freshStore(open, (store) => new Fixtures(store));

  describe(`Store contract: ${name}`, () => {
    describe('accounts', () => {
      it(
        'findAccount returns an inserted account unchanged',
        fresh(async (f, store) => {
          const account = await f.seedAccount({ name: '阿里云账号' });
          sameRow(await store.findAccount(account.id), account);
        }),
      );

      it(
        'findAccount returns undefined for an unknown id',
        fresh(async (f, store) => {
          await f.seedAccount();
          assert.equal(await store.findAccount(f.id()), undefined);
        }),
      );

      it(
        'listAccounts returns every inserted account',
        fresh(async (f, store) => {
          assert.deepStrictEqual(await store.listAccounts(), []);
          const accounts = [await f.seedAccount(), await f.seedAccount(), await f.seedAccount()];
          sameRow(byId(await store.listAccounts()), byId(accounts));
        }),
      );
    });

    describe('access keys', () => {
      it(
        'a root key round-trips with isRoot true and no policy',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const key = f.accessKey(account.id, { isRoot: true, policy: undefined });
          await store.insertAccessKey(key);
          const found = await store.findAccessKey(key.id);
          sameRow(found, key);
          assert.equal(found?.isRoot, true);
          assert.equal(found?.policy, undefined);
        }),
      );

      it(
        'a sub-user key round-trips with isRoot false and its policy document',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const key = f.accessKey(account.id, { isRoot: false, policy: SUB_USER_POLICY, status: 'Inactive' });
          await store.insertAccessKey(key);
          const found = await store.findAccessKey(key.id);
          sameRow(found, key);
          assert.equal(found?.isRoot, false);
          assert.deepStrictEqual(found?.policy, SUB_USER_POLICY);
        }),
      );

      it(
        'findAccessKey returns undefined for an unknown id',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          await store.insertAccessKey(f.accessKey(account.id));
          assert.equal(await store.findAccessKey('LTAIunknown'), undefined);
        }),
      );

      it(
        'listAccessKeys returns the keys of every account',
        fresh(async (f, store) => {
          assert.deepStrictEqual(await store.listAccessKeys(), []);
          const first = await f.seedAccount();
          const second = await f.seedAccount();
          const keys = [
            f.accessKey(first.id),
            f.accessKey(first.id, { isRoot: false, policy: SUB_USER_POLICY }),
            f.accessKey(second.id, { status: 'Inactive' }),
          ];
          for (const key of keys) await store.insertAccessKey(key);
          sameRow(byId(await store.listAccessKeys()), byId(keys));
        }),
      );

      it(
        'updateAccessKey changes the status alone and reports true',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const key = f.accessKey(account.id);
          await store.insertAccessKey(key);
          assert.equal(await store.updateAccessKey(key.id, { status: 'Inactive' }), true);
          sameRow(await store.findAccessKey(key.id), { ...key, status: 'Inactive' });
          assert.equal(await store.updateAccessKey(key.id, { status: 'Active' }), true);
          sameRow(await store.findAccessKey(key.id), key);
        }),
      );

      it(
        'updateAccessKey replaces the secret alone and reports true',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const key = f.accessKey(account.id, { status: 'Inactive' });
          await store.insertAccessKey(key);
          assert.equal(await store.updateAccessKey(key.id, { secret: 'rotated-secret' }), true);
          sameRow(await store.findAccessKey(key.id), { ...key, secret: 'rotated-secret' });
        }),
      );

      it(
        'updateAccessKey changes status and secret together and leaves other keys alone',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const key = f.accessKey(account.id);
          const other = f.accessKey(account.id);
          await store.insertAccessKey(key);
          await store.insertAccessKey(other);
          assert.equal(await store.updateAccessKey(key.id, { status: 'Inactive', secret: 'rotated-secret' }), true);
          sameRow(await store.findAccessKey(key.id), { ...key, status: 'Inactive', secret: 'rotated-secret' });
          sameRow(await store.findAccessKey(other.id), other);
        }),
      );

      it(
        'updateAccessKey reports false for an unknown key',
        fresh(async (_f, store) => {
          assert.equal(await store.updateAccessKey('LTAIunknown', { status: 'Inactive', secret: 'x' }), false);
          assert.equal(await store.findAccessKey('LTAIunknown'), undefined);
        }),
      );
    });

    describe('signature nonces', () => {
      it(
        'the first claim of a nonce succeeds',
        fresh(async (_f, store) => {
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0, T0 + 900_000), true);
        }),
      );

      it(
        'claiming a nonce again before its record expires is refused as a replay',
        fresh(async (_f, store) => {
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0, T0 + 900_000), true);
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0, T0 + 900_000), false);
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0 + 899_999, T0 + 1_800_000), false);
        }),
      );

      it(
        'a nonce can be claimed again once its record has expired, even before a purge',
        fresh(async (_f, store) => {
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0, T0 + 1000), true);
          // A record is expired from its expiresAt onward.
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0 + 1000, T0 + 5000), true);
          // The new claim is live until its own expiry.
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0 + 4999, T0 + 9000), false);
          assert.equal(await store.claimNonce('LTAIkey', 'nonce-1', T0 + 5000, T0 + 9000), true);
        }),
      );

      it(
        'nonces are tracked per access key',
        fresh(async (_f, store) => {
          assert.equal(await store.claimNonce('LTAIfirst', 'shared-nonce', T0, T0 + 900_000), true);
          assert.equal(await store.claimNonce('LTAIsecond', 'shared-nonce', T0, T0 + 900_000), true);
          assert.equal(await store.claimNonce('LTAIfirst', 'shared-nonce', T0, T0 + 900_000), false);
          assert.equal(await store.claimNonce('LTAIsecond', 'shared-nonce', T0, T0 + 900_000), false);
        }),
      );

      it(
        'purgeNonces deletes only the expired records and returns how many it deleted',
        fresh(async (_f, store) => {
          await store.claimNonce('LTAIkey', 'early', T0, T0 + 100);
          await store.claimNonce('LTAIkey', 'boundary', T0, T0 + 200);
          await store.claimNonce('LTAIkey', 'live', T0, T0 + 300);
          await store.claimNonce('LTAIother', 'live', T0, T0 + 300);
          assert.equal(await store.purgeNonces(T0 + 200), 2);
          // Purged records no longer block a claim, even one dated before their old expiry.
          assert.equal(await store.claimNonce('LTAIkey', 'early', T0, T0 + 100), true);
          assert.equal(await store.claimNonce('LTAIkey', 'boundary', T0, T0 + 200), true);
          // Live records stay and still refuse replays.
          assert.equal(await store.claimNonce('LTAIkey', 'live', T0 + 250, T0 + 1000), false);
          assert.equal(await store.claimNonce('LTAIother', 'live', T0 + 250, T0 + 1000), false);
          assert.equal(await store.purgeNonces(T0 + 200), 2);
          assert.equal(await store.purgeNonces(T0 + 200), 0);
        }),
      );
    });

    describe('settings', () => {
      it(
        'getSetting returns undefined for a key never set',
        fresh(async (_f, store) => {
          assert.equal(await store.getSetting('root.accessKeyId'), undefined);
        }),
      );

      it(
        'setSetting stores a value that getSetting returns, keys kept apart',
        fresh(async (_f, store) => {
          await store.setSetting('root.accessKeyId', 'LTAIroot');
          await store.setSetting('other', '');
          assert.equal(await store.getSetting('root.accessKeyId'), 'LTAIroot');
          assert.equal(await store.getSetting('other'), '');
        }),
      );

      it(
        'setSetting overwrites the value of an existing key',
        fresh(async (_f, store) => {
          await store.setSetting('root.accessKeyId', 'LTAIfirst');
          await store.setSetting('root.accessKeyId', 'LTAIsecond');
          assert.equal(await store.getSetting('root.accessKeyId'), 'LTAIsecond');
        }),
      );

      it(
        'initSetting keeps the first value of many racing and tells it to every caller',
        fresh(async (_f, store) => {
          const answers = await Promise.all(['a', 'b', 'c', 'd'].map((value) => store.initSetting('secret', value)));
          const kept = await store.getSetting('secret');
          assert.ok(kept && ['a', 'b', 'c', 'd'].includes(kept));
          assert.deepEqual(answers, [kept, kept, kept, kept]);
          assert.equal(await store.initSetting('secret', 'later'), kept);
        }),
      );

      it(
        'exclusively runs the bodies of one name one at a time, and a failing body releases the name',
        fresh(async (_f, store) => {
          let running = 0;
          let most = 0;
          const body = async () => {
            most = Math.max(most, ++running);
            await new Promise((resolve) => setTimeout(resolve, 20));
            running--;
          };
          await assert.rejects(store.exclusively('boot', async () => Promise.reject(new Error('boom'))), /boom/);
          await Promise.all([store.exclusively('boot', body), store.exclusively('boot', body), store.exclusively('boot', body)]);
          assert.equal(most, 1);
          assert.equal(await store.exclusively('boot', async () => 42), 42);
        }),
      );

      it(
        'groupWrites returns what its body returns and keeps every write the body made, checkpoints or not',
        fresh(async (_f, store) => {
          const result = await store.groupWrites(async (checkpoint) => {
            for (let step = 1; step <= 100; step++) {
              await store.setSetting(`step-${step % 3}`, String(step));
              await checkpoint();
            }
            return 'done';
          });
          assert.equal(result, 'done');
          assert.deepEqual([await store.getSetting('step-0'), await store.getSetting('step-1'), await store.getSetting('step-2')], ['99', '100', '98']);
          await assert.rejects(store.groupWrites(async () => {
            await store.setSetting('before-failure', 'kept');
            throw new Error('walk failed');
          }), /walk failed/);
          assert.equal(await store.getSetting('before-failure'), 'kept');
        }),
      );

      it(
        'tryExclusively skips a body while one of the same name runs, and runs it once that one ended or failed',
        fresh(async (_f, store) => {
          let release!: () => void;
          const holding = store.tryExclusively('task', () => new Promise<void>((resolve) => (release = resolve)));
          await new Promise((resolve) => setTimeout(resolve, 20));
          let ran = false;
          assert.equal(await store.tryExclusively('task', async () => void (ran = true)), false);
          assert.equal(ran, false);
          assert.equal(await store.tryExclusively('other', async () => {}), true, 'names are apart');
          release();
          assert.equal(await holding, true);
          await assert.rejects(store.tryExclusively('task', async () => Promise.reject(new Error('boom'))), /boom/);
          assert.equal(await store.tryExclusively('task', async () => void (ran = true)), true);
          assert.equal(ran, true);
        }),
      );
    });

    describe('instances', () => {
      it(
        'findInstance returns an inserted instance unchanged',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const instance = await f.seedInstance(account.id, { name: '催收机器人', callingNumbers: [] });
          sameRow(await store.findInstance(account.id, instance.id), instance);
          const withNumbers = await f.seedInstance(account.id);
          sameRow(await store.findInstance(account.id, withNumbers.id), withNumbers);
        }),
      );

      it(
        'findInstance returns undefined for an unknown id or an instance of another account',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const stranger = await f.seedAccount();
          assert.equal(await store.findInstance(stranger.id, instance.id), undefined);
          assert.equal(await store.findInstance(account.id, f.id()), undefined);
        }),
      );

      it(
        "listInstances returns only the account's instances with their total count",
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const other = await f.seedAccount();
          const mine = [await f.seedInstance(account.id), await f.seedInstance(account.id)];
          await f.seedInstance(other.id);
          const page = await store.listInstances(account.id, {}, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 2);
          sameRow(byId(page.items), byId(mine));
          const empty = await store.listInstances(f.id(), {}, { pageNumber: 1, pageSize: 10 });
          assert.deepStrictEqual(empty, { items: [], totalCount: 0 });
        }),
      );

      it(
        'listInstances keeps instances whose name contains the name filter',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const a = await f.seedInstance(account.id, { name: 'north-sales-bot' });
          const b = await f.seedInstance(account.id, { name: 'sales' });
          await f.seedInstance(account.id, { name: 'support-bot' });
          const page = await store.listInstances(account.id, { name: 'sales' }, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 2);
          assert.deepStrictEqual(ids(byId(page.items)), ids(byId([a, b])));
        }),
      );

      it(
        'listInstances matches the name filter literally, so % and _ are not wildcards',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const percent = await f.seedInstance(account.id, { name: '100% bot' });
          const underscore = await f.seedInstance(account.id, { name: 'a_b' });
          await f.seedInstance(account.id, { name: '1000 bot' });
          await f.seedInstance(account.id, { name: 'axb' });
          const byPercent = await store.listInstances(account.id, { name: '0%' }, { pageNumber: 1, pageSize: 10 });
          assert.deepStrictEqual(ids(byPercent.items), [percent.id]);
          const byUnderscore = await store.listInstances(account.id, { name: '_' }, { pageNumber: 1, pageSize: 10 });
          assert.deepStrictEqual(ids(byUnderscore.items), [underscore.id]);
        }),
      );

      it(
        'listInstances keeps instances whose resource group equals the filter exactly',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const a = await f.seedInstance(account.id, { resourceGroupId: 'rg-a' });
          await f.seedInstance(account.id, { resourceGroupId: 'rg-ab' });
          await f.seedInstance(account.id, { resourceGroupId: '' });
          const page = await store.listInstances(account.id, { resourceGroupId: 'rg-a' }, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 1);
          assert.deepStrictEqual(ids(page.items), [a.id]);
          const both = await store.listInstances(
            account.id,
            { name: a.name, resourceGroupId: 'rg-ab' },
            { pageNumber: 1, pageSize: 10 },
          );
          assert.deepStrictEqual(both, { items: [], totalCount: 0 });
        }),
      );

      it(
        'listInstances pages without overlap and reports the filtered total on every page',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const all: InstanceRow[] = [];
          for (let i = 0; i < 5; i++) all.push(await f.seedInstance(account.id));
          const seen: string[] = [];
          for (const [pageNumber, size] of [
            [1, 2],
            [2, 2],
            [3, 1],
            [4, 0],
          ] as const) {
            const page = await store.listInstances(account.id, {}, { pageNumber, pageSize: 2 });
            assert.equal(page.totalCount, 5, `totalCount on page ${pageNumber}`);
            assert.equal(page.items.length, size, `items on page ${pageNumber}`);
            seen.push(...ids(page.items));
          }
          assert.deepStrictEqual([...seen].sort(), ids(byId(all)));
        }),
      );

      it(
        'updateInstance saves the name, description, concurrency, calling numbers and modification time',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const updated: InstanceRow = {
            ...instance,
            name: 'renamed',
            description: '新的描述',
            maxConcurrentConversation: 99,
            callingNumbers: ['01012345678'],
            modifiedAt: instance.modifiedAt + DAY,
          };
          await store.updateInstance(updated);
          sameRow(await store.findInstance(account.id, instance.id), updated);
          await store.updateInstance({ ...updated, callingNumbers: [] });
          sameRow(await store.findInstance(account.id, instance.id), { ...updated, callingNumbers: [] });
        }),
      );

      it(
        'updateInstance changes nothing when the row names another account',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const stranger = await f.seedAccount();
          await store.updateInstance({ ...instance, accountId: stranger.id, name: 'hijacked' });
          sameRow(await store.findInstance(account.id, instance.id), instance);
          assert.equal(await store.findInstance(stranger.id, instance.id), undefined);
        }),
      );

      it(
        'deleteInstance removes the instance and reports true, then false',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const kept = await f.seedInstance(account.id);
          assert.equal(await store.deleteInstance(account.id, instance.id), true);
          assert.equal(await store.findInstance(account.id, instance.id), undefined);
          assert.equal(await store.deleteInstance(account.id, instance.id), false);
          sameRow(await store.findInstance(account.id, kept.id), kept);
        }),
      );

      it(
        "deleteInstance refuses another account's instance and keeps it",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const stranger = await f.seedAccount();
          assert.equal(await store.deleteInstance(stranger.id, instance.id), false);
          sameRow(await store.findInstance(account.id, instance.id), instance);
        }),
      );

      it(
        "deleteInstance also deletes the instance's scripts, script versions and job groups",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const script = await f.seedScript(instance.id);
          await store.publishScript(f.version(script, String(T0), T0));
          const group = await f.seedJobGroup(instance.id, { scriptId: script.id, minConcurrency: 3 });
          const otherScript = await f.seedScript(other.id);
          const otherGroup = await f.seedJobGroup(other.id);

          assert.equal(await store.deleteInstance(account.id, instance.id), true);

          assert.equal(await store.findScript(instance.id, script.id), undefined);
          assert.deepStrictEqual(await store.listScripts(instance.id, {}, { pageNumber: 1, pageSize: 10 }), {
            items: [],
            totalCount: 0,
          });
          assert.deepStrictEqual(
            await store.listScriptVersions(instance.id, script.id, { pageNumber: 1, pageSize: 10 }),
            { items: [], totalCount: 0 },
          );
          assert.equal(await store.findJobGroup(instance.id, group.id), undefined);
          assert.equal(await store.viewJobGroup(instance.id, group.id), undefined);
          assert.deepStrictEqual(await store.listJobGroups(instance.id, {}, { pageNumber: 1, pageSize: 10 }), {
            items: [],
            totalCount: 0,
          });
          assert.equal(await store.sumMinConcurrency(instance.id, 'Daily'), 0);

          sameRow(await store.findScript(other.id, otherScript.id), otherScript);
          sameRow(await store.findJobGroup(other.id, otherGroup.id), otherGroup);
        }),
      );
    });

    describe('scripts', () => {
      it(
        'findScript returns an inserted script unchanged, settings included, never published',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          const found = await store.findScript(instance.id, script.id);
          sameRow(found, script);
          assert.equal(found?.publishedVersion, undefined);
          assert.equal(found?.isDrafted, true);
          const bare = await f.seedScript(instance.id, { settings: {}, nluEngine: '', nluAccessType: '' });
          sameRow(await store.findScript(instance.id, bare.id), bare);
        }),
      );

      it(
        'findScript returns undefined for an unknown id or a script of another instance',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const script = await f.seedScript(instance.id);
          assert.equal(await store.findScript(other.id, script.id), undefined);
          assert.equal(await store.findScript(instance.id, f.id()), undefined);
        }),
      );

      it(
        "listScripts returns the instance's scripts newest id first with their total count",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const first = await f.seedScript(instance.id);
          await f.seedScript(other.id);
          const second = await f.seedScript(instance.id);
          const third = await f.seedScript(instance.id);
          const page = await store.listScripts(instance.id, {}, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 3);
          sameRow(page.items, [third, second, first]);
        }),
      );

      it(
        'listScripts filters by name substring and by exact NLU engine',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const a = await f.seedScript(instance.id, { name: 'loan reminder', nluEngine: 'Prompts' });
          const b = await f.seedScript(instance.id, { name: 'reminder', nluEngine: 'Bot' });
          const c = await f.seedScript(instance.id, { name: 'survey', nluEngine: 'Prompts' });
          const page = { pageNumber: 1, pageSize: 10 };

          const byName = await store.listScripts(instance.id, { name: 'remind' }, page);
          assert.equal(byName.totalCount, 2);
          assert.deepStrictEqual(ids(byName.items), [b.id, a.id]);

          const byEngine = await store.listScripts(instance.id, { nluEngine: 'Prompts' }, page);
          assert.equal(byEngine.totalCount, 2);
          assert.deepStrictEqual(ids(byEngine.items), [c.id, a.id]);

          const notAPrefix = await store.listScripts(instance.id, { nluEngine: 'Prompt' }, page);
          assert.deepStrictEqual(notAPrefix, { items: [], totalCount: 0 });

          const both = await store.listScripts(instance.id, { name: 'remind', nluEngine: 'Bot' }, page);
          assert.equal(both.totalCount, 1);
          assert.deepStrictEqual(ids(both.items), [b.id]);
        }),
      );

      it(
        'listScripts pages newest id first and reports the filtered total on every page',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const all: ScriptRow[] = [];
          for (let i = 0; i < 5; i++) all.push(await f.seedScript(instance.id));
          const newestFirst = ids(all).reverse();
          for (const [pageNumber, expected] of [
            [1, newestFirst.slice(0, 2)],
            [2, newestFirst.slice(2, 4)],
            [3, newestFirst.slice(4)],
            [4, []],
          ] as const) {
            const page = await store.listScripts(instance.id, {}, { pageNumber, pageSize: 2 });
            assert.equal(page.totalCount, 5, `totalCount on page ${pageNumber}`);
            assert.deepStrictEqual(ids(page.items), expected, `items on page ${pageNumber}`);
          }
        }),
      );

      it(
        'updateScript saves every editable field',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id, { isDrafted: false });
          const updated: ScriptRow = {
            ...script,
            name: 'renamed',
            description: '改过的',
            industry: 'Retail',
            scene: 'Survey',
            nluEngine: 'Bot',
            nluAccessType: 'Custom',
            settings: { chatbotId: 'bot-1', longWaitEnable: true, scriptContent: [] },
            isDrafted: true,
            updatedAt: script.updatedAt + DAY,
          };
          await store.updateScript(updated);
          sameRow(await store.findScript(instance.id, script.id), updated);
        }),
      );

      it(
        'updateScript changes nothing when the row names another instance',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const script = await f.seedScript(instance.id);
          await store.updateScript({ ...script, instanceId: other.id, name: 'hijacked' });
          sameRow(await store.findScript(instance.id, script.id), script);
          assert.equal(await store.findScript(other.id, script.id), undefined);
        }),
      );

      it(
        'publishScript stores the version and marks the script published and no longer drafted',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          const version = f.version(script, String(T0 + 5), T0 + 5, 'first release');
          await store.publishScript(version);

          sameRow(await store.findScript(instance.id, script.id), {
            ...script,
            publishedVersion: String(T0 + 5),
            isDrafted: false,
          });
          const versions = await store.listScriptVersions(instance.id, script.id, { pageNumber: 1, pageSize: 10 });
          assert.equal(versions.totalCount, 1);
          sameRow(versions.items, [version]);
        }),
      );

      it(
        'publishScript moves publishedVersion to the latest publication',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          await store.publishScript(f.version(script, String(T0 + 1), T0 + 1));
          await store.updateScript({ ...script, name: 'edited', isDrafted: true, publishedVersion: String(T0 + 1) });
          const edited = await store.findScript(instance.id, script.id);
          assert.equal(edited?.isDrafted, true);
          assert.equal(edited?.publishedVersion, String(T0 + 1));
          await store.publishScript(f.version({ ...script, name: 'edited' }, String(T0 + 2), T0 + 2));
          const published = await store.findScript(instance.id, script.id);
          assert.equal(published?.publishedVersion, String(T0 + 2));
          assert.equal(published?.isDrafted, false);
          assert.equal(published?.name, 'edited');
        }),
      );

      it(
        'publishScript rejects a version the script already has and changes nothing',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          const version = f.version(script, String(T0 + 1), T0 + 1);
          await store.publishScript(version);
          const drafted = { ...script, name: 'edited', isDrafted: true, publishedVersion: version.version };
          await store.updateScript(drafted);

          await assert.rejects(store.publishScript({ ...version, description: 'again', snapshot: { ...version.snapshot, name: 'edited' } }));

          sameRow(await store.findScript(instance.id, script.id), drafted);
          const versions = await store.listScriptVersions(instance.id, script.id, { pageNumber: 1, pageSize: 10 });
          sameRow(versions, { items: [version], totalCount: 1 });
        }),
      );

      it(
        'listScriptVersions lists versions newest first with paging and their total count',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          const sibling = await f.seedScript(instance.id);
          const versions = [1, 2, 3, 4, 5].map((n) => f.version({ ...script, name: `v${n}` }, String(T0 + n * 1000), T0 + n * 1000));
          for (const version of versions) await store.publishScript(version);
          await store.publishScript(f.version(sibling, String(T0 + 9000), T0 + 9000));

          const newestFirst = [...versions].reverse();
          for (const [pageNumber, expected] of [
            [1, newestFirst.slice(0, 2)],
            [2, newestFirst.slice(2, 4)],
            [3, newestFirst.slice(4)],
            [4, []],
          ] as const) {
            const page = await store.listScriptVersions(instance.id, script.id, { pageNumber, pageSize: 2 });
            assert.equal(page.totalCount, 5, `totalCount on page ${pageNumber}`);
            sameRow(page.items, expected, `items on page ${pageNumber}`);
          }
        }),
      );

      it(
        'listScriptVersions orders versions published in the same millisecond by version, newest first',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          // The service keeps versions strictly increasing: max(now, previous + 1).
          await store.publishScript(f.version(script, String(T0), T0));
          await store.publishScript(f.version(script, String(T0 + 1), T0));
          const page = await store.listScriptVersions(instance.id, script.id, { pageNumber: 1, pageSize: 10 });
          assert.deepStrictEqual(
            page.items.map((v) => v.version),
            [String(T0 + 1), String(T0)],
          );
        }),
      );

      it(
        'listScriptVersions is empty for a script asked for under another instance',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const script = await f.seedScript(instance.id);
          await store.publishScript(f.version(script, String(T0), T0));
          assert.deepStrictEqual(await store.listScriptVersions(other.id, script.id, { pageNumber: 1, pageSize: 10 }), {
            items: [],
            totalCount: 0,
          });
        }),
      );

      it(
        'deleteScript removes the script with its versions and reports true, then false',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          const kept = await f.seedScript(instance.id);
          await store.publishScript(f.version(script, String(T0), T0));
          assert.equal(await store.deleteScript(instance.id, script.id), true);
          assert.equal(await store.findScript(instance.id, script.id), undefined);
          assert.deepStrictEqual(
            await store.listScriptVersions(instance.id, script.id, { pageNumber: 1, pageSize: 10 }),
            { items: [], totalCount: 0 },
          );
          assert.equal(await store.deleteScript(instance.id, script.id), false);
          sameRow(await store.findScript(instance.id, kept.id), kept);
        }),
      );

      it(
        "deleteScript refuses another instance's script and keeps it",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const script = await f.seedScript(instance.id);
          assert.equal(await store.deleteScript(other.id, script.id), false);
          sameRow(await store.findScript(instance.id, script.id), script);
        }),
      );
    });

    describe('job groups', () => {
      it(
        'insertJobGroup starts the group with every counter at zero',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const view = await store.viewJobGroup(instance.id, group.id);
          assert.ok(view);
          assert.deepStrictEqual(view.counters, ZERO_COUNTERS);
        }),
      );

      it(
        'viewJobGroup returns the group with no briefs, no categories and no export yet',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const view = await store.viewJobGroup(instance.id, group.id, ['intent', 'level']);
          assert.ok(view);
          sameRow(view.group, group);
          assert.deepStrictEqual(view.briefs, []);
          assert.deepStrictEqual(view.categories, []);
          assert.equal(view.latestExport, undefined);
        }),
      );

      it(
        "viewJobGroup reports the script's name, published version and NLU engine",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id, { name: '催收话术', nluEngine: 'Prompts' });
          await store.publishScript(f.version(script, String(T0 + 7), T0 + 7));
          const group = await f.seedJobGroup(instance.id, { scriptId: script.id, scenarioId: script.id });
          const view = await store.viewJobGroup(instance.id, group.id);
          assert.ok(view);
          assert.equal(view.scriptName, '催收话术');
          assert.equal(view.scriptVersion, String(T0 + 7));
          assert.equal(view.scriptNluEngine, 'Prompts');
        }),
      );

      it(
        'viewJobGroup reports an empty script version while the script is unpublished',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id, { name: 'draft only', nluEngine: 'Bot' });
          const group = await f.seedJobGroup(instance.id, { scriptId: script.id });
          const view = await store.viewJobGroup(instance.id, group.id);
          assert.ok(view);
          assert.equal(view.scriptName, 'draft only');
          assert.equal(view.scriptVersion, '');
          assert.equal(view.scriptNluEngine, 'Bot');
        }),
      );

      it(
        'viewJobGroup reports empty script details without a script, with a deleted one or with one of another instance',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const foreign = await f.seedScript(other.id);
          await store.publishScript(f.version(foreign, String(T0), T0));
          const deleted = await f.seedScript(instance.id);
          const groups = [
            await f.seedJobGroup(instance.id, { scriptId: '' }),
            await f.seedJobGroup(instance.id, { scriptId: deleted.id }),
            await f.seedJobGroup(instance.id, { scriptId: foreign.id }),
          ];
          await store.deleteScript(instance.id, deleted.id);
          for (const group of groups) {
            const view = await store.viewJobGroup(instance.id, group.id);
            assert.ok(view);
            assert.deepStrictEqual(
              { scriptName: view.scriptName, scriptVersion: view.scriptVersion, scriptNluEngine: view.scriptNluEngine },
              { scriptName: '', scriptVersion: '', scriptNluEngine: '' },
              `group with scriptId '${group.scriptId}'`,
            );
            sameRow(view.group, group);
          }
        }),
      );

      it(
        'findJobGroup and viewJobGroup return undefined for an unknown id or a group of another instance',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const group = await f.seedJobGroup(instance.id);
          assert.equal(await store.findJobGroup(other.id, group.id), undefined);
          assert.equal(await store.viewJobGroup(other.id, group.id), undefined);
          const unknown = f.id();
          assert.equal(await store.findJobGroup(instance.id, unknown), undefined);
          assert.equal(await store.viewJobGroup(instance.id, unknown), undefined);
        }),
      );

      it(
        'findJobGroup returns every field as inserted, without flashSmsExtras when none was set',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id, {
            recallCallingNumbers: ['05710000000', '05710000001'],
            strategy: f.strategy({ repeatBy: 'Once', repeatable: false, repeatDays: [], workingTime: [] }),
          });
          const found = await store.findJobGroup(instance.id, group.id);
          sameRow(found, group);
          assert.equal(found?.flashSmsExtras, undefined);
        }),
      );

      it(
        'findJobGroup returns flashSmsExtras when they were set',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const flashSmsExtras = { templateId: 'tpl-1', configId: 'cfg-1', templateContent: '您好，${name}' };
          const group = await f.seedJobGroup(instance.id, { flashSmsExtras });
          const found = await store.findJobGroup(instance.id, group.id);
          sameRow(found, group);
          assert.deepStrictEqual(found?.flashSmsExtras, flashSmsExtras);
        }),
      );

      it(
        'updateJobGroup saves every field, strategy, recall strategy, arrays and flashSmsExtras included',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const script = await f.seedScript(instance.id);
          const group = await f.seedJobGroup(instance.id);
          const updated: JobGroupRow = {
            ...group,
            name: 'renamed',
            description: '新描述',
            scriptId: script.id,
            scenarioId: 'scenario-9',
            strategy: f.strategy({
              id: 'strategy-2',
              name: 'monthly',
              maxAttemptsPerDay: 5,
              minAttemptInterval: 0,
              routingStrategy: 'None',
              repeatBy: 'Month',
              repeatDays: [1, 15, 31],
              workingTime: [{ beginTime: '08:00:00', endTime: '24:00:00' }],
              startTime: T0 + DAY,
              endTime: T0 + 7305 * DAY,
              timeZoneBy: 'Callee',
              customized: '{}',
            }),
            recallStrategy: { emptyNumberIgnore: false, inArrearsIgnore: true, outOfServiceIgnore: false },
            callingNumbers: [],
            recallCallingNumbers: ['05719999999'],
            priority: 'Urgent',
            ringingDuration: 60,
            minConcurrency: 4,
            flashSmsExtras: { templateId: 'tpl-2', configId: 'cfg-2', templateContent: 'hello' },
            jobFilePath: 'oss://bucket/jobs.xlsx',
            jobDataParsingTaskId: 'parse-1',
            status: 'Scheduling',
            modifiedAt: group.modifiedAt + DAY,
          };
          await store.updateJobGroup(updated);
          sameRow(await store.findJobGroup(instance.id, group.id), updated);
          const view = await store.viewJobGroup(instance.id, group.id);
          assert.ok(view);
          sameRow(view.group, updated);
          assert.equal(view.scriptName, script.name);
        }),
      );

      it(
        'updateJobGroup clears flashSmsExtras when the row has none',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id, {
            flashSmsExtras: { templateId: 'tpl-1', configId: 'cfg-1', templateContent: 'x' },
          });
          const cleared = { ...group, flashSmsExtras: undefined };
          await store.updateJobGroup(cleared);
          const found = await store.findJobGroup(instance.id, group.id);
          sameRow(found, cleared);
          assert.equal(found?.flashSmsExtras, undefined);
        }),
      );

      it(
        'updateJobGroup leaves the counters as they were',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          await store.updateJobGroup({ ...group, status: 'Paused' });
          const view = await store.viewJobGroup(instance.id, group.id);
          assert.deepStrictEqual(view?.counters, ZERO_COUNTERS);
          assert.equal(view?.group.status, 'Paused');
        }),
      );

      it(
        'updateJobGroup changes nothing when the row names another instance',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const group = await f.seedJobGroup(instance.id);
          await store.updateJobGroup({ ...group, instanceId: other.id, name: 'hijacked' });
          sameRow(await store.findJobGroup(instance.id, group.id), group);
          assert.equal(await store.findJobGroup(other.id, group.id), undefined);
        }),
      );

      it(
        "listJobGroups returns the instance's groups as views, newest first, with their total count",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const script = await f.seedScript(instance.id, { name: 'listed script' });
          const first = await f.seedJobGroup(instance.id, { scriptId: script.id });
          await f.seedJobGroup(other.id);
          const second = await f.seedJobGroup(instance.id);
          const third = await f.seedJobGroup(instance.id);

          const page = await store.listJobGroups(instance.id, {}, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 3);
          sameRow(
            page.items.map((view) => view.group),
            [third, second, first],
          );
          const last = page.items[2];
          assert.ok(last);
          assert.deepStrictEqual(last.counters, ZERO_COUNTERS);
          assert.equal(last.scriptName, 'listed script');
          assert.deepStrictEqual(last.briefs, []);
          assert.deepStrictEqual(last.categories, []);
          assert.equal(last.latestExport, undefined);
        }),
      );

      it(
        'listJobGroups orders groups created in the same millisecond by id, newest first',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const older = await f.seedJobGroup(instance.id, { createdAt: T0 });
          const newer = await f.seedJobGroup(instance.id, { createdAt: T0 });
          const latest = await f.seedJobGroup(instance.id, { createdAt: T0 + DAY });
          const page = await store.listJobGroups(instance.id, {}, { pageNumber: 1, pageSize: 10 });
          assert.deepStrictEqual(
            page.items.map((view) => view.group.id),
            [latest.id, newer.id, older.id],
          );
        }),
      );

      it(
        'listJobGroups keeps only groups in one of the given statuses',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const byStatus = new Map<JobGroupStatus, JobGroupRow>();
          for (const status of ['Draft', 'Scheduling', 'Executing', 'Paused', 'Completed', 'Cancelled'] as const) {
            byStatus.set(status, await f.seedJobGroup(instance.id, { status }));
          }
          const page = await store.listJobGroups(
            instance.id,
            { statuses: ['Executing', 'Paused', 'Failed'] },
            { pageNumber: 1, pageSize: 10 },
          );
          assert.equal(page.totalCount, 2);
          assert.deepStrictEqual(
            page.items.map((view) => view.group.id),
            [byStatus.get('Paused')?.id, byStatus.get('Executing')?.id],
          );
        }),
      );

      it(
        'listJobGroups applies no status filter for an empty statuses list',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          await f.seedJobGroup(instance.id, { status: 'Draft' });
          await f.seedJobGroup(instance.id, { status: 'Cancelled' });
          const page = await store.listJobGroups(instance.id, { statuses: [] }, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 2);
          assert.equal(page.items.length, 2);
        }),
      );

      it(
        'listJobGroups keeps groups whose name or description contains searchText',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const inName = await f.seedJobGroup(instance.id, { name: 'spring campaign', description: 'x' });
          const inDescription = await f.seedJobGroup(instance.id, { name: 'batch 2', description: 'the spring list' });
          await f.seedJobGroup(instance.id, { name: 'autumn', description: 'other' });
          const page = await store.listJobGroups(instance.id, { searchText: 'spring' }, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 2);
          assert.deepStrictEqual(
            page.items.map((view) => view.group.id),
            [inDescription.id, inName.id],
          );
          const empty = await store.listJobGroups(instance.id, { searchText: '' }, { pageNumber: 1, pageSize: 10 });
          assert.equal(empty.totalCount, 3, 'an empty searchText filters nothing');
        }),
      );

      it(
        'listJobGroups matches searchText literally, so % and _ are not wildcards',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const percent = await f.seedJobGroup(instance.id, { name: '50% off' });
          const underscore = await f.seedJobGroup(instance.id, { name: 'x', description: 'batch_1' });
          await f.seedJobGroup(instance.id, { name: '500 off', description: 'batch-1' });
          const byPercent = await store.listJobGroups(instance.id, { searchText: '0%' }, { pageNumber: 1, pageSize: 10 });
          assert.deepStrictEqual(
            byPercent.items.map((view) => view.group.id),
            [percent.id],
          );
          const byUnderscore = await store.listJobGroups(instance.id, { searchText: 'h_' }, { pageNumber: 1, pageSize: 10 });
          assert.deepStrictEqual(
            byUnderscore.items.map((view) => view.group.id),
            [underscore.id],
          );
        }),
      );

      it(
        'listJobGroups keeps groups created between createdFrom and createdTo, both bounds included',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const at = (n: number) => T0 + n * DAY;
          for (let n = 1; n <= 5; n++) await f.seedJobGroup(instance.id, { createdAt: at(n) });
          const list = async (createdFrom?: number, createdTo?: number) => {
            const page = await store.listJobGroups(instance.id, { createdFrom, createdTo }, { pageNumber: 1, pageSize: 10 });
            assert.equal(page.totalCount, page.items.length);
            return page.items.map((view) => view.group.createdAt);
          };
          assert.deepStrictEqual(await list(at(2), at(4)), [at(4), at(3), at(2)]);
          assert.deepStrictEqual(await list(at(2) + 1, at(4) - 1), [at(3)]);
          assert.deepStrictEqual(await list(at(4)), [at(5), at(4)]);
          assert.deepStrictEqual(await list(undefined, at(2)), [at(2), at(1)]);
          assert.deepStrictEqual(await list(at(4), at(2)), []);
        }),
      );

      it(
        'listJobGroups with onlyMinConcurrencyEnabled keeps groups whose minConcurrency is above zero',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const urgent = await f.seedJobGroup(instance.id, { minConcurrency: 2, priority: 'Urgent' });
          await f.seedJobGroup(instance.id, { minConcurrency: 0 });
          const daily = await f.seedJobGroup(instance.id, { minConcurrency: 1 });
          const page = await store.listJobGroups(instance.id, { onlyMinConcurrencyEnabled: true }, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 2);
          assert.deepStrictEqual(
            page.items.map((view) => view.group.id),
            [daily.id, urgent.id],
          );
          const all = await store.listJobGroups(instance.id, { onlyMinConcurrencyEnabled: false }, { pageNumber: 1, pageSize: 10 });
          assert.equal(all.totalCount, 3);
        }),
      );

      it(
        'listJobGroups combines its filters',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const match = await f.seedJobGroup(instance.id, { name: 'vip', status: 'Paused', minConcurrency: 1, createdAt: T0 + DAY });
          await f.seedJobGroup(instance.id, { name: 'vip', status: 'Paused', minConcurrency: 0, createdAt: T0 + DAY });
          await f.seedJobGroup(instance.id, { name: 'vip', status: 'Draft', minConcurrency: 1, createdAt: T0 + DAY });
          await f.seedJobGroup(instance.id, { name: 'regular', status: 'Paused', minConcurrency: 1, createdAt: T0 + DAY });
          await f.seedJobGroup(instance.id, { name: 'vip', status: 'Paused', minConcurrency: 1, createdAt: T0 + 3 * DAY });
          const page = await store.listJobGroups(
            instance.id,
            { statuses: ['Paused'], searchText: 'vip', createdFrom: T0, createdTo: T0 + 2 * DAY, onlyMinConcurrencyEnabled: true },
            { pageNumber: 1, pageSize: 10 },
          );
          assert.equal(page.totalCount, 1);
          assert.deepStrictEqual(
            page.items.map((view) => view.group.id),
            [match.id],
          );
        }),
      );

      it(
        'listJobGroups pages newest first and reports the filtered total on every page',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const all: JobGroupRow[] = [];
          for (let i = 0; i < 5; i++) all.push(await f.seedJobGroup(instance.id, { status: 'Scheduling' }));
          await f.seedJobGroup(instance.id, { status: 'Draft' });
          const newestFirst = ids(all).reverse();
          for (const [pageNumber, expected] of [
            [1, newestFirst.slice(0, 2)],
            [2, newestFirst.slice(2, 4)],
            [3, newestFirst.slice(4)],
            [4, []],
          ] as const) {
            const page = await store.listJobGroups(instance.id, { statuses: ['Scheduling'] }, { pageNumber, pageSize: 2 });
            assert.equal(page.totalCount, 5, `totalCount on page ${pageNumber}`);
            assert.deepStrictEqual(
              page.items.map((view) => view.group.id),
              expected,
              `items on page ${pageNumber}`,
            );
          }
        }),
      );

      it(
        'deleteJobGroup removes the group and reports true, then false',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const kept = await f.seedJobGroup(instance.id);
          assert.equal(await store.deleteJobGroup(instance.id, group.id), true);
          assert.equal(await store.findJobGroup(instance.id, group.id), undefined);
          assert.equal(await store.viewJobGroup(instance.id, group.id), undefined);
          assert.equal(await store.deleteJobGroup(instance.id, group.id), false);
          const page = await store.listJobGroups(instance.id, {}, { pageNumber: 1, pageSize: 10 });
          assert.equal(page.totalCount, 1);
          assert.deepStrictEqual(
            page.items.map((view) => view.group.id),
            [kept.id],
          );
        }),
      );

      it(
        "deleteJobGroup refuses another instance's group and keeps it",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const group = await f.seedJobGroup(instance.id);
          assert.equal(await store.deleteJobGroup(other.id, group.id), false);
          sameRow(await store.findJobGroup(instance.id, group.id), group);
        }),
      );

      it(
        "sumMinConcurrency adds the minConcurrency of the instance's groups of one priority",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          await f.seedJobGroup(instance.id, { priority: 'Urgent', minConcurrency: 2 });
          await f.seedJobGroup(instance.id, { priority: 'Urgent', minConcurrency: 3 });
          await f.seedJobGroup(instance.id, { priority: 'Daily', minConcurrency: 7 });
          await f.seedJobGroup(other.id, { priority: 'Urgent', minConcurrency: 100 });
          assert.equal(await store.sumMinConcurrency(instance.id, 'Urgent'), 5);
          assert.equal(await store.sumMinConcurrency(instance.id, 'Daily'), 7);
          assert.equal(await store.sumMinConcurrency(other.id, 'Daily'), 0);
        }),
      );

      it(
        'sumMinConcurrency leaves out the excluded group',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const excluded = await f.seedJobGroup(instance.id, { priority: 'Urgent', minConcurrency: 2 });
          await f.seedJobGroup(instance.id, { priority: 'Urgent', minConcurrency: 3 });
          assert.equal(await store.sumMinConcurrency(instance.id, 'Urgent', excluded.id), 3);
          assert.equal(await store.sumMinConcurrency(instance.id, 'Urgent', f.id()), 5);
        }),
      );

      it(
        'sumMinConcurrency ignores Completed, Cancelled and Failed groups and counts every other status',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const counted = ['Draft', 'Initializing', 'Scheduling', 'Executing', 'Paused'] as const;
          for (const [i, status] of counted.entries()) {
            await f.seedJobGroup(instance.id, { priority: 'Daily', status, minConcurrency: 10 ** i });
          }
          for (const status of ['Completed', 'Cancelled', 'Failed'] as const) {
            await f.seedJobGroup(instance.id, { priority: 'Daily', status, minConcurrency: 100_000 });
          }
          assert.equal(await store.sumMinConcurrency(instance.id, 'Daily'), 11_111);
        }),
      );

      it(
        'sumMinConcurrency follows status changes made by updateJobGroup',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id, { priority: 'Urgent', minConcurrency: 4 });
          assert.equal(await store.sumMinConcurrency(instance.id, 'Urgent'), 4);
          await store.updateJobGroup({ ...group, status: 'Cancelled' });
          assert.equal(await store.sumMinConcurrency(instance.id, 'Urgent'), 0);
        }),
      );
    });
  });
}
