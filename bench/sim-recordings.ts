/**
 * What OUTBOUNDBOT_SIM_RECORDINGS=on costs the emulator: the same campaign on the virtual
 * clock, in the same run, without and with the simulated carrier's recordings (every
 * answered call's turns spoken by espeak-ng into a stereo WAV). Each call's greeting names
 * its contact, so every greeting is a render of its own; the persona's lines and the
 * goodbye come from the TTS cache after the first call. Prints the wall time of the
 * campaign's day and the ratio.
 *
 *   npm run bench:sim-recordings [-- <calls, default 99>]
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createVirtualRuntime } from '../src/engine/virtual-runtime.ts';
import { recordingsDir } from '../src/files/recording-files.ts';
import { TaskRunner } from '../src/files/task-runner.ts';
import { offlineTts } from '../src/speech/tts/offline-tts.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { DEFAULT_PROFILE } from '../src/telephony/simulated/profile.ts';
import { SimulatedRecorder } from '../src/telephony/simulated/simulated-recorder.ts';

const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const CALLS = Math.min(99, Number(process.argv[2] ?? 99)); // test numbers 19900000001 ... 0099 are answered and finish

async function campaign(recordings: boolean): Promise<{ ms: number; recorded: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outboundbot-bench-simrec-'));
  const store = openSqliteStore(dataDir, { now: () => START });
  const logger = pino({ level: 'silent' });
  try {
    const recorder = recordings ? new SimulatedRecorder(offlineTts(dataDir), recordingsDir(dataDir)) : undefined;
    const { services, driver } = createVirtualRuntime({
      store, start: START, zone: 'Asia/Shanghai', seed: 'bench', profile: DEFAULT_PROFILE, logger, recorder,
      files: { tasks: new TaskRunner(logger), dataDir, baseUrl: () => 'http://127.0.0.1', logger },
    });
    const { account, key } = await services.accessKeys.createAccount('bench');
    const instance = await services.instances.create({ accountId: account.id, accessKeyId: key.id }, { name: 'bench', maxConcurrentConversation: 20, callingNumbers: ['057188880000'] });
    const group = (await services.jobGroups.create(account.id, instance.id, { name: 'g', strategy: { maxAttemptsPerDay: 1, minAttemptInterval: 1, repeatable: false } })).group;
    const jobs = Array.from({ length: CALLS }, (_, i) => ({ contacts: [{ phoneNumber: `1990000${String(i + 1).padStart(4, '0')}`, name: `Li ${i + 1}` }] }));
    await services.jobs.assign(account.id, instance.id, group.id, { jobs });
    const began = performance.now();
    await driver.advanceTo(START + DAY);
    const ms = performance.now() - began;
    driver.stop();
    const dir = recordingsDir(dataDir);
    let recorded = 0;
    try {
      recorded = readdirSync(dir).filter((name) => name.endsWith('.wav')).length;
    } catch {
      recorded = 0;
    }
    return { ms, recorded };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const without = await campaign(false);
const withRecordings = await campaign(true);
console.log(`campaign of ${CALLS} answered calls on the virtual clock (one day advanced)`);
console.log(`  recordings off: ${without.ms.toFixed(0)} ms, ${without.recorded} recordings`);
console.log(`  recordings on:  ${withRecordings.ms.toFixed(0)} ms, ${withRecordings.recorded} recordings (${(withRecordings.ms / CALLS).toFixed(1)} ms per call)`);
console.log(`  ratio on/off: ${(withRecordings.ms / without.ms).toFixed(1)}x`);
