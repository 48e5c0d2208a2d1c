import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../src/protocol/registry.ts';
import { buildClientPackage } from '../helpers/client-package.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Runs `file` with plain node: no tsx, no loader, no NODE_OPTIONS. */
async function plainNode(file: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [file], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('outboundbot/client as a Node user installs it', () => {
  let pkg: { dir: string; cleanup: () => void };
  let project: string;
  let server: ServerProcess;
  let cleanupData = () => {};

  before(async () => {
    const data = tempDataDir();
    cleanupData = data.cleanup;
    [pkg, server] = await Promise.all([buildClientPackage(), startServerProcess({ dataDir: data.dir })]);
    // A project of the user's own with only outboundbot installed in its node_modules.
    project = mkdtempSync(join(tmpdir(), 'outboundbot-user-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(pkg.dir, join(project, 'node_modules', 'outboundbot'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', type: 'module', private: true }));
  });

  after(async () => {
    await server?.stop();
    cleanupData();
    pkg?.cleanup();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('ships JavaScript that needs no server module: the client and the signature code it shares', () => {
    const shipped = filesUnder(join(pkg.dir, 'dist')).map((file) => relative(join(pkg.dir, 'dist'), file)).filter((file) => file.endsWith('.js'));
    assert.ok(shipped.includes('client/index.js'));
    const outside = shipped.filter((file) => !file.startsWith('client/')).sort();
    assert.deepEqual(outside, ['protocol/percent-encode.js', 'protocol/signature-acs3.js', 'protocol/signature-v1.js']);
  });

  it('a plain node process imports it by its package name and drives the server with it', async () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { OutboundBotClient, OutboundBotError } from 'outboundbot/client';
const client = new OutboundBotClient({ accessKeyId: process.env.KEY_ID, accessKeySecret: process.env.KEY_SECRET, endpoint: process.env.ENDPOINT });
const methods = Object.getOwnPropertyNames(OutboundBotClient.prototype).filter((name) => name !== 'constructor' && name !== 'call');
const { Instance } = await client.createInstance({ InstanceName: 'plain node', MaxConcurrentConversation: 1 });
const { Instances } = await client.listInstances({ PageSize: 50 });
let error;
try { await client.describeInstance({ InstanceId: 'no-such-instance' }); } catch (e) { error = e; }
console.log(JSON.stringify({ methods: methods.length, listed: Instances.some((i) => i.InstanceId === Instance.InstanceId), typed: error instanceof OutboundBotError, code: error?.Code, status: error?.HttpStatusCode }));
`,
    );
    const ran = await plainNode('use.mjs', project, { KEY_ID: TEST_KEY.accessKeyId, KEY_SECRET: TEST_KEY.accessKeySecret, ENDPOINT: server.url });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(JSON.parse(ran.stdout), { methods: ACTIONS.length, listed: true, typed: true, code: 'NotExist.Instance', status: 404 });
  });

  it('a TypeScript user gets the request and reply types from the shipped declarations', async () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import { OutboundBotClient, type CreateJobGroupRequest } from 'outboundbot/client';
const client = new OutboundBotClient({ accessKeyId: 'a', accessKeySecret: 'b', endpoint: 'http://127.0.0.1:8080' });
const request: CreateJobGroupRequest = { InstanceId: 'i', JobGroupName: 'n', StrategyJson: { maxAttemptsPerDay: 2 } };
export async function ids(): Promise<string[]> {
  const { JobGroup } = await client.createJobGroup(request);
  const { JobsId } = await client.assignJobs({ InstanceId: 'i', JobGroupId: JobGroup.JobGroupId, JobsJson: [{ contacts: [{ phoneNumber: '13800000000' }] }] });
  return JobsId;
}
// @ts-expect-error JobGroupName is required
export const missing: CreateJobGroupRequest = { InstanceId: 'i' };
export async function wrong(): Promise<number> {
  // @ts-expect-error JobGroupId is a string
  return (await client.getJobGroup({ InstanceId: 'i', JobGroupId: 'g' })).JobGroup.JobGroupId;
}
`,
    );
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: [], lib: ['ES2022', 'DOM'] }, files: ['use.ts'] }));
    const checked = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project]).then(
      () => ({ ok: true, out: '' }),
      (error: { stdout?: string }) => ({ ok: false, out: String(error.stdout) }),
    );
    assert.ok(checked.ok, checked.out);
  });
});
