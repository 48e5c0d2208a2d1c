/**
 * `outboundbot serve` started the way an operator starts it, with a setting that cannot
 * work: one line on stderr naming what happened and the variable to change, exit 1,
 * no stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDataDir, TEST_KEY } from '../helpers/server-process.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

async function serve(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    OUTBOUNDBOT_HOST: '127.0.0.1',
    OUTBOUNDBOT_ACCESS_KEY_ID: TEST_KEY.accessKeyId,
    OUTBOUNDBOT_ACCESS_KEY_SECRET: TEST_KEY.accessKeySecret,
    OUTBOUNDBOT_LOG_LEVEL: 'silent',
    ...env,
  };
  // The postgres run of the suites must not turn these SQLite cases into PostgreSQL ones.
  if (env.OUTBOUNDBOT_DATABASE_URL === undefined) delete childEnv.OUTBOUNDBOT_DATABASE_URL;
  const child = spawn(process.execPath, ['bin/outboundbot.mjs', 'serve'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A TCP port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function assertOneLine(result: { code: number | null; stderr: string }, ...expected: RegExp[]): void {
  assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  for (const pattern of expected) assert.match(lines[0]!, pattern);
}

describe('outboundbot serve: settings that cannot work', () => {
  it('a port already in use names the address and OUTBOUNDBOT_PORT', async () => {
    const data = tempDataDir();
    const occupied: Server = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = occupied.address() as { port: number };
      const result = await serve({ OUTBOUNDBOT_PORT: String(port), OUTBOUNDBOT_DATA_DIR: data.dir });
      assertOneLine(result, new RegExp(`^outboundbot: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`), /OUTBOUNDBOT_PORT/);
    } finally {
      await new Promise((resolve) => occupied.close(resolve));
      data.cleanup();
    }
  });

  it('an address not on this machine names OUTBOUNDBOT_HOST', async () => {
    const data = tempDataDir();
    try {
      // TEST-NET-1 (RFC 5737) is never assigned to a local interface, so bind fails at once.
      const result = await serve({ OUTBOUNDBOT_HOST: '192.0.2.1', OUTBOUNDBOT_PORT: '0', OUTBOUNDBOT_DATA_DIR: data.dir });
      assertOneLine(result, /^outboundbot: cannot listen on 192\.0\.2\.1:0: that address is not on this machine/, /OUTBOUNDBOT_HOST/);
    } finally {
      data.cleanup();
    }
  });

  it('a data dir that cannot be created names the dir and OUTBOUNDBOT_DATA_DIR', async () => {
    const data = tempDataDir();
    try {
      // Below a regular file no directory can be made, not even by root (tests run as root,
      // which file permissions would not stop).
      const file = join(data.dir, 'a-file');
      writeFileSync(file, 'not a directory');
      const dataDir = join(file, 'data');
      const result = await serve({ OUTBOUNDBOT_PORT: '0', OUTBOUNDBOT_DATA_DIR: dataDir });
      assertOneLine(result, new RegExp(`^outboundbot: cannot use the data dir ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOTDIR`), /OUTBOUNDBOT_DATA_DIR/);
    } finally {
      data.cleanup();
    }
  });

  it('an unreachable PostgreSQL server names its address, never the password, and OUTBOUNDBOT_DATABASE_URL', async () => {
    const data = tempDataDir();
    try {
      const port = await closedPort();
      const result = await serve({
        OUTBOUNDBOT_PORT: '0',
        OUTBOUNDBOT_DATA_DIR: data.dir,
        OUTBOUNDBOT_DATABASE_URL: `postgres://outboundbot:s3cret-password@127.0.0.1:${port}/outboundbot`,
      });
      assertOneLine(result, new RegExp(`^outboundbot: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`), /OUTBOUNDBOT_DATABASE_URL/);
      assert.doesNotMatch(result.stderr, /s3cret-password/);
    } finally {
      data.cleanup();
    }
  });

  it('a PostgreSQL host that never answers fails after connect_timeout with one line, instead of hanging', async () => {
    const data = tempDataDir();
    // Accepts the connection and says nothing, as a host behind a firewall that drops packets would.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const result = await serve({
        OUTBOUNDBOT_PORT: '0',
        OUTBOUNDBOT_DATA_DIR: data.dir,
        OUTBOUNDBOT_DATABASE_URL: `postgres://outboundbot:s3cret-password@127.0.0.1:${port}/outboundbot?connect_timeout=1`,
      });
      assertOneLine(result, new RegExp(`^outboundbot: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}: no answer within 1 s \\(connect_timeout\\)`), /OUTBOUNDBOT_DATABASE_URL/);
      assert.ok(Date.now() - started < 15_000, 'bounded by the timeout, not by the test');
      assert.doesNotMatch(result.stderr, /s3cret-password/);
    } finally {
      silent.close();
      data.cleanup();
    }
  });

  it('a connect_timeout that is not a whole number of seconds is refused naming OUTBOUNDBOT_DATABASE_URL', async () => {
    const data = tempDataDir();
    try {
      const result = await serve({ OUTBOUNDBOT_PORT: '0', OUTBOUNDBOT_DATA_DIR: data.dir, OUTBOUNDBOT_DATABASE_URL: 'postgres://u@127.0.0.1/db?connect_timeout=0' });
      // A setting refused before anything starts exits 2, as every configuration error does.
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^outboundbot: OUTBOUNDBOT_DATABASE_URL: the connect_timeout parameter must be a whole number of seconds of at least 1, got "0"\n$/);
    } finally {
      data.cleanup();
    }
  });
});
