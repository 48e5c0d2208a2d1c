import assert from 'node:assert/strict';
import type { ApiClient } from './clients.ts';

/** A call's span on the clock, from DescribeJob's task: [ActualTime, EndTime). */
export interface CallSpan {
  start: number;
  end: number;
}

/**
 * What the crash tests check of every job once a campaign has run out: it ended
 * (Succeeded or Failed), no two of its calls overlapped, none is left in flight.
 * Returns the calls counted, those settled as interrupted (Failed: their process
 * died) and every call's span, for the caller's own checks.
 */
export async function checkEndedJobs(client: ApiClient, instanceId: string, jobIds: readonly string[]): Promise<{ attempts: number; interrupted: number; calls: CallSpan[] }> {
  let attempts = 0;
  let interrupted = 0;
  const calls: CallSpan[] = [];
  for (const jobId of jobIds) {
    const job = (await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job;
    assert.ok(['Succeeded', 'Failed'].includes(job.Status), `${jobId} ended ${job.Status}`);
    const tasks = [...job.Tasks].sort((a: { ActualTime: number }, b: { ActualTime: number }) => a.ActualTime - b.ActualTime);
    for (let i = 1; i < tasks.length; i++) {
      assert.ok(tasks[i].ActualTime >= tasks[i - 1].EndTime, `${jobId}: two calls at once`);
    }
    assert.ok(tasks.every((t: { Status: string }) => t.Status !== 'Executing'), 'no call left in flight');
    attempts += tasks.length;
    interrupted += tasks.filter((t: { Status: string }) => t.Status === 'Failed').length;
    calls.push(...tasks.map((t: { ActualTime: number; EndTime: number }) => ({ start: t.ActualTime, end: t.EndTime })));
  }
  return { attempts, interrupted, calls };
}
