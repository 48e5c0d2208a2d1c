import assert from 'node:assert/strict';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { signDownload } from '../../src/files/signing.ts';
import { EspeakTts } from '../../src/speech/tts/espeak-tts.ts';
import { decodeG711, encodeG711 } from '../../src/telephony/media/g711.ts';
import { failure, openApiCoreClient, popCoreClient, type ApiClient, type Credentials } from '../helpers/clients.ts';
import { schemaForDataDir, TEST_DATABASE_URL, testBackendIsPostgres } from '../helpers/postgres.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';
import { bestMatch } from './audio-match.ts';
import { wavSamples } from './baresip-peer.ts';
import { endedJob, oneContactCampaign } from './sip-campaign.ts';
import { freeUdpPort, startSipp, type SippPeer } from './sipp-peer.ts';

/**
 * DownloadRecording end to end: the real server with OUTBOUNDBOT_CARRIER=sip calls sipp
 * (answering, echoing RTP), the call's recording is asked for through both official
 * clients, and the signed URL is fetched over real HTTP: a stereo WAV with the bot's
 * greeting on the left, swapped on request, cut per turn on request; forged, expired and
 * foreign requests refused; the recording gone with its job group.
 */
const GREETING = 'Hello Li, this is an automated call. Do you have a minute?';

const channel = (stereo: Int16Array, which: 0 | 1) => stereo.filter((_, i) => i % 2 === which);

async function fetchWav(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

/** The server's URL-signing secret, read from its store as only the server itself would: to sign a URL that has expired. */
async function signingSecret(dataDir: string): Promise<string> {
  if (testBackendIsPostgres()) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(`SELECT value FROM ${schemaForDataDir(dataDir)}.settings WHERE key = 'file_signing_secret'`)).rows[0].value as string;
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(dataDir, 'outboundbot.sqlite'), { readonly: true });
  try {
    return (db.prepare(`SELECT value FROM settings WHERE key = 'file_signing_secret'`).get() as { value: string }).value;
  } finally {
    db.close();
  }
}

describe('DownloadRecording of a SIP call answered by sipp', { timeout: 180_000 }, () => {
  let peer: SippPeer;
  let server: ServerProcess;
  let cleanup: () => void;
  let instanceId: string;
  let jobGroupId: string;
  let taskId: string;
  let greeting: Int16Array;
  const clients: Array<{ name: string; client: ApiClient }> = [];

  before(async () => {
    peer = await startSipp('uas-200-listen.xml', { address: '127.0.0.62', rtpEcho: true, timeoutS: 60 });
    const data = tempDataDir();
    cleanup = data.cleanup;
    const sipPort = await freeUdpPort('127.0.0.1');
    server = await startServerProcess({
      dataDir: data.dir,
      env: {
        OUTBOUNDBOT_CARRIER: 'sip',
        OUTBOUNDBOT_SIP_TRUNK: `sip:127.0.0.62:${peer.port};transport=udp`,
        OUTBOUNDBOT_SIP_BIND: `127.0.0.1:${sipPort}`,
        OUTBOUNDBOT_RTP_PORTS: '43100-43199',
      },
    });
    clients.push({ name: 'pop-core', client: popCoreClient(server.url, TEST_KEY) }, { name: 'openapi-core', client: openApiCoreClient(server.url, TEST_KEY) });
    const client = clients[0]!.client;
    let jobId: string;
    ({ instanceId, jobGroupId, jobId } = await oneContactCampaign(client, 'recorded'));
    const job = await endedJob(client, instanceId, jobId, 60_000);
    assert.equal(job.Tasks[0].EndReason, 'NO_INTERACTION', JSON.stringify(job.Tasks[0])); // sipp presses no key: greeting, silence, goodbye
    taskId = job.Tasks[0].TaskId;
    greeting = decodeG711('PCMU', encodeG711('PCMU', await new EspeakTts().render(GREETING)));
  });

  after(async () => {
    peer?.stop();
    await server?.stop();
    cleanup?.();
  });

  it('both clients get a signed URL that serves a stereo WAV with the greeting on the bot (left) channel', async () => {
    for (const { name, client } of clients) {
      const { DownloadParams } = await client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId });
      assert.equal(DownloadParams.FileName, `${taskId}.wav`, name);
      assert.match(DownloadParams.SignatureUrl, /^http:\/\/127\.0\.0\.1:\d+\/_files\/download\/recordings\/.+\?Expires=\d+&Signature=/, name);
      assert.equal(DownloadParams.VoiceSliceRecordingListJson, '', name);
      const wav = await fetchWav(DownloadParams.SignatureUrl);
      assert.equal(wav.status, 200, name);
      assert.equal(wav.type, 'audio/wav');
      assert.equal(wav.body.readUInt16LE(22), 2, 'stereo');
      assert.equal(wav.body.readUInt32LE(24), 8000, '8 kHz');
      const stereo = wavSamples(wav.body);
      const onLeft = bestMatch(greeting, channel(stereo, 0));
      assert.ok(onLeft.score >= 0.99, `${name}: greeting on the left, correlation ${onLeft.score}`);
      assert.ok(onLeft.lag < 8_000, `${name}: the greeting starts within a second of the answer (at sample ${onLeft.lag})`);
    }
  });

  it('SwapChannels serves the same samples with left and right exchanged', async () => {
    const client = clients[1]!.client;
    const plain = wavSamples((await fetchWav((await client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId })).DownloadParams.SignatureUrl)).body);
    const { DownloadParams } = await client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId, SwapChannels: true });
    assert.match(DownloadParams.SignatureUrl, /\/recordings\/[^/]+\/[^/]+\/swapped\//);
    const swapped = wavSamples((await fetchWav(DownloadParams.SignatureUrl)).body);
    assert.equal(swapped.length, plain.length);
    assert.deepEqual(channel(swapped, 0), channel(plain, 1));
    assert.deepEqual(channel(swapped, 1), channel(plain, 0));
    // sipp echoes RTP, so both channels carry sound: the check above is not of silence against silence.
    assert.ok(bestMatch(greeting, channel(swapped, 1)).score >= 0.99, 'the greeting is now on the right');
  });

  it('NeedVoiceSliceRecording lists one slice per turn, the greeting in the first, and the slices together are the call', async () => {
    const client = clients[0]!.client;
    const { DownloadParams } = await client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId, NeedVoiceSliceRecording: true });
    const slices = JSON.parse(DownloadParams.VoiceSliceRecordingListJson) as Array<{ fileName: string; filePath: string }>;
    // The greeting, the silence the callee kept (a Contact turn), the goodbye.
    assert.ok(slices.length >= 2 && slices.length <= 3, JSON.stringify(slices));
    slices.forEach((slice, i) => assert.equal(slice.fileName, `${taskId}-${i + 1}.wav`));
    const whole = wavSamples((await fetchWav(DownloadParams.SignatureUrl)).body);
    const parts = [];
    for (const slice of slices) {
      const wav = await fetchWav(slice.filePath);
      assert.equal(wav.status, 200);
      parts.push(wavSamples(wav.body));
    }
    assert.ok(bestMatch(greeting, channel(parts[0]!, 0)).score >= 0.99, 'the greeting is in the first slice');
    assert.ok(parts[0]!.length < whole.length, 'the first slice is not the whole call');
    const joined = Int16Array.from(parts.flatMap((part) => [...part]));
    assert.equal(joined.length, whole.length, 'the slices together are as long as the call');
    assert.ok(Buffer.from(joined.buffer).equals(Buffer.from(whole.buffer)), 'and are the call, one after another from the answer');
  });

  it('a tampered, re-pointed or expired URL is refused with AccessDenied (403)', async () => {
    const { DownloadParams } = await clients[0]!.client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId });
    const url = new URL(DownloadParams.SignatureUrl);
    const signature = url.searchParams.get('Signature')!;
    const tampered = new URL(url);
    tampered.searchParams.set('Signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
    const repointed = new URL(url);
    repointed.pathname = url.pathname.replace(`/${taskId}/${taskId}.wav`, `/${taskId}/swapped/${taskId}.wav`);
    assert.notEqual(repointed.pathname, url.pathname);
    const key = `recordings/${instanceId}/${taskId}/${taskId}.wav`;
    const expired = new URL(url);
    expired.search = signDownload(await signingSecret(server.dataDir), `/_files/download/${key}`, Date.now() - 60_000);
    for (const refused of [tampered, repointed, expired]) {
      const response = await fetch(refused);
      assert.equal(response.status, 403, refused.href);
      assert.equal(((await response.json()) as { Code: string }).Code, 'AccessDenied');
    }
  });

  it('an unknown task, another instance\'s id and another account are told NotExist (404 envelope)', async () => {
    for (const { name, client } of clients) {
      const unknown = await failure(client.call('DownloadRecording', { InstanceId: instanceId, TaskId: 'no-such-task' }));
      assert.equal(unknown.code, 'NotExist.Task', name);
      assert.equal(unknown.status, 404, name);
    }
    const created = await runCli(['keys', 'create', '--json', '--new-account', '--name', 'stranger'], server.dataDir);
    const key = JSON.parse(created.stdout) as { AccessKeyId: string; AccessKeySecret: string };
    const stranger: Credentials = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
    for (const client of [popCoreClient(server.url, stranger), openApiCoreClient(server.url, stranger)]) {
      assert.equal((await failure(client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId }))).code, 'NotExist.Instance');
      const own = (await client.call('CreateInstance', { InstanceName: 'theirs', MaxConcurrentConversation: 1 })).Instance.InstanceId;
      assert.equal((await failure(client.call('DownloadRecording', { InstanceId: own, TaskId: taskId }))).code, 'NotExist.Task');
    }
  });

  it('a call whose WAV is missing is NotExist.Recording; deleting the job group removes the recording and its URLs', async () => {
    const client = clients[0]!.client;
    const { DownloadParams } = await client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId });
    const file = join(server.dataDir, 'recordings', `${taskId}.wav`);
    assert.ok(existsSync(file));
    renameSync(file, `${file}.aside`);
    const missing = await failure(client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId }));
    assert.equal(missing.code, 'NotExist.Recording');
    assert.equal(missing.status, 404);
    renameSync(`${file}.aside`, file);

    await client.call('DeleteJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId });
    assert.ok(!existsSync(file), 'the recording went with the group');
    const gone = await fetch(DownloadParams.SignatureUrl);
    assert.equal(gone.status, 404);
    assert.equal(((await gone.json()) as { Code: string }).Code, 'NotExist.File');
    assert.equal((await failure(client.call('DownloadRecording', { InstanceId: instanceId, TaskId: taskId }))).code, 'NotExist.Task');
  });
});
