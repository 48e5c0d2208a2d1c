import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { popCoreClient } from '../helpers/clients.ts';
import { TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite } from '../helpers/suite-server.ts';

describe('OUTBOUNDBOT_PUBLIC_URL behind a proxy', () => {
  const server = serverPerSuite({ OUTBOUNDBOT_PUBLIC_URL: 'https://bot.example.com/outboundbot/' });

  it('upload parameters point clients at the public address, not the listening one', async () => {
    const client = popCoreClient(server.url, TEST_KEY);
    const instanceId = (await client.call('CreateInstance', { InstanceName: 'proxied', MaxConcurrentConversation: 1, CallingNumber: ['057188880000'] })).Instance.InstanceId;
    const upload = (await client.call('GetJobDataUploadParams', { InstanceId: instanceId, FileName: 'contacts.csv' })).UploadParams;
    assert.ok(upload.Host.startsWith('https://bot.example.com/outboundbot/'), upload.Host);
    assert.ok(!upload.Host.includes('127.0.0.1'));
  });
});
