import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/engine/clock.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SessionStore } from '../../src/server/console/session-store.ts';

const T0 = Date.parse('2026-12-01T00:00:00Z');

describe('console sessions', () => {
  it('a token finds its session, and nothing else does', () => {
    const store = new SessionStore(new ManualClock(T0));
    const { token, session } = store.create('LTAIkey');
    assert.equal(store.touch(token), session);
    assert.equal(store.touch(`${token}x`), undefined);
    assert.equal(store.touch(undefined), undefined);
    assert.notEqual(session.csrfToken, token, 'the CSRF token is not the cookie token');
    assert.ok(token.length >= 43 && session.csrfToken.length >= 43, '32 random bytes each');
  });

  it('ends after the idle time, and each request restarts that time', () => {
    const clock = new ManualClock(T0);
    const store = new SessionStore(clock);
    const { token } = store.create('LTAIkey');
    clock.advance(SESSION_IDLE_MS - 1);
    assert.ok(store.touch(token), 'still alive just before the idle limit');
    clock.advance(SESSION_IDLE_MS - 1);
    assert.ok(store.touch(token), 'the touch above restarted the idle time');
    clock.advance(SESSION_IDLE_MS);
    assert.equal(store.touch(token), undefined);
    clock.set(T0);
    assert.equal(store.touch(token), undefined, 'an expired session is forgotten, not only hidden');
  });

  it('peek does not count as activity: an open live stream keeps no session alive', () => {
    const clock = new ManualClock(T0);
    const store = new SessionStore(clock);
    const { token } = store.create('LTAIkey');
    clock.advance(SESSION_IDLE_MS - 1);
    assert.ok(store.peek(token));
    clock.advance(1);
    assert.equal(store.peek(token), undefined);
  });

  it('ends after the absolute time however busy', () => {
    const clock = new ManualClock(T0);
    const store = new SessionStore(clock);
    const { token, session } = store.create('LTAIkey');
    for (let t = 0; t < SESSION_ABSOLUTE_MS; t += SESSION_IDLE_MS / 2) {
      assert.ok(store.touch(token));
      clock.advance(SESSION_IDLE_MS / 2);
    }
    assert.equal(store.expiresAt(session), T0 + SESSION_ABSOLUTE_MS);
    assert.equal(store.touch(token), undefined);
  });

  it('sign-out ends the session at once', () => {
    const store = new SessionStore(new ManualClock(T0));
    const { token } = store.create('LTAIkey');
    store.end(token);
    assert.equal(store.touch(token), undefined);
  });
});

describe('console sessions under a flood of sign-ins', () => {
  it('keeps at most 10,000, dropping the least recently used', () => {
    const store = new SessionStore(new ManualClock(T0));
    const first = store.create('LTAIkey').token;
    const second = store.create('LTAIkey').token;
    assert.ok(store.touch(first), 'first is now the most recently used');
    for (let i = 0; i < 9_999; i++) store.create('LTAIkey');
    assert.equal(store.touch(second), undefined, 'the least recently used one went');
    assert.ok(store.touch(first));
  });
});
