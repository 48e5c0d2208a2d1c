import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

const SIP = { OUTBOUNDBOT_CARRIER: 'sip', OUTBOUNDBOT_SIP_TRUNK: 'sip:trunk.example.net' };

describe('SIP carrier configuration', () => {
  it('reads the trunk, credentials, bind, public address, RTP ports and calls per second, with their defaults', () => {
    const defaults = loadConfig(SIP).sip!;
    assert.deepEqual(defaults, {
      trunk: { host: 'trunk.example.net', port: 5060, transport: 'udp' },
      username: undefined,
      password: undefined,
      bind: { address: '0.0.0.0', port: 5060 },
      publicAddress: '127.0.0.1',
      rtpPorts: { first: 20000, last: 20999 },
      callsPerSecond: 10,
    });
    const set = loadConfig({
      ...SIP,
      OUTBOUNDBOT_SIP_TRUNK: 'sip:10.0.0.5:5080;transport=tcp',
      OUTBOUNDBOT_SIP_USERNAME: 'acct',
      OUTBOUNDBOT_SIP_PASSWORD: 'secret',
      OUTBOUNDBOT_SIP_BIND: '192.0.2.10:5070',
      OUTBOUNDBOT_SIP_PUBLIC_ADDRESS: '203.0.113.7',
      OUTBOUNDBOT_RTP_PORTS: '30000-30099',
      OUTBOUNDBOT_SIP_CPS: '2.5',
    }).sip!;
    assert.equal(set.callsPerSecond, 2.5);
    assert.deepEqual(set.trunk, { host: '10.0.0.5', port: 5080, transport: 'tcp' });
    assert.deepEqual([set.username, set.password, set.bind, set.publicAddress, set.rtpPorts], ['acct', 'secret', { address: '192.0.2.10', port: 5070 }, '203.0.113.7', { first: 30000, last: 30099 }]);
    assert.equal(loadConfig({}).sip, undefined, 'the simulated carrier stays the default');
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['no trunk', { OUTBOUNDBOT_CARRIER: 'sip' }, /OUTBOUNDBOT_SIP_TRUNK must be set/],
    ['a trunk that is not a sip: URI', { ...SIP, OUTBOUNDBOT_SIP_TRUNK: 'http://x' }, /OUTBOUNDBOT_SIP_TRUNK must be sip:host/],
    ['an unknown transport', { ...SIP, OUTBOUNDBOT_SIP_TRUNK: 'sip:x;transport=sctp' }, /OUTBOUNDBOT_SIP_TRUNK/],
    ['port 0 in the trunk', { ...SIP, OUTBOUNDBOT_SIP_TRUNK: 'sip:x:0' }, /OUTBOUNDBOT_SIP_TRUNK/],
    ['a bind without a port', { ...SIP, OUTBOUNDBOT_SIP_BIND: '0.0.0.0' }, /OUTBOUNDBOT_SIP_BIND must be address:port/],
    ['a reversed RTP range', { ...SIP, OUTBOUNDBOT_RTP_PORTS: '21000-20000' }, /OUTBOUNDBOT_RTP_PORTS must be a range/],
    ['RTP ports below 1024', { ...SIP, OUTBOUNDBOT_RTP_PORTS: '80-90' }, /OUTBOUNDBOT_RTP_PORTS/],
    ['a password without a user', { ...SIP, OUTBOUNDBOT_SIP_PASSWORD: 'hunter2-secret' }, /without OUTBOUNDBOT_SIP_USERNAME/],
    ['calls per second of 0', { ...SIP, OUTBOUNDBOT_SIP_CPS: '0' }, /OUTBOUNDBOT_SIP_CPS must be a number of calls per second above 0/],
    ['calls per second that is no number', { ...SIP, OUTBOUNDBOT_SIP_CPS: 'fast' }, /OUTBOUNDBOT_SIP_CPS/],
    ['an unknown carrier', { OUTBOUNDBOT_CARRIER: 'pstn' }, /simulated or sip/],
    ['the virtual clock', { ...SIP, OUTBOUNDBOT_CLOCK: 'virtual' }, /OUTBOUNDBOT_CLOCK=system/],
  ];
  for (const [label, env, message] of bad) {
    it(`refuses ${label} with a one-line ConfigError`, () => {
      assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message) && !error.message.includes('\n') && !error.message.includes('hunter2'));
    });
  }
});
