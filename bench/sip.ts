/**
 * The SIP carrier under load on loopback, next to sipp calling sipp in the same run
 * (STYLE habit 13: the ratio is what travels between machines).
 *
 * For each size (50, 100, 200 calls at once): sipp answers every call and echoes its RTP
 * (`-rtp_echo`, test/telephony/fixtures/uas-200-listen.xml); our SipCarrier dials them all
 * (no calls-per-second limit), plays the greeting (espeak-ng, rendered once and cached),
 * waits out the listen timeout and says goodbye, then hangs up: about 9 s of two-way
 * audio per call. Measured:
 * - CPU per call: this process's user+system CPU over the run, per call, and the share of
 *   one core while all calls talk;
 * - RTP send interval p50/p99 (against 20 ms) and the pacing error p99 (a packet's send
 *   time minus its due time), over every packet of every call;
 * - loss: packets that sipp echoed back, against those we sent;
 * - call setups per second: all calls answered, from the first INVITE to the last 200,
 *   against sipp's own UAC (`-sn uac`) calling sipp (`-sn uas`) the same number of calls.
 *
 * Env: BENCH_SIZES (default 50,100,200), BENCH_LISTEN_MS (default 4000).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseTrunk } from '../src/config/sip-config.ts';
import { SystemClock } from '../src/engine/clock.ts';
import { CachedTts } from '../src/speech/tts/cached-tts.ts';
import { EspeakTts } from '../src/speech/tts/espeak-tts.ts';
import type { CallReport, DialRequest } from '../src/telephony/carrier.ts';
import type { RtpSession } from '../src/telephony/media/rtp-session.ts';
import { SipCarrier } from '../src/telephony/sip/sip-carrier.ts';
import { freeUdpPort, startSipp } from '../test/telephony/sipp-peer.ts';

const SIZES = (process.env.BENCH_SIZES ?? '50,100,200').split(',').map(Number);
const LISTEN_MS = Number(process.env.BENCH_LISTEN_MS ?? 4_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function tally(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

async function ourRun(calls: number, cacheDir: string, host: string) {
  const peer = await startSipp('uas-200-listen.xml', { address: host, rtpEcho: true, timeoutS: 120, calls });
  const clock = new SystemClock();
  const sessions: RtpSession[] = [];
  const carrier = new SipCarrier({
    settings: {
      trunk: parseTrunk(`sip:${host}:${peer.port}`),
      bind: { address: '127.0.0.1', port: await freeUdpPort('127.0.0.1') },
      publicAddress: '127.0.0.1',
      rtpPorts: { first: 44000, last: 44999 },
      callsPerSecond: 1000,
    },
    clock,
    tts: new CachedTts(new EspeakTts(), 'espeak-ng', cacheDir),
    timings: { listenTimeoutMs: LISTEN_MS, mediaTimeoutMs: 5_000 },
    onMedia: (media) => {
      sessions.push(media);
      lastAnsweredAt = performance.now();
    },
  });
  let lastAnsweredAt = 0;
  await carrier.start();
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const reports = await new Promise<CallReport[]>((resolve) => {
    const ended: CallReport[] = [];
    for (let i = 0; i < calls; i++) {
      const request: DialRequest = {
        callId: `bench-${i}`,
        jobId: `job-${i}`,
        attempt: 1,
        callingNumber: '057188880000',
        calledNumber: '13800000001',
        contact: { id: `c${i}`, phoneNumber: '13800000001', name: 'Li', honorific: '', referenceId: '' },
        extras: [],
        ringingTimeoutMs: 20_000,
        talkLimitMs: 60_000,
        startedAt: clock.now(),
      };
      void carrier.dial(request, (report) => {
        ended.push(report);
        if (ended.length === calls) resolve(ended);
      });
    }
  });
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  await carrier.stop();
  peer.stop();
  const intervals: number[] = [];
  const errors: number[] = [];
  let sent = 0;
  let received = 0;
  for (const session of sessions) {
    const late = session.lateness;
    for (let n = 1; n < late.length; n++) intervals.push(20 + late[n]! - late[n - 1]!);
    errors.push(...late);
    sent += session.packetsSent;
    received += session.received;
  }
  intervals.sort((a, b) => a - b);
  errors.sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    answered: reports.filter((r) => r.result === 'Answered').length,
    finished: reports.filter((r) => r.conversationEnd === 'NoInteract').length,
    cpuMsPerCall: cpuMs / calls,
    coreShare: cpuMs / wallMs,
    intervalP50: percentile(intervals, 50),
    intervalP99: percentile(intervals, 99),
    errorP99: percentile(errors, 99),
    lossPercent: sent === 0 ? 0 : (100 * Math.max(0, sent - received)) / sent,
    setupsPerSecond: sessions.length / ((lastAnsweredAt - startedAt) / 1000),
    others: [...tally(reports.filter((r) => r.result !== 'Answered').map((r) => `${r.result} ${r.sipCode}`))].map(([key, n]) => `${n} ${key}`).join(', '),
  };
}

/** sipp's UAC calling sipp's UAS: wall time of `calls` calls at an unlimited rate, less a one-call run (start-up). */
async function sippRun(calls: number, host: string): Promise<number> {
  const run = async (n: number) => {
    const port = await freeUdpPort(host);
    const uas = spawn('sipp', ['-sn', 'uas', '-i', host, '-p', String(port), '-m', String(n), '-timeout', '60s', '-nostdin'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const t0 = performance.now();
    const uac = spawn('sipp', ['-sn', 'uac', '-i', '127.0.0.1', '-p', String(await freeUdpPort('127.0.0.1')), '-m', String(n), '-r', '1000', '-l', String(n), '-d', '0', '-timeout', '60s', '-nostdin', `${host}:${port}`], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => uac.on('close', resolve));
    const ms = performance.now() - t0;
    uas.kill('SIGKILL');
    if (code !== 0) throw new Error(`sipp uac exited ${code}`);
    return ms;
  };
  const one = await run(1);
  const all = await run(calls);
  return calls / (Math.max(1, all - one) / 1000);
}

const cacheDir = mkdtempSync(join(tmpdir(), 'outboundbot-bench-sip-'));
try {
  // Render the prompts once, so every run reads them from the cache.
  const warm = new CachedTts(new EspeakTts(), 'espeak-ng', cacheDir);
  await warm.render('Hello Li, this is an automated call. Do you have a minute?');
  await warm.render('I cannot hear you, goodbye.');
  console.log(`calls | answered | CPU ms/call | core share | send interval p50 / p99 (ms) | pacing error p99 (ms) | loss | setups/s | sipp setups/s | ratio`);
  let host = 80;
  for (const calls of SIZES) {
    const ours = await ourRun(calls, cacheDir, `127.0.0.${host++}`);
    const sipp = await sippRun(calls, `127.0.0.${host++}`);
    console.log(
      [
        calls,
        `${ours.answered} (${ours.finished} to the end)${ours.others ? `; ${ours.others}` : ''}`,
        ours.cpuMsPerCall.toFixed(1),
        `${(ours.coreShare * 100).toFixed(0)} %`,
        `${ours.intervalP50.toFixed(2)} / ${ours.intervalP99.toFixed(2)}`,
        ours.errorP99.toFixed(2),
        `${ours.lossPercent.toFixed(2)} %`,
        ours.setupsPerSecond.toFixed(0),
        sipp.toFixed(0),
        (ours.setupsPerSecond / sipp).toFixed(2),
      ].join(' | '),
    );
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
