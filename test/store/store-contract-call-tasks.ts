/**
 * The Store contract for single calls and their recordings (DownloadRecording and the
 * removal of recordings with a group or an instance): findCallTask finds any call by its
 * id, and recordedTaskIds names the calls that may have a recording (answered, or still
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

  describe(`Store contract, calls and recordings: ${name}`, () => {
    it(
      'findCallTask returns a settled call as stored, and undefined for an unknown id',
      fresh(async (f, store) => {
        const { instance } = await f.seedTenant();
        const { jobs } = await f.seedRunningGroup(instance.id, 1);
        const task = await f.claimOne(jobs[0]!, NOW);
        const settled = settlement(task, NOW + 60_000, ANSWERED);
        await settleAttempt(store, settled);
        assert.deepEqual(await store.findCallTask(task.id), settled.task);
        assert.equal(await store.findCallTask('no-such-task'), undefined);
      }),
    );

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
