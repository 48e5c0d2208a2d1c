import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { builtinNlu } from '../../src/dialog/nlu-engines.ts';
import type { Nlu } from '../../src/dialog/nlu.ts';
import { compileScript, type ScriptContent } from '../../src/dialog/script-content.ts';
import { VirtualTimers } from '../../src/engine/timers.ts';
import type { CallReport, DialRequest } from '../../src/telephony/carrier.ts';
import { DEFAULT_PROFILE, loadCarrierProfile, type CarrierProfile } from '../../src/telephony/simulated/profile.ts';
import { SimulatedCarrier } from '../../src/telephony/simulated/simulated-carrier.ts';

const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8')) as { dialog: ScriptContent };
const script = compileScript(example.dialog, '');
const T0 = 1_760_000_000_000;

function request(calledNumber: string, nlu: Nlu = builtinNlu, attempt = 1): DialRequest {
  return {
    callId: 'call-1',
    jobId: 'job-1',
    attempt,
    callingNumber: '057188880000',
    calledNumber,
    contact: { id: 'c', phoneNumber: calledNumber, name: '王', honorific: '女士', referenceId: 'r' },
    extras: [{ key: 'amount', value: '88' }],
    ringingTimeoutMs: 25_000,
    talkLimitMs: 300_000,
    startedAt: T0,
    dialog: { script, nlu },
  };
}

/** Dials and runs the virtual timers until the call's report arrives. */
async function call(calledNumber: string, profile: CarrierProfile = DEFAULT_PROFILE, nlu?: Nlu, attempt = 1): Promise<CallReport> {
  const timers = new VirtualTimers();
  let report: CallReport | undefined;
  await new SimulatedCarrier(timers, profile, 'seed').dial(request(calledNumber, nlu, attempt), (r) => (report = r));
  await timers.runDue(Number.MAX_SAFE_INTEGER);
  return report!;
}

describe('SimulatedCarrier with a script (the simulated callee)', () => {
  it('a test number 00xx takes branch xx and the report carries the results and the end on the clock', async () => {
    const report = await call('19900000002');
    assert.equal(report.conversationEnd, 'Finished');
    assert.deepEqual(report.results, { briefs: [{ key: 'Payment', value: 'Later' }], categories: ['FollowUp'] });
    assert.equal(report.turns[0]!.text, '您好王女士，这里是示例银行。您本期账单88元今天到期。');
    assert.equal(report.endedAt, T0 + report.ringingMs + report.talkMs);
    assert.equal(report.hangupDirection, 'robot');
  });

  it('19900001100 is not answered on attempt 1 (no conversation), then takes the first branch', async () => {
    const first = await call('19900001100');
    assert.deepEqual([first.result, first.turns.length], ['NoAnswer', 0]);
    const second = await call('19900001100', DEFAULT_PROFILE, undefined, 2);
    assert.deepEqual(second.results?.briefs, [{ key: 'Payment', value: 'Today' }]);
  });

  it('a profile persona for the number wins over the test number', async () => {
    const profile = loadCarrierProfile(JSON.stringify({ personas: { '19900000000': { steps: [{ silence: true }, { say: '我已经还了' }] } } }));
    const report = await call('19900000000', profile);
    assert.deepEqual(report.turns.filter((t) => t.speaker === 'Contact').map((t) => t.intent), ['Silence', 'AlreadyPaid']);
  });

  it('a profile with a malformed persona is refused, naming the field', () => {
    assert.throws(() => loadCarrierProfile(JSON.stringify({ personas: { '1': { steps: [{ shout: 'x' }] } } })), /carrier profile: personas\.1\.steps\.0/);
  });

  it('ordinary numbers get a persona from the conversation end the profile draws', async () => {
    const profile = loadCarrierProfile(JSON.stringify({ outcomes: { answered: 1, noAnswer: 0, busy: 0, powerOff: 0, emptyNumber: 0, outOfService: 0, inArrears: 0 }, conversations: { finished: 0, clientHangup: 0, noInteract: 1, unrecognized: 0, timeout: 0 } }));
    const report = await call('13812345678', profile);
    assert.equal(report.conversationEnd, 'NoInteract');
  });

  it('an NLU that throws on every turn still ends the call (the built-in engine answers)', async () => {
    const broken: Nlu = { name: 'broken', classify: async () => Promise.reject(new Error('down')) };
    const report = await call('19900000001', DEFAULT_PROFILE, broken);
    assert.equal(report.conversationEnd, 'Finished');
    assert.deepEqual(report.results?.briefs, [{ key: 'Payment', value: 'AlreadyPaid' }]);
  });
});
