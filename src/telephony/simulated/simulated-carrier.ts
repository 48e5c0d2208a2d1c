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
  ) {}

  dial(request: DialRequest, onEnded: (report: CallReport) => void): void | Promise<void> {
    const report = this.plan(request);
    if (request.dialog && report.result === 'Answered') {
      // A script's conversation: computed at once from the persona; the minimal one if it fails.
      return talkWithScript(request, report, this.profile.personas)
        .catch(() => report)
        .then((talked) => this.timers.at(talked.endedAt, () => onEnded(talked)));
    }
    this.timers.at(report.endedAt, () => onEnded(report));
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
