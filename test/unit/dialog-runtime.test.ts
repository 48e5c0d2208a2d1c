import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { converse } from '../../src/dialog/conversation.ts';
import { builtinNlu } from '../../src/dialog/nlu-engines.ts';
import { cooperative, optOutPersona, personaForEnd, questionPersona, type Persona } from '../../src/dialog/persona.ts';
import { DialogSession, variableValues } from '../../src/dialog/runtime.ts';
import { compileScript, type ScriptContent } from '../../src/dialog/script-content.ts';

const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8')) as { dialog: ScriptContent };
const script = compileScript(example.dialog, '');
const T0 = 1_800_000_000_000;
const LIMIT = 300_000;

function session() {
  return new DialogSession(script, variableValues({ name: '张三', honorific: '先生', phoneNumber: '13800000000' }, [{ key: 'amount', value: '100' }]), builtinNlu, builtinNlu);
}

async function talk(persona: Persona) {
  return converse(session(), script, persona, T0, LIMIT);
}

describe('DialogSession with the payment-reminder example', () => {
  it('greets with the variables filled and waits at the question', () => {
    const s = session();
    const step = s.start();
    assert.deepEqual(step.say.map((l) => l.text), ['您好张三先生，这里是示例银行。您本期账单100元今天到期。', '请问您今天能还款吗？']);
    assert.equal(s.listening()?.id, 'ask');
    assert.equal(step.end, undefined);
  });

  for (const [branch, intent, brief, category, last] of [
    [0, 'WillPay', 'Today', 'WillPay', 'promise'],
    [1, 'AlreadyPaid', 'AlreadyPaid', 'Paid', 'paid'],
    [2, 'Later', 'Later', 'FollowUp', 'later'],
    [3, 'Refuse', 'Refused', 'Escalated', 'agent'],
  ] as const) {
    it(`a callee taking branch ${branch} is heard as ${intent}, ends Finished at "${last}" and records Payment=${brief}`, async () => {
      const outcome = await talk(cooperative(branch));
      assert.equal(outcome.end, 'Finished');
      assert.equal(outcome.hangupDirection, 'robot');
      const contact = outcome.turns.filter((t) => t.speaker === 'Contact');
      assert.deepEqual(contact.map((t) => t.intent), [intent]);
      assert.equal(outcome.turns.at(-1)!.node, last);
      assert.deepEqual(outcome.results, { briefs: [{ key: 'Payment', value: brief }], categories: [category] });
      const times = outcome.turns.map((t) => t.timestamp);
      assert.deepEqual(times, [...times].sort((a, b) => a - b), 'turns in time order');
      assert.ok(times[0] === T0 && outcome.talkMs > 0 && T0 + outcome.talkMs >= times.at(-1)!);
    });
  }

  it('a callee who hangs up ends ClientHangup with no result', async () => {
    const outcome = await talk(personaForEnd('ClientHangup', 0, LIMIT));
    assert.equal(outcome.end, 'ClientHangup');
    assert.equal(outcome.hangupDirection, 'client');
    assert.deepEqual(outcome.results, { briefs: [], categories: [] });
  });

  it('a silent callee is re-prompted twice, then the bot hangs up NoInteract', async () => {
    const outcome = await talk(personaForEnd('NoInteract', 0, LIMIT));
    assert.equal(outcome.end, 'NoInteract');
    assert.deepEqual(outcome.turns.filter((t) => t.speaker === 'Contact').map((t) => t.intent), ['Silence', 'Silence', 'Silence']);
    assert.equal(outcome.turns.filter((t) => t.text === '您好，请问还在听吗？').length, 2);
  });

  it('a callee never understood is re-prompted twice, then the bot hangs up Unrecognized', async () => {
    const outcome = await talk(personaForEnd('Unrecognized', 0, LIMIT));
    assert.equal(outcome.end, 'Unrecognized');
    assert.deepEqual(outcome.turns.filter((t) => t.speaker === 'Contact').map((t) => t.intent), ['NoMatch', 'NoMatch', 'NoMatch']);
  });

  it('a callee who talks past the limit is cut off TimeoutHangup exactly at the limit', async () => {
    const outcome = await talk(personaForEnd('TimeoutHangup', 0, LIMIT));
    assert.equal(outcome.end, 'TimeoutHangup');
    assert.equal(outcome.talkMs, LIMIT);
    assert.equal(outcome.turns.at(-1)!.timestamp, T0 + LIMIT);
  });

  it('a global question is answered, the question asked again, and the call goes on', async () => {
    const outcome = await talk(questionPersona(0));
    assert.equal(outcome.end, 'Finished');
    assert.deepEqual(outcome.turns.filter((t) => t.speaker === 'Contact').map((t) => t.intent), ['WhoIsThis', 'WillPay']);
    assert.ok(outcome.turns.some((t) => t.text === '这里是示例银行的账单提醒服务。'));
  });

  for (const code of [0, 1]) {
    it(`an opt-out (${code ? 'Chinese' : 'English'}) ends the call, records OptOut and asks for the block list`, async () => {
      const outcome = await talk(optOutPersona(code));
      assert.equal(outcome.end, 'Finished');
      assert.deepEqual(outcome.turns.filter((t) => t.speaker === 'Contact').map((t) => t.intent), ['OptOut']);
      assert.deepEqual(outcome.results, { briefs: [{ key: 'OptOut', value: 'true' }], categories: [], optOut: true });
    });
  }

  it('the same persona gives the same conversation every time', async () => {
    assert.deepEqual(await talk(cooperative(2)), await talk(cooperative(2)));
  });

  it('keeps its state between steps as a plain object (Dialogue resumes from it)', async () => {
    const first = session();
    first.start();
    const resumed = new DialogSession(script, {}, builtinNlu, builtinNlu, structuredClone(first.state));
    const step = await resumed.hear('我已经还了');
    assert.equal(step.heard?.name, 'AlreadyPaid');
    assert.equal(step.end?.reason, 'Finished');
  });
});

describe('DialogSession with key branches (dtmf)', () => {
  const keyMenu = compileScript(JSON.parse(readFileSync(new URL('../telephony/fixtures/key-menu-script.json', import.meta.url), 'utf8')) as ScriptContent, '');
  const keySession = () => {
    const s = new DialogSession(keyMenu, {}, builtinNlu, builtinNlu);
    s.start();
    return s;
  };

  it('a key takes the branch that names it, recording its Briefs and Category', async () => {
    const s = keySession();
    const step = await s.press('0');
    assert.deepEqual(step.heard, { kind: 'key', name: '0', score: 1 });
    assert.equal(step.end?.reason, 'Finished');
    assert.deepEqual(s.results(), { briefs: [{ key: 'Payment', value: 'Today' }], categories: ['WillPay'] });
  });

  it('a branch with an intent and a key is taken by either', async () => {
    const byKey = keySession();
    assert.equal((await byKey.press('2')).say[0]?.node, 'later');
    const bySpeech = keySession();
    const step = await bySpeech.hear('please call me later');
    assert.equal(step.heard?.name, 'Later');
    assert.equal(step.say[0]?.node, 'later');
  });

  it('a key no branch names is heard as text: no match here, so the question is asked again', async () => {
    const step = await keySession().press('7');
    assert.equal(step.heard?.kind, 'noMatch');
    assert.equal(step.end, undefined);
    assert.deepEqual(step.say.map((line) => line.node), ['ask']);
  });

  it('a simulated callee taking a key-only branch presses its key, recorded as DTMF:0', async () => {
    const outcome = await converse(new DialogSession(keyMenu, {}, builtinNlu, builtinNlu), keyMenu, cooperative(0), T0, LIMIT);
    assert.equal(outcome.end, 'Finished');
    assert.deepEqual(outcome.turns.filter((t) => t.speaker === 'Contact').map((t) => [t.text, t.intent]), [['0', 'DTMF:0']]);
  });
});
