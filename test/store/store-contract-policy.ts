import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPEN_ALL_HOURS, type InstanceCallingHours } from '../../src/domain/instance-policy.ts';
import { freshJobStore } from './store-contract-jobs.ts';
import { T0, type OpenStore } from './store-contract.ts';

/** The instance-wide calling policy's part of the Store contract (StrategyLevel 2), run on both backends. */
export function runPolicyStoreContract(name: string, open: OpenStore): void {
  const fresh = freshJobStore(open);

  const office: InstanceCallingHours = {
    workingTime: [{ beginTime: '09:00:00', endTime: '12:00:00' }, { beginTime: '14:00:00', endTime: '24:00:00' }],
    onlyWeekdays: false,
    onlyWorkdays: true,
  };

  describe(`Store contract (instance calling hours): ${name}`, () => {
    it(
      'findCallingHours is undefined until saved, then returns what was saved; a second save replaces it',
      fresh(async (f, store) => {
        const { instance } = await f.seedTenant();
        assert.equal(await store.findCallingHours(instance.id), undefined);
        await store.saveCallingHours(instance.id, office, T0);
        assert.deepStrictEqual(await store.findCallingHours(instance.id), office);
        const weekdays: InstanceCallingHours = { workingTime: [], onlyWeekdays: true, onlyWorkdays: false };
        await store.saveCallingHours(instance.id, weekdays, T0 + 1);
        assert.deepStrictEqual(await store.findCallingHours(instance.id), weekdays);
      }),
    );

    it(
      'the hours are per instance, and go with the instance when it is deleted',
      fresh(async (f, store) => {
        const { account, instance } = await f.seedTenant();
        const other = await f.seedInstance(account.id);
        await store.saveCallingHours(instance.id, office, T0);
        assert.equal(await store.findCallingHours(other.id), undefined);
        assert.ok(await store.deleteInstance(account.id, instance.id));
        assert.equal(await store.findCallingHours(instance.id), undefined);
      }),
    );

    it(
      "dispatchableGroups carries each group's instance hours from the same read: saved ones, or open all hours",
      fresh(async (f, store) => {
        const { account, instance } = await f.seedTenant();
        const other = await f.seedInstance(account.id);
        const governed = await f.seedRunningGroup(instance.id, 1);
        const open = await f.seedRunningGroup(other.id, 1);
        await store.saveCallingHours(instance.id, office, T0);
        const entries = new Map((await store.dispatchableGroups()).map((entry) => [entry.group.id, entry]));
        assert.deepStrictEqual(entries.get(governed.group.id)?.instanceHours, office);
        assert.deepStrictEqual(entries.get(open.group.id)?.instanceHours, OPEN_ALL_HOURS);
      }),
    );
  });
}
