import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EspeakTts } from '../../src/speech/tts/espeak-tts.ts';
import { failure, openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt, type SuiteServer } from '../helpers/suite-server.ts';
import { bestMatch } from '../telephony/audio-match.ts';
import { wavSamples } from '../telephony/baresip-peer.ts';

/**
 * The simulated carrier's recordings (OUTBOUNDBOT_SIM_RECORDINGS=on): an emulator call
 * answered on the virtual clock is spoken through espeak-ng into the stereo WAV, the bot's
 * prompts on the left and the persona's lines on the right, and DownloadRecording serves
 * it as it serves a SIP call's. Off (the default), an emulator call has no recording.
 */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const ANSWERED = '19900000001'; // test number: answered, the conversation finished
const BUSY = '19900000200';

async function campaign(server: SuiteServer, client: ApiClient) {
  const instanceId = (await client.call('CreateInstance', { InstanceName: 'sim rec', MaxConcurrentConversation: 2, CallingNumber: ['057188880000'] })).Instance.InstanceId;
  const jobGroupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'g', StrategyJson: JSON.stringify({ maxAttemptsPerDay: 1, minAttemptInterval: 1, repeatable: false }) })).JobGroup.JobGroupId;
  const jobs = [ANSWERED, BUSY].map((phoneNumber) => JSON.stringify({ contacts: [{ phoneNumber, name: 'Li' }] }));
  const jobIds = (await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: jobs })).JobsId as string[];
  await server.clock({ advanceMs: DAY });
  const [answered, busy] = await Promise.all(jobIds.map(async (jobId) => (await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job.Tasks[0]));
  return { instanceId, answered, busy };
}

const channel = (stereo: Int16Array, which: 0 | 1) => stereo.filter((_, i) => i % 2 === which);

describe('OUTBOUNDBOT_SIM_RECORDINGS=on: simulated calls are recorded', () => {
  const server = serverPerSuite({ ...virtualClockAt(START), OUTBOUNDBOT_SIM_RECORDINGS: 'on' });

  for (const [name, makeClient] of [['pop-core', popCoreClient], ['openapi-core', openApiCoreClient]] as const) {
    it(`${name}: the answered call's WAV has the bot's prompt on the left and the persona's line on the right; the busy one has none`, async () => {
      const client = makeClient(server.url, TEST_KEY);
      const { instanceId, answered, busy } = await campaign(server, client);
      assert.equal(answered.Status, 'SucceededFinish');
      const robot = answered.Conversation.find((turn: any) => turn.Speaker === 'Robot' && turn.Script);
      const contact = answered.Conversation.find((turn: any) => turn.Speaker === 'Contact' && turn.Script);
      assert.ok(robot && contact, JSON.stringify(answered.Conversation));
      const { DownloadParams } = await client.call('DownloadRecording', { InstanceId: instanceId, TaskId: answered.TaskId });
      const response = await fetch(DownloadParams.SignatureUrl);
      assert.equal(response.status, 200);
      const wav = Buffer.from(await response.arrayBuffer());
      assert.equal(wav.readUInt16LE(22), 2, 'stereo');
      const stereo = wavSamples(wav);
      assert.ok(Math.abs(stereo.length / 2 / 8000 - answered.Duration) <= 1, `the recording lasts as long as the call (${stereo.length / 16000} s, Duration ${answered.Duration} s)`);
      const tts = new EspeakTts();
      const prompt = await tts.render(robot.Script);
      const line = await tts.render(contact.Script);
      const promptOnLeft = bestMatch(prompt.subarray(0, Math.min(prompt.length, 8_000)), channel(stereo, 0));
      const lineOnRight = bestMatch(line.subarray(0, Math.min(line.length, 4_000)), channel(stereo, 1));
      assert.ok(promptOnLeft.score >= 0.99, `prompt on the left: ${promptOnLeft.score}`);
      assert.ok(lineOnRight.score >= 0.99, `persona's line on the right: ${lineOnRight.score}`);
      assert.ok(bestMatch(prompt.subarray(0, 8_000), channel(stereo, 1)).score < 0.5, 'the bot is not on the callee channel');
      assert.equal(busy.Status, 'Busy');
      assert.equal((await failure(client.call('DownloadRecording', { InstanceId: instanceId, TaskId: busy.TaskId }))).code, 'NotExist.Recording');
    });
  }
});

describe('OUTBOUNDBOT_SIM_RECORDINGS unset: simulated calls have no recording', () => {
  const server = serverPerSuite(virtualClockAt(START));

  it('DownloadRecording of an answered emulator call is NotExist.Recording (404)', async () => {
    const client = popCoreClient(server.url, TEST_KEY);
    const { instanceId, answered } = await campaign(server, client);
    assert.equal(answered.Status, 'SucceededFinish');
    const refused = await failure(client.call('DownloadRecording', { InstanceId: instanceId, TaskId: answered.TaskId }));
    assert.equal(refused.code, 'NotExist.Recording');
    assert.equal(refused.status, 404);
  });
});
