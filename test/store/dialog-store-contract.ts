/**
 * The DialogStore contract: what every backend's `store.dialog` must do, exercised
 * through the Store interfaces only. A backend's test file calls runDialogStoreContract
 * with a factory that opens an empty store; every test opens its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchKey } from '../../src/domain/phone-number.ts';
import type { BlockedNumberRow, DialogTrialRow, ScriptItemRow } from '../../src/store/dialog-store.ts';
import type { InstanceRow, JobRow, ScriptRow, TaskRow } from '../../src/store/rows.ts';
import type { AttemptSettlement, CallResults, Store } from '../../src/store/store.ts';
import { Fixtures, withStoreOf, type OpenStore } from './store-contract.ts';
import { claimAttempts } from '../helpers/store-rounds.ts';

const T0 = 1_760_000_000_000;

async function seed(store: Store, suffix = '1'): Promise<{ instance: InstanceRow; script: ScriptRow }> {
  const accountId = `account-${suffix}`;
  await store.insertAccount({ id: accountId, uid: 1_200_000_000_000_000 + Number(suffix), name: 'acme', createdAt: T0 });
  const instance: InstanceRow = {
    id: `instance-${suffix}`,
    accountId,
    name: 'bot',
    description: '',
    maxConcurrentConversation: 5,
    nluServiceType: 'Managed',
    resourceGroupId: '',
    callingNumbers: [],
    creatorId: 1,
    creatorName: 'root',
    ownerName: 'acme',
    createdAt: T0,
    modifiedAt: T0,
  };
  await store.insertInstance(instance);
  const script: ScriptRow = {
    id: `script-${suffix}`,
    instanceId: instance.id,
    name: 'reminder',
    description: '',
    industry: 'Finance',
    scene: 'Collection',
    nluEngine: '',
    nluAccessType: '',
    settings: {},
    isDrafted: true,
    createdAt: T0,
    updatedAt: T0,
  };
  await store.insertScript(script);
  return { instance, script };
}

function entry(instanceId: string, id: string, phoneNumber: string, at = T0): BlockedNumberRow {
  return { id, instanceId, phoneNumber, numberKey: matchKey(phoneNumber), name: `name ${id}`, remark: `remark ${id}`, creator: 'ops', createdAt: at };
}

/** The block list is asked by number keys (E.164). */
const keys = (...numbers: string[]) => numbers.map(matchKey);

function item(script: ScriptRow, kind: ScriptItemRow['kind'], id: string, name: string, body: Record<string, unknown> = {}): ScriptItemRow {
  return { id, scriptId: script.id, instanceId: script.instanceId, kind, name, body, createdAt: T0, updatedAt: T0 };
}

export function runDialogStoreContract(backend: string, open: OpenStore): void {
  const withStore = withStoreOf(open);

  describe(`DialogStore contract (${backend}): block list`, () => {
    it('blockedNumbers returns exactly the listed keys among those asked, per instance', withStore(async (store) => {
      const { instance } = await seed(store, '1');
      const other = await seed(store, '2');
      assert.equal(await store.dialog.addBlockedNumbers([entry(instance.id, 'b1', '13800000001'), entry(instance.id, 'b2', '+8613800000002')]), 2);
      await store.dialog.addBlockedNumbers([entry(other.instance.id, 'b3', '13800000003')]);
      assert.deepEqual(await store.dialog.blockedNumbers(instance.id, keys('13800000001', '13800000003', '13900000000')), new Set(keys('13800000001')));
      assert.deepEqual(await store.dialog.blockedNumbers(instance.id, keys('8613800000002')), new Set(['+8613800000002']), 'matched by key, not as written');
      assert.deepEqual(await store.dialog.blockedNumbers(other.instance.id, keys('13800000001', '13800000003')), new Set(keys('13800000003')));
      assert.deepEqual(await store.dialog.blockedNumbers(instance.id, []), new Set());
    }));

    it('answers a large batch of numbers in one call', withStore(async (store) => {
      const { instance } = await seed(store);
      await store.dialog.addBlockedNumbers(Array.from({ length: 50 }, (_, i) => entry(instance.id, `b${i}`, `1380000${String(i * 2).padStart(4, '0')}`)));
      const asked = keys(...Array.from({ length: 5000 }, (_, i) => `1380000${String(i).padStart(4, '0')}`));
      assert.equal((await store.dialog.blockedNumbers(instance.id, asked)).size, 50);
    }));

    it('adding a number already listed, in whatever form, keeps the first entry and counts nothing', withStore(async (store) => {
      const { instance } = await seed(store);
      await store.dialog.addBlockedNumbers([entry(instance.id, 'b1', '13800000001')]);
      assert.equal(await store.dialog.addBlockedNumbers([entry(instance.id, 'b9', '13800000001')]), 0);
      assert.equal(await store.dialog.addBlockedNumbers([entry(instance.id, 'b8', '+8613800000001'), entry(instance.id, 'b7', '8613800000001')]), 0);
      assert.equal(await store.dialog.addBlockedNumbers([entry(instance.id, 'b6', '+8613800000006'), entry(instance.id, 'b5', '13800000006')]), 1, 'one entry per number within a call');
      const page = await store.dialog.listBlockedNumbers(instance.id, undefined, { pageNumber: 1, pageSize: 10 });
      assert.deepEqual(page.items.map((row) => [row.id, row.phoneNumber, row.numberKey]), [['b6', '+8613800000006', '+8613800000006'], ['b1', '13800000001', '+8613800000001']]);
    }));

    it('lists newest first with paging and a search over number, name and remark', withStore(async (store) => {
      const { instance } = await seed(store);
      await store.dialog.addBlockedNumbers([entry(instance.id, 'b1', '13800000001', T0), entry(instance.id, 'b2', '13800000002', T0 + 1), entry(instance.id, 'b3', '13900000003', T0 + 2)]);
      const first = await store.dialog.listBlockedNumbers(instance.id, undefined, { pageNumber: 1, pageSize: 2 });
      assert.equal(first.totalCount, 3);
      assert.deepEqual(first.items.map((row) => row.id), ['b3', 'b2']);
      assert.deepEqual(first.items[0], entry(instance.id, 'b3', '13900000003', T0 + 2));
      const searched = await store.dialog.listBlockedNumbers(instance.id, '138', { pageNumber: 1, pageSize: 10 });
      assert.deepEqual(searched.items.map((row) => row.id), ['b2', 'b1']);
      assert.equal((await store.dialog.listBlockedNumbers(instance.id, 'remark b3', { pageNumber: 1, pageSize: 10 })).totalCount, 1);
    }));

    it('deletes an entry only within its instance', withStore(async (store) => {
      const { instance } = await seed(store, '1');
      const other = await seed(store, '2');
      await store.dialog.addBlockedNumbers([entry(instance.id, 'b1', '13800000001')]);
      assert.equal(await store.dialog.deleteBlockedNumber(other.instance.id, 'b1'), false);
      assert.equal(await store.dialog.deleteBlockedNumber(instance.id, 'b1'), true);
      assert.deepEqual(await store.dialog.blockedNumbers(instance.id, keys('13800000001')), new Set());
    }));
  });

  describe(`DialogStore contract (${backend}): script items`, () => {
    it('inserts, finds, lists by kind, updates and deletes, refusing a duplicate name per kind', withStore(async (store) => {
      const { script } = await seed(store);
      assert.equal(await store.dialog.insertScriptItem(item(script, 'intent', 'i1', 'Affirm', { utterances: ['yes'] })), true);
      assert.equal(await store.dialog.insertScriptItem(item(script, 'intent', 'i2', 'Affirm')), false, 'names are unique per kind');
      assert.equal(await store.dialog.insertScriptItem(item(script, 'flow', 'f1', 'Affirm', { nodes: [] })), true, 'another kind may reuse it');
      assert.deepEqual(await store.dialog.findScriptItem(script.instanceId, script.id, 'intent', 'i1'), item(script, 'intent', 'i1', 'Affirm', { utterances: ['yes'] }));
      assert.equal(await store.dialog.findScriptItem(script.instanceId, script.id, 'flow', 'i1'), undefined, 'kinds do not mix');
      assert.equal(await store.dialog.findScriptItem('instance-x', script.id, 'intent', 'i1'), undefined, 'scoped by instance');
      await store.dialog.insertScriptItem(item(script, 'intent', 'i3', 'Deny'));
      assert.deepEqual((await store.dialog.listScriptItems(script.instanceId, script.id, 'intent')).map((row) => row.id), ['i1', 'i3']);
      assert.equal((await store.dialog.listScriptItems(script.instanceId, script.id)).length, 3);
      assert.equal(await store.dialog.updateScriptItem({ ...item(script, 'intent', 'i3', 'Affirm'), updatedAt: T0 + 1 }), false, 'a taken name is refused');
      assert.equal(await store.dialog.updateScriptItem({ ...item(script, 'intent', 'i3', 'No', { keywords: ['no'] }), updatedAt: T0 + 1 }), true);
      assert.deepEqual((await store.dialog.findScriptItem(script.instanceId, script.id, 'intent', 'i3'))?.body, { keywords: ['no'] });
      assert.equal(await store.dialog.deleteScriptItem(script.instanceId, script.id, 'intent', 'i3'), true);
      assert.equal(await store.dialog.deleteScriptItem(script.instanceId, script.id, 'intent', 'i3'), false);
    }));

    it('replaceScriptItems swaps the whole draft at once', withStore(async (store) => {
      const { script } = await seed(store);
      await store.dialog.insertScriptItem(item(script, 'intent', 'i1', 'Affirm'));
      await store.dialog.replaceScriptItems(script.instanceId, script.id, [item(script, 'flow', 'f9', 'Main'), item(script, 'question', 'q9', 'Who')]);
      assert.deepEqual((await store.dialog.listScriptItems(script.instanceId, script.id)).map((row) => row.id).sort(), ['f9', 'q9']);
    }));

    it('reads a published snapshot by version, scoped by instance', withStore(async (store) => {
      const { script } = await seed(store);
      const { publishedVersion: _p, isDrafted: _d, ...fields } = script;
      const snapshot = Object.assign(fields, { dialog: { flows: [], intents: [], questions: [] } });
      await store.publishScript({ scriptId: script.id, instanceId: script.instanceId, version: '100', description: '', publishedAt: T0, snapshot });
      assert.deepEqual(await store.dialog.findScriptSnapshot(script.instanceId, script.id, '100'), JSON.parse(JSON.stringify(snapshot)));
      assert.equal(await store.dialog.findScriptSnapshot(script.instanceId, script.id, '101'), undefined);
      assert.equal(await store.dialog.findScriptSnapshot('instance-x', script.id, '100'), undefined);
    }));
  });

  describe(`DialogStore contract (${backend}): business results of settled calls`, () => {
    /** A running group with one job per number, each claimed; returns the tasks. */
    async function claimedCalls(store: Store, numbers: string[]): Promise<{ fixtures: Fixtures; instanceId: string; jobGroupId: string; tasks: TaskRow[] }> {
      const fixtures = new Fixtures(store);
      const { instance } = await fixtures.seedTenant();
      const group = await fixtures.seedJobGroup(instance.id);
      const now = fixtures.clock.now();
      const jobs: JobRow[] = numbers.map((phoneNumber) => ({
        id: fixtures.id(),
        instanceId: instance.id,
        jobGroupId: group.id,
        referenceId: phoneNumber,
        status: 'Scheduling',
        contacts: [{ id: fixtures.id(), phoneNumber, name: '张三', honorific: '', referenceId: '' }],
        extras: [],
        callingNumbers: [],
        scriptVersion: '',
        nextAttemptAt: now,
        attempts: 0,
        attemptDay: '',
        dayAttempts: 0,
        lastAttemptAt: 0,
        failureReason: '',
        endReason: '',
        createdAt: now,
        modifiedAt: now,
      }));
      await store.insertJobs(group.id, jobs, now);
      const tasks = jobs.map((job): TaskRow => ({
        id: fixtures.id(),
        jobId: job.id,
        jobGroupId: group.id,
        instanceId: instance.id,
        attempt: 1,
        status: 'Executing',
        callingNumber: '05712345678',
        calledNumber: job.contacts[0]!.phoneNumber,
        contact: job.contacts[0]!,
        plannedTime: now,
        actualTime: now,
        leaseExpiresAt: now + 600_000,
        endTime: 0,
        ringingMs: 0,
        talkMs: 0,
        endReason: '',
        hangupDirection: '',
        sipCode: '',
        conversation: [],
      }));
      const claimed = await claimAttempts(store, tasks.map((task) => ({ task, attempts: 1, attemptDay: '2026-01-01', dayAttempts: 1 })), now);
      assert.equal(claimed.length, tasks.length);
      return { fixtures, instanceId: instance.id, jobGroupId: group.id, tasks };
    }

    function settled(task: TaskRow, now: number, results?: CallResults): AttemptSettlement {
      return {
        task: {
          ...task,
          status: 'SucceededFinish',
          endTime: now,
          talkMs: 30_000,
          endReason: 'FINISHED',
          hangupDirection: 'robot',
          sipCode: '200',
          conversation: [
            { speaker: 'Robot', text: 'Pay today?', timestamp: now - 20_000 },
            { speaker: 'Contact', text: 'yes', timestamp: now - 10_000, intent: 'WillPay' },
          ],
        },
        job: { id: task.jobId, status: 'Succeeded', nextAttemptAt: 0, failureReason: '', endReason: 'FINISHED' },
        jobDelta: { executing: -1, completed: 1 },
        taskDelta: { inFlight: -1, finishedNum: 1 },
        now,
        ...(results ? { results } : {}),
      };
    }

    it('tallies Briefs and Categories with the call, once, and blocks a callee who opted out', withStore(async (store) => {
      const { fixtures, instanceId, jobGroupId, tasks } = await claimedCalls(store, ['13800000001', '13800000002', '13800000003']);
      const now = fixtures.clock.now() + 60_000;
      await store.settleAttempts([
        settled(tasks[0]!, now, { briefs: [{ key: 'Payment', value: 'Today' }], categories: ['WillPay'] }),
        settled(tasks[1]!, now, { briefs: [{ key: 'Payment', value: 'Today' }, { key: 'OptOut', value: 'true' }], categories: ['WillPay'], optOut: true }),
        settled(tasks[2]!, now),
      ]);
      // Settling a call again (recovery racing the real end) moves nothing twice.
      await store.settleAttempts([settled(tasks[0]!, now + 1, { briefs: [{ key: 'Payment', value: 'Today' }], categories: ['WillPay'] })]);
      const view = await store.viewJobGroup(instanceId, jobGroupId);
      assert.deepEqual(
        view!.briefs.map((b) => [b.key, b.value, b.count]).sort(),
        [['OptOut', 'true', 1], ['Payment', 'Today', 2]],
      );
      assert.deepEqual(view!.categories.map((c) => [c.key, c.count]), [['WillPay', 2]]);
      assert.deepEqual((await store.viewJobGroup(instanceId, jobGroupId, ['OptOut']))!.briefs.map((b) => b.key), ['OptOut']);
      assert.deepEqual(await store.dialog.blockedNumbers(instanceId, keys('13800000001', '13800000002', '13800000003')), new Set(keys('13800000002')));
      const listed = await store.dialog.listBlockedNumbers(instanceId, undefined, { pageNumber: 1, pageSize: 10 });
      assert.equal(listed.items[0]!.name, '张三');

      const answered = await store.dialog.answeredTasks(instanceId, jobGroupId);
      assert.equal(answered.length, 3);
      assert.deepEqual(answered[0]!.conversation.map((turn) => turn.intent ?? ''), ['', 'WillPay']);
      assert.equal(answered[0]!.endReason, 'FINISHED');
      assert.deepEqual(await store.dialog.answeredTasks('instance-x', jobGroupId), [], 'scoped by instance');
    }));
  });

  describe(`DialogStore contract (${backend}): trial conversations`, () => {
    const trial = (instanceId: string, scriptId: string, callId: string, updatedAt = T0): DialogTrialRow => ({
      instanceId,
      scriptId,
      callId,
      nluEngine: '',
      content: { flows: [{ name: 'Main', type: 'MainFlow', definition: { start: 'hello' } }], intents: [], questions: [] },
      state: { flow: 'Main', node: 'ask', silences: 0, noMatches: 1, briefs: { 金额: '100' }, categories: ['Pay'], optOut: false },
      variables: { phoneNumber: '13800000000' },
      updatedAt,
    });

    it('saveTrial keeps a trial that findTrial returns unchanged, per instance, script and call', withStore(async (store) => {
      const { instance, script } = await seed(store, '1');
      const other = await seed(store, '2');
      const saved = trial(instance.id, script.id, 'call-1');
      await store.dialog.saveTrial(saved);
      await store.dialog.saveTrial(trial(other.instance.id, other.script.id, 'call-1'));
      assert.deepEqual(await store.dialog.findTrial(instance.id, script.id, 'call-1'), saved);
      assert.equal(await store.dialog.findTrial(instance.id, script.id, 'call-2'), undefined);
      assert.equal(await store.dialog.findTrial(other.instance.id, script.id, 'call-1'), undefined, 'scoped by instance');
    }));

    it('saveTrial replaces the state of a trial already kept', withStore(async (store) => {
      const { instance, script } = await seed(store);
      const first = trial(instance.id, script.id, 'call-1');
      await store.dialog.saveTrial(first);
      const next = { ...first, state: { ...first.state, node: 'end', end: { reason: 'Finished' } }, updatedAt: T0 + 1_000 };
      await store.dialog.saveTrial(next);
      assert.deepEqual(await store.dialog.findTrial(instance.id, script.id, 'call-1'), next);
    }));

    it('purgeTrials forgets the trials idle since before the given time, and only those', withStore(async (store) => {
      const { instance, script } = await seed(store);
      await store.dialog.saveTrial(trial(instance.id, script.id, 'old', T0));
      await store.dialog.saveTrial(trial(instance.id, script.id, 'recent', T0 + 10_000));
      assert.equal(await store.dialog.purgeTrials(T0 + 5_000), 1);
      assert.equal(await store.dialog.findTrial(instance.id, script.id, 'old'), undefined);
      assert.ok(await store.dialog.findTrial(instance.id, script.id, 'recent'));
    }));
  });
}
