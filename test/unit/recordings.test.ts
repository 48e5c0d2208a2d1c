import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { createIdGenerator } from '../../src/domain/ids.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { RecordingFiles } from '../../src/files/recording-files.ts';
import { TaskRunner } from '../../src/files/task-runner.ts';
import { recordingSlices } from '../../src/services/recordings/recording-slices.ts';
import { createServices } from '../../src/services/services.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { CallRecording } from '../../src/telephony/media/call-recording.ts';
import { sliceWav, stereoSamples, swapChannels, WavFormatError } from '../../src/telephony/media/wav.ts';
import { settleAttempt } from '../helpers/store-rounds.ts';
import { ANSWERED, JobFixtures, NOW, settlement } from '../store/store-contract-jobs.ts';

/** A two-frame recording: the bot counts up on the left, the callee down on the right. */
function recording(): Buffer {
  const call = new CallRecording();
  for (let slot = 0; slot < 2; slot++) {
    call.botFrame(slot, Int16Array.from({ length: 160 }, (_, i) => slot * 160 + i));
    call.calleeFrame(slot, Int16Array.from({ length: 160 }, (_, i) => -(slot * 160 + i)));
  }
  return call.wav();
}

const sides = (wav: Buffer) => {
  const samples = stereoSamples(wav);
  const left: number[] = [];
  const right: number[] = [];
  for (let at = 0; at < samples.length; at += 4) left.push(samples.readInt16LE(at)), right.push(samples.readInt16LE(at + 2));
  return { left, right };
};

describe('recording WAV transforms', () => {
  it('swapChannels puts the callee on the left and the bot on the right, sample for sample', () => {
    const plain = sides(recording());
    const swapped = sides(swapChannels(recording()));
    assert.deepEqual(swapped.left, plain.right);
    assert.deepEqual(swapped.right, plain.left);
    assert.equal(plain.left[200], 200);
  });

  it('sliceWav cuts [from, to) in ms at 8 kHz and clamps to the recording', () => {
    assert.deepEqual(sides(sliceWav(recording(), 10, 30)).left, Array.from({ length: 160 }, (_, i) => 80 + i));
    assert.equal(sides(sliceWav(recording(), 30, Infinity)).left.length, 80);
    assert.equal(sides(sliceWav(recording(), 50, 90)).left.length, 0);
  });

  it('a file that is not 8 kHz 16-bit stereo PCM is refused, not served garbled', () => {
    const mono = recording();
    mono.writeUInt16LE(1, 22);
    assert.throws(() => swapChannels(mono), WavFormatError);
    assert.throws(() => stereoSamples(Buffer.from('not a wav at all')), WavFormatError);
  });

  it('slices start at the answer, cut at each turn, skip turns at the same moment and end with the recording', () => {
    const answeredAt = 1_000_000;
    const task = { endTime: answeredAt + 12_000, talkMs: 12_000, conversation: [
      { speaker: 'Robot', text: 'hi', timestamp: answeredAt + 20 },
      { speaker: 'Contact', text: '', timestamp: answeredAt + 9_000 },
      { speaker: 'Robot', text: 'bye', timestamp: answeredAt + 9_000 },
    ] } as Parameters<typeof recordingSlices>[0];
    assert.deepEqual(recordingSlices(task), [
      { index: 1, fromMs: 0, toMs: 9_000 },
      { index: 2, fromMs: 9_000, toMs: Infinity },
    ]);
  });
});

describe('OUTBOUNDBOT_SIM_RECORDINGS', () => {
  it('is off unless set to on, and refuses any other value', () => {
    assert.equal(loadConfig({}).simRecordings, false);
    assert.equal(loadConfig({ OUTBOUNDBOT_SIM_RECORDINGS: 'on' }).simRecordings, true);
    assert.equal(loadConfig({ OUTBOUNDBOT_SIM_RECORDINGS: 'off' }).simRecordings, false);
    assert.throws(() => loadConfig({ OUTBOUNDBOT_SIM_RECORDINGS: 'yes' }), /must be on or off/);
  });
});

describe('recordings on disk', () => {
  it('a path is built only from a task id: separators and dot segments are refused', () => {
    const files = new RecordingFiles('/data');
    assert.equal(files.pathOf('01a242f6-7e58-73a3-bef5-0c82d0437661'), '/data/recordings/01a242f6-7e58-73a3-bef5-0c82d0437661.wav');
    for (const bad of ['../outboundbot', 'a/b', '..', '', 'x\\y', '.hidden']) assert.throws(() => files.pathOf(bad), /not a task id/);
  });

  it('DeleteInstance removes the recordings of its calls and leaves another instance\'s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outboundbot-recordings-'));
    const clock = new ManualClock(NOW);
    const store = openSqliteStore(dir, clock);
    try {
      const logger = pino({ level: 'silent' });
      const services = createServices({ store, clock, ids: createIdGenerator(clock) }, { tasks: new TaskRunner(logger), dataDir: dir, baseUrl: () => 'http://127.0.0.1:1', logger });
      const f = new JobFixtures(store);
      const files = new RecordingFiles(dir);
      const recorded = [];
      const tenants = [await f.seedTenant(), await f.seedTenant()];
      for (const { instance } of tenants) {
        const { jobs } = await f.seedRunningGroup(instance.id, 1);
        const task = await f.claimOne(jobs[0]!, NOW);
        await settleAttempt(store, settlement(task, NOW + 60_000, ANSWERED));
        await mkdir(join(dir, 'recordings'), { recursive: true });
        await writeFile(files.pathOf(task.id), recording());
        recorded.push(task.id);
      }
      await services.instances.delete(tenants[0]!.account.id, tenants[0]!.instance.id);
      assert.ok(!existsSync(files.pathOf(recorded[0]!)), 'the deleted instance\'s recording is gone');
      assert.ok(existsSync(files.pathOf(recorded[1]!)), 'the other instance\'s recording stays');
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
