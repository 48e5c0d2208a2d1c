import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { startServerProcess, tempDataDir, TEST_KEY } from '../helpers/server-process.ts';
import { endedJob, oneContactCampaign } from './sip-campaign.ts';
import { freeUdpPort, startSipp } from './sipp-peer.ts';

/**
 * The real server with OUTBOUNDBOT_CARRIER=sip and its trunk pointed at sipp: a job
 * assigned through the official clients is dialled over SIP, and its task, the job and
 * GetJobGroup's counters show what sipp did to the call.
 */
const PASSWORD = 'trunkpass'; // what fixtures/uas-401-auth.xml checks

async function campaignOfOne(scenario: string, address: string, makeClient: (url: string) => ApiClient, auth: boolean) {
  const peer = await startSipp(scenario, { address, timeoutS: 40 });
  const data = tempDataDir();
  const sipPort = await freeUdpPort('127.0.0.1');
  const server = await startServerProcess({
    dataDir: data.dir,
    env: {
      OUTBOUNDBOT_CARRIER: 'sip',
      OUTBOUNDBOT_SIP_TRUNK: `sip:${address}:${peer.port};transport=udp`,
      OUTBOUNDBOT_SIP_BIND: `127.0.0.1:${sipPort}`,
      OUTBOUNDBOT_RTP_PORTS: '43000-43099',
      ...(auth ? { OUTBOUNDBOT_SIP_USERNAME: 'trunkuser', OUTBOUNDBOT_SIP_PASSWORD: PASSWORD } : {}),
    },
  });
  try {
    const client = makeClient(server.url);
    const { instanceId, jobGroupId, jobId } = await oneContactCampaign(client, `sip ${scenario}`);
    const job = await endedJob(client, instanceId, jobId, 30_000);
    const group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
    const sipp = await Promise.race([peer.exited, new Promise<{ code: null; output: string }>((resolve) => setTimeout(() => resolve({ code: null, output: 'sipp still running' }), 5_000))]);
    return { job, group, sipp, stdout: server.stdout() };
  } finally {
    peer.stop();
    await server.stop();
    data.cleanup();
  }
}

describe('the server dialling through OUTBOUNDBOT_CARRIER=sip', { timeout: 120_000 }, () => {
  it('pop-core: a busy callee (486) ends the job Failed with one Busy task, counted not answered', async () => {
    const { job, group, sipp } = await campaignOfOne('uas-486-busy.xml', '127.0.0.60', (url) => popCoreClient(url, TEST_KEY), false);
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(job.Tasks.length, 1);
    assert.equal(job.Tasks[0].Status, 'Busy');
    assert.equal(job.Tasks[0].CalledNumber, '13800000001');
    assert.equal(job.Status, 'Failed');
    assert.equal(job.FailureReason, 'NoneRepeatableJobMaxAttemptCountLimit'); // one attempt, not repeatable
    assert.equal(group.Progress.TotalJobs, 1);
    assert.equal(group.Progress.Failed, 1);
    assert.equal(group.Progress.TotalNotAnswered, 1);
  });

  it('openapi-core: a trunk that asks for credentials gets them, the callee hangs up at once: CLIENT_HANGUP, and the password is never logged', async () => {
    const { job, group, sipp, stdout } = await campaignOfOne('uas-401-auth.xml', '127.0.0.61', (url) => openApiCoreClient(url, TEST_KEY), true);
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(job.Tasks.length, 1);
    assert.equal(job.Tasks[0].Status, 'SucceededClientHangUp', JSON.stringify(job.Tasks[0]) + stdout.slice(-3000));
    assert.equal(job.Tasks[0].EndReason, 'CLIENT_HANGUP');
    assert.equal(job.Status, 'Succeeded');
    assert.equal(group.Progress.TotalCompleted, 1);
    assert.equal(group.Progress.TotalNotAnswered, 0);
    assert.match(stdout, /SIP carrier ready/);
    assert.ok(!stdout.includes(PASSWORD), 'the SIP password appears in the log');
  });
});
