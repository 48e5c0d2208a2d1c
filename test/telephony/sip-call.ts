import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrunk } from '../../src/config/sip-config.ts';
import { SystemClock } from '../../src/engine/clock.ts';
import { CachedTts } from '../../src/speech/tts/cached-tts.ts';
import { EspeakTts } from '../../src/speech/tts/espeak-tts.ts';
import type { CallDialog } from '../../src/dialog/call-dialog.ts';
import type { CallReport, DialRequest } from '../../src/telephony/carrier.ts';
import { SipCarrier, type SipCarrierTimings } from '../../src/telephony/sip/sip-carrier.ts';
import { startBaresip, type BaresipPeer } from './baresip-peer.ts';
import { freeUdpPort, startSipp, type SippPeer } from './sipp-peer.ts';

/**
 * One call from a real SipCarrier (127.0.0.1) to sipp running a fixture scenario on an
 * address of its own (127.0.0.x), with prompts from espeak-ng cached in a temp dir.
 */
export interface CallOutcome {
  report: CallReport;
  /** Every call's report, in the order they ended (one unless `calls` says more). */
  reports: CallReport[];
  sipp: { code: number | null; output: string };
  /** The files of the prompt cache once the call has ended. */
  cached: string[];
  /** The recordings written (`<callId>.wav` -> its bytes). */
  recordings: Map<string, Buffer>;
}

let nextHost = 10;

export interface CallOptions {
  rtpEcho?: boolean;
  ringingTimeoutMs?: number;
  talkLimitMs?: number;
  timings?: Partial<SipCarrierTimings>;
  credentials?: { username: string; password: string };
  callsPerSecond?: number;
  /** How many calls to place at once (sipp answers each by the scenario). */
  calls?: number;
  /** The published script the call runs; the minimal conversation without one. */
  dialog?: CallDialog;
}

export async function callSipp(scenario: string, options: CallOptions = {}): Promise<CallOutcome> {
  const peer = await startSipp(scenario, { address: `127.0.0.${nextHost++}`, rtpEcho: options.rtpEcho, timeoutS: 30, calls: options.calls });
  return callPeer(peer, scenario, options);
}

/** A call answered by baresip; `during` runs once the call is placed (e.g. to press keys). */
export async function callBaresip(options: CallOptions & { during?: (peer: BaresipPeer) => Promise<void> } = {}): Promise<CallOutcome & { heard: Int16Array }> {
  const peer = await startBaresip({ address: `127.0.0.${nextHost++}`, lifetimeS: 40 });
  let heard: Int16Array = new Int16Array(0);
  const outcome = await callPeer(peer, 'baresip', options, {
    during: async () => options.during?.(peer),
    // baresip writes its dump when the call's audio closes, just after our BYE is answered.
    beforeStop: async () => {
      for (let waited = 0; waited < 3_000; waited += 100) {
        try {
          heard = peer.heard();
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      heard = peer.heard();
    },
  });
  return { ...outcome, heard };
}

async function callPeer(peer: SippPeer, name: string, options: CallOptions, hooks: { during?: () => Promise<void>; beforeStop?: () => Promise<void> } = {}): Promise<CallOutcome> {
  const address = peer.address;
  const dataDir = mkdtempSync(join(tmpdir(), 'outboundbot-sip-'));
  const cacheDir = join(dataDir, 'tts-cache');
  const clock = new SystemClock();
  const carrier = new SipCarrier({
    settings: {
      trunk: parseTrunk(`sip:${address}:${peer.port}`),
      username: options.credentials?.username,
      password: options.credentials?.password,
      bind: { address: '127.0.0.1', port: await freeUdpPort('127.0.0.1') },
      publicAddress: '127.0.0.1',
      rtpPorts: { first: 41000, last: 41999 },
      callsPerSecond: options.callsPerSecond ?? 100,
    },
    clock,
    tts: new CachedTts(new EspeakTts(), 'espeak-ng', cacheDir),
    timings: { listenTimeoutMs: 1500, mediaTimeoutMs: 3000, ...options.timings },
    recordingsDir: join(dataDir, 'recordings'),
  });
  try {
    await carrier.start();
    const calls = options.calls ?? 1;
    const reports = await new Promise<CallReport[]>((resolve, reject) => {
      const ended: CallReport[] = [];
      const seen = new Set<string>();
      const guard = setTimeout(() => reject(new Error(`${ended.length} of ${calls} reports within 40 s for ${name}`)), 40_000);
      for (let i = 0; i < calls; i++) {
        const callId = `call-${name}-${i}`;
        const request: DialRequest = {
          callId,
          jobId: `job-${i}`,
          attempt: 1,
          callingNumber: '057188880000',
          calledNumber: '13800000001',
          contact: { id: `contact-${i}`, phoneNumber: '13800000001', name: 'Li', honorific: '', referenceId: '' },
          extras: [],
          ringingTimeoutMs: options.ringingTimeoutMs ?? 5_000,
          talkLimitMs: options.talkLimitMs ?? 30_000,
          startedAt: clock.now(),
          ...(options.dialog ? { dialog: options.dialog } : {}),
        };
        void Promise.resolve(
          carrier.dial(request, (report) => {
            if (seen.has(callId)) return reject(new Error(`onEnded was called twice for ${callId}`));
            seen.add(callId);
            ended.push(report);
            if (ended.length < calls) return;
            clearTimeout(guard);
            setTimeout(() => resolve(ended), 200); // a second report would come in this time
          }),
        ).catch(reject);
      }
      hooks.during?.().catch(reject);
    });
    await carrier.stop();
    await hooks.beforeStop?.();
    // sipp ends with its scenario; baresip lives until stopped, so there is no exit to wait for.
    const sipp = hooks.beforeStop ? { code: null, output: '' } : await Promise.race([peer.exited, new Promise<{ code: null; output: string }>((resolve) => setTimeout(() => resolve({ code: null, output: 'sipp still running 5 s after the call' }), 5_000))]);
    const recordingsDir = join(dataDir, 'recordings');
    const recordings = new Map((existsSync(recordingsDir) ? readdirSync(recordingsDir) : []).map((name) => [name, readFileSync(join(recordingsDir, name))] as const));
    return { report: reports[0]!, reports, sipp, cached: existsSync(cacheDir) ? readdirSync(cacheDir) : [], recordings };
  } finally {
    peer.stop();
    await carrier.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}
