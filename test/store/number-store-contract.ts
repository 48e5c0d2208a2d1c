/**
 * The NumberStore contract: what every backend's `store.numbers` must do (a tenant's
 * calling-number pool and its bindings), through the Store interfaces only. A
 * backend's test file calls runNumberStoreContract with a factory that opens an empty
 * store; every test opens its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchKey } from '../../src/domain/phone-number.ts';
import type { CallingNumberRow } from '../../src/store/number-store.ts';
import type { InstanceRow } from '../../src/store/rows.ts';
import type { Store } from '../../src/store/store.ts';
import { withStoreOf, type OpenStore } from './store-contract.ts';

const T0 = 1_760_000_000_000;

async function tenant(store: Store, suffix: string, instances: number): Promise<InstanceRow[]> {
  const accountId = `account-${suffix}`;
  await store.insertAccount({ id: accountId, uid: 1_300_000_000_000_000 + Number(suffix), name: `tenant ${suffix}`, createdAt: T0 });
  const rows: InstanceRow[] = [];
  for (let i = 1; i <= instances; i++) {
    const instance: InstanceRow = {
      id: `instance-${suffix}-${i}`, accountId, name: `bot ${suffix}.${i}`, description: '', maxConcurrentConversation: 5,
      nluServiceType: 'Managed', resourceGroupId: '', callingNumbers: [], creatorId: 1, creatorName: 'root', ownerName: 'acme',
      createdAt: T0 + i, modifiedAt: T0 + i,
    };
    await store.insertInstance(instance);
    rows.push(instance);
  }
  return rows;
}

function poolNumber(accountId: string, id: string, number: string, at = T0): CallingNumberRow {
  return {
    id, accountId, number, numberKey: matchKey(number), region: 'Hangzhou, Zhejiang', status: 'Active', trunk: 'sip:trunk.example.com',
    rateLimitCount: 0, rateLimitPeriod: 0, createdAt: at,
  };
}

export function runNumberStoreContract(backend: string, open: OpenStore): void {
  const withStore = withStoreOf(open);

  describe(`NumberStore contract (${backend})`, () => {
    it('adds a number once per tenant, by its canonical form, and finds it in any form', withStore(async (store) => {
      await tenant(store, '1', 0);
      await tenant(store, '2', 0);
      const added = await store.numbers.addNumbers([
        poolNumber('account-1', 'n1', '057188880000'),
        poolNumber('account-1', 'n2', '+8657188880000', T0 + 1),
        poolNumber('account-2', 'n3', '057188880000'),
      ]);
      assert.deepEqual([...added].sort(), ['+8657188880000']);
      const again = await store.numbers.addNumbers([poolNumber('account-1', 'n4', '057188880001', T0 + 2), poolNumber('account-1', 'n5', '057188880000')]);
      assert.deepEqual([...again], ['+8657188880001']);
      const found = await store.numbers.findNumber('account-1', matchKey('0571 8888 0000'));
      assert.deepEqual(found, poolNumber('account-1', 'n1', '057188880000'));
      assert.equal((await store.numbers.findNumber('account-2', matchKey('057188880000')))?.id, 'n3');
      assert.deepEqual((await store.numbers.listNumbers('account-1')).map((row) => row.id), ['n1', 'n4']);
    }));

    it('binds a number to exactly the given instances of its tenant, replacing its bindings', withStore(async (store) => {
      const [a, b, c] = await tenant(store, '1', 3);
      const [foreign] = await tenant(store, '2', 1);
      await store.numbers.addNumbers([poolNumber('account-1', 'n1', '057188880000')]);
      const bound = await store.numbers.setBindings('account-1', 'n1', [a!.id, b!.id, foreign!.id, 'nobody'], T0);
      assert.deepEqual([...bound].sort(), [a!.id, b!.id]);
      assert.deepEqual((await store.numbers.listNumbers('account-1'))[0]!.instanceNames, ['bot 1.1', 'bot 1.2']);
      assert.deepEqual(await store.numbers.setBindings('account-1', 'n1', [c!.id], T0), new Set([c!.id]));
      assert.deepEqual(await store.numbers.instanceBindings('account-1', 'n1'), [
        { instanceId: a!.id, instanceName: 'bot 1.1', bound: false },
        { instanceId: b!.id, instanceName: 'bot 1.2', bound: false },
        { instanceId: c!.id, instanceName: 'bot 1.3', bound: true },
      ]);
      assert.equal((await store.numbers.listInstanceNumbers(foreign!.id, { pageNumber: 1, pageSize: 10 })).totalCount, 0);
      // Another tenant cannot bind the number, even to its own instance.
      assert.equal((await store.numbers.setBindings('account-2', 'n1', [foreign!.id], T0)).size, 0);
      assert.deepEqual((await store.numbers.setBindings('account-1', 'n1', [], T0)).size, 0);
      assert.equal((await store.numbers.listInstanceNumbers(c!.id, { pageNumber: 1, pageSize: 10 })).totalCount, 0);
    }));

    it('pages an instance\'s numbers oldest first and finds one by id only within the instance', withStore(async (store) => {
      const [a, b] = await tenant(store, '1', 2);
      const rows = [0, 1, 2, 3, 4].map((i) => poolNumber('account-1', `n${i}`, `05718888000${i}`, T0 + i));
      await store.numbers.addNumbers(rows);
      await store.numbers.bindKeys('account-1', a!.id, rows.map((row) => row.numberKey).concat(matchKey('02100000000')), T0);
      const page = await store.numbers.listInstanceNumbers(a!.id, { pageNumber: 2, pageSize: 2 });
      assert.equal(page.totalCount, 5);
      assert.deepEqual(page.items.map((row) => row.id), ['n2', 'n3']);
      assert.equal((await store.numbers.findInstanceNumber(a!.id, 'n4'))?.number, '057188880004');
      assert.equal(await store.numbers.findInstanceNumber(b!.id, 'n4'), undefined);
    }));

    it('sets a rate limit within the tenant, unbinds from one instance, removes from the pool and every instance', withStore(async (store) => {
      const [a, b] = await tenant(store, '1', 2);
      await tenant(store, '2', 0);
      await store.numbers.addNumbers([poolNumber('account-1', 'n1', '057188880000')]);
      await store.numbers.setBindings('account-1', 'n1', [a!.id, b!.id], T0);
      assert.equal(await store.numbers.setRateLimit('account-2', 'n1', 1, 1), false);
      assert.equal(await store.numbers.setRateLimit('account-1', 'n1', 10, 60), true);
      const limited = await store.numbers.findInstanceNumber(b!.id, 'n1');
      assert.deepEqual([limited?.rateLimitCount, limited?.rateLimitPeriod], [10, 60]);
      assert.equal(await store.numbers.unbind(a!.id, 'n1'), true);
      assert.equal(await store.numbers.unbind(a!.id, 'n1'), false);
      assert.equal((await store.numbers.listInstanceNumbers(b!.id, { pageNumber: 1, pageSize: 10 })).totalCount, 1);
      assert.equal(await store.numbers.removeNumber('account-2', matchKey('057188880000')), false);
      assert.equal(await store.numbers.removeNumber('account-1', matchKey('+8657188880000')), true);
      assert.equal((await store.numbers.listInstanceNumbers(b!.id, { pageNumber: 1, pageSize: 10 })).totalCount, 0);
      assert.deepEqual(await store.numbers.listNumbers('account-1'), []);
    }));

    it('an instance deleted takes its bindings with it, the pool number stays', withStore(async (store) => {
      const [a] = await tenant(store, '1', 1);
      await store.numbers.addNumbers([poolNumber('account-1', 'n1', '057188880000')]);
      await store.numbers.setBindings('account-1', 'n1', [a!.id], T0);
      assert.equal(await store.deleteInstance('account-1', a!.id), true);
      assert.deepEqual((await store.numbers.listNumbers('account-1')).map((row) => [row.id, row.instanceNames]), [['n1', []]]);
    }));
  });
}
