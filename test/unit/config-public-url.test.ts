import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('OUTBOUNDBOT_PUBLIC_URL', () => {
  it('unset, clients are pointed at the listening address', () => {
    assert.equal(loadConfig({}).publicUrl, undefined);
  });

  it('an http(s) base URL is kept, without a trailing slash, path included', () => {
    assert.equal(loadConfig({ OUTBOUNDBOT_PUBLIC_URL: 'https://bot.example.com/' }).publicUrl, 'https://bot.example.com');
    assert.equal(loadConfig({ OUTBOUNDBOT_PUBLIC_URL: 'http://10.0.0.5:9000/outboundbot/' }).publicUrl, 'http://10.0.0.5:9000/outboundbot');
  });

  it('anything else is refused at start, without echoing credentials', () => {
    for (const value of ['bot.example.com', 'ftp://bot.example.com', 'https://bot.example.com/?a=1', 'https://bot.example.com/#top', 'https://admin:hunter2@bot.example.com']) {
      assert.throws(() => loadConfig({ OUTBOUNDBOT_PUBLIC_URL: value }), (error: Error) => {
        assert.ok(error instanceof ConfigError, value);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      });
    }
  });
});
