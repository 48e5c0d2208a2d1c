import { SIP_CODE, type CallResult, type ConversationEnd } from '../../domain/call-outcome.ts';
import { runMinimalConversation } from '../../dialog/minimal-conversation.ts';
import { talkWithScript } from '../../dialog/simulated-callee.ts';
import type { Timers } from '../../engine/timers.ts';
import type { Carrier, CallReport, DialRequest } from '../carrier.ts';
import type { CarrierProfile } from './profile.ts';
import { seededBetween, seededPick } from './seeded-uniform.ts';
import { testNumberOutcome } from './test-numbers.ts';

const NETWORK_OUTCOME: Record<keyof CarrierProfile['outcomes'], CallResult> = {
  answered: 'Answered',
  noAnswer: 'NoAnswer',
  busy: 'Busy',
  powerOff: 'PoweredOff',
  emptyNumber: 'EmptyNumber',
  outOfService: 'OutOfService',
  inArrears: 'InArrears',
};

const CONVERSATION: Record<keyof CarrierProfile['conversations'], ConversationEnd> = {
  finished: 'Finished',
  clientHangup: 'ClientHangup',
  noInteract: 'NoInteract',
  unrecognized: 'Unrecognized',
  timeout: 'TimeoutHangup',
};

/** Milliseconds the network takes to reject a call it cannot place (busy, empty number ...). */
const REJECT_MS = 2_000;

/**
 * A deterministic telephone network: test numbers have fixed outcomes, every
 * other number draws from the profile with draws keyed by (seed, called number,
 * the job's attempt number), and the call ends on the engine's clock after its
 * ringing and talking time. Keying on what the call is rather than on generated
 * ids means the same seed gives a number the same fate on every run.
 */
export class SimulatedCarrier implements Carrier {
  constructor(
    private readonly timers: Timers,
    private readonly profile: CarrierProfile,
    private readonly seed: string,
    /** Renders answered calls into recordings (OUTBOUNDBOT_SIM_RECORDINGS=on); none by default. */
    private readonly recorder?: { record(callId: string, report: CallReport): Promise<void> },
  ) {}

  dial(request: DialRequest, onEnded: (report: CallReport) => void): void | Promise<void> {
    const report = this.plan(request);
    if (report.result !== 'Answered' || (!request.dialog && !this.recorder)) {
      this.timers.at(report.endedAt, () => onEnded(report));
      return;
    }
    // A script's conversation: computed at once from the persona; the minimal one if it fails.
    const talked = request.dialog ? talkWithScript(request, report, this.profile.personas).catch(() => report) : Promise.resolve(report);
    return talked.then(async (final) => {
      // Recorded before the call is settled, so a finished call has its file (a failed render leaves none: DownloadRecording says so).
      await this.recorder?.record(request.callId, final).catch(() => {});
      this.timers.at(final.endedAt, () => onEnded(final));
    });
  }

  plan(request: DialRequest): CallReport {
    const scripted = testNumberOutcome(request.calledNumber, request.attempt);
    const result = scripted?.result ?? NETWORK_OUTCOME[seededPick(this.profile.outcomes, this.seed, request.calledNumber, request.attempt, 'outcome')];
    if (result !== 'Answered') {
      const ringingMs = result === 'NoAnswer' || result === 'PoweredOff' ? request.ringingTimeoutMs : Math.min(REJECT_MS, request.ringingTimeoutMs);
      return { result, endedAt: request.startedAt + ringingMs, ringingMs, talkMs: 0, sipCode: SIP_CODE[result], hangupDirection: '', turns: [] };
    }
    const ringingMs = Math.min(seededBetween(this.profile.ringMs, this.seed, request.calledNumber, request.attempt, 'ring'), request.ringingTimeoutMs);
    const end = scripted?.conversation ?? CONVERSATION[seededPick(this.profile.conversations, this.seed, request.calledNumber, request.attempt, 'conversation')];
    const plan = runMinimalConversation(end, request.contact, request.startedAt + ringingMs, request.talkLimitMs);
    return {
      result,
      endedAt: request.startedAt + ringingMs + plan.talkMs,
      ringingMs,
      talkMs: plan.talkMs,
      sipCode: SIP_CODE.Answered,
      conversationEnd: end,
      hangupDirection: plan.hangupDirection,
      turns: plan.turns,
    };
  }
}
