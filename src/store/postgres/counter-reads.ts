import type { JobGroupCounters } from '../rows.ts';
import type { GroupCallReport } from '../store.ts';
import { keptCallReport } from '../call-report-tally.ts';
import { numbers } from '../row-codecs.ts';
import type { PostgresBase } from './postgres-database.ts';
import { concurrency as concurrencySql, counters as counterSql, reports as reportSql } from './counter-queries.ts';

/** Reads of what the counters keep (and their recounts, for `outboundbot verify`): group counters, lines in use, call reports. */
export function withCounterReads<B extends PostgresBase>(Base: B) {
  return class PostgresCounterReads extends Base {
    async storedCounters(jobGroupId: string): Promise<JobGroupCounters | undefined> {
      const row = await this.one(counterSql.stored, { jobGroupId });
      return row ? numbers<JobGroupCounters>(row) : undefined;
    }

    async recountGroup(jobGroupId: string): Promise<JobGroupCounters> {
      return numbers<JobGroupCounters>((await this.one(counterSql.recount, { jobGroupId })) ?? {});
    }

    async listAllJobGroupIds(): Promise<string[]> {
      return (await this.rows(counterSql.allGroupIds)).map((row) => String(row.id));
    }

    async instanceConcurrency(accountId: string, instanceId: string): Promise<{ max: number; inFlight: number } | undefined> {
      const row = await this.one(concurrencySql.instance, { accountId, instanceId });
      return row ? { max: Number(row.max), inFlight: Number(row.inFlight) } : undefined;
    }

    async accountConcurrency(accountId: string): Promise<{ max: number; inFlight: number }> {
      const row = await this.one(concurrencySql.account, { accountId });
      return { max: Number(row?.max ?? 0), inFlight: Number(row?.inFlight ?? 0) };
    }

    /** Kept as counters by the settlements (migration 000011): a fixed number of rows whatever the group's calls. */
    async groupCallReport(jobGroupId: string): Promise<GroupCallReport> {
      return keptCallReport((await this.one(reportSql.storedCalls, { jobGroupId })) ?? {}, await this.rows(reportSql.storedBuckets, { jobGroupId }));
    }

    async recountCallReport(jobGroupId: string): Promise<GroupCallReport> {
      const totals = (await this.one(reportSql.groupCalls, { jobGroupId })) ?? {};
      const buckets = async (sql: string, key: string) =>
        Object.fromEntries((await this.rows(sql, { jobGroupId })).map((row) => [String(row[key]), Number(row.n)]));
      return {
        answered: Number(totals.answered ?? 0),
        talkMs: Number(totals.talkMs ?? 0),
        maxTalkMs: Number(totals.maxTalkMs ?? 0),
        durationBuckets: await buckets(reportSql.groupDurationBuckets, 'bucket'),
        turnBuckets: await buckets(reportSql.groupTurnBuckets, 'turns'),
      };
    }

    async instanceCallSummaries(accountId: string, instanceIds?: readonly string[]) {
      const found = await this.rows(reportSql.instanceCalls, { accountId, ids: instanceIds?.length ? [...instanceIds] : null });
      return found.map((row) => ({ instanceId: String(row.instanceId), totalCalls: Number(row.totalCalls), talkMs: Number(row.talkMs) }));
    }
  };
}
