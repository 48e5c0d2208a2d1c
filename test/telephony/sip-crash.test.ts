import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { popCoreClient } from '../helpers/clients.ts';
import { startServerProcess, tempDataDir, TEST_KEY } from '../helpers/server-process.ts';
import { freeUdpPort, startSipp } from './sipp-peer.ts';

/**
 * kill -9 in the middle of a SIP call: the call's task keeps its lease (the job is not dialled
 * again while the callee may still be on the line), and the restarted server ends the call
 * with the request its dialog journal kept: the CANCEL of a ringing call, the BYE of an
 * answered one (sipp checks the journaled CSeq).
 */
describe('a SIP call when the server is killed', { timeout: 120_000 }, () => {
  it('kill -9 while the phone rings: the restart sends the journaled CANCEL', async () => {
    await killedCall('uas-180-cancel-after-crash.xml', '127.0.0.71', 500);
  });

  it('kill -9 mid-call: the restart sends the journaled BYE, and the job keeps its one Executing task, not dialled again', async () => {
    await killedCall('uas-200-bye-after-crash.xml', '127.0.0.70', 1_000);
  });
});

/** One job dialled to `scenario`; the server killed `afterMs` after the call is journaled, then restarted. */
async function killedCall(scenario: string, address: string, afterMs: number): Promise<void> {
  const peer = await startSipp(scenario, { address, rtpEcho: true, timeoutS: 60 });
  const data = tempDataDir();
  const sipPort = await freeUdpPort('127.0.0.1');
  const env = {
    OUTBOUNDBOT_CARRIER: 'sip',
    OUTBOUNDBOT_SIP_TRUNK: `sip:${address}:${peer.port}`,
    OUTBOUNDBOT_SIP_BIND: `127.0.0.1:${sipPort}`,
    OUTBOUNDBOT_RTP_PORTS: '43100-43199',
  };
  let server = await startServerProcess({ dataDir: data.dir, env });
  try {
    let client = popCoreClient(server.url, TEST_KEY);
    const instanceId = (await client.call('CreateInstance', { InstanceName: 'sip crash', MaxConcurrentConversation: 1, CallingNumber: ['057188880000'] })).Instance.InstanceId;
    const jobGroupId = (
      await client.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: 'sip crash',
        StrategyJson: JSON.stringify({ maxAttemptsPerDay: 3, minAttemptInterval: 1, repeatable: true }),
        RingingDuration: 10,
      })
    ).JobGroup.JobGroupId;
    const [jobId] = (await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: [JSON.stringify({ contacts: [{ phoneNumber: '13800000001', name: 'Li' }] })] })).JobsId;
    const journal = join(data.dir, 'sip-dialogs');
    // Ringing or answered: the journal holds the request that ends the call.
    for (let waited = 0; waited < 15_000 && !(existsSync(journal) && readdirSync(journal).length > 0); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(readdirSync(journal).length, 1, 'the call is journaled');
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    await server.stop('SIGKILL');

    server = await startServerProcess({ dataDir: data.dir, env });
    client = popCoreClient(server.url, TEST_KEY);
    const sipp = await Promise.race([peer.exited, new Promise<{ code: null; output: string }>((resolve) => setTimeout(() => resolve({ code: null, output: 'no BYE 10 s after the restart' }), 10_000))]);
    assert.equal(sipp.code, 0, sipp.output);
    assert.deepEqual(readdirSync(journal), [], 'each leftover is sent once');
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // rounds of the restarted engine
    const job = (await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job;
    assert.equal(job.Tasks.length, 1, 'not dialled again');
    assert.equal(job.Tasks[0].Status, 'Executing', 'the lease still covers the call: settled Interrupted only when it expires');
    assert.equal(job.Status, 'Executing');
  } finally {
    peer.stop();
    await server.stop();
    data.cleanup();
  }
}
