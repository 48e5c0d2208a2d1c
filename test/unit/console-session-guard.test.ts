import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { ManualClock } from '../../src/engine/clock.ts';
import { Authenticator } from '../../src/protocol/authenticator.ts';
import { errorHandler } from '../../src/server/error-handler.ts';
import { SESSION_COOKIE, SessionGuard } from '../../src/server/console/session-guard.ts';
import { SessionStore } from '../../src/server/console/session-store.ts';
import type { AccessKeyRow } from '../../src/store/rows.ts';

const T0 = Date.parse('2026-12-01T00:00:00Z');

/** A guard over a key table the test can change between requests, as `keys` and the store would. */
function setUp() {
  const key: AccessKeyRow = { id: 'LTAIsub', accountId: 'acct', secret: 's3cret-s3cret', status: 'Active', isRoot: false, name: 'sub', createdAt: T0 };
  const keys = { findKey: async (id: string) => (id === key.id ? { ...key } : undefined), claimNonce: async () => true };
  const authenticator = new Authenticator(keys, new ManualClock(T0));
  const sessions = new SessionStore(new ManualClock(T0));
  const guard = new SessionGuard(sessions, authenticator);
  const app = Fastify();
  app.setErrorHandler(errorHandler(pino({ level: 'silent' })));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/console/read', async (request) => ({ policy: (await guard.reader(request)).caller.policy ?? null }));
  app.post('/console/write', async (request) => ({ ok: Boolean(await guard.writer(request)) }));
  const { token, session } = sessions.create(key.id);
  const cookie = `${SESSION_COOKIE}=${token}`;
  return { key, app, cookie, csrf: session.csrfToken, authenticator };
}

describe('console session guard', () => {
  it('reads the key afresh: a key disabled after sign-in stops working at once', async () => {
    const { key, app, cookie } = setUp();
    assert.equal((await app.inject({ url: '/console/read', headers: { cookie } })).statusCode, 200);
    key.status = 'Inactive';
    const refused = await app.inject({ url: '/console/read', headers: { cookie } });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().Code, 'Console.NotSignedIn');
  });

  it('reads the policy afresh: a narrowed policy applies to the next request', async () => {
    const { key, app, cookie } = setUp();
    key.policy = { Version: '1', Statement: [{ Effect: 'Allow', Action: ['outboundbot:Get*'], Resource: ['*'] }] };
    assert.deepEqual((await app.inject({ url: '/console/read', headers: { cookie } })).json().policy.Statement[0].Action, ['outboundbot:Get*']);
  });

  it('a write needs the CSRF token and a JSON body; Origin, when sent, must be this host', async () => {
    const { app, cookie, csrf } = setUp();
    const write = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/console/write', headers: { cookie, host: 'bot.local', 'content-type': 'application/json', ...headers }, payload: '{}' });
    assert.equal((await write({ 'x-csrf-token': csrf })).statusCode, 200);
    assert.equal((await write({ 'x-csrf-token': csrf, origin: 'http://bot.local' })).statusCode, 200);
    assert.equal((await write({ 'x-csrf-token': csrf, origin: 'http://bot.local.evil.example' })).statusCode, 403);
    assert.equal((await write({ 'x-csrf-token': csrf, origin: 'null' })).statusCode, 403);
    assert.equal((await write({})).statusCode, 403);
    assert.equal((await write({ 'x-csrf-token': `${csrf.slice(0, -1)}x` })).statusCode, 403);
    assert.equal((await write({ 'x-csrf-token': csrf, 'content-type': 'text/plain' })).statusCode, 403);
  });

  it('sign-in accepts only the exact secret of an active key, with one answer for every failure', async () => {
    const { key, authenticator } = setUp();
    assert.equal((await authenticator.verifySecret(key.id, key.secret)).accessKeyId, key.id);
    for (const [id, secret] of [[key.id, 'wrong'], [key.id, `${key.secret}x`], [key.id, ''], ['LTAInone', key.secret]] as const) {
      await assert.rejects(authenticator.verifySecret(id, secret), { code: 'Console.SignInFailed' });
    }
    key.status = 'Inactive';
    await assert.rejects(authenticator.verifySecret(key.id, key.secret), { code: 'Console.SignInFailed' });
  });
});
