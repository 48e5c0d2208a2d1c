/**
 * One "node" of the PostgreSQL kill test (test/store/postgres-kill.test.ts), run as
 * a child process so it can be SIGKILLed at any moment, mid-transaction included.
 * It does what a server's dispatcher does with the store, on the wall clock: settle
 * its calls that ended, recover calls whose lease expired (a dead node's), claim due
 * jobs, in one dispatchRound (its due read holding the jobs from the other nodes'
 * rounds); until the group has nothing left to call.
 *
 * argv: databaseUrl groupId name. Calls last 30-120 ms; the first attempt of every
 * other job is not answered and retried at once, so jobs take one or two calls.
 */
import { randomUUID } from 'node:crypto';
import { SystemClock } from '../../src/engine/clock.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { TaskRow } from '../../src/store/rows.ts';
import type { AttemptClaim, AttemptSettlement } from '../../src/store/store.ts';

export const LEASE_MS = 1_500;

const [url, groupId, name] = process.argv.slice(2) as [string, string, string];
const store = await openPostgresStore(url, new SystemClock(), { poolSize: 2 });
const mine: Array<{ task: TaskRow; endsAt: number }> = [];

function settlementOf(task: TaskRow, now: number): AttemptSettlement {
  const answered = task.attempt >= 2 || Number.parseInt(task.jobId.slice(-1), 16) % 2 === 0;
  return {
    task: { ...task, status: answered ? 'SucceededFinish' : 'NoAnswer', endTime: now, endReason: answered ? 'FINISHED' : '', talkMs: answered ? 1 : 0 },
    job: { id: task.jobId, status: answered ? 'Succeeded' : 'Scheduling', nextAttemptAt: answered ? 0 : now, failureReason: '', endReason: answered ? 'FINISHED' : '' },
    jobDelta: answered ? { executing: -1, completed: 1 } : { executing: -1, scheduling: 1 },
    taskDelta: answered ? { inFlight: -1, finishedNum: 1 } : { inFlight: -1, notAnswered: 1 },
    now,
  };
}

for (;;) {
  const now = Date.now();
  const ending = mine.filter((call) => call.endsAt <= now);
  const settlements = ending.map((call) => settlementOf(call.task, now));
  // A dead node's calls: any survivor may settle them; the store settles each once.
  const expired = await store.expiredAttempts(now, 20);
  settlements.push(...expired.map(({ task }) => settlementOf(task, now)));
  const claimed = await store.dispatchRound(async (round) => {
    const due = await round.dueJobs(groupId, now, 10);
    const claims: AttemptClaim[] = due.map((job) => ({
      task: {
        id: randomUUID(), jobId: job.id, jobGroupId: job.jobGroupId, instanceId: job.instanceId, attempt: job.attempts + 1,
        status: 'Executing', callingNumber: '05712345678', calledNumber: job.contacts[0]!.phoneNumber, contact: job.contacts[0]!,
        plannedTime: job.nextAttemptAt, actualTime: now, leaseExpiresAt: now + LEASE_MS, endTime: 0, ringingMs: 0, talkMs: 0,
        endReason: '', hangupDirection: '', sipCode: '', conversation: [],
      },
      attempts: job.attempts + 1,
      attemptDay: new Date(now).toISOString().slice(0, 10),
      dayAttempts: job.attempts + 1,
    }));
    return round.commit({ settlements, reschedules: [], claims, now });
  });
  for (const call of ending) mine.splice(mine.indexOf(call), 1);
  for (const task of claimed) mine.push({ task, endsAt: now + 30 + Math.floor(Math.random() * 90) });
  const counters = await store.storedCounters(groupId);
  if (counters && counters.scheduling === 0 && counters.executing === 0 && counters.inFlight === 0 && mine.length === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 5));
}
process.stdout.write(`${name} done\n`);
await store.close();
