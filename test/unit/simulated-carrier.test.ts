import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CallResult, ConversationEnd } from '../../src/domain/call-outcome.ts';
import { VirtualTimers } from '../../src/engine/timers.ts';
import type { CallReport, DialRequest } from '../../src/telephony/carrier.ts';
import { DEFAULT_PROFILE, loadCarrierProfile, type CarrierProfile } from '../../src/telephony/simulated/profile.ts';
import { SimulatedCarrier } from '../../src/telephony/simulated/simulated-carrier.ts';
import { testNumberOutcome } from '../../src/telephony/simulated/test-numbers.ts';

const RINGING_TIMEOUT_MS = 25_000;
const TALK_LIMIT_MS = 300_000;

function request(calledNumber: string, overrides: Partial<DialRequest> = {}): DialRequest {
  return {
    callId: `call-${calledNumber}`,
    jobId: 'job-1',
    attempt: 1,
    callingNumber: '057188880000',
    calledNumber,
    contact: { id: 'contact-1', phoneNumber: calledNumber, name: 'Li', honorific: ' Xiansheng', referenceId: 'ref-1' },
    extras: [],
    ringingTimeoutMs: RINGING_TIMEOUT_MS,
    talkLimitMs: TALK_LIMIT_MS,
    startedAt: 1_760_000_000_000,
    ...overrides,
  };
}

const carrier = (seed = 'seed-1', profile: CarrierProfile = DEFAULT_PROFILE) => new SimulatedCarrier(new VirtualTimers(), profile, seed);

/** Ordinary (not test) mobile numbers with one call id each. */
const ordinary = (count: number) => Array.from({ length: count }, (_, i) => request(`138${String(i).padStart(8, '0')}`, { callId: `call-${i}` }));

describe('SimulatedCarrier.plan with test numbers', () => {
  const CASES: Array<{ suffix: string; result: CallResult; conversation?: ConversationEnd; sipCode: string }> = [
    { suffix: '0001', result: 'Answered', conversation: 'Finished', sipCode: '200' },
    { suffix: '0042', result: 'Answered', conversation: 'Finished', sipCode: '200' },
    { suffix: '0100', result: 'NoAnswer', sipCode: '480' },
    { suffix: '0200', result: 'Busy', sipCode: '486' },
    { suffix: '0300', result: 'EmptyNumber', sipCode: '404' },
    { suffix: '0400', result: 'OutOfService', sipCode: '410' },
    { suffix: '0500', result: 'InArrears', sipCode: '402' },
    { suffix: '0600', result: 'PoweredOff', sipCode: '480' },
    { suffix: '0700', result: 'Answered', conversation: 'ClientHangup', sipCode: '200' },
    { suffix: '0800', result: 'Answered', conversation: 'NoInteract', sipCode: '200' },
    { suffix: '0900', result: 'Answered', conversation: 'Unrecognized', sipCode: '200' },
    { suffix: '1000', result: 'Answered', conversation: 'TimeoutHangup', sipCode: '200' },
  ];

  for (const { suffix, result, conversation, sipCode } of CASES) {
    it(`1990000${suffix} ends ${result}${conversation ? ` / ${conversation}` : ''} with SIP ${sipCode}, whatever the seed`, () => {
      for (const seed of ['seed-1', 'seed-2', 'another']) {
        const plan = carrier(seed).plan(request(`1990000${suffix}`));
        assert.equal(plan.result, result, seed);
        assert.equal(plan.conversationEnd, conversation, seed);
        assert.equal(plan.sipCode, sipCode, seed);
        if (result === 'Answered') {
          assert.ok(plan.talkMs > 0 && plan.turns.length > 0, 'an answered call has a conversation');
        } else {
          assert.equal(plan.talkMs, 0);
          assert.deepEqual(plan.turns, []);
        }
      }
    });
  }

  it('accepts the test numbers with 86 or +86 in front', () => {
    for (const number of ['8619900000300', '+8619900000300']) assert.equal(carrier().plan(request(number)).result, 'EmptyNumber', number);
  });

  it('1990001000 talks exactly the talk limit (TimeoutHangup), whatever the limit', () => {
    for (const talkLimitMs of [TALK_LIMIT_MS, 120_000, 61_000]) {
      const plan = carrier().plan(request('19900001000', { talkLimitMs }));
      assert.equal(plan.talkMs, talkLimitMs);
      assert.equal(plan.hangupDirection, 'robot');
    }
  });

  it('19900001100 is not answered on attempt 1 and answered (Finished) on attempts 2 and 3', () => {
    const first = carrier().plan(request('19900001100', { attempt: 1 }));
    assert.equal(first.result, 'NoAnswer');
    for (const attempt of [2, 3]) {
      const later = carrier().plan(request('19900001100', { attempt }));
      assert.equal(later.result, 'Answered', `attempt ${attempt}`);
      assert.equal(later.conversationEnd, 'Finished', `attempt ${attempt}`);
    }
  });

  it('test-number suffixes outside the table are not scripted', () => {
    assert.equal(testNumberOutcome('19900001234', 1), undefined);
    assert.equal(testNumberOutcome('19900000100', 1)?.result, 'NoAnswer');
    assert.equal(testNumberOutcome('199000001000', 1), undefined, 'one digit too many');
    assert.equal(testNumberOutcome('19910000100', 1), undefined, 'another prefix');
  });
});

describe('SimulatedCarrier.plan ringing times', () => {
  it('NoAnswer and PoweredOff ring for the full ringingTimeoutMs', () => {
    for (const ringingTimeoutMs of [25_000, 60_000]) {
      for (const number of ['19900000100', '19900000600']) {
        assert.equal(carrier().plan(request(number, { ringingTimeoutMs })).ringingMs, ringingTimeoutMs, `${number} ${ringingTimeoutMs}`);
      }
    }
  });

  it('rejected calls (busy, empty number ...) end after 2 seconds, or the ringing timeout if shorter', () => {
    for (const number of ['19900000200', '19900000300', '19900000400', '19900000500']) {
      assert.equal(carrier().plan(request(number)).ringingMs, 2_000, number);
      assert.equal(carrier().plan(request(number, { ringingTimeoutMs: 1_500 })).ringingMs, 1_500, number);
    }
  });

  it('an answered call rings within the profile range, capped by the ringing timeout', () => {
    const [min, max] = DEFAULT_PROFILE.ringMs;
    for (let i = 0; i < 200; i++) {
      const ringingMs = carrier().plan(request('19900000001', { callId: `c${i}` })).ringingMs;
      assert.ok(ringingMs >= min && ringingMs <= max, `${ringingMs}`);
      assert.ok(carrier().plan(request('19900000001', { callId: `c${i}`, ringingTimeoutMs: 5_000 })).ringingMs <= 5_000);
    }
  });
});

describe('SimulatedCarrier.plan with ordinary numbers', () => {
  it('the same seed and call id give an identical plan, also from another carrier instance', () => {
    for (const r of ordinary(50)) assert.deepEqual(carrier('seed-1').plan(r), carrier('seed-1').plan(r));
  });

  it('the draw is keyed by number and attempt, not by generated ids: another call id gives the same plan', () => {
    const plans = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(carrier().plan(request('13800000000', { callId: `c${i}` })))));
    assert.equal(plans.size, 1);
  });

  it('the same number may end differently on another attempt', () => {
    const results = new Set(Array.from({ length: 50 }, (_, i) => carrier().plan(request('13800000000', { attempt: i + 1 })).result));
    assert.ok(results.size > 1, [...results].join(','));
  });

  it('a different seed changes the mix of outcomes', () => {
    const calls = ordinary(200);
    const mix = (seed: string) => calls.map((r) => carrier(seed).plan(r).result);
    assert.notDeepEqual(mix('seed-1'), mix('seed-2'));
    assert.deepEqual(mix('seed-1'), mix('seed-1'));
  });

  it('over 5000 calls the answered share is within 5 points of the profile weight share (55%)', () => {
    const weights = Object.values(DEFAULT_PROFILE.outcomes);
    const expected = DEFAULT_PROFILE.outcomes.answered / weights.reduce((a, b) => a + b, 0);
    const c = carrier();
    const answered = ordinary(5000).filter((r) => c.plan(r).result === 'Answered').length;
    assert.ok(Math.abs(answered / 5000 - expected) <= 0.05, `answered ${answered / 50}% vs ${expected * 100}%`);
  });

  it('follows a changed profile: answered weight 10 of 55 gives about 18%, and weight 0 never answers', () => {
    const low = loadCarrierProfile('{"outcomes":{"answered":10}}');
    const c = carrier('seed-1', low);
    const share = ordinary(5000).filter((r) => c.plan(r).result === 'Answered').length / 5000;
    assert.ok(Math.abs(share - 10 / 55) <= 0.05, `${share}`);
    const never = carrier('seed-1', loadCarrierProfile('{"outcomes":{"answered":0}}'));
    assert.equal(ordinary(2000).filter((r) => never.plan(r).result === 'Answered').length, 0);
  });

  it('every network outcome of the profile occurs over 5000 calls', () => {
    const c = carrier();
    const seen = new Set(ordinary(5000).map((r) => c.plan(r).result));
    assert.deepEqual([...seen].sort(), ['Answered', 'Busy', 'EmptyNumber', 'InArrears', 'NoAnswer', 'OutOfService', 'PoweredOff']);
  });
});

describe('SimulatedCarrier.dial', () => {
  it('reports the planned outcome once, when ringing and talking time have passed on the timers', async () => {
    const timers = new VirtualTimers();
    const c = new SimulatedCarrier(timers, DEFAULT_PROFILE, 'seed-1');
    const r = request('19900000700');
    const plan = c.plan(r);
    const reports: CallReport[] = [];
    c.dial(r, async (report) => void reports.push(report));
    const endsAt = r.startedAt + plan.ringingMs + plan.talkMs;
    assert.equal(timers.nextAt(), endsAt);
    await timers.runDue(endsAt - 1);
    assert.equal(reports.length, 0);
    await timers.runDue(endsAt);
    assert.deepEqual(reports, [plan]);
  });
});

describe('loadCarrierProfile', () => {
  it('without a source answers the defaults', () => {
    assert.deepEqual(loadCarrierProfile(undefined), DEFAULT_PROFILE);
    assert.equal(DEFAULT_PROFILE.outcomes.answered, 55);
  });

  it('inline JSON overriding one weight keeps every other default', () => {
    const profile = loadCarrierProfile('{"outcomes":{"busy":30}}');
    assert.deepEqual(profile, { ...DEFAULT_PROFILE, outcomes: { ...DEFAULT_PROFILE.outcomes, busy: 30 } });
  });

  it('reads a profile from a file path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outboundbot-profile-'));
    try {
      const file = join(dir, 'profile.json');
      writeFileSync(file, JSON.stringify({ conversations: { timeout: 50 }, ringMs: [1000, 2000] }));
      const profile = loadCarrierProfile(file);
      assert.equal(profile.conversations.timeout, 50);
      assert.equal(profile.conversations.finished, DEFAULT_PROFILE.conversations.finished);
      assert.deepEqual(profile.ringMs, [1000, 2000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad value throws an error naming the field', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"outcomes":{"busy":-1}}', /^carrier profile: outcomes\.busy: /],
      ['{"conversations":{"timeout":"3"}}', /^carrier profile: conversations\.timeout: /],
      ['{"ringMs":[9000,1000]}', /^carrier profile: ringMs: min must not exceed max$/],
    ];
    for (const [source, message] of cases) assert.throws(() => loadCarrierProfile(source), { message }, source);
  });
});
