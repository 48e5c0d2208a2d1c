import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('OUTBOUNDBOT_DATABASE_URL', () => {
  it('unset (or empty) keeps the embedded SQLite store', () => {
    assert.equal(loadConfig({}).databaseUrl, undefined);
    assert.equal(loadConfig({ OUTBOUNDBOT_DATABASE_URL: '' }).databaseUrl, undefined);
  });

  it('a postgres:// or postgresql:// URL selects PostgreSQL, kept as given', () => {
    const url = 'postgres://outboundbot:secret@db:5432/outboundbot?schema=prod';
    assert.equal(loadConfig({ OUTBOUNDBOT_DATABASE_URL: url }).databaseUrl, url);
    assert.equal(loadConfig({ OUTBOUNDBOT_DATABASE_URL: 'postgresql://db/x' }).databaseUrl, 'postgresql://db/x');
  });

  it('anything else is refused at start with a message that does not echo the value', () => {
    for (const value of ['mysql://u:hunter2@db/x', 'db:5432', 'postgres://']) {
      assert.throws(() => loadConfig({ OUTBOUNDBOT_DATABASE_URL: value }), (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      });
    }
  });
});
