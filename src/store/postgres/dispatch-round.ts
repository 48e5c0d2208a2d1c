import type { DueJob, JobRow, TaskRow } from '../rows.ts';
import type { AttemptSettlement, DispatchGroup, DispatchRound } from '../store.ts';
import { claimIn } from './claims.ts';
import { lockGroups, refreshStatuses } from './counter-writes.ts';
import type { PostgresBase } from './postgres-database.ts';
import { rows } from './postgres-rows.ts';
import { rescheduleIn, settleIn } from './settlements.ts';
import { dispatch as dispatchSql } from './dispatch-queries.ts';

/** The engine's reads of due work and its writes, in rounds that several nodes run side by side. */
export function withDispatchRounds<B extends PostgresBase>(Base: B) {
  return class PostgresDispatchRounds extends Base {
    async dispatchableGroups(): Promise<DispatchGroup[]> {
      return (await this.rows(dispatchSql.groups)).map(rows.toDispatchGroup);
    }

    async dueJobs(jobGroupId: string, now: number, limit: number): Promise<DueJob[]> {
      return (await this.rows(dispatchSql.due, { jobGroupId, now, limit })).map((row) => rows.toDueJob(row, jobGroupId));
    }

    async nextDueTime(after: number): Promise<number | undefined> {
      const row = await this.one(dispatchSql.nextDue, { after });
      return row?.t == null ? undefined : Number(row.t);
    }

    async settleAttempts(settlements: AttemptSettlement[]): Promise<void> {
      if (settlements.length === 0) return;
      const now = Math.max(0, ...settlements.map((settlement) => settlement.now));
      await this.dispatchRound((round) => round.commit({ settlements, reschedules: [], claims: [], now }));
    }

    /**
     * A round in one transaction. Its due reads lock the jobs they return (SKIP
     * LOCKED: a job another node's round holds is passed over, never waited for), so
     * nodes dispatching one group at once read and claim different jobs. Its counter
     * moves go to shard rows (no group-wide lock), so the statuses they imply are
     * brought up to date just after it commits, under the groups' locks: whichever
     * of two concurrent rounds refreshes last sees both.
     */
    async dispatchRound<T>(body: (round: DispatchRound) => Promise<T>): Promise<T> {
      const touched = new Set<string>();
      let refreshAt = 0;
      const result = await this.transaction(async (client) => {
        touched.clear(); // a retried transaction starts over
        let committed = false;
        return body({
          dueJobs: async (jobGroupId, now, limit) => {
            if (committed) throw new Error('dueJobs after the round committed');
            return (await this.rows(dispatchSql.dueForRound, { jobGroupId, now, limit }, client)).map((row) => rows.toDueJob(row, jobGroupId));
          },
          commit: async ({ settlements, reschedules, claims, now }) => {
            if (committed) throw new Error('a round commits once');
            committed = true;
            refreshAt = now;
            for (const id of await settleIn(this, client, settlements)) touched.add(id);
            for (const id of await rescheduleIn(this, client, reschedules, now)) touched.add(id);
            const started = await claimIn(this, client, claims, now);
            for (const task of started) touched.add(task.jobGroupId);
            return started;
          },
        });
      });
      if (touched.size > 0) {
        await this.transaction(async (client) => {
          await lockGroups(this, client, [...touched]);
          await refreshStatuses(this, client, [...touched].map((id) => ({ id, now: refreshAt })));
        });
      }
      return result;
    }

    async nextLeaseExpiry(after: number): Promise<number | undefined> {
      const row = await this.one(dispatchSql.nextLeaseExpiry, { after });
      return row?.t == null ? undefined : Number(row.t);
    }

    async expiredAttempts(now: number, limit: number): Promise<Array<{ task: TaskRow; job: JobRow }>> {
      const tasks = (await this.rows(dispatchSql.expired, { now, limit })).map(rows.toTask);
      if (tasks.length === 0) return [];
      const jobs = new Map(
        (await this.rows(dispatchSql.jobsByIds, { ids: [...new Set(tasks.map((task) => task.jobId))] })).map((row) => {
          const job = rows.toJob(row);
          return [job.id, job] as const;
        }),
      );
      return tasks.filter((task) => jobs.has(task.jobId)).map((task) => ({ task, job: jobs.get(task.jobId)! }));
    }
  };
}
