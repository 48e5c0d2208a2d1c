import type { JobGroupCounters } from '../rows.ts';
import type { GroupCallReport } from '../store.ts';
import { keptCallReport } from '../call-report-tally.ts';
import { numbers } from '../row-codecs.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { concurrency as concurrencySql, counters as counterSql, reports as reportSql } from './counter-queries.ts';

/** Reads of what the counters keep (and their recounts, for `outboundbot verify`): group counters, lines in use, call reports. */
export function withCounterReads<B extends SqliteBase>(Base: B) {
  return class SqliteCounterReads extends Base {
    async storedCounters(jobGroupId: string): Promise<JobGroupCounters | undefined> {
      const row = this.stmt(counterSql.stored).get(jobGroupId);
      return row ? numbers<JobGroupCounters>(row) : undefined;
    }

    async recountGroup(jobGroupId: string): Promise<JobGroupCounters> {
      return numbers<JobGroupCounters>(this.stmt(counterSql.recount).get({ jobGroupId }) ?? {});
    }

    async listAllJobGroupIds(): Promise<string[]> {
      return this.stmt(counterSql.allGroupIds).all().map((row) => String(row.id));
    }

    async instanceConcurrency(accountId: string, instanceId: string): Promise<{ max: number; inFlight: number } | undefined> {
      const row = this.stmt(concurrencySql.instance).get(accountId, instanceId);
      return row ? { max: Number(row.max), inFlight: Number(row.inFlight) } : undefined;
    }

    async accountConcurrency(accountId: string): Promise<{ max: number; inFlight: number }> {
      const row = this.stmt(concurrencySql.account).get({ accountId });
      return { max: Number(row?.max ?? 0), inFlight: Number(row?.inFlight ?? 0) };
    }

    /** DescribeGroupExecutingInfo's report, as kept by the settlements: O(1) in the group's calls. */
    async groupCallReport(jobGroupId: string): Promise<GroupCallReport> {
      return keptCallReport(this.stmt(reportSql.storedCalls).get(jobGroupId) ?? {}, this.stmt(reportSql.storedBuckets).all(jobGroupId));
    }

    async recountCallReport(jobGroupId: string): Promise<GroupCallReport> {
      const totals = this.stmt(reportSql.groupCalls).get(jobGroupId) ?? {};
      const buckets = (sql: string, key: string) =>
        Object.fromEntries(this.stmt(sql).all(jobGroupId).map((row) => [String(row[key]), Number(row.n)]));
      return {
        answered: Number(totals.answered ?? 0),
        talkMs: Number(totals.talkMs ?? 0),
        maxTalkMs: Number(totals.maxTalkMs ?? 0),
        durationBuckets: buckets(reportSql.groupDurationBuckets, 'bucket'),
        turnBuckets: buckets(reportSql.groupTurnBuckets, 'turns'),
      };
    }

    async instanceCallSummaries(accountId: string, instanceIds?: readonly string[]) {
      return this.stmt(reportSql.instanceCalls)
        .all({ accountId, ids: instanceIds?.length ? JSON.stringify(instanceIds) : null })
        .map((row) => ({ instanceId: String(row.instanceId), totalCalls: Number(row.totalCalls), talkMs: Number(row.talkMs) }));
    }
  };
}
