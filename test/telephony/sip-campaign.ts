import type { ApiClient } from '../helpers/clients.ts';

/**
 * The one-contact campaign the SIP server tests run through an official client: an
 * instance with one calling number, a group that tries once (RingingDuration 10 s), the
 * contact Li at 13800000001; then the job polled until its call has ended.
 */
export async function oneContactCampaign(client: ApiClient, name: string): Promise<{ instanceId: string; jobGroupId: string; jobId: string }> {
  const instanceId = (await client.call('CreateInstance', { InstanceName: name, MaxConcurrentConversation: 1, CallingNumber: ['057188880000'] })).Instance.InstanceId;
  const jobGroupId = (
    await client.call('CreateJobGroup', {
      InstanceId: instanceId,
      JobGroupName: name,
      StrategyJson: JSON.stringify({ maxAttemptsPerDay: 1, minAttemptInterval: 1, repeatable: false }),
      RingingDuration: 10,
    })
  ).JobGroup.JobGroupId;
  const [jobId] = (
    await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: [JSON.stringify({ referenceId: 'one', contacts: [{ phoneNumber: '13800000001', name: 'Li' }] })] })
  ).JobsId;
  return { instanceId, jobGroupId, jobId };
}

/** DescribeJob's job once its first task has ended (or as it is after `timeoutMs`). */
export async function endedJob(client: ApiClient, instanceId: string, jobId: string, timeoutMs: number): Promise<any> {
  let job: any;
  for (let waited = 0; waited < timeoutMs; waited += 250) {
    job = (await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job;
    if (job.Tasks.length > 0 && job.Tasks[0].Status !== 'Executing') break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return job;
}
