import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobInputSchema } from '../../src/domain/job-input.ts';
import { CALLING_NUMBER, canonicalNumber, matchKey } from '../../src/domain/phone-number.ts';
import { TEST_NUMBER } from '../../src/telephony/simulated/test-numbers.ts';

describe('canonicalNumber', () => {
  it('gives one E.164 form to a number however it is written', () => {
    const forms: Record<string, string[]> = {
      '+8619900001200': ['19900001200', '8619900001200', '+8619900001200', '008619900001200', '+86 199 0000 1200'],
      '+8613900139000': ['13900139000', '+8613900139000', '8613900139000', '139-0013-9000', ' 13900139000 '],
      '+8657188880000': ['057188880000', '0571-8888-0000', '+86 571 8888 0000', '8657188880000'],
      '+14155552671': ['+1 415 555 2671', '+14155552671', '0014155552671'],
    };
    for (const [e164, written] of Object.entries(forms)) {
      for (const raw of written) assert.equal(canonicalNumber(raw), e164, raw);
    }
  });

  it('has none for what cannot be a phone number', () => {
    for (const raw of ['12345', '1200009', '16800000000', '95187', '', 'call me']) assert.equal(canonicalNumber(raw), undefined, raw);
  });

  it("keeps the emulator's test numbers valid, and their canonical form still scripts the simulated carrier", () => {
    for (let code = 0; code < 10_000; code += 100) {
      const number = `1990000${String(code).padStart(4, '0')}`;
      const e164 = canonicalNumber(number);
      assert.equal(e164, `+86${number}`, number);
      assert.equal(TEST_NUMBER.exec(e164!)?.[1], String(code).padStart(4, '0'));
    }
  });
});

describe('matchKey', () => {
  it('is the canonical form of a valid number, and the trimmed text of one stored before the rule', () => {
    assert.equal(matchKey('8613900139000'), '+8613900139000');
    assert.equal(matchKey(' 12345 '), '12345');
  });
});

describe('jobInputSchema contacts', () => {
  it('keep the number as written and carry its canonical form', () => {
    const job = jobInputSchema.parse({ contacts: [{ phoneNumber: '+86 139 0013 9000', name: '张三' }] });
    assert.deepEqual(job.contacts, [{ phoneNumber: '+86 139 0013 9000', name: '张三', e164: '+8613900139000' }]);
  });

  it('refuse a number that cannot be a phone number, naming its field', () => {
    const result = jobInputSchema.safeParse({ contacts: [{ phoneNumber: '13800138000' }, { phoneNumber: '12345' }] });
    assert.equal(result.success, false);
    assert.deepEqual(result.error!.issues.map((issue) => issue.path.join('.')), ['contacts.1.phoneNumber']);
  });
});

describe('CALLING_NUMBER', () => {
  it('takes the shapes of lines, service numbers included, and nothing else', () => {
    for (const line of ['95187', '057188880000', '+8657188880000', '05711']) assert.ok(CALLING_NUMBER.test(line), line);
    for (const bad of ['12', 'call-me', '0571 8888 0000', '+']) assert.ok(!CALLING_NUMBER.test(bad), bad);
  });
});
