import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrunk } from '../../src/config/sip-config.ts';
import { SystemClock } from '../../src/engine/clock.ts';
import { CachedTts } from '../../src/speech/tts/cached-tts.ts';
import { EspeakTts } from '../../src/speech/tts/espeak-tts.ts';
import type { CallReport, DialRequest } from '../../src/telephony/carrier.ts';
import { SipCarrier, type SipCarrierTimings } from '../../src/telephony/sip/sip-carrier.ts';
import { freeUdpPort, startSipp } from './sipp-peer.ts';

/**
 * One call from a real SipCarrier (127.0.0.1) to sipp running a fixture scenario on an
 * address of its own (127.0.0.x), with prompts from espeak-ng cached in a temp dir.
 */
export interface CallOutcome {
  report: CallReport;
  sipp: { code: number | null; output: string };
  /** The files of the prompt cache once the call has ended. */
  cached: string[];
}

let nextHost = 10;

export interface CallOptions {
  rtpEcho?: boolean;
  ringingTimeoutMs?: number;
  talkLimitMs?: number;
  timings?: Partial<SipCarrierTimings>;
  credentials?: { username: string; password: string };
}

export async function callSipp(scenario: string, options: CallOptions = {}): Promise<CallOutcome> {
  const address = `127.0.0.${nextHost++}`;
  const peer = await startSipp(scenario, { address, rtpEcho: options.rtpEcho, timeoutS: 30 });
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
    },
    clock,
    tts: new CachedTts(new EspeakTts(), 'espeak-ng', cacheDir),
    timings: { listenTimeoutMs: 1500, mediaTimeoutMs: 3000, ...options.timings },
  });
  try {
    await carrier.start();
    const report = await new Promise<CallReport>((resolve, reject) => {
      const request: DialRequest = {
        callId: `call-${scenario}`,
        jobId: 'job-1',
        attempt: 1,
        callingNumber: '057188880000',
        calledNumber: '13800000001',
        contact: { id: 'contact-1', phoneNumber: '13800000001', name: 'Li', honorific: '', referenceId: '' },
        extras: [],
        ringingTimeoutMs: options.ringingTimeoutMs ?? 5_000,
        talkLimitMs: options.talkLimitMs ?? 30_000,
        startedAt: clock.now(),
      };
      const guard = setTimeout(() => reject(new Error(`no report within 40 s for ${scenario}`)), 40_000);
      let reports = 0;
      void Promise.resolve(
        carrier.dial(request, (report) => {
          reports++;
          clearTimeout(guard);
          if (reports > 1) reject(new Error('onEnded was called twice'));
          else setTimeout(() => resolve(report), 200); // a second report would come in this time
        }),
      ).catch(reject);
    });
    await carrier.stop();
    const sipp = await Promise.race([peer.exited, new Promise<{ code: null; output: string }>((resolve) => setTimeout(() => resolve({ code: null, output: 'sipp still running 5 s after the call' }), 5_000))]);
    return { report, sipp, cached: existsSync(cacheDir) ? readdirSync(cacheDir) : [] };
  } finally {
    peer.stop();
    await carrier.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}
