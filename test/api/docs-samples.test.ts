/**
 * Every code sample of README.md and docs/*.md, run as a reader would paste it: a
 * js sample as a .mjs file with node, an sh sample with bash, a JSON sample handed to
 * the real parser or action it is written for, against a started server on the
 * virtual clock. The only change made to a sample is the address: the docs say
 * 127.0.0.1:8080 (the default), the test server listens on a free port.
 * test/helpers/doc-samples.ts says how blocks are marked.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCarrierProfile } from '../../src/telephony/simulated/profile.ts';
import { buildClientPackage, projectModules } from '../helpers/client-package.ts';
import { popCoreClient } from '../helpers/clients.ts';
import { documentationFiles, markingProblem, parseSampleJson, readDocBlocks, replyMismatches, type DocBlock } from '../helpers/doc-samples.ts';
import { runCli, TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Where docs/emulator.md's clock samples start: 2026-12-01T00:00:00Z. */
const CLOCK_START = Date.UTC(2026, 11, 1);

const files = documentationFiles().map((file) => ({ file, blocks: readDocBlocks(file) }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }),
  );
}

/** The CLI checks work on a data dir of their own, on SQLite whatever backend the suites run on (no schema left behind). */
const SQLITE = { OUTBOUNDBOT_DATABASE_URL: '' };

const trimLines = (text: string) => text.split('\n').map((line) => line.trimEnd()).join('\n').trim();

describe('documentation samples', () => {
  it('every code block of README.md and docs/ says whether it runs, and JSON shown parses', () => {
    const problems: string[] = [];
    for (const { blocks } of files) {
      blocks.forEach((block, i) => {
        const problem = markingProblem(block, blocks[i - 1]);
        if (problem) problems.push(`${block.file}:${block.line}: ${problem}`);
        if (block.lang === 'json' && block.marker) {
          try {
            parseSampleJson(block.body);
          } catch (error) {
            problems.push(`${block.file}:${block.line}: not JSON: ${(error as Error).message}`);
          }
        }
      });
    }
    assert.deepEqual(problems, []);
  });

  it('the samples left unrun are few, each with its reason, and are valid shell', async () => {
    const notRun = files.flatMap(({ blocks }) => blocks.filter((block) => block.marker?.kind === 'not-run'));
    assert.ok(notRun.length <= 6, `${notRun.length} samples are not run:\n${notRun.map((b) => `${b.file}:${b.line}`).join('\n')}`);
    for (const block of notRun) {
      const checked = await run('bash', ['-n', '-c', block.body], { cwd: ROOT, env: process.env });
      assert.equal(checked.code, 0, `${block.file}:${block.line}: ${checked.stderr}`);
    }
  });

  describe('run against a started server', () => {
    const server = serverPerSuite(virtualClockAt(CLOCK_START));
    const work = mkdtempSync(join(tmpdir(), 'outboundbot-docs-'));
    // A reader runs a sample in a project where the official clients and this package are installed.
    let cleanupPackage = () => {};
    before(async () => {
      const built = await buildClientPackage();
      cleanupPackage = built.cleanup;
      projectModules(join(work, 'node_modules'), built.dir);
    });
    after(() => {
      rmSync(work, { recursive: true, force: true });
      cleanupPackage();
    });

    const sampleEnv = (): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = { ...process.env, ACCESS_KEY_ID: TEST_KEY.accessKeyId, ACCESS_KEY_SECRET: TEST_KEY.accessKeySecret, OUTBOUNDBOT_DATA_DIR: join(work, 'data') };
      for (const key of Object.keys(env)) if (key.startsWith('OUTBOUNDBOT_') && key !== 'OUTBOUNDBOT_DATA_DIR') delete env[key];
      return env;
    };
    const atServer = (body: string) => body.replaceAll('127.0.0.1:8080', new URL(server.url).host).replaceAll('localhost:8080', new URL(server.url).host);

    /** What the last `run` printed and what the last `check` answered, for the blocks that show them. */
    let lastStdout: string | undefined;
    let lastReply: unknown;

    const checks: Record<string, (json: any) => Promise<unknown>> = {
      /** A RAM policy, as `outboundbot keys create --policy` takes it. */
      policy: async (json) => {
        const created = await runCli(['keys', 'create', '--new-account', '--name', 'docs', '--policy', JSON.stringify(json), '--json'], join(work, 'keys'), SQLITE);
        assert.equal(created.code, 0, created.stderr);
        assert.equal(JSON.parse(created.stdout).Kind, 'sub-user');
        return undefined;
      },
      /** A StrategyJson: CreateJobGroup takes it; the reply is GetJobGroup's. */
      strategy: async (json) => {
        const client = popCoreClient(server.url, TEST_KEY);
        const { Instance } = await client.call('CreateInstance', { InstanceName: 'docs', MaxConcurrentConversation: 2 });
        const { JobGroup } = await client.call('CreateJobGroup', { InstanceId: Instance.InstanceId, JobGroupName: 'docs strategy', StrategyJson: JSON.stringify(json) });
        return (await client.call('GetJobGroup', { InstanceId: Instance.InstanceId, JobGroupId: JobGroup.JobGroupId })).JobGroup;
      },
      /** A DialogueFlowDefinition: ModifyDialogueFlow checks a flow on its own when it is saved. */
      flow: async (json) => {
        const client = popCoreClient(server.url, TEST_KEY);
        const { Instance } = await client.call('CreateInstance', { InstanceName: 'docs flow', MaxConcurrentConversation: 1 });
        const { Script } = await client.call('CreateScript', { InstanceId: Instance.InstanceId, ScriptName: 'docs', Industry: 'Finance', Scene: 'Reminder' });
        const { DialogueFlowId } = await client.call('CreateDialogueFlow', { InstanceId: Instance.InstanceId, ScriptId: Script.ScriptId, DialogueName: 'Main', DialogueFlowType: 'MainFlow' });
        await client.call('ModifyDialogueFlow', {
          InstanceId: Instance.InstanceId,
          ScriptId: Script.ScriptId,
          DialogueFlowId,
          DialogueFlowDefinition: JSON.stringify(json),
        });
        return undefined;
      },
      /** The simulated carrier's profile (OUTBOUNDBOT_SIM_PROFILE), read by the server's own loader. */
      profile: async (json) => loadCarrierProfile(JSON.stringify(json)) && undefined,
      /** A persona, as a profile's `personas` entry. */
      persona: async (json) => loadCarrierProfile(JSON.stringify({ personas: { '13800000000': json } })) && undefined,
      /** A scenario: `outboundbot simulate` runs it. */
      scenario: async (json) => {
        const path = join(work, 'scenario.json');
        writeFileSync(path, JSON.stringify(json));
        const simulated = await runCli(['simulate', path], join(work, 'simulate'), SQLITE);
        assert.equal(simulated.code, 0, simulated.stderr);
        assert.match(simulated.stdout, /^forecast: /m);
        return undefined;
      },
      /** The error envelope: the one a missing job group gets, over raw HTTP through pop-core's signing. */
      'error-envelope': async (json) => {
        const client = popCoreClient(server.url, TEST_KEY);
        const { Instance } = await client.call('CreateInstance', { InstanceName: 'docs errors', MaxConcurrentConversation: 1 });
        try {
          await client.call('GetJobGroup', { InstanceId: Instance.InstanceId, JobGroupId: 'no-such-group' });
        } catch (error) {
          const body = (error as { data: Record<string, unknown> }).data;
          assert.deepEqual(Object.keys(body).sort(), Object.keys(json).sort());
          for (const key of ['Code', 'Message', 'Recommend', 'Success', 'HttpStatusCode']) assert.equal(body[key], json[key], key);
          return undefined;
        }
        throw new Error('GetJobGroup of a missing group succeeded');
      },
    };

    const runSample = async (block: DocBlock, file: string | undefined): Promise<void> => {
      const js = ['js', 'mjs', 'javascript'].includes(block.lang);
      const path = join(work, file ?? (js ? 'sample.mjs' : 'sample.sh'));
      writeFileSync(path, atServer(block.body));
      // Shell samples name repository paths (examples/scenario.json): they run in the clone.
      const ran = js ? await run(process.execPath, [path], { cwd: work, env: sampleEnv() }) : await run('bash', ['-e', path], { cwd: ROOT, env: sampleEnv(), timeoutMs: 120_000 });
      assert.equal(ran.code, 0, `exit code\nstdout: ${ran.stdout}\nstderr: ${ran.stderr}`);
      assert.notEqual(ran.stdout.trim(), '', 'the sample prints what it did');
      lastStdout = ran.stdout;
    };

    const serveSample = async (block: DocBlock): Promise<void> => {
      const port = await freePort();
      const env = { ...sampleEnv(), OUTBOUNDBOT_PORT: String(port), OUTBOUNDBOT_DATA_DIR: join(work, `serve-${port}`) };
      // Its own process group, so that stopping `npm start` stops the server it started.
      const child = spawn('bash', ['-e', '-c', block.body], { cwd: ROOT, env, stdio: 'ignore', detached: true });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        let healthy = false;
        for (let waited = 0; waited < 30_000 && !healthy && child.exitCode === null; waited += 200) {
          healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
          if (!healthy) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        assert.ok(healthy, 'the server the sample starts answers GET /healthz');
      } finally {
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    };

    for (const { file, blocks } of files) {
      blocks.forEach((block, i) => {
        const marker = block.marker;
        if (!marker || ['not-run', 'output'].includes(marker.kind)) return;
        it(`${file}:${block.line}: ${marker.kind}${marker.kind === 'check' ? ` ${marker.name}` : ''}`, async () => {
          assert.equal(markingProblem(block, blocks[i - 1]), undefined);
          switch (marker.kind) {
            case 'run':
              lastStdout = undefined;
              return runSample(block, marker.file);
            case 'serve':
              return serveSample(block);
            case 'stdout':
              assert.ok(lastStdout !== undefined, 'the sample above ran');
              return assert.equal(trimLines(lastStdout), trimLines(atServer(block.body)));
            case 'check': {
              const check = checks[marker.name];
              assert.ok(check, `no check named ${marker.name}`);
              lastReply = undefined;
              lastReply = await check(parseSampleJson(block.body));
              return;
            }
            case 'reply':
              assert.ok(lastReply !== undefined, 'the check above answered');
              return assert.deepEqual(replyMismatches(parseSampleJson(atServer(block.body)), lastReply), []);
          }
        });
      });
    }
  });
});
