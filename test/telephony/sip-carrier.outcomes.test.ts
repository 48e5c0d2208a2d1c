import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { builtinNlu } from '../../src/dialog/nlu-engines.ts';
import { compileScript, type ScriptContent } from '../../src/dialog/script-content.ts';
import { callSipp } from './sip-call.ts';
import { fixture } from './sipp-peer.ts';

/**
 * The SIP carrier against sipp answering as each kind of callee (test/telephony/fixtures):
 * the report the engine would settle, and sipp's own verdict that the dialog went as
 * its scenario expects (ACK, CANCEL, BYE all in place: exit code 0).
 */
describe('SipCarrier outcomes against sipp', { timeout: 180_000 }, () => {
  const rejected: Array<[string, string, string]> = [
    ['uas-486-busy.xml', 'Busy', '486'],
    ['uas-603-decline.xml', 'Busy', '603'],
    ['uas-404.xml', 'EmptyNumber', '404'],
    ['uas-480.xml', 'PoweredOff', '480'],
    ['uas-410.xml', 'OutOfService', '410'],
    ['uas-402.xml', 'InArrears', '402'],
    ['uas-503.xml', 'NotConnected', '503'],
    ['uas-183-480.xml', 'PoweredOff', '480'],
  ];
  for (const [scenario, result, sipCode] of rejected) {
    it(`${scenario} is reported as ${result} with SIP code ${sipCode}, unanswered`, async () => {
      const { report, sipp } = await callSipp(scenario);
      assert.equal(sipp.code, 0, sipp.output);
      assert.equal(report.result, result);
      assert.equal(report.sipCode, sipCode);
      assert.equal(report.talkMs, 0);
      assert.equal(report.conversationEnd, undefined);
      assert.deepEqual(report.turns, []);
      assert.ok(report.ringingMs >= 150 && report.ringingMs < 3_000, `ringing ${report.ringingMs} ms`);
    });
  }

  it('a phone nobody answers is cancelled at the ringing timeout and reported NoAnswer (487)', async () => {
    const { report, sipp } = await callSipp('uas-180-no-answer.xml', { ringingTimeoutMs: 1_000 });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'NoAnswer');
    assert.equal(report.sipCode, '487');
    assert.ok(report.ringingMs >= 1_000 && report.ringingMs < 2_500, `ringing ${report.ringingMs} ms`);
  });

  it('a 401 challenge is answered with the digest credentials and the call goes through', async () => {
    const { report, sipp } = await callSipp('uas-401-auth.xml', { credentials: { username: 'trunkuser', password: 'trunkpass' } });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'Answered');
    assert.equal(report.sipCode, '200');
  });

  it('wrong digest credentials end the attempt NotConnected after the second 401, without a third INVITE', async () => {
    const { report, sipp } = await callSipp('uas-401-auth.xml', { credentials: { username: 'trunkuser', password: 'not-the-password' } });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'NotConnected');
    assert.equal(report.sipCode, '401');
  });

  it('a callee who hangs up before the greeting has played is an answered call ended by ClientHangup', async () => {
    const { report, sipp } = await callSipp('uas-200-bye.xml');
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'Answered');
    assert.equal(report.conversationEnd, 'ClientHangup');
    assert.equal(report.hangupDirection, 'client');
    assert.ok(report.talkMs >= 250 && report.talkMs < 2_000, `talk ${report.talkMs} ms`);
    assert.equal(report.turns[0]?.speaker, 'Robot');
    assert.match(report.turns[0]!.text, /^Hello Li/);
  });

  it('a silent callee hears the greeting and a goodbye, and the bot hangs up with NoInteract; prompts are cached', async () => {
    const { report, sipp, cached } = await callSipp('uas-200-listen.xml', { rtpEcho: true });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'Answered');
    assert.equal(report.conversationEnd, 'NoInteract');
    assert.equal(report.hangupDirection, 'robot');
    assert.deepEqual(report.turns.map((turn) => [turn.speaker, turn.intent ?? '']), [['Robot', ''], ['Contact', 'Silence'], ['Robot', '']]);
    // The greeting (about 3 s of speech), the 1.5 s wait and the goodbye were all played in real time.
    assert.ok(report.talkMs >= 4_000 && report.talkMs < 15_000, `talk ${report.talkMs} ms`);
    assert.equal(cached.filter((name) => name.endsWith('.s16')).length, 2);
  });

  it('a key sent by SIP INFO answers the listen node: the call ends Finished with the key as the turn', async () => {
    const { report, sipp } = await callSipp('uas-200-info-key-1.xml', { rtpEcho: true, timings: { listenTimeoutMs: 4_000 } });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.conversationEnd, 'Finished');
    assert.equal(report.hangupDirection, 'robot');
    assert.deepEqual(report.turns[1], { ...report.turns[1], speaker: 'Contact', text: '1', intent: 'Affirm' });
  });

  it('no RTP from the callee for the media timeout ends the call as the callee gone (ClientHangup), with our BYE', async () => {
    const { report, sipp } = await callSipp('uas-200-listen.xml', { rtpEcho: false, timings: { mediaTimeoutMs: 1_000 } });
    assert.equal(sipp.code, 0, sipp.output); // sipp received and answered our BYE
    assert.equal(report.conversationEnd, 'ClientHangup');
    assert.ok(report.talkMs >= 1_000 && report.talkMs < 2_500, `talk ${report.talkMs} ms`);
  });

  it('the talk limit ends a call in progress as TimeoutHangup, the bot hanging up', async () => {
    const { report, sipp } = await callSipp('uas-200-listen.xml', { rtpEcho: true, talkLimitMs: 1_500 });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.conversationEnd, 'TimeoutHangup');
    assert.equal(report.hangupDirection, 'robot');
    assert.ok(report.talkMs >= 1_500 && report.talkMs < 2_500, `talk ${report.talkMs} ms`);
  });
});

describe('SipCarrier keys against sipp (RFC 4733)', { timeout: 60_000 }, () => {
  const keyMenu = compileScript(JSON.parse(readFileSync(fixture('key-menu-script.json'), 'utf8')) as ScriptContent, '');

  it('key 0 sent as RFC 4733 events during the question cuts it short and takes the dtmf branch: its Brief and Category, Finished', async () => {
    const { report, sipp } = await callSipp('uas-200-rfc4733-key-0.xml', { rtpEcho: true, dialog: { script: keyMenu, nlu: builtinNlu } });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'Answered');
    assert.equal(report.conversationEnd, 'Finished');
    assert.equal(report.hangupDirection, 'robot');
    assert.deepEqual(report.turns.map((turn) => [turn.speaker, turn.speaker === 'Contact' ? turn.text : '', turn.intent ?? '']), [['Robot', '', ''], ['Contact', '0', 'DTMF:0'], ['Robot', '', '']]);
    assert.equal(report.turns[2]!.text, 'Thank you, goodbye.');
    assert.deepEqual(report.results, { briefs: [{ key: 'Payment', value: 'Today' }], categories: ['WillPay'] });
    // The question (about 3 s of speech) was cut at the key a second in: the call is short.
    assert.ok(report.talkMs < 3_500, `talk ${report.talkMs} ms`);
  });
});
