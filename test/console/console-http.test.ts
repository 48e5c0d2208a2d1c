import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const START = Date.parse('2026-12-01T01:00:00Z');
const HOUR = 3600_000;

/** A console session over raw HTTP: what a browser would send, or a forger would. */
interface RawSession {
  cookie: string;
  csrf: string;
  setCookie: string;
  body: Record<string, any>;
}

describe('the console over raw HTTP: sessions, CSRF, authorization', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let api: ApiClient;
  let root: RawSession;

  const signIn = async (accessKeyId: string, accessKeySecret: string): Promise<RawSession> => {
    const response = await fetch(`${server.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ AccessKeyId: accessKeyId, AccessKeySecret: accessKeySecret }) });
    const body = (await response.json()) as Record<string, any>;
    assert.equal(response.status, 200, JSON.stringify(body));
    const setCookie = response.headers.get('set-cookie')!;
    return { cookie: setCookie.split(';')[0]!, csrf: body.Session.CsrfToken, setCookie, body };
  };
  const post = async (path: string, options: { session?: RawSession; csrf?: string | null; origin?: string; contentType?: string; body?: string }) => {
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
    if (options.session) headers.cookie = options.session.cookie;
    const csrf = options.csrf === undefined ? options.session?.csrf : options.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (options.origin) headers.origin = options.origin;
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: options.body ?? '{}' });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const keyOf = async (args: string[]) => {
    const created = await runCli(['keys', 'create', '--json', ...args], server.dataDir);
    assert.equal(created.code, 0, created.stderr);
    return JSON.parse(created.stdout) as { AccessKeyId: string; AccessKeySecret: string };
  };
  const instanceCount = async () => (await api.call('ListInstances', { PageNumber: 1, PageSize: 50 })).TotalCount as number;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START) } });
    api = popCoreClient(server.url, TEST_KEY);
    root = await signIn(TEST_KEY.accessKeyId, TEST_KEY.accessKeySecret);
  });

  after(async () => {
    await server?.stop();
    cleanup?.();
  });

  it('sign-in sets an HttpOnly, SameSite=Strict cookie scoped to /console that holds no secret', () => {
    assert.match(root.setCookie, /; HttpOnly/);
    assert.match(root.setCookie, /; SameSite=Strict/);
    assert.match(root.setCookie, /; Path=\/console/);
    assert.match(root.setCookie, /; Max-Age=43200/);
    assert.ok(!root.setCookie.includes(TEST_KEY.accessKeySecret));
    assert.ok(!JSON.stringify(root.body).includes(TEST_KEY.accessKeySecret), 'nor does the reply');
    assert.equal(root.body.Session.AccessKeyId, TEST_KEY.accessKeyId);
    assert.equal(root.body.Session.VirtualClock, true);
  });

  it('behind an https:// public URL the cookie is Secure as well', async () => {
    const data = tempDataDir();
    const proxied = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_PUBLIC_URL: 'https://bot.example.com' } });
    try {
      const response = await fetch(`${proxied.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ AccessKeyId: TEST_KEY.accessKeyId, AccessKeySecret: TEST_KEY.accessKeySecret }) });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('set-cookie')!, /; Secure/);
      assert.doesNotMatch(root.setCookie, /; Secure/, 'and not on plain http');
      assert.equal(((await response.json()) as Record<string, any>).Session.VirtualClock, false, 'the system clock has no console clock');
      assert.equal((await fetch(`${proxied.url}/console/clock`)).status, 404);
    } finally {
      await proxied.stop();
      data.cleanup();
    }
  });

  it('a wrong secret and an unknown key get the same refusal, in the API envelope', async () => {
    for (const [id, secret] of [
      [TEST_KEY.accessKeyId, 'wrong'],
      ['LTAInoSuchKey', TEST_KEY.accessKeySecret],
    ]) {
      const refused = await post('/console/session', { body: JSON.stringify({ AccessKeyId: id, AccessKeySecret: secret }) });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.Code, 'Console.SignInFailed');
      assert.equal(refused.body.Success, false);
      assert.ok(refused.body.RequestId);
    }
    const malformed = await post('/console/session', { body: '{"AccessKeyId": 1}' });
    assert.equal(malformed.status, 400);
  });

  it('refuses a state-changing request without the CSRF token, with a wrong one, from another origin, or not JSON', async () => {
    const body = JSON.stringify({ InstanceName: 'forged', MaxConcurrentConversation: 1 });
    const attempts = [
      { session: root, csrf: null, body },
      { session: root, csrf: 'x'.repeat(43), body },
      { session: root, origin: 'https://evil.example', body },
      { session: root, contentType: 'text/plain', body },
      { session: root, contentType: 'application/x-www-form-urlencoded', body: 'InstanceName=forged&MaxConcurrentConversation=1' },
    ];
    for (const attempt of attempts) {
      const refused = await post('/console/api/CreateInstance', attempt);
      assert.equal(refused.status, 403, JSON.stringify(attempt));
      assert.equal(refused.body.Code, 'Console.CsrfRefused');
    }
    assert.equal((await post('/console/clock', { session: root, csrf: null, body: '{"advanceMs": 3600000}' })).status, 403);
    assert.equal((await (await fetch(`${server.url}/_outboundbot/clock`)).json()).now, START, 'the clock did not move');
    assert.equal(await instanceCount(), 0, 'nothing was created');

    const made = await post('/console/api/CreateInstance', { session: root, origin: server.url, body });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.Success, true);
    assert.equal(await instanceCount(), 1, 'the same request with its token works, seen by the signed API');
  });

  it('refuses every console request without a session', async () => {
    assert.equal((await post('/console/api/ListInstances', { csrf: 'anything' })).body.Code, 'Console.NotSignedIn');
    assert.equal((await post('/console/clock', { csrf: 'anything', body: '{"advanceMs": 1}' })).status, 401);
    assert.equal((await fetch(`${server.url}/console/clock`)).status, 401);
    const stream = await fetch(`${server.url}/console/events/job-group?InstanceId=x&JobGroupId=y`);
    assert.equal(stream.status, 401);
    const anonymous = (await (await fetch(`${server.url}/console/session`)).json()) as Record<string, unknown>;
    assert.equal(anonymous.Session, null);
  });

  it('answers bad parameters with the API error codes the signed endpoint uses', async () => {
    assert.equal((await post('/console/api/NoSuchAction', { session: root })).body.Code, 'InvalidAction.NotFound');
    assert.equal((await post('/console/api/DescribeInstance', { session: root })).body.Code, 'MissingParameter');
    const wrongType = await post('/console/api/CreateInstance', { session: root, body: JSON.stringify({ InstanceName: { a: 1 }, MaxConcurrentConversation: 1 }) });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.Message, /InstanceName/);
    for (const body of ['not json', '[1]', 'null']) assert.equal((await post('/console/api/ListInstances', { session: root, body })).status, 400, body);
  });

  it("keeps accounts apart: another account's session sees none of this one's instances", async () => {
    const stranger = await keyOf(['--new-account', '--name', 'stranger']);
    const session = await signIn(stranger.AccessKeyId, stranger.AccessKeySecret);
    const listed = await post('/console/api/ListInstances', { session, body: '{"PageNumber":1,"PageSize":10}' });
    assert.equal(listed.body.TotalCount, 0);
    const ours = (await api.call('ListInstances', { PageNumber: 1, PageSize: 10 })).Instances[0].InstanceId;
    const foreign = await post('/console/api/DescribeInstance', { session, body: JSON.stringify({ InstanceId: ours }) });
    assert.equal(foreign.body.Code, 'NotExist.Instance');
  });

  it("holds a sub-user to its policy, for actions and for the virtual clock", async () => {
    const reader = await keyOf(['--name', 'reader', '--policy', JSON.stringify({ Statement: [{ Effect: 'Allow', Action: ['outboundbot:Get*', 'outboundbot:List*'], Resource: '*' }] })]);
    const session = await signIn(reader.AccessKeyId, reader.AccessKeySecret);
    assert.equal(session.body.Session.IsRoot, false);
    assert.equal((await post('/console/api/ListInstances', { session, body: '{"PageNumber":1,"PageSize":10}' })).status, 200);
    const write = await post('/console/api/CreateInstance', { session, body: JSON.stringify({ InstanceName: 'x', MaxConcurrentConversation: 1 }) });
    assert.equal(write.status, 403);
    assert.equal(write.body.Code, 'Forbidden.RAM');
    const clock = await post('/console/clock', { session, body: '{"advanceMs": 3600000}' });
    assert.equal(clock.body.Code, 'Forbidden.RAM');
    assert.match(clock.body.Message, /outboundbot:AdvanceVirtualClock/);
  });

  it('streams a group live: the first event at once, a new one when the console advances the clock', async () => {
    const instanceId = (await api.call('CreateInstance', { InstanceName: 'streamed', MaxConcurrentConversation: 1, CallingNumber: ['95187'] })).Instance.InstanceId;
    const jobGroupId = (await api.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'live' })).JobGroup.JobGroupId;
    await api.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: [JSON.stringify({ contacts: [{ phoneNumber: '19900000000' }] })] });
    const response = await fetch(`${server.url}/console/events/job-group?InstanceId=${instanceId}&JobGroupId=${jobGroupId}`, { headers: { cookie: root.cookie } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
    const events = eventReader(response.body!);
    const first = await events.next();
    assert.equal(first.event, 'jobgroup');
    assert.equal(JSON.parse(first.data).Progress.TotalCompleted, 0);
    assert.equal((await post('/console/clock', { session: root, body: JSON.stringify({ advanceMs: HOUR }) })).body.Now, START + HOUR);
    let moved = await events.next();
    // Events may show the call in flight first; the job ends within the hour.
    while (JSON.parse(moved.data).Progress.TotalCompleted + JSON.parse(moved.data).Progress.Failed === 0) moved = await events.next();
    assert.equal(JSON.parse(moved.data).Progress.TotalCompleted, 1);

    // Signing out ends the session, and with it the stream.
    const session = await signIn(TEST_KEY.accessKeyId, TEST_KEY.accessKeySecret);
    const second = eventReader((await fetch(`${server.url}/console/events/job-group?InstanceId=${instanceId}&JobGroupId=${jobGroupId}`, { headers: { cookie: session.cookie } })).body!);
    assert.equal((await second.next()).event, 'jobgroup');
    const out = await post('/console/session/end', { session });
    assert.equal(out.status, 200);
    let ended = await second.next();
    while (ended.event === 'jobgroup') ended = await second.next();
    assert.equal(ended.event, 'end');
    assert.equal((await post('/console/api/ListInstances', { session })).body.Code, 'Console.NotSignedIn', 'the old cookie is worthless');
    await events.cancel();
  });

  it('refuses a stream of a group the caller cannot see', async () => {
    const stranger = await keyOf(['--new-account', '--name', 'nosy']);
    const session = await signIn(stranger.AccessKeyId, stranger.AccessKeySecret);
    const instanceId = (await api.call('ListInstances', { PageNumber: 1, PageSize: 10 })).Instances[0].InstanceId;
    const response = await fetch(`${server.url}/console/events/job-group?InstanceId=${instanceId}&JobGroupId=x`, { headers: { cookie: session.cookie } });
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as Record<string, unknown>).Code, 'NotExist.Instance');
  });
});

/** Reads server-sent events one at a time from a response body. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<{ event: string; data: string }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) continue;
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
          return { event, data };
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('the stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}
