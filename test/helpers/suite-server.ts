import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startServerProcess, tempDataDir, type ServerProcess } from './server-process.ts';

/** One server process for a describe block: started before its tests, stopped (and its data dir removed) after them. */
export interface SuiteServer {
  readonly url: string;
  readonly dataDir: string;
  /** GET /_outboundbot/clock, or POST it `body` (`{advanceMs}` or `{to}`); answers the clock's now. Virtual clock only. */
  clock(body?: { advanceMs?: number; to?: number }): Promise<number>;
}

/** Environment for a server on the virtual clock starting at `start` (epoch ms). */
export function virtualClockAt(start: number): Record<string, string> {
  return { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(start) };
}

/** Call inside `describe`: registers the before/after hooks and returns the suite's server. */
export function serverPerSuite(env: Record<string, string | undefined> = {}): SuiteServer {
  let running: ServerProcess | undefined;
  let cleanup = () => {};
  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    running = await startServerProcess({ dataDir: data.dir, env });
  });
  after(async () => {
    await running?.stop();
    cleanup();
  });
  const current = (): ServerProcess => {
    if (!running) throw new Error('the suite server is used outside its describe block');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get dataDir() {
      return current().dataDir;
    },
    async clock(body) {
      const response = await fetch(`${current().url}/_outboundbot/clock`, body ? { method: 'POST', body: JSON.stringify(body) } : undefined);
      assert.equal(response.status, 200, `clock answered ${response.status}`);
      return ((await response.json()) as { now: number }).now;
    },
  };
}
