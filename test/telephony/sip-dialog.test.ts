import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTrunk } from '../../src/config/sip-config.ts';
import { SipTrunk } from '../../src/telephony/sip/sip-trunk.ts';
import { callSipp } from './sip-call.ts';
import { freeUdpPort, startSipp } from './sipp-peer.ts';

/**
 * Inside the dialog and around it, against sipp: hold and resume by re-INVITE, Session-Timers
 * (RFC 4028) both ways, OPTIONS, and the trunk's calls-per-second limit. sipp's exit code 0
 * says every check of its scenario held (the SDP direction we answered, the Session-Expires
 * of our refreshes, the Allow of our OPTIONS answer).
 */
describe('SIP dialog: re-INVITE, UPDATE, Session-Timers, OPTIONS, CPS', { timeout: 120_000 }, () => {
  it('a hold re-INVITE (sendonly) is answered recvonly, the resume sendrecv, in-dialog OPTIONS 200, and we refresh the session by UPDATE every half interval', async () => {
    const { report, sipp } = await callSipp('uas-200-hold-refresh.xml', { rtpEcho: true });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'Answered');
    // The callee hung up after the second refresh (about 2 s in), during the greeting.
    assert.equal(report.conversationEnd, 'ClientHangup');
    assert.ok(report.talkMs >= 1_800 && report.talkMs < 4_000, `talk ${report.talkMs} ms`);
  });

  it('a session the trunk should refresh and does not is ended with our BYE before it expires', async () => {
    const { report, sipp } = await callSipp('uas-200-timer-expires.xml', { rtpEcho: true });
    assert.equal(sipp.code, 0, sipp.output);
    assert.equal(report.result, 'Answered');
    assert.equal(report.conversationEnd, 'ClientHangup'); // the line is gone, as for a media timeout
    // Session-Expires 2 s: BYE at 2 - 2/3 s.
    assert.ok(report.talkMs >= 1_250 && report.talkMs < 1_900, `talk ${report.talkMs} ms`);
  });

  it('OPTIONS out of any dialog is answered 200 with Allow naming INVITE and UPDATE', async () => {
    const port = await freeUdpPort('127.0.0.1');
    const trunk = new SipTrunk({ trunk: parseTrunk('sip:127.0.0.1:5999'), bind: { address: '127.0.0.1', port }, publicAddress: '127.0.0.1', rtpPorts: { first: 41000, last: 41999 }, callsPerSecond: 10 });
    await trunk.start();
    try {
      const peer = await startSipp('uac-options.xml', { address: '127.0.0.40', remote: `127.0.0.1:${port}`, timeoutS: 10 });
      const { code, output } = await peer.exited;
      assert.equal(code, 0, output);
    } finally {
      trunk.stop();
    }
  });

  it('six calls dialled at once leave at the trunk rate: at 4 per second the last is refused 1.25 s after the first, without a limit all within 0.4 s', async () => {
    const spread = (reports: Array<{ endedAt: number }>) => Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.endedAt));
    const limited = await callSipp('uas-486-busy.xml', { calls: 6, callsPerSecond: 4 });
    assert.equal(limited.sipp.code, 0, limited.sipp.output);
    assert.deepEqual(limited.reports.map((r) => r.result), Array(6).fill('Busy'));
    assert.ok(spread(limited.reports) >= 1_200 && spread(limited.reports) < 2_000, `limited spread ${spread(limited.reports)} ms`);
    // Ringing is counted from the INVITE, not from the wait for its slot.
    assert.ok(limited.reports.every((r) => r.ringingMs < 1_000), `ringing ${limited.reports.map((r) => r.ringingMs)}`);
    const free = await callSipp('uas-486-busy.xml', { calls: 6, callsPerSecond: 1000 });
    assert.equal(free.sipp.code, 0, free.sipp.output);
    assert.ok(spread(free.reports) < 400, `unlimited spread ${spread(free.reports)} ms`);
  });
});
