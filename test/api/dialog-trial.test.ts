/**
 * A Dialogue trial conversation is kept in the store, not in a server's memory: it
 * goes on after a restart (SIGKILL included), and on PostgreSQL any node can take the
 * next turn.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { openApiCoreClient, popCoreClient } from '../helpers/clients.ts';
import { dropSchema, newSchemaName, schemaUrl, testBackendIsPostgres } from '../helpers/postgres.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const example = JSON.parse(readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8'));

async function scriptOn(server: ServerProcess): Promise<{ instanceId: string; scriptId: string }> {
  const client = popCoreClient(server.url, TEST_KEY);
  const instanceId = (await client.call('CreateInstance', { InstanceName: 'trial', MaxConcurrentConversation: 1, CallingNumber: ['95187'] })).Instance.InstanceId;
  const scriptId = (await client.call('ImportScript', { InstanceId: instanceId, SignatureUrl: JSON.stringify(example) })).ScriptId;
  return { instanceId, scriptId };
}

describe('Dialogue trials are kept in the store', () => {
  it('a trial goes on after the server is killed and restarted', async () => {
    const data = tempDataDir();
    let server = await startServerProcess({ dataDir: data.dir });
    try {
      const { instanceId, scriptId } = await scriptOn(server);
      const call = { InstanceId: instanceId, ScriptId: scriptId, CallId: 'restart-1', CallType: 'Sandbox', CalledNumber: '13800000000', CallingNumber: '057188880000' };
      const opening = await popCoreClient(server.url, TEST_KEY).call('Dialogue', { ...call, Utterance: '' });
      assert.match(opening.Feedback.Content, /请问您今天能还款吗？$/);
      const unclear = await popCoreClient(server.url, TEST_KEY).call('Dialogue', { ...call, Utterance: '紫色的大象' });
      assert.equal(unclear.Feedback.Content, '抱歉，我没听清。请问您今天能还款吗？');

      await server.stop('SIGKILL');
      server = await startServerProcess({ dataDir: data.dir });
      const done = await openApiCoreClient(server.url, TEST_KEY).call('Dialogue', { ...call, Utterance: '我已经还了' });
      assert.equal(done.Feedback.Action, 'Hangup', 'the conversation went on where it stood');
      assert.equal(JSON.parse(done.Feedback.ActionParams).heard.name, 'AlreadyPaid');

      // Another CallId is another conversation, which starts from the beginning.
      const other = await popCoreClient(server.url, TEST_KEY).call('Dialogue', { ...call, CallId: 'restart-2', Utterance: '我已经还了' });
      assert.equal(other.Feedback.Action, 'Broadcast');
      assert.match(other.Feedback.Content, /请问您今天能还款吗？$/);
    } finally {
      await server.stop();
      data.cleanup();
    }
  });

  it('on PostgreSQL, turns of one trial may go to different nodes', { skip: testBackendIsPostgres() && 'runs on PostgreSQL in the first pass already' }, async () => {
    const schema = newSchemaName('trial');
    const env = { OUTBOUNDBOT_DATABASE_URL: schemaUrl(schema) };
    const data = [tempDataDir(), tempDataDir()];
    const nodes: ServerProcess[] = [];
    try {
      nodes.push(...(await Promise.all(data.map(({ dir }) => startServerProcess({ dataDir: dir, env })))));
      const { instanceId, scriptId } = await scriptOn(nodes[0]!);
      const call = { InstanceId: instanceId, ScriptId: scriptId, CallId: 'nodes-1', CallType: 'Sandbox', CalledNumber: '13800000000', CallingNumber: '057188880000' };
      await popCoreClient(nodes[0]!.url, TEST_KEY).call('Dialogue', { ...call, Utterance: '' });
      const asked = await openApiCoreClient(nodes[1]!.url, TEST_KEY).call('Dialogue', { ...call, Utterance: '你是谁' });
      assert.equal(asked.Feedback.Content, '这里是示例银行的账单提醒服务。 请问您今天能还款吗？');
      const done = await popCoreClient(nodes[0]!.url, TEST_KEY).call('Dialogue', { ...call, Utterance: '我已经还了' });
      assert.equal(done.Feedback.Action, 'Hangup');
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
      for (const { cleanup } of data) cleanup();
      await dropSchema(schema);
    }
  });
});
