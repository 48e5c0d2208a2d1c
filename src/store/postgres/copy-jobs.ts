import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { JobRow } from '../rows.ts';
import { jobs as q } from './job-queries.ts';

/** Jobs per COPY chunk written to the stream at once. */
const CHUNK = 500;

/** Streams jobs into the table with COPY (text format) on the transaction's connection. */
export async function copyJobs(client: pg.PoolClient, jobs: JobRow[]): Promise<void> {
  const stream = client.query(copyFrom(q.copyIn));
  async function* lines() {
    for (let i = 0; i < jobs.length; i += CHUNK) {
      yield jobs.slice(i, i + CHUNK).map(jobCopyLine).join('');
    }
  }
  await pipeline(Readable.from(lines()), stream);
}

/** A job as one line of COPY's text format, its columns in q.jobs.copyIn's order. */
export function jobCopyLine(job: JobRow): string {
  return copyLine([
    job.id, job.instanceId, job.jobGroupId, job.referenceId, job.status,
    JSON.stringify(job.contacts), JSON.stringify(job.extras), JSON.stringify(job.callingNumbers),
    job.scriptVersion, job.nextAttemptAt, job.createdAt, job.modifiedAt,
  ]);
}

/**
 * One line of COPY's text format: tab-separated, `\N` for NULL, with backslash,
 * tab, newline and carriage return escaped inside values.
 */
export function copyLine(values: ReadonlyArray<string | number | null>): string {
  return `${values
    .map((value) =>
      value === null
        ? '\\N'
        : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'),
    )
    .join('\t')}\n`;
}
