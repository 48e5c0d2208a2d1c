import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchemaSync, schemaForDataDir, schemaUrl, testBackendIsPostgres } from './postgres.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote on stdout so far. */
  stdout(): string;
  /** Waits (up to 5 s) until stdout holds a line that satisfies `match`, and returns it. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export const TEST_KEY = { accessKeyId: 'LTAItestRootKey000000001', accessKeySecret: 'test-root-secret-0123456789abcdef' };

/** A temporary data dir, removed by the returned cleanup (with its PostgreSQL schema, see backendEnv). */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-test-'));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      if (testBackendIsPostgres()) dropSchemaSync(schemaForDataDir(dir));
    },
  };
}

/**
 * With OUTBOUNDBOT_TEST_BACKEND=postgres (the second `npm test` of `.ci/run`), a data
 * dir's processes store into a PostgreSQL schema of that data dir's own, so a
 * restart finds its data and tests never share a schema; otherwise nothing changes.
 */
export function backendEnv(dataDir: string): Record<string, string> {
  return testBackendIsPostgres() ? { OUTBOUNDBOT_DATABASE_URL: schemaUrl(schemaForDataDir(dataDir)) } : {};
}

/**
 * Starts the real server (`outboundbot serve`) as a child process on a free port
 * and resolves once it listens. Uses TEST_KEY unless `env` says otherwise.
 */
export async function startServerProcess(options: { dataDir: string; env?: Record<string, string | undefined> }): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OUTBOUNDBOT_PORT: '0',
    OUTBOUNDBOT_HOST: '127.0.0.1',
    OUTBOUNDBOT_DATA_DIR: options.dataDir,
    OUTBOUNDBOT_ACCESS_KEY_ID: TEST_KEY.accessKeyId,
    OUTBOUNDBOT_ACCESS_KEY_SECRET: TEST_KEY.accessKeySecret,
    OUTBOUNDBOT_LOG_LEVEL: 'info',
    ...backendEnv(options.dataDir),
    ...options.env,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never came up must not outlive the test (its pipes would keep the runner waiting).
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 20 s\nstdout: ${out}\nstderr: ${err}`));
    }, 20_000);
    const onData = () => {
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"outboundbot is serving"/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir: options.dataDir,
    child,
    stdout: () => out,
    async waitForLine(match) {
      // Output crosses a pipe, so it can arrive after the HTTP reply that caused it.
      for (let waited = 0; waited < 5_000; waited += 20) {
        const line = out.split('\n').find(match);
        if (line !== undefined) return line;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no matching line in stdout:\n${out}`);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}

/** Runs `outboundbot <args>` (the CLI) against a data dir and returns its output. */
export async function runCli(args: string[], dataDir: string, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, OUTBOUNDBOT_DATA_DIR: dataDir, ...backendEnv(dataDir), ...extraEnv };
  delete env.OUTBOUNDBOT_ACCESS_KEY_ID;
  delete env.OUTBOUNDBOT_ACCESS_KEY_SECRET;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}
