import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { builtinNlu } from '../../src/dialog/nlu-engines.ts';
import { compileScript, type ScriptContent } from '../../src/dialog/script-content.ts';
import { EspeakTts } from '../../src/speech/tts/espeak-tts.ts';
import { decodeG711, encodeG711 } from '../../src/telephony/media/g711.ts';
import { bestMatch } from './audio-match.ts';
import { tone, wavSamples } from './baresip-peer.ts';
import { callBaresip } from './sip-call.ts';
import { fixture } from './sipp-peer.ts';

/**
 * What the callee hears: baresip answers the SIP carrier's call and dumps the audio it
 * decoded; the bot's prompts, rendered again by the same TTS and put through the G.711
 * round trip, must be found in it, in the order they were spoken.
 */
describe('the callee hears the prompts (baresip)', { timeout: 90_000 }, () => {
  it('baresip receives the greeting and then the goodbye, sample for sample after G.711, and nothing of a prompt not spoken', async () => {
    const { report, heard, recordings } = await callBaresip({ timings: { listenTimeoutMs: 1_500 } });
    assert.equal(report.result, 'Answered');
    assert.equal(report.conversationEnd, 'NoInteract');
    const spoken = report.turns.filter((turn) => turn.speaker === 'Robot').map((turn) => turn.text);
    assert.equal(spoken.length, 2);
    const tts = new EspeakTts();
    const afterG711 = async (text: string) => decodeG711('PCMU', encodeG711('PCMU', await tts.render(text)));

    const greeting = bestMatch(await afterG711(spoken[0]!), heard);
    const goodbye = bestMatch(await afterG711(spoken[1]!), heard);
    assert.ok(greeting.score >= 0.99, `greeting correlation ${greeting.score}`);
    assert.ok(goodbye.score >= 0.99, `goodbye correlation ${goodbye.score}`);
    // The goodbye follows the greeting by its length plus the listen timeout (1.5 s) plus the goodbye's
    // render (espeak-ng runs when the silence is heard: tens of ms, more on a loaded machine).
    const greetingSamples = (await tts.render(spoken[0]!)).length;
    const gapMs = (goodbye.lag - greeting.lag - greetingSamples) / 8;
    assert.ok(gapMs >= 1_450 && gapMs <= 2_500, `gap between the prompts ${gapMs} ms`);

    // The comparison can fail: a prompt the bot did not say is not in what baresip heard.
    const unsaid = bestMatch(await afterG711('Thank you. We will follow up as agreed. Goodbye.'), heard);
    assert.ok(unsaid.score < 0.5, `unsaid prompt correlation ${unsaid.score}`);

    // The call's recording: stereo, the bot's prompts on the left at the same distance as
    // baresip heard them, baresip's tone on the right.
    assert.deepEqual([...recordings.keys()], ['call-baresip-0.wav']);
    const wav = recordings.get('call-baresip-0.wav')!;
    assert.equal(wav.readUInt16LE(22), 2, 'stereo');
    const stereo = wavSamples(wav);
    const left = stereo.filter((_, i) => i % 2 === 0);
    const right = stereo.filter((_, i) => i % 2 === 1);
    const greetingOnLeft = bestMatch(await afterG711(spoken[0]!), left);
    const goodbyeOnLeft = bestMatch(await afterG711(spoken[1]!), left);
    assert.ok(greetingOnLeft.score >= 0.99 && goodbyeOnLeft.score >= 0.99, `recording, bot channel: ${greetingOnLeft.score}, ${goodbyeOnLeft.score}`);
    assert.equal(goodbyeOnLeft.lag - greetingOnLeft.lag, goodbye.lag - greeting.lag, 'the prompts as far apart as baresip heard them');
    assert.ok(left.length >= goodbyeOnLeft.lag + 8000 && left.length < goodbyeOnLeft.lag + 24_000, 'the recording ends with the call');
    const toneOnRight = bestMatch(decodeG711('PCMU', encodeG711('PCMU', tone(4_000))), right.subarray(8_000, 24_000));
    assert.ok(toneOnRight.score >= 0.95, `recording, callee channel: ${toneOnRight.score}`);
    assert.ok(bestMatch(await afterG711(spoken[0]!), right).score < 0.5, 'the bot is not on the callee channel');
  });
});

describe('keys pressed on baresip (RFC 4733)', { timeout: 90_000 }, () => {
  it('key 2 pressed on baresip while the question plays takes the branch of key 2 and records its Brief and Category', async () => {
    const keyMenu = compileScript(JSON.parse(readFileSync(fixture('key-menu-script.json'), 'utf8')) as ScriptContent, '');
    const { report, heard } = await callBaresip({
      dialog: { script: keyMenu, nlu: builtinNlu },
      during: async (peer) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await peer.press('2');
      },
    });
    assert.equal(report.conversationEnd, 'Finished');
    assert.deepEqual(report.turns.map((turn) => [turn.speaker, turn.intent ?? '']), [['Robot', ''], ['Contact', 'DTMF:2'], ['Robot', '']]);
    assert.deepEqual(report.results, { briefs: [{ key: 'Payment', value: 'Later' }], categories: ['FollowUp'] });
    const tts = new EspeakTts();
    const reply = bestMatch(decodeG711('PCMU', encodeG711('PCMU', await tts.render('We will call you back.'))), heard);
    assert.ok(reply.score >= 0.99, `the callee heard the reply of branch 2: correlation ${reply.score}`);
  });
});
