/**
 * The Store contract for jobs, tasks and dispatch: what every backend must do with
 * the rows the engine and the job services move, exercised through the Store
 * interface only. It complements runStoreContract (store-contract.ts) and follows
 * its shape: a backend's test file calls runJobStoreContract once with a factory
 * that opens an empty store, and every test opens its own.
 *
 * Attempts are claimed and settled the way src/engine/engine.ts does it: a claim
 * carries the task with its lease, a settlement carries the task's outcome, the
 * job's next state and the two counter deltas (jobDelta for the status move,
 * taskDelta for the call itself).
 *
 * Job `modifiedAt` is not part of the contract (the API never reports it), so job
 * comparisons leave it out; every other field is compared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  Contact,
  JobGroupCounters,
  JobGroupRow,
  JobGroupStatus,
  DueJob,
  JobRow,
  JobStatus,
  TaskEndReason,
  TaskRow,
  TaskStatus,
} from '../../src/store/rows.ts';
import type { AttemptClaim, AttemptSettlement, CounterDelta, Store } from '../../src/store/store.ts';
import { DAY, Fixtures, freshStore, sameRow, T0, ZERO_COUNTERS, type OpenStore } from './store-contract.ts';
import { claimAttempts, commitRound, reschedule, settleAttempt } from '../helpers/store-rounds.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The moment attempts are claimed at: well after every fixture's createdAt (the fixture clock moves 1 ms per id). */
export const NOW = T0 + DAY;
/** A call's lease, as the engine grants it: ringing + talk limit + margin. */
const LEASE_MS = 7 * MINUTE;

/**
 * The Progress counter each job status is counted in, stated here again rather than
 * imported from src/store/job-status-counters.ts: the expectations must not share a
 * mistake with the stores they check.
 */
const COUNTER_OF_STATUS: Record<JobStatus, keyof CounterDelta> = {
  Scheduling: 'scheduling',
  Executing: 'executing',
  Succeeded: 'completed',
  Failed: 'failed',
  Paused: 'paused',
  Cancelled: 'cancelled',
};

/** The Result counter each answered call's end reason feeds. */
const COUNTER_OF_END: Record<TaskEndReason, keyof CounterDelta> = {
  FINISHED: 'finishedNum',
  CLIENT_HANGUP: 'clientHangupNum',
  NO_INTERACTION: 'noInteractNum',
  TIMEOUT_HANGUP: 'timeoutHangupNum',
  CHATBOT_HANGUP_AFTER_NOANSWER: 'unrecognizedNum',
};

// Outcomes -----------------------------------------------------------------------

interface Outcome {
  task: TaskStatus;
  /** Set for answered calls; '' (absent) for calls that did not connect. */
  endReason?: TaskEndReason;
  job: JobStatus;
  nextAttemptAt?: number;
  failureReason?: string;
}

export const ANSWERED: Outcome = { task: 'SucceededFinish', endReason: 'FINISHED', job: 'Succeeded' };
export const GAVE_UP: Outcome = { task: 'Busy', job: 'Failed', failureReason: 'NoAnswer' };
const retryAt = (nextAttemptAt: number): Outcome => ({ task: 'NoAnswer', job: 'Scheduling', nextAttemptAt });
const answeredWith = (endReason: TaskEndReason, task: TaskStatus): Outcome => ({ task, endReason, job: 'Succeeded' });

/** The settlement the engine would send for `task` ending at `now` with `outcome`. */
export function settlement(task: TaskRow, now: number, outcome: Outcome): AttemptSettlement {
  const endReason = outcome.endReason ?? '';
  const answered = endReason !== '';
  return {
    task: {
      ...task,
      status: outcome.task,
      endTime: now,
      ringingMs: 4_000,
      talkMs: answered ? 42_000 : 0,
      endReason,
      hangupDirection: answered ? 'client' : '',
      sipCode: answered ? '200' : '480',
      conversation: answered
        ? [
            { speaker: 'Robot', text: '您好，这里是客服中心', timestamp: task.actualTime + 5_000 },
            { speaker: 'Contact', text: '好的', timestamp: task.actualTime + 9_000, intent: 'affirm' },
          ]
        : [],
    },
    job: {
      id: task.jobId,
      status: outcome.job,
      nextAttemptAt: outcome.nextAttemptAt ?? 0,
      failureReason: outcome.failureReason ?? '',
      endReason,
    },
    jobDelta: { executing: -1, [COUNTER_OF_STATUS[outcome.job]]: 1 },
    taskDelta: { inFlight: -1, [answered ? COUNTER_OF_END[endReason as TaskEndReason] : 'notAnswered']: 1 },
    now,
  };
}

// Fixtures -------------------------------------------------------------------------

/** store-contract.ts's Fixtures, plus jobs and attempt claims. */
export class JobFixtures extends Fixtures {
  private jobSerial = 0;

  contact(over: Partial<Contact> = {}): Contact {
    const n = ++this.jobSerial;
    return {
      id: this.id(),
      phoneNumber: `1380000${String(n).padStart(4, '0')}`,
      name: `客户 ${n}`,
      honorific: '先生',
      referenceId: `contact-${n}`,
      ...over,
    };
  }

  job(group: JobGroupRow, over: Partial<JobRow> = {}): JobRow {
    const id = this.id();
    const createdAt = this.clock.now();
    return {
      id,
      instanceId: group.instanceId,
      jobGroupId: group.id,
      referenceId: `ref-${id.slice(-6)}`,
      status: 'Scheduling',
      contacts: [this.contact()],
      extras: [
        { key: 'amount', value: '100.50' },
        { key: '备注', value: 'vip' },
      ],
      callingNumbers: [],
      scriptVersion: '',
      nextAttemptAt: T0,
      attempts: 0,
      attemptDay: '',
      dayAttempts: 0,
      lastAttemptAt: 0,
      failureReason: '',
      endReason: '',
      createdAt,
      modifiedAt: createdAt,
      ...over,
    };
  }

  /** Inserts one job per entry (or `count` default jobs) into the group, in one insertJobs call. */
  async seedJobs(group: JobGroupRow, jobs: number | Array<Partial<JobRow>>): Promise<JobRow[]> {
    const overs = typeof jobs === 'number' ? Array.from({ length: jobs }, () => ({})) : jobs;
    const rows = overs.map((over) => this.job(group, over));
    await this.store.insertJobs(group.id, rows, this.clock.now());
    return rows;
  }

  /** A running group (Scheduling) of the instance with `count` jobs due at T0. */
  async seedRunningGroup(instanceId: string, count: number, over: Partial<JobGroupRow> = {}): Promise<{ group: JobGroupRow; jobs: JobRow[] }> {
    const group = await this.seedJobGroup(instanceId, over);
    const jobs = await this.seedJobs(group, count);
    return { group, jobs };
  }

  /** The claim the engine would make for the job's next attempt at `now`. */
  claim(job: DueJob, now: number, over: Partial<TaskRow> = {}): AttemptClaim {
    const attempt = job.attempts + 1;
    const contact = job.contacts[job.attempts % job.contacts.length]!;
    const day = new Date(now).toISOString().slice(0, 10);
    return {
      task: {
        id: this.id(),
        jobId: job.id,
        jobGroupId: job.jobGroupId,
        instanceId: job.instanceId,
        attempt,
        status: 'Executing',
        callingNumber: '05712345678',
        calledNumber: contact.phoneNumber,
        contact,
        plannedTime: job.nextAttemptAt,
        actualTime: now,
        leaseExpiresAt: now + LEASE_MS,
        endTime: 0,
        ringingMs: 0,
        talkMs: 0,
        endReason: '',
        hangupDirection: '',
        sipCode: '',
        conversation: [],
        ...over,
      },
      attempts: attempt,
      attemptDay: day,
      dayAttempts: job.attemptDay === day ? job.dayAttempts + 1 : 1,
    };
  }

  /** Claims the job's next attempt and checks it was recorded; returns its task. */
  async claimOne(job: JobRow, now: number, over: Partial<TaskRow> = {}): Promise<TaskRow> {
    const claimed = await claimAttempts(this.store, [this.claim(job, now, over)], now);
    assert.equal(claimed.length, 1, `job ${job.id} is claimed`);
    return claimed[0]!;
  }

  /** Claims every job's next attempt at `now`, checking each was recorded; tasks in the jobs' order. */
  async claimAll(jobs: readonly JobRow[], now: number): Promise<TaskRow[]> {
    const claims = jobs.map((job) => this.claim(job, now));
    const claimed = await claimAttempts(this.store, claims, now);
    assert.equal(claimed.length, jobs.length, 'every job is claimed');
    return claims.map((claim) => claimed.find((task) => task.id === claim.task.id)!);
  }
}

// Reads ----------------------------------------------------------------------------

async function countersOf(store: Store, group: JobGroupRow): Promise<JobGroupCounters> {
  const view = await store.viewJobGroup(group.instanceId, group.id);
  assert.ok(view, `group ${group.id} exists`);
  return view.counters;
}

/** The group's counters equal `expected`, every counter not named being zero. */
async function assertCounters(store: Store, group: JobGroupRow, expected: Partial<JobGroupCounters>, message?: string): Promise<void> {
  assert.deepStrictEqual(await countersOf(store, group), { ...ZERO_COUNTERS, ...expected }, message);
}

async function statusOf(store: Store, group: JobGroupRow): Promise<JobGroupStatus> {
  const found = await store.findJobGroup(group.instanceId, group.id);
  assert.ok(found, `group ${group.id} exists`);
  return found.status;
}

async function jobOf(store: Store, job: JobRow): Promise<JobRow> {
  const found = await store.findJob(job.instanceId, job.id);
  assert.ok(found, `job ${job.id} exists`);
  return found.job;
}

async function tasksOf(store: Store, job: JobRow): Promise<TaskRow[]> {
  const found = await store.findJob(job.instanceId, job.id);
  assert.ok(found, `job ${job.id} exists`);
  return [...found.tasks].sort((a, b) => a.attempt - b.attempt);
}

function withoutModifiedAt(job: JobRow | undefined): Omit<JobRow, 'modifiedAt'> | undefined {
  if (!job) return undefined;
  const { modifiedAt: _modifiedAt, ...rest } = job;
  return rest;
}

/** Job rows compare equal, `modifiedAt` aside. */
function sameJob(actual: JobRow | undefined, expected: JobRow, message?: string): void {
  sameRow(withoutModifiedAt(actual), withoutModifiedAt(expected), message);
}

function sameJobs(actual: readonly JobRow[], expected: readonly JobRow[], message?: string): void {
  sameRow(actual.map(withoutModifiedAt), expected.map(withoutModifiedAt), message);
}

/** What dueJobs reads of a job. */
function dueJobOf(job: JobRow): DueJob {
  const { id, instanceId, jobGroupId, contacts, extras, callingNumbers, scriptVersion, nextAttemptAt, attempts, attemptDay, dayAttempts } = job;
  return { id, instanceId, jobGroupId, contacts, extras, callingNumbers, scriptVersion, nextAttemptAt, attempts, attemptDay, dayAttempts };
}

function idsOf(rows: ReadonlyArray<{ id: string }>): string[] {
  return rows.map((row) => row.id);
}

function sortedIds(rows: ReadonlyArray<{ id: string }>): string[] {
  return idsOf(rows).sort();
}

/** What a claim does to the job row. */
function claimedJob(job: JobRow, claim: Pick<AttemptClaim, 'attempts' | 'attemptDay' | 'dayAttempts'>, now: number): JobRow {
  return { ...job, status: 'Executing', attempts: claim.attempts, attemptDay: claim.attemptDay, dayAttempts: claim.dayAttempts, lastAttemptAt: now };
}

// The suite ------------------------------------------------------------------------

/** Test bodies run against a store of their own, with JobFixtures over it. */
export function freshJobStore(open: OpenStore) {
  return freshStore(open, (store) => new JobFixtures(store));
}

export function runJobStoreContract(name: string, open: OpenStore): void {
  const fresh = freshJobStore(open);

  describe(`Store contract, jobs and dispatch: ${name}`, () => {
    describe('insertJobs', () => {
      it(
        'adds the jobs to totalJobs and scheduling, call after call',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          await f.seedJobs(group, 3);
          await assertCounters(store, group, { totalJobs: 3, scheduling: 3 });
          await f.seedJobs(group, 2);
          await assertCounters(store, group, { totalJobs: 5, scheduling: 5 });
        }),
      );

      it(
        'moves a Draft group to Scheduling',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id, { status: 'Draft' });
          await f.seedJobs(group, 1);
          assert.equal(await statusOf(store, group), 'Scheduling');
        }),
      );

      it(
        'wakes a Completed group to Scheduling and clears its end time',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 1);
          const task = await f.claimOne(jobs[0]!, NOW);
          await settleAttempt(store, settlement(task, NOW + MINUTE, ANSWERED));
          assert.equal(await statusOf(store, group), 'Completed');
          assert.equal((await countersOf(store, group)).endTime, NOW + MINUTE);

          await store.insertJobs(group.id, [f.job(group)], NOW + HOUR);
          assert.equal(await statusOf(store, group), 'Scheduling');
          await assertCounters(store, group, { totalJobs: 2, scheduling: 1, completed: 1, totalCalls: 1, finishedNum: 1, startTime: NOW });
        }),
      );

      it(
        'leaves a Paused group Paused while counting its new jobs',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id, { status: 'Paused' });
          await f.seedJobs(group, 2);
          assert.equal(await statusOf(store, group), 'Paused');
          await assertCounters(store, group, { totalJobs: 2, scheduling: 2 });
        }),
      );

      it(
        'with no jobs changes neither the group nor its counters',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id, { status: 'Draft' });
          await store.insertJobs(group.id, [], NOW);
          sameRow(await store.findJobGroup(instance.id, group.id), group);
          await assertCounters(store, group, {});
        }),
      );

      it(
        'jobs round-trip through findJob with their contacts, extras and calling numbers, and no tasks yet',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const [job] = await f.seedJobs(group, [
            {
              referenceId: 'order-42',
              contacts: [f.contact({ name: '王五', honorific: '女士' }), f.contact({ phoneNumber: '+8613912345678', referenceId: '' })],
              extras: [
                { key: 'name', value: '王五' },
                { key: 'json', value: '{"a":[1,2]}' },
              ],
              callingNumbers: ['05710000001', '05710000002'],
              scriptVersion: String(T0 + 7),
              nextAttemptAt: NOW + HOUR,
            },
          ]);
          assert.ok(job);
          const found = await store.findJob(instance.id, job.id);
          assert.ok(found);
          sameJob(found.job, job);
          assert.deepStrictEqual(found.tasks, []);
        }),
      );

      it(
        'findJob returns undefined for an unknown job or a job of another instance',
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const { jobs } = await f.seedRunningGroup(instance.id, 1);
          assert.equal(await store.findJob(other.id, jobs[0]!.id), undefined);
          assert.equal(await store.findJob(instance.id, f.id()), undefined);
        }),
      );

      it(
        "listJobs returns the named jobs of the instance, skipping unknown ids and other instances' jobs",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const { jobs } = await f.seedRunningGroup(instance.id, 3);
          const second = await f.seedRunningGroup(instance.id, 1);
          const foreign = await f.seedRunningGroup(other.id, 1);
          const [a, , c] = jobs;
          const d = second.jobs[0]!;
          const listed = await store.listJobs(instance.id, [a!.id, c!.id, d.id, f.id(), foreign.jobs[0]!.id]);
          sameJobs(
            [...listed].sort((x, y) => (x.id < y.id ? -1 : 1)),
            [a!, c!, d].sort((x, y) => (x.id < y.id ? -1 : 1)),
          );
          assert.deepStrictEqual(await store.listJobs(instance.id, []), []);
        }),
      );
    });

    describe('dueJobs and nextDueTime', () => {
      it(
        'dueJobs returns Scheduling jobs due at now, earliest first, at most limit',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const [a, b, c, d] = await f.seedJobs(group, [
            { nextAttemptAt: NOW + 10 },
            { nextAttemptAt: NOW + 5 },
            { nextAttemptAt: NOW + 20 },
            { nextAttemptAt: NOW + 15 },
          ]);
          const due = await store.dueJobs(group.id, NOW + 15, 10);
          assert.deepStrictEqual(idsOf(due), [b!.id, a!.id, d!.id], 'a job due exactly at now is due');
          assert.deepStrictEqual(due, [b!, a!, d!].map(dueJobOf), 'a due job is read with what the dispatcher needs of it');
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW + 15, 2)), [b!.id, a!.id]);
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW + 4, 10)), []);
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW + 20, 10)), [b!.id, a!.id, d!.id, c!.id]);
        }),
      );

      it(
        "dueJobs leaves out jobs that are not Scheduling and other groups' jobs",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const other = await f.seedRunningGroup(instance.id, 1);
          const [waiting, paused, cancelled, executing, failed] = await f.seedJobs(group, 5);
          await store.moveJobs(group.id, { jobIds: [paused!.id] }, ['Scheduling'], 'Paused', NOW);
          await store.moveJobs(group.id, { jobIds: [cancelled!.id] }, ['Scheduling'], 'Cancelled', NOW);
          await f.claimOne(executing!, NOW);
          await reschedule(store, [{ jobId: failed!.id, jobGroupId: group.id, failureReason: 'TimeUp' }], NOW);
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW + DAY, 10)), [waiting!.id]);
          assert.deepStrictEqual(idsOf(await store.dueJobs(other.group.id, NOW + DAY, 10)), [other.jobs[0]!.id]);
        }),
      );

      it(
        'nextDueTime returns the earliest next attempt strictly after `after`, or undefined',
        fresh(async (f, store) => {
          assert.equal(await store.nextDueTime(T0), undefined, 'an empty store has nothing due');
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const second = await f.seedJobGroup(instance.id);
          await f.seedJobs(group, [{ nextAttemptAt: NOW + 30 }, { nextAttemptAt: NOW + 10 }]);
          await f.seedJobs(second, [{ nextAttemptAt: NOW + 20 }]);
          assert.equal(await store.nextDueTime(NOW), NOW + 10);
          assert.equal(await store.nextDueTime(NOW + 10), NOW + 20);
          assert.equal(await store.nextDueTime(NOW + 29), NOW + 30);
          assert.equal(await store.nextDueTime(NOW + 30), undefined);
        }),
      );

      it(
        "nextDueTime ignores jobs that are not Scheduling and jobs of Paused, Draft, Completed and Cancelled groups",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const running = await f.seedJobGroup(instance.id);
          const [, suspended] = await f.seedJobs(running, [{ nextAttemptAt: NOW + 50 }, { nextAttemptAt: NOW + 5 }]);
          await store.moveJobs(running.id, { jobIds: [suspended!.id] }, ['Scheduling'], 'Paused', NOW);

          const executing = await f.seedJobGroup(instance.id);
          const [calling] = await f.seedJobs(executing, [{ nextAttemptAt: T0 }, { nextAttemptAt: NOW + 40 }]);
          await f.claimOne(calling!, NOW);
          assert.equal(await statusOf(store, executing), 'Executing');

          for (const [status, at] of [
            ['Paused', NOW + 10],
            ['Draft', NOW + 20],
            ['Completed', NOW + 30],
            ['Cancelled', NOW + 15],
          ] as const) {
            const stopped = await f.seedJobGroup(instance.id);
            await f.seedJobs(stopped, [{ nextAttemptAt: at }]);
            const current = await store.findJobGroup(instance.id, stopped.id);
            assert.ok(current);
            await store.updateJobGroup({ ...current, status });
          }
          assert.equal(await store.nextDueTime(NOW), NOW + 40);
        }),
      );
    });

    describe('claimAttempts', () => {
      it(
        'moves the job to Executing with its attempt counts and records the task',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { jobs } = await f.seedRunningGroup(instance.id, 1);
          const job = jobs[0]!;
          const claim = f.claim(job, NOW);
          const claimed = await claimAttempts(store, [claim], NOW);
          sameRow(claimed, [claim.task]);
          const found = await store.findJob(instance.id, job.id);
          assert.ok(found);
          sameJob(found.job, claimedJob(job, claim, NOW));
          assert.equal(found.job.attempts, 1);
          assert.equal(found.job.dayAttempts, 1);
          assert.equal(found.job.attemptDay, new Date(NOW).toISOString().slice(0, 10));
          sameRow(found.tasks, [claim.task]);
        }),
      );

      it(
        'moves the counters (scheduling -1, executing, inFlight and totalCalls +1) and the group to Executing',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 3);
          assert.equal(await statusOf(store, group), 'Scheduling');
          await f.claimAll(jobs.slice(0, 2), NOW);
          await assertCounters(store, group, { totalJobs: 3, scheduling: 1, executing: 2, inFlight: 2, totalCalls: 2, startTime: NOW });
          assert.equal(await statusOf(store, group), 'Executing');
        }),
      );

      it(
        "stamps the group's startTime at its first claim only",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 2);
          const first = await f.claimOne(jobs[0]!, NOW);
          await settleAttempt(store, settlement(first, NOW + MINUTE, retryAt(NOW + HOUR)));
          await f.claimOne(jobs[1]!, NOW + 2 * MINUTE);
          await f.claimOne(await jobOf(store, jobs[0]!), NOW + HOUR);
          assert.equal((await countersOf(store, group)).startTime, NOW);
        }),
      );

      it(
        'a second claim of a job already Executing is skipped, in a later call or in the same one',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 3);
          const [a, b, c] = jobs;
          const first = await f.claimOne(a!, NOW);

          const again = f.claim(a!, NOW + 1);
          const other = f.claim(b!, NOW + 1);
          sameRow(await claimAttempts(store, [again, other], NOW + 1), [other.task], 'only the job still Scheduling is claimed');
          const twice = [f.claim(c!, NOW + 2), f.claim(c!, NOW + 2)];
          sameRow(await claimAttempts(store, twice, NOW + 2), [twice[0]!.task], 'a job named twice in one call is claimed once');

          sameRow(await tasksOf(store, a!), [first]);
          assert.equal((await jobOf(store, a!)).attempts, 1);
          assert.equal((await tasksOf(store, c!)).length, 1);
          await assertCounters(store, group, { totalJobs: 3, executing: 3, inFlight: 3, totalCalls: 3, startTime: NOW });
        }),
      );

      it(
        'a claim of a job not due yet, Paused, Cancelled or finished is skipped and records nothing',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const [later, paused, cancelled, done] = await f.seedJobs(group, [{ nextAttemptAt: NOW + MINUTE }, {}, {}, {}]);
          await store.moveJobs(group.id, { jobIds: [paused!.id] }, ['Scheduling'], 'Paused', T0 + HOUR);
          await store.moveJobs(group.id, { jobIds: [cancelled!.id] }, ['Scheduling'], 'Cancelled', T0 + HOUR);
          await reschedule(store, [{ jobId: done!.id, jobGroupId: group.id, failureReason: 'TimeUp' }], T0 + HOUR);
          const before = await countersOf(store, group);

          const claims = [later!, paused!, cancelled!, done!].map((job) => f.claim(job, NOW));
          assert.deepStrictEqual(await claimAttempts(store, claims, NOW), []);
          for (const job of [later!, paused!, cancelled!, done!]) {
            assert.deepStrictEqual(await tasksOf(store, job), [], `no task for ${job.id}`);
            assert.equal((await jobOf(store, job)).attempts, 0);
          }
          assert.equal((await jobOf(store, later!)).status, 'Scheduling');
          assert.deepStrictEqual(await countersOf(store, group), before);
          assert.equal(before.startTime, 0);
          assert.equal(await statusOf(store, group), 'Scheduling');
        }),
      );
    });

    describe('claimAttempts and the instance ceiling', () => {
      it(
        "claims no more calls than the instance's MaxConcurrentConversation, counted over all its groups",
        fresh(async (f, store) => {
          const { account } = await f.seedTenant();
          const instance = await f.seedInstance(account.id, { maxConcurrentConversation: 3 });
          const { group: first, jobs: firstJobs } = await f.seedRunningGroup(instance.id, 2);
          const { group: second, jobs: secondJobs } = await f.seedRunningGroup(instance.id, 3);
          await f.claimAll(firstJobs, NOW);
          const claims = secondJobs.map((job) => f.claim(job, NOW));
          sameRow(await claimAttempts(store, claims, NOW), [claims[0]!.task], 'one line was left');
          await assertCounters(store, first, { totalJobs: 2, executing: 2, inFlight: 2, totalCalls: 2, startTime: NOW });
          await assertCounters(store, second, { totalJobs: 3, scheduling: 2, executing: 1, inFlight: 1, totalCalls: 1, startTime: NOW });
          assert.deepStrictEqual(await store.instanceConcurrency(account.id, instance.id), { max: 3, inFlight: 3 });
        }),
      );
    });

    describe('dispatchRound', () => {
      it(
        'reads due jobs and commits claims as dueJobs and commitRound do; a round that does not commit writes nothing',
        fresh(async (f, store) => {
          const { account } = await f.seedTenant();
          const instance = await f.seedInstance(account.id, { maxConcurrentConversation: 2 });
          const { group, jobs } = await f.seedRunningGroup(instance.id, 3);
          const read = await store.dispatchRound((round) => round.dueJobs(group.id, NOW, 10));
          assert.deepStrictEqual(idsOf(read).sort(), idsOf(jobs).sort());
          await assertCounters(store, group, { totalJobs: 3, scheduling: 3, inFlight: 0, totalCalls: 0 });

          const claims = jobs.map((job) => f.claim(job, NOW));
          const claimed = await store.dispatchRound(async (round) => {
            const due = await round.dueJobs(group.id, NOW, 10);
            assert.equal(due.length, 3);
            return round.commit({ settlements: [], reschedules: [], claims, now: NOW });
          });
          sameRow(claimed, claims.slice(0, 2).map((claim) => claim.task), 'the ceiling still holds: two of three');
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW, 10)), [jobs[2]!.id]);
          await assertCounters(store, group, { totalJobs: 3, scheduling: 1, executing: 2, inFlight: 2, totalCalls: 2, startTime: NOW });
        }),
      );
    });

    describe('commitRound', () => {
      it(
        'settles, moves and claims in one call, with the lines the settlements free available to the claims',
        fresh(async (f, store) => {
          const { account } = await f.seedTenant();
          const instance = await f.seedInstance(account.id, { maxConcurrentConversation: 2 });
          const { group, jobs } = await f.seedRunningGroup(instance.id, 5);
          const [a, b, c, d, e] = jobs as [JobRow, JobRow, JobRow, JobRow, JobRow];
          const [taskA, taskB] = await f.claimAll([a, b], NOW);
          const claims = [f.claim(c, NOW + MINUTE), f.claim(d, NOW + MINUTE)];
          const claimed = await commitRound(store, {
            settlements: [settlement(taskA!, NOW + MINUTE, ANSWERED), settlement(taskB!, NOW + MINUTE, retryAt(NOW + HOUR))],
            reschedules: [{ jobId: e.id, jobGroupId: group.id, nextAttemptAt: NOW + 2 * HOUR }],
            claims,
            now: NOW + MINUTE,
          });
          sameRow(claimed, claims.map((claim) => claim.task), 'both freed lines are taken');
          assert.equal((await jobOf(store, a)).status, 'Succeeded');
          assert.equal((await jobOf(store, b)).nextAttemptAt, NOW + HOUR);
          assert.equal((await jobOf(store, e)).nextAttemptAt, NOW + 2 * HOUR);
          await assertCounters(store, group, {
            totalJobs: 5, scheduling: 2, executing: 2, completed: 1, inFlight: 2, totalCalls: 4, finishedNum: 1, notAnswered: 1, startTime: NOW,
          });
        }),
      );

      it(
        'a settlement already made (by recovery) frees no line a second time: the ceiling still holds',
        fresh(async (f, store) => {
          const { account } = await f.seedTenant();
          const instance = await f.seedInstance(account.id, { maxConcurrentConversation: 1 });
          const { group, jobs } = await f.seedRunningGroup(instance.id, 3);
          const [a, b, c] = jobs as [JobRow, JobRow, JobRow];
          const taskA = await f.claimOne(a, NOW);
          await settleAttempt(store, settlement(taskA, NOW + MINUTE, retryAt(NOW + HOUR)));
          const taskB = await f.claimOne(b, NOW + MINUTE);
          // The call on A ends again (its report came late): it must not count, nor free B's line.
          const claimed = await commitRound(store, { settlements: [settlement(taskA, NOW + 2 * MINUTE, ANSWERED)], reschedules: [], claims: [f.claim(c, NOW + 2 * MINUTE)], now: NOW + 2 * MINUTE });
          assert.deepStrictEqual(claimed, []);
          assert.equal((await jobOf(store, a)).status, 'Scheduling');
          assert.deepStrictEqual(await store.instanceConcurrency(account.id, instance.id), { max: 1, inFlight: 1 });
          await assertCounters(store, group, { totalJobs: 3, scheduling: 2, executing: 1, inFlight: 1, notAnswered: 1, totalCalls: 2, startTime: NOW });
          assert.equal(taskB.jobId, b.id);
        }),
      );
    });

    describe('groupCallReport', () => {
      it(
        "buckets answered calls by talk time at each bound and by callee turns, equal to the recount from the tasks",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const talkTimes = [0, 9_999, 10_000, 29_999, 30_000, 59_999, 60_000, 119_999, 120_000, 299_999, 300_000, 301_000];
          const { group, jobs } = await f.seedRunningGroup(instance.id, talkTimes.length + 1);
          const contactSaid = (n: number, blank = false) =>
            Array.from({ length: n }, (_, i) => ({ speaker: 'Contact' as const, text: blank && i === 0 ? '' : '嗯', timestamp: NOW + i }));
          const answered = (task: TaskRow, i: number) => {
            const base = settlement(task, NOW + MINUTE, ANSWERED);
            return { ...base, task: { ...base.task, talkMs: talkTimes[i]!, conversation: contactSaid(i % 4, i === 5) } };
          };
          // Answered calls in three transactions (the instance has 10 lines), and one call
          // not answered, which counts nowhere.
          const first = await f.claimAll(jobs.slice(0, 7), NOW);
          await store.settleAttempts(first.slice(0, 5).map((task, i) => answered(task, i)));
          await store.settleAttempts(first.slice(5).map((task, i) => answered(task, 5 + i)));
          const second = await f.claimAll(jobs.slice(7), NOW);
          await store.settleAttempts([...second.slice(0, 5).map((task, i) => answered(task, 7 + i)), settlement(second[5]!, NOW + MINUTE, GAVE_UP)]);

          const report = await store.groupCallReport(group.id);
          assert.deepStrictEqual(report, {
            answered: 12,
            talkMs: talkTimes.reduce((sum, t) => sum + t, 0),
            maxTalkMs: 301_000,
            durationBuckets: { '0-10': 2, '10-30': 2, '30-60': 2, '60-120': 2, '120-300': 2, '300+': 2 },
            // The callee spoke i % 4 times in call i, three calls each; call 5's one turn is blank, so it counts as 0.
            turnBuckets: { '0': 4, '1': 2, '2': 3, '3': 3 },
          });
          assert.deepStrictEqual(await store.recountCallReport(group.id), report);
        }),
      );
    });

    describe('settleAttempt', () => {
      it(
        "records the call's outcome on the task and the job's next state",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { jobs } = await f.seedRunningGroup(instance.id, 1);
          const job = jobs[0]!;
          const claim = f.claim(job, NOW);
          await claimAttempts(store, [claim], NOW);
          const settled = settlement(claim.task, NOW + MINUTE, { ...ANSWERED, nextAttemptAt: NOW });
          await settleAttempt(store, settled);
          const found = await store.findJob(instance.id, job.id);
          assert.ok(found);
          sameRow(found.tasks, [settled.task]);
          sameJob(found.job, { ...claimedJob(job, claim, NOW), status: 'Succeeded', nextAttemptAt: NOW, endReason: 'FINISHED', failureReason: '' });
        }),
      );

      it(
        'an answered last call moves the counters, completes the group and stamps its endTime',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 1);
          const task = await f.claimOne(jobs[0]!, NOW);
          await settleAttempt(store, settlement(task, NOW + MINUTE, ANSWERED));
          await assertCounters(store, group, { totalJobs: 1, completed: 1, totalCalls: 1, finishedNum: 1, startTime: NOW, endTime: NOW + MINUTE });
          assert.equal(await statusOf(store, group), 'Completed');
        }),
      );

      it(
        'an unanswered call with a retry puts the job back to Scheduling at its next attempt',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 1);
          const job = jobs[0]!;
          const first = await f.claimOne(job, NOW);
          await settleAttempt(store, settlement(first, NOW + MINUTE, retryAt(NOW + 10 * MINUTE)));
          const retried = await jobOf(store, job);
          assert.equal(retried.status, 'Scheduling');
          assert.equal(retried.nextAttemptAt, NOW + 10 * MINUTE);
          assert.equal(retried.failureReason, '');
          await assertCounters(store, group, { totalJobs: 1, scheduling: 1, notAnswered: 1, totalCalls: 1, startTime: NOW });
          assert.equal(await statusOf(store, group), 'Scheduling');
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW + 10 * MINUTE - 1, 10)), []);
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW + 10 * MINUTE, 10)), [job.id]);

          const second = await f.claimOne(retried, NOW + 10 * MINUTE);
          assert.equal(second.attempt, 2);
          assert.equal((await jobOf(store, job)).attempts, 2);
          assert.deepStrictEqual(
            (await tasksOf(store, job)).map((task) => [task.attempt, task.status]),
            [
              [1, 'NoAnswer'],
              [2, 'Executing'],
            ],
          );
          await assertCounters(store, group, { totalJobs: 1, executing: 1, notAnswered: 1, totalCalls: 2, inFlight: 1, startTime: NOW });
        }),
      );

      it(
        'a last unanswered call fails the job with its reason',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 1);
          const task = await f.claimOne(jobs[0]!, NOW);
          await settleAttempt(store, settlement(task, NOW + MINUTE, GAVE_UP));
          const failed = await jobOf(store, jobs[0]!);
          assert.equal(failed.status, 'Failed');
          assert.equal(failed.failureReason, 'NoAnswer');
          assert.equal((await tasksOf(store, jobs[0]!))[0]?.status, 'Busy');
          await assertCounters(store, group, { totalJobs: 1, failed: 1, notAnswered: 1, totalCalls: 1, startTime: NOW, endTime: NOW + MINUTE });
          assert.equal(await statusOf(store, group), 'Completed');
        }),
      );

      it(
        'a job cancelled mid-call stays Cancelled; its call still frees the line and is tallied',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 1);
          const job = jobs[0]!;
          const task = await f.claimOne(job, NOW);
          assert.equal(await store.moveJobs(group.id, { jobIds: [job.id] }, ['Scheduling', 'Paused', 'Executing'], 'Cancelled', NOW + 1), 1);
          await assertCounters(store, group, { totalJobs: 1, cancelled: 1, inFlight: 1, totalCalls: 1, startTime: NOW });
          assert.equal(await statusOf(store, group), 'Executing', 'the call still in flight keeps the group running');

          const settled = settlement(task, NOW + MINUTE, retryAt(NOW + HOUR));
          await settleAttempt(store, settled);
          const after = await jobOf(store, job);
          assert.equal(after.status, 'Cancelled');
          assert.equal(after.nextAttemptAt, T0, 'the settlement does not reschedule a cancelled job');
          sameRow(await tasksOf(store, job), [settled.task]);
          await assertCounters(store, group, { totalJobs: 1, cancelled: 1, notAnswered: 1, totalCalls: 1, startTime: NOW, endTime: NOW + MINUTE });
          assert.equal(await statusOf(store, group), 'Completed');
        }),
      );

      it(
        'settling the same task twice changes nothing the second time',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 2);
          const [task] = await f.claimAll(jobs, NOW);
          const first = settlement(task!, NOW + MINUTE, retryAt(NOW + HOUR));
          await settleAttempt(store, first);
          const counters = await countersOf(store, group);
          const job = await jobOf(store, jobs[0]!);
          const tasks = await tasksOf(store, jobs[0]!);
          const status = await statusOf(store, group);

          await settleAttempt(store, first);
          await settleAttempt(store, settlement(task!, NOW + 2 * MINUTE, ANSWERED));
          assert.deepStrictEqual(await countersOf(store, group), counters);
          assert.deepStrictEqual(await jobOf(store, jobs[0]!), job);
          assert.deepStrictEqual(await tasksOf(store, jobs[0]!), tasks);
          assert.equal(await statusOf(store, group), status);
          assert.equal(counters.inFlight, 1);
        }),
      );

      it(
        'the group completes only when no job is left to call, Paused ones included, and endTime is stamped then',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 3);
          const [a, b, c] = jobs;
          const [taskA, taskB] = await f.claimAll([a!, b!], NOW);
          await settleAttempt(store, settlement(taskA!, NOW + MINUTE, ANSWERED));
          assert.equal(await statusOf(store, group), 'Executing');
          await store.moveJobs(group.id, { jobIds: [c!.id] }, ['Scheduling'], 'Paused', NOW + MINUTE);
          await settleAttempt(store, settlement(taskB!, NOW + 2 * MINUTE, GAVE_UP));
          assert.notEqual(await statusOf(store, group), 'Completed', 'a Paused job is still to be called');
          assert.equal((await countersOf(store, group)).endTime, 0);

          await store.moveJobs(group.id, { jobIds: [c!.id] }, ['Paused'], 'Cancelled', NOW + 3 * MINUTE);
          assert.equal(await statusOf(store, group), 'Completed');
          await assertCounters(store, group, {
            totalJobs: 3,
            completed: 1,
            failed: 1,
            cancelled: 1,
            notAnswered: 1,
            totalCalls: 2,
            finishedNum: 1,
            startTime: NOW,
            endTime: NOW + 3 * MINUTE,
          });
        }),
      );

      it(
        'refreshGroupStatus derives a resumed group\'s status from its counters',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 2);
          const [taskA, taskB] = await f.claimAll(jobs, NOW);
          const pause = async (status: JobGroupStatus) => {
            const current = await store.findJobGroup(instance.id, group.id);
            assert.ok(current);
            await store.updateJobGroup({ ...current, status });
          };
          await pause('Paused');
          await settleAttempt(store, settlement(taskA!, NOW + MINUTE, ANSWERED));
          assert.equal(await statusOf(store, group), 'Paused', 'a settlement leaves a Paused group Paused');
          await store.refreshGroupStatus(group.id, NOW + MINUTE);
          assert.equal(await statusOf(store, group), 'Paused', 'only running groups are re-derived');

          await pause('Scheduling');
          await store.refreshGroupStatus(group.id, NOW + 2 * MINUTE);
          assert.equal(await statusOf(store, group), 'Executing', 'a call is still in flight');

          await pause('Paused');
          await settleAttempt(store, settlement(taskB!, NOW + 3 * MINUTE, ANSWERED));
          assert.equal((await countersOf(store, group)).endTime, 0);
          await pause('Scheduling');
          await store.refreshGroupStatus(group.id, NOW + 4 * MINUTE);
          assert.equal(await statusOf(store, group), 'Completed');
          assert.equal((await countersOf(store, group)).endTime, NOW + 4 * MINUTE);
        }),
      );
    });

    describe('recountGroup and storedCounters', () => {
      it(
        'recountGroup equals the stored counters after a run of claims, settlements, moves and reschedules',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 10);
          const bystander = await f.seedRunningGroup(instance.id, 2);
          await f.claimOne(bystander.jobs[0]!, NOW);
          const tasks = await f.claimAll(jobs.slice(0, 7), NOW);
          const outcomes: Outcome[] = [
            answeredWith('FINISHED', 'SucceededFinish'),
            answeredWith('CLIENT_HANGUP', 'SucceededClientHangUp'),
            answeredWith('NO_INTERACTION', 'SucceededChatbotHangUpAfterSilence'),
            answeredWith('TIMEOUT_HANGUP', 'SucceededChatbotHangUpAfterTimeout'),
            answeredWith('CHATBOT_HANGUP_AFTER_NOANSWER', 'SucceededChatbotHangUpAfterNoAnswer'),
            retryAt(NOW + 10 * MINUTE),
          ];
          for (const [i, outcome] of outcomes.entries()) await settleAttempt(store, settlement(tasks[i]!, NOW + MINUTE, outcome));
          await settleAttempt(store, settlement(tasks[0]!, NOW + 2 * MINUTE, GAVE_UP)); // ignored: already settled
          await f.claimOne(await jobOf(store, jobs[5]!), NOW + 10 * MINUTE);
          await store.moveJobs(group.id, { jobIds: [jobs[6]!.id] }, ['Executing'], 'Cancelled', NOW + 10 * MINUTE);
          await settleAttempt(store, settlement(tasks[6]!, NOW + 11 * MINUTE, retryAt(NOW + HOUR)));
          await store.moveJobs(group.id, { jobIds: [jobs[7]!.id] }, ['Scheduling'], 'Paused', NOW + 11 * MINUTE);
          await reschedule(store, [{ jobId: jobs[8]!.id, jobGroupId: group.id, failureReason: 'TimeUp' }], NOW + 11 * MINUTE);

          const stored = await countersOf(store, group);
          assert.deepStrictEqual(stored, {
            ...ZERO_COUNTERS,
            totalJobs: 10,
            scheduling: 1,
            executing: 1,
            completed: 5,
            failed: 1,
            paused: 1,
            cancelled: 1,
            notAnswered: 2,
            totalCalls: 8,
            inFlight: 1,
            startTime: NOW,
            finishedNum: 1,
            clientHangupNum: 1,
            noInteractNum: 1,
            timeoutHangupNum: 1,
            unrecognizedNum: 1,
          });
          assert.deepStrictEqual(await store.recountGroup(group.id), stored);
          assert.deepStrictEqual(await store.storedCounters(group.id), stored);
          assert.deepStrictEqual(await store.recountGroup(bystander.group.id), await countersOf(store, bystander.group));
        }),
      );

      it(
        'recountGroup equals the stored counters of a completed group, endTime included',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 2);
          const [a, b] = await f.claimAll(jobs, NOW);
          await settleAttempt(store, settlement(a!, NOW + MINUTE, ANSWERED));
          await settleAttempt(store, settlement(b!, NOW + 2 * MINUTE, GAVE_UP));
          const stored = await countersOf(store, group);
          assert.equal(stored.endTime, NOW + 2 * MINUTE);
          assert.deepStrictEqual(await store.recountGroup(group.id), stored);
        }),
      );

      it(
        'storedCounters returns undefined for an unknown group; listAllJobGroupIds lists the groups of every instance',
        fresh(async (f, store) => {
          assert.deepStrictEqual(await store.listAllJobGroupIds(), []);
          const { instance } = await f.seedTenant();
          const other = await f.seedTenant();
          const groups = [
            await f.seedJobGroup(instance.id),
            await f.seedJobGroup(other.instance.id, { status: 'Cancelled' }),
            await f.seedJobGroup(instance.id, { status: 'Completed' }),
          ];
          assert.deepStrictEqual([...(await store.listAllJobGroupIds())].sort(), sortedIds(groups));
          assert.equal(await store.storedCounters(f.id()), undefined);
          assert.deepStrictEqual(await store.storedCounters(groups[0]!.id), ZERO_COUNTERS);
        }),
      );
    });

    describe('moveJobs', () => {
      it(
        'suspends Scheduling jobs to Paused, keeping their nextAttemptAt, and moves the counters',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const jobs = await f.seedJobs(group, [{ nextAttemptAt: NOW }, { nextAttemptAt: NOW + 1 }, { nextAttemptAt: NOW + 2 }]);
          assert.equal(await store.moveJobs(group.id, { all: true }, ['Scheduling'], 'Paused', NOW + HOUR, NOW + 5 * HOUR), 3);
          for (const job of jobs) sameJob(await jobOf(store, job), { ...job, status: 'Paused' });
          await assertCounters(store, group, { totalJobs: 3, paused: 3 });
          assert.deepStrictEqual(await store.dueJobs(group.id, NOW + DAY, 10), []);
          assert.notEqual(await statusOf(store, group), 'Completed');
        }),
      );

      it(
        'resumes Paused jobs to Scheduling at the given nextAttemptAt',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 3);
          await store.moveJobs(group.id, { all: true }, ['Scheduling'], 'Paused', NOW);
          assert.equal(await store.moveJobs(group.id, { jobIds: [jobs[0]!.id, jobs[1]!.id] }, ['Paused'], 'Scheduling', NOW + HOUR, NOW + 2 * HOUR), 2);
          for (const job of jobs.slice(0, 2)) sameJob(await jobOf(store, job), { ...job, status: 'Scheduling', nextAttemptAt: NOW + 2 * HOUR });
          assert.equal((await jobOf(store, jobs[2]!)).status, 'Paused');
          await assertCounters(store, group, { totalJobs: 3, scheduling: 2, paused: 1 });
          assert.deepStrictEqual(await store.dueJobs(group.id, NOW + 2 * HOUR - 1, 10), []);
          assert.deepStrictEqual(sortedIds(await store.dueJobs(group.id, NOW + 2 * HOUR, 10)), sortedIds(jobs.slice(0, 2)));
          assert.equal(await store.nextDueTime(NOW + HOUR), NOW + 2 * HOUR);
        }),
      );

      it(
        'cancels jobs from several statuses at once, returning how many moved, and leaves finished jobs alone',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 6);
          const [s1, s2, paused, executing, succeeded, failed] = jobs;
          await store.moveJobs(group.id, { jobIds: [paused!.id] }, ['Scheduling'], 'Paused', NOW);
          const [, doneTask, failedTask] = await f.claimAll([executing!, succeeded!, failed!], NOW);
          await settleAttempt(store, settlement(doneTask!, NOW + MINUTE, ANSWERED));
          await settleAttempt(store, settlement(failedTask!, NOW + MINUTE, GAVE_UP));

          const moved = await store.moveJobs(group.id, { all: true }, ['Scheduling', 'Paused', 'Executing'], 'Cancelled', NOW + 2 * MINUTE, NOW + 2 * MINUTE);
          assert.equal(moved, 4);
          for (const job of [s1!, s2!, paused!, executing!]) assert.equal((await jobOf(store, job)).status, 'Cancelled', job.id);
          assert.equal((await jobOf(store, succeeded!)).status, 'Succeeded');
          assert.equal((await jobOf(store, failed!)).status, 'Failed');
          await assertCounters(store, group, {
            totalJobs: 6,
            completed: 1,
            failed: 1,
            cancelled: 4,
            notAnswered: 1,
            totalCalls: 3,
            inFlight: 1,
            finishedNum: 1,
            startTime: NOW,
          });
          assert.equal(await store.moveJobs(group.id, { all: true }, ['Scheduling', 'Paused', 'Executing'], 'Cancelled', NOW + 3 * MINUTE), 0);
        }),
      );

      it(
        'selects jobs by jobIds, by referenceIds or all, within the named group only',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const other = await f.seedJobGroup(instance.id);
          const jobs = await f.seedJobs(group, [{ referenceId: 'r1' }, { referenceId: 'r2' }, { referenceId: 'r3' }, { referenceId: 'r3' }, { referenceId: 'r5' }]);
          const [theirs] = await f.seedJobs(other, [{ referenceId: 'r3' }]);
          const suspend = (selector: Parameters<Store['moveJobs']>[1]) => store.moveJobs(group.id, selector, ['Scheduling'], 'Paused', NOW);

          assert.equal(await suspend({ jobIds: [jobs[0]!.id, theirs!.id, f.id()] }), 1);
          assert.equal(await suspend({ referenceIds: ['r3', 'r-unknown'] }), 2);
          assert.equal(await suspend({ jobIds: [] }), 0);
          assert.equal(await suspend({ referenceIds: [] }), 0);
          assert.deepStrictEqual(
            await Promise.all(jobs.map(async (job) => (await jobOf(store, job)).status)),
            ['Paused', 'Scheduling', 'Paused', 'Paused', 'Scheduling'],
          );
          assert.equal((await jobOf(store, theirs!)).status, 'Scheduling', "the other group's jobs never move");
          await assertCounters(store, other, { totalJobs: 1, scheduling: 1 });

          assert.equal(await suspend({ all: true }), 2);
          await assertCounters(store, group, { totalJobs: 5, paused: 5 });
          assert.equal((await jobOf(store, theirs!)).status, 'Scheduling');
        }),
      );

      it(
        'returns 0 and moves no counter when no selected job is in a from status',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 2);
          assert.equal(await store.moveJobs(group.id, { all: true }, ['Paused'], 'Scheduling', NOW, NOW), 0);
          assert.equal(await store.moveJobs(group.id, { jobIds: [jobs[0]!.id] }, ['Executing'], 'Cancelled', NOW), 0);
          await assertCounters(store, group, { totalJobs: 2, scheduling: 2 });
          for (const job of jobs) sameJob(await jobOf(store, job), job);
        }),
      );
    });

    describe('reschedule', () => {
      it(
        "moves a Scheduling job's nextAttemptAt without moving a counter",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 2);
          await reschedule(store, [{ jobId: jobs[0]!.id, jobGroupId: group.id, nextAttemptAt: NOW + HOUR }], NOW);
          sameJob(await jobOf(store, jobs[0]!), { ...jobs[0]!, nextAttemptAt: NOW + HOUR });
          sameJob(await jobOf(store, jobs[1]!), jobs[1]!);
          assert.deepStrictEqual(idsOf(await store.dueJobs(group.id, NOW, 10)), [jobs[1]!.id]);
          assert.equal(await store.nextDueTime(NOW), NOW + HOUR);
          await assertCounters(store, group, { totalJobs: 2, scheduling: 2 });
        }),
      );

      it(
        'a failure entry marks the job Failed with the reason and moves the counters',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 2);
          await reschedule(store, 
            [
              { jobId: jobs[0]!.id, jobGroupId: group.id, failureReason: 'TimeUp' },
              { jobId: jobs[1]!.id, jobGroupId: group.id, nextAttemptAt: NOW + HOUR },
            ],
            NOW,
          );
          sameJob(await jobOf(store, jobs[0]!), { ...jobs[0]!, status: 'Failed', failureReason: 'TimeUp' });
          await assertCounters(store, group, { totalJobs: 2, scheduling: 1, failed: 1 });
          assert.equal(await statusOf(store, group), 'Scheduling');

          await reschedule(store, [{ jobId: jobs[1]!.id, jobGroupId: group.id, failureReason: 'CallingNumberNotExist' }], NOW + MINUTE);
          assert.equal((await jobOf(store, jobs[1]!)).failureReason, 'CallingNumberNotExist');
          await assertCounters(store, group, { totalJobs: 2, failed: 2, endTime: NOW + MINUTE });
          assert.equal(await statusOf(store, group), 'Completed');
        }),
      );

      it(
        'leaves jobs that are no longer Scheduling, and their counters, alone',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 3);
          const [paused, executing, failed] = jobs;
          await store.moveJobs(group.id, { jobIds: [paused!.id] }, ['Scheduling'], 'Paused', NOW);
          await f.claimOne(executing!, NOW);
          await reschedule(store, [{ jobId: failed!.id, jobGroupId: group.id, failureReason: 'TimeUp' }], NOW);
          const counters = await countersOf(store, group);
          const before = await Promise.all(jobs.map((job) => jobOf(store, job)));

          await reschedule(store, 
            [
              ...jobs.map((job) => ({ jobId: job.id, jobGroupId: group.id, failureReason: 'Again' })),
              ...jobs.map((job) => ({ jobId: job.id, jobGroupId: group.id, nextAttemptAt: NOW + DAY })),
            ],
            NOW + MINUTE,
          );
          assert.deepStrictEqual(await countersOf(store, group), counters);
          for (const [i, job] of jobs.entries()) sameJob(await jobOf(store, job), before[i]!);
        }),
      );
    });

    describe('expiredAttempts', () => {
      it(
        'returns the tasks still Executing whose lease has expired, with their jobs',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 4);
          const [a, b, c, d] = jobs;
          const taskA = await f.claimOne(a!, NOW, { leaseExpiresAt: NOW + 100 });
          const taskB = await f.claimOne(b!, NOW, { leaseExpiresAt: NOW + 200 });
          const taskC = await f.claimOne(c!, NOW, { leaseExpiresAt: NOW + 300 });
          const taskD = await f.claimOne(d!, NOW, { leaseExpiresAt: NOW + 50 });
          await settleAttempt(store, settlement(taskD, NOW + 10, ANSWERED));
          await store.moveJobs(group.id, { jobIds: [c!.id] }, ['Executing'], 'Cancelled', NOW + 20);

          assert.deepStrictEqual(await store.expiredAttempts(NOW + 99, 10), []);
          const expired = await store.expiredAttempts(NOW + 200, 10);
          const byTask = [...expired].sort((x, y) => (x.task.id < y.task.id ? -1 : 1));
          sameRow(
            byTask.map(({ task }) => task),
            [taskA, taskB].sort((x, y) => (x.id < y.id ? -1 : 1)),
            'a lease ending exactly at now has expired',
          );
          for (const { task, job } of expired) sameJob(job, await jobOf(store, { ...a!, id: task.jobId }));
          assert.deepStrictEqual(
            expired.map(({ job }) => job.status),
            ['Executing', 'Executing'],
          );

          assert.equal((await store.expiredAttempts(NOW + 200, 1)).length, 1, 'limit is honoured');
          const all = await store.expiredAttempts(NOW + 300, 10);
          assert.deepStrictEqual(sortedIds(all.map(({ task }) => task)), sortedIds([taskA, taskB, taskC]));
          assert.equal(all.find(({ task }) => task.id === taskC.id)?.job.status, 'Cancelled', 'a call of a cancelled job still needs settling');

          await settleAttempt(store, settlement(taskA, NOW + 400, retryAt(NOW + HOUR)));
          assert.deepStrictEqual(
            (await store.expiredAttempts(NOW + 300, 10)).map(({ task }) => task.id).sort(),
            [taskB.id, taskC.id].sort(),
          );
        }),
      );
    });

    describe('dispatchableGroups', () => {
      it(
        'lists only Scheduling and Executing groups, with their rows',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const byStatus = new Map<JobGroupStatus, JobGroupRow>();
          for (const status of ['Draft', 'Initializing', 'Scheduling', 'Executing', 'Paused', 'Completed', 'Failed', 'Cancelled'] as const) {
            byStatus.set(status, await f.seedJobGroup(instance.id, { status }));
          }
          const groups = await store.dispatchableGroups();
          sameRow(
            groups.map(({ group }) => group).sort((x, y) => (x.id < y.id ? -1 : 1)),
            [byStatus.get('Scheduling'), byStatus.get('Executing')],
          );
        }),
      );

      it(
        "reports the instance's ceiling, the group's calls in flight and the instance's, a paused group's calls included",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          await store.updateInstance({ ...instance, maxConcurrentConversation: 7 });
          const other = await f.seedInstance(account.id, { maxConcurrentConversation: 3 });
          const busy = await f.seedRunningGroup(instance.id, 3);
          const paused = await f.seedRunningGroup(instance.id, 1);
          const idle = await f.seedRunningGroup(instance.id, 1);
          const elsewhere = await f.seedRunningGroup(other.id, 2);
          await f.claimAll(busy.jobs.slice(0, 2), NOW);
          await f.claimAll(paused.jobs, NOW);
          await f.claimAll(elsewhere.jobs.slice(0, 1), NOW);
          const current = await store.findJobGroup(instance.id, paused.group.id);
          assert.ok(current);
          await store.updateJobGroup({ ...current, status: 'Paused' });

          const entries = new Map((await store.dispatchableGroups()).map((entry) => [entry.group.id, entry]));
          assert.deepStrictEqual([...entries.keys()].sort(), sortedIds([busy.group, idle.group, elsewhere.group]));
          const summary = (id: string) => {
            const entry = entries.get(id);
            assert.ok(entry, id);
            return { instanceMaxConcurrency: entry.instanceMaxConcurrency, inFlight: entry.inFlight, instanceInFlight: entry.instanceInFlight };
          };
          assert.deepStrictEqual(summary(busy.group.id), { instanceMaxConcurrency: 7, inFlight: 2, instanceInFlight: 3 });
          assert.deepStrictEqual(summary(idle.group.id), { instanceMaxConcurrency: 7, inFlight: 0, instanceInFlight: 3 });
          assert.deepStrictEqual(summary(elsewhere.group.id), { instanceMaxConcurrency: 3, inFlight: 1, instanceInFlight: 1 });
        }),
      );
    });

    describe('instanceConcurrency and accountConcurrency', () => {
      it(
        'sum the ceilings and the calls in flight, paused groups and cancelled jobs included',
        fresh(async (f, store) => {
          const account = await f.seedAccount();
          const first = await f.seedInstance(account.id, { maxConcurrentConversation: 10 });
          const second = await f.seedInstance(account.id, { maxConcurrentConversation: 5 });
          const stranger = await f.seedTenant();
          await store.updateInstance({ ...stranger.instance, maxConcurrentConversation: 4 });

          assert.deepStrictEqual(await store.instanceConcurrency(account.id, first.id), { max: 10, inFlight: 0 });
          assert.deepStrictEqual(await store.accountConcurrency(account.id), { max: 15, inFlight: 0 });

          const running = await f.seedRunningGroup(first.id, 2);
          const paused = await f.seedRunningGroup(first.id, 1);
          const cancelled = await f.seedRunningGroup(second.id, 1);
          const foreign = await f.seedRunningGroup(stranger.instance.id, 3);
          const runningTasks = await f.claimAll(running.jobs, NOW);
          await f.claimAll(paused.jobs, NOW);
          await f.claimAll(cancelled.jobs, NOW);
          await f.claimAll(foreign.jobs, NOW);
          const current = await store.findJobGroup(first.id, paused.group.id);
          assert.ok(current);
          await store.updateJobGroup({ ...current, status: 'Paused' });
          await store.moveJobs(cancelled.group.id, { all: true }, ['Executing'], 'Cancelled', NOW + 1);

          assert.deepStrictEqual(await store.instanceConcurrency(account.id, first.id), { max: 10, inFlight: 3 });
          assert.deepStrictEqual(await store.instanceConcurrency(account.id, second.id), { max: 5, inFlight: 1 });
          assert.deepStrictEqual(await store.accountConcurrency(account.id), { max: 15, inFlight: 4 });
          assert.deepStrictEqual(await store.instanceConcurrency(stranger.account.id, stranger.instance.id), { max: 4, inFlight: 3 });
          assert.deepStrictEqual(await store.accountConcurrency(stranger.account.id), { max: 4, inFlight: 3 });

          await settleAttempt(store, settlement(runningTasks[0]!, NOW + MINUTE, ANSWERED));
          assert.deepStrictEqual(await store.instanceConcurrency(account.id, first.id), { max: 10, inFlight: 2 });
          assert.deepStrictEqual(await store.accountConcurrency(account.id), { max: 15, inFlight: 3 });
        }),
      );

      it(
        "a cancelled group's calls in flight still hold their lines: counted, and the ceiling keeps the next claims out",
        fresh(async (f, store) => {
          const { account } = await f.seedTenant();
          const instance = await f.seedInstance(account.id, { maxConcurrentConversation: 2 });
          const ending = await f.seedRunningGroup(instance.id, 1);
          await f.claimAll(ending.jobs, NOW);
          await store.updateJobGroup({ ...(await store.findJobGroup(instance.id, ending.group.id))!, status: 'Cancelled' });
          const next = await f.seedRunningGroup(instance.id, 2);

          assert.deepStrictEqual(await store.instanceConcurrency(account.id, instance.id), { max: 2, inFlight: 1 });
          const entry = (await store.dispatchableGroups()).find(({ group }) => group.id === next.group.id);
          assert.equal(entry?.instanceInFlight, 1);
          const claimed = await claimAttempts(store, next.jobs.map((job) => f.claim(job, NOW)), NOW);
          assert.equal(claimed.length, 1, 'one line is left');
        }),
      );

      it(
        "instanceConcurrency returns undefined for another account's instance or an unknown one; an account without instances has none",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const stranger = await f.seedAccount();
          assert.equal(await store.instanceConcurrency(stranger.id, instance.id), undefined);
          assert.equal(await store.instanceConcurrency(account.id, f.id()), undefined);
          assert.deepStrictEqual(await store.accountConcurrency(stranger.id), { max: 0, inFlight: 0 });
        }),
      );
    });

    describe('queryJobs', () => {
      const everything = { pageNumber: 1, pageSize: 100 };

      it(
        "returns the instance's jobs newest first, filtered by group",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const first = await f.seedRunningGroup(instance.id, 2);
          const second = await f.seedRunningGroup(instance.id, 1);
          await f.seedRunningGroup(other.id, 2);

          const all = await store.queryJobs(instance.id, {}, everything);
          assert.equal(all.totalCount, 3);
          assert.deepStrictEqual(
            all.items.map(({ job }) => job.id),
            [second.jobs[0]!.id, first.jobs[1]!.id, first.jobs[0]!.id],
          );
          sameJobs(
            all.items.map(({ job }) => job),
            [second.jobs[0]!, first.jobs[1]!, first.jobs[0]!],
          );
          const ofFirst = await store.queryJobs(instance.id, { jobGroupId: first.group.id }, everything);
          assert.equal(ofFirst.totalCount, 2);
          assert.deepStrictEqual(
            ofFirst.items.map(({ job }) => job.id),
            [first.jobs[1]!.id, first.jobs[0]!.id],
          );
        }),
      );

      it(
        'filters by statuses (an empty list filters nothing) and by failureReason',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 5);
          const [waiting, paused, timedUp, gaveUp, cancelled] = jobs;
          await store.moveJobs(group.id, { jobIds: [paused!.id] }, ['Scheduling'], 'Paused', NOW);
          await store.moveJobs(group.id, { jobIds: [cancelled!.id] }, ['Scheduling'], 'Cancelled', NOW);
          await reschedule(store, [{ jobId: timedUp!.id, jobGroupId: group.id, failureReason: 'TimeUp' }], NOW);
          const task = await f.claimOne(gaveUp!, NOW);
          await settleAttempt(store, settlement(task, NOW + MINUTE, GAVE_UP));

          const query = async (filter: Parameters<Store['queryJobs']>[1]) => {
            const page = await store.queryJobs(instance.id, filter, everything);
            assert.equal(page.totalCount, page.items.length);
            return page.items.map(({ job }) => job.id).sort();
          };
          assert.deepStrictEqual(await query({ statuses: ['Paused', 'Failed'] }), [paused!.id, timedUp!.id, gaveUp!.id].sort());
          assert.deepStrictEqual(await query({ statuses: ['Scheduling'] }), [waiting!.id]);
          assert.deepStrictEqual(await query({ statuses: ['Executing', 'Succeeded'] }), []);
          assert.deepStrictEqual(await query({ statuses: [] }), sortedIds(jobs));
          assert.deepStrictEqual(await query({ failureReason: 'TimeUp' }), [timedUp!.id]);
          assert.deepStrictEqual(await query({ failureReason: 'NoAnswer', statuses: ['Failed'] }), [gaveUp!.id]);
          assert.deepStrictEqual(await query({ failureReason: 'NoAnswer', statuses: ['Paused'] }), []);
        }),
      );

      it(
        "filters by a contact's exact phone number and by part of a contact's name",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const group = await f.seedJobGroup(instance.id);
          const [zhang, pair, longer] = await f.seedJobs(group, [
            { contacts: [f.contact({ phoneNumber: '13800000001', name: '张三' })] },
            { contacts: [f.contact({ phoneNumber: '13900000002', name: 'Li Si' }), f.contact({ phoneNumber: '13700000003', name: '张小四' })] },
            { contacts: [f.contact({ phoneNumber: '138000000011', name: 'Wang' })] },
          ]);
          const foreignGroup = await f.seedJobGroup(other.id);
          await f.seedJobs(foreignGroup, [{ contacts: [f.contact({ phoneNumber: '13800000001', name: '张三' })] }]);

          const query = async (filter: Parameters<Store['queryJobs']>[1]) => {
            const page = await store.queryJobs(instance.id, filter, everything);
            assert.equal(page.totalCount, page.items.length);
            return page.items.map(({ job }) => job.id).sort();
          };
          assert.deepStrictEqual(await query({ phoneNumber: '13800000001' }), [zhang!.id], 'exact, not a prefix');
          assert.deepStrictEqual(await query({ phoneNumber: '13700000003' }), [pair!.id], 'any contact of the job');
          assert.deepStrictEqual(await query({ phoneNumber: '1380000000' }), []);
          assert.deepStrictEqual(await query({ contactName: '张' }), [zhang!.id, pair!.id].sort());
          assert.deepStrictEqual(await query({ contactName: '四' }), [pair!.id]);
          assert.deepStrictEqual(await query({ contactName: 'an' }), [longer!.id]);
          assert.deepStrictEqual(await query({ contactName: '张', phoneNumber: '13900000002' }), [pair!.id]);
          assert.deepStrictEqual(await query({ contactName: 'Zhao' }), []);
        }),
      );

      it(
        'filters by creation time, both bounds included',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id);
          const at = (n: number) => T0 + n * DAY;
          await f.seedJobs(group, [1, 2, 3, 4, 5].map((n) => ({ createdAt: at(n), modifiedAt: at(n) })));
          const created = async (createdFrom?: number, createdTo?: number) => {
            const page = await store.queryJobs(instance.id, { createdFrom, createdTo }, everything);
            assert.equal(page.totalCount, page.items.length);
            return page.items.map(({ job }) => job.createdAt);
          };
          assert.deepStrictEqual(await created(at(2), at(4)), [at(4), at(3), at(2)]);
          assert.deepStrictEqual(await created(at(2) + 1, at(4) - 1), [at(3)]);
          assert.deepStrictEqual(await created(at(4)), [at(5), at(4)]);
          assert.deepStrictEqual(await created(undefined, at(2)), [at(2), at(1)]);
          assert.deepStrictEqual(await created(at(4), at(2)), []);
        }),
      );

      it(
        "counts and pages a group's jobs by status, and nothing of a group of another instance",
        fresh(async (f, store) => {
          const { account, instance } = await f.seedTenant();
          const other = await f.seedInstance(account.id);
          const { group, jobs } = await f.seedRunningGroup(instance.id, 6);
          await f.seedRunningGroup(instance.id, 3);
          const foreign = await f.seedRunningGroup(other.id, 2);
          const paused = jobs.slice(0, 3);
          await store.moveJobs(group.id, { jobIds: idsOf(paused) }, ['Scheduling'], 'Paused', NOW);
          const task = await f.claimOne(jobs[4]!, NOW);
          await settleAttempt(store, settlement(task, NOW + MINUTE, GAVE_UP));

          const page = (filter: Parameters<Store['queryJobs']>[1], pageNumber = 1, pageSize = 2) =>
            store.queryJobs(instance.id, { jobGroupId: group.id, ...filter }, { pageNumber, pageSize });
          const newestPaused = idsOf(paused).reverse();
          for (const [pageNumber, expected] of [[1, newestPaused.slice(0, 2)], [2, newestPaused.slice(2)], [3, []]] as const) {
            const got = await page({ statuses: ['Paused'] }, pageNumber);
            assert.equal(got.totalCount, 3, `totalCount on page ${pageNumber}`);
            assert.deepStrictEqual(got.items.map(({ job }) => job.id), expected, `items on page ${pageNumber}`);
          }
          assert.equal((await page({ statuses: ['Paused', 'Failed'] }, 1, 10)).totalCount, 4);
          assert.equal((await page({ statuses: ['Scheduling'] }, 1, 10)).totalCount, 2);
          const none = await page({ statuses: ['Succeeded'] });
          assert.deepStrictEqual([none.totalCount, none.items], [0, []]);
          assert.equal((await page({}, 1, 10)).totalCount, 6);
          const elsewhere = await store.queryJobs(instance.id, { jobGroupId: foreign.group.id }, everything);
          assert.deepStrictEqual([elsewhere.totalCount, elsewhere.items], [0, []], "another instance's group");
          const elsewhereByStatus = await store.queryJobs(instance.id, { jobGroupId: foreign.group.id, statuses: ['Scheduling'] }, everything);
          assert.deepStrictEqual([elsewhereByStatus.totalCount, elsewhereByStatus.items], [0, []]);
        }),
      );

      it(
        'pages newest first and reports the filtered total on every page',
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { group, jobs } = await f.seedRunningGroup(instance.id, 5);
          await f.seedRunningGroup(instance.id, 2);
          const newestFirst = idsOf(jobs).reverse();
          for (const [pageNumber, expected] of [
            [1, newestFirst.slice(0, 2)],
            [2, newestFirst.slice(2, 4)],
            [3, newestFirst.slice(4)],
            [4, []],
          ] as const) {
            const page = await store.queryJobs(instance.id, { jobGroupId: group.id }, { pageNumber, pageSize: 2 });
            assert.equal(page.totalCount, 5, `totalCount on page ${pageNumber}`);
            assert.deepStrictEqual(
              page.items.map(({ job }) => job.id),
              expected,
              `items on page ${pageNumber}`,
            );
          }
        }),
      );

      it(
        "gives each job its latest attempt as lastTask, and none before its first call",
        fresh(async (f, store) => {
          const { instance } = await f.seedTenant();
          const { jobs } = await f.seedRunningGroup(instance.id, 2);
          const [called, uncalled] = jobs;
          const first = await f.claimOne(called!, NOW);
          const settled = settlement(first, NOW + MINUTE, retryAt(NOW + 10 * MINUTE));
          await settleAttempt(store, settled);
          const page1 = await store.queryJobs(instance.id, {}, everything);
          const lastOf = (page: typeof page1, job: JobRow) => page.items.find((item) => item.job.id === job.id)?.lastTask;
          sameRow(lastOf(page1, called!), settled.task);
          assert.equal(lastOf(page1, uncalled!), undefined);

          const second = await f.claimOne(await jobOf(store, called!), NOW + 10 * MINUTE);
          const page2 = await store.queryJobs(instance.id, {}, everything);
          sameRow(lastOf(page2, called!), second);
          assert.equal(lastOf(page2, called!)?.attempt, 2);
        }),
      );
    });
  });
}
