/**
 * The Store contract for the calls that have recordings (their removal with a group or an
 * instance): recordedTaskIds names the calls that may have a recording (answered, or still
 * in progress), of one group or of the whole instance, and never another instance's.
 * Called once per backend, like runJobStoreContract.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settleAttempt } from '../helpers/store-rounds.ts';
import type { OpenStore } from './store-contract.ts';
import { ANSWERED, freshJobStore, GAVE_UP, NOW, settlement } from './store-contract-jobs.ts';

export function runCallTaskStoreContract(name: string, open: OpenStore): void {
  const fresh = freshJobStore(open);

  describe(`Store contract, recorded calls: ${name}`, () => {
    it(
      'recordedTaskIds names answered and in-progress calls of a group or of the instance, not failed ones nor another instance\'s',
      fresh(async (f, store) => {
        const { instance } = await f.seedTenant();
        const other = await f.seedTenant();
        const first = await f.seedRunningGroup(instance.id, 3);
        const second = await f.seedRunningGroup(instance.id, 1);
        const foreign = await f.seedRunningGroup(other.instance.id, 1);
        const [answered, busy, inProgress] = await f.claimAll(first.jobs, NOW);
        await settleAttempt(store, settlement(answered!, NOW + 60_000, ANSWERED));
        await settleAttempt(store, settlement(busy!, NOW + 60_000, GAVE_UP));
        const secondAnswered = await f.claimOne(second.jobs[0]!, NOW);
        await settleAttempt(store, settlement(secondAnswered, NOW + 60_000, ANSWERED));
        const foreignAnswered = await f.claimOne(foreign.jobs[0]!, NOW);
        await settleAttempt(store, settlement(foreignAnswered, NOW + 60_000, ANSWERED));

        assert.deepEqual((await store.recordedTaskIds(instance.id, first.group.id)).sort(), [answered!.id, inProgress!.id].sort());
        assert.deepEqual((await store.recordedTaskIds(instance.id)).sort(), [answered!.id, inProgress!.id, secondAnswered.id].sort());
        assert.deepEqual(await store.recordedTaskIds(instance.id, foreign.group.id), [], 'another instance\'s group names nothing');
        assert.deepEqual(await store.recordedTaskIds(other.instance.id), [foreignAnswered.id]);
      }),
    );
  });
}
