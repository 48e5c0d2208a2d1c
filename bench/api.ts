/**
 * GetJobGroup throughput of the real server against a bare node:http floor, in one
 * run (STYLE habit 13: numbers from different machines are never compared, so the
 * baseline is measured beside ours and only the ratio is meant to travel).
 *
 * 1. Starts `outboundbot serve` as a child process (its own core, as in production)
 *    with a temp data dir and a fixed root AccessKey, and fills one job group through
 *    the API with @alicloud/pop-core: instance, published script, job group with a
 *    full StrategyJson, recall strategy, calling numbers and flash SMS settings.
 * 2. Sends one signed GetJobGroup outside the timing: it must answer 200 with
 *    Success true; its headers and body bytes become the baseline's canned reply.
 * 3. Drives both servers with autocannon (library, 50 connections, warmup first),
 *    the baseline first while the API server idles, then the API server.
 *    Every request is freshly signed (signature v1, new SignatureNonce, current
 *    Timestamp) in `setupRequest`, because the server refuses replayed nonces; the
 *    baseline gets exactly the same client work and request bodies.
 *
 * On Linux with taskset, the server under test is pinned to the last CPU and this
 * process (autocannon and the signing) to the others, so each really has a core of
 * its own. CPU time of the server, of this client and of every other process is
 * sampled around each run: a run beside a busy neighbour (tests, a build) is flagged
 * as disturbed, with the busiest culprits named.
 *
 * Env: BENCH_DURATION_S (default 10, per side), BENCH_WARMUP_S (default 2),
 * BENCH_CONNECTIONS (default 50), BENCH_PIN=0 (no CPU pinning), BENCH_CPU_PROF_DIR
 * (when set, the API server runs with `--cpu-prof` and writes its profile there on exit).
 * Exits non-zero if any request failed (non-2xx, connection error or timeout);
 * missing the targets is reported, not fatal.
 */
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { percentEncode } from '../src/protocol/percent-encode.ts';
import { signV1 } from '../src/protocol/signature-v1.ts';
import { popCoreClient } from '../test/helpers/clients.ts';
import { tempDataDir } from '../test/helpers/server-process.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const API_VERSION = '2019-12-26';
const BENCH_KEY = { accessKeyId: 'LTAIbenchRootKey00000001', accessKeySecret: 'bench-root-secret-0123456789abcdef' };

/** Targets from the issue; reported next to the figures, never fatal. */
const TARGET_RATIO = 0.8;
const TARGET_P99_MS = 10;

const DURATION_S = positiveNumber('BENCH_DURATION_S', 10);
const WARMUP_S = positiveNumber('BENCH_WARMUP_S', 2);
const CONNECTIONS = positiveNumber('BENCH_CONNECTIONS', 50);
const PIN = process.env.BENCH_PIN !== '0';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined;
/** Everything (two servers, seeding, two runs) must finish well within this. */
const WATCHDOG_MS = (2 * (DURATION_S + WARMUP_S) + 120) * 1000;
/** CPU use by other processes above which a run is flagged as disturbed. */
const DISTURBED_CORES = 0.1;
/** Linux reports process CPU time in clock ticks of 1/100 s. */
const CLOCK_TICKS_PER_S = 100;

const STRATEGY = {
  maxAttemptsPerDay: '3',
  minAttemptInterval: '10',
  routingStrategy: 'LocalProvinceFirst',
  repeatDays: ['1', '2', '3', '4', '5'],
  workingTime: [
    { beginTime: '09:00:00', endTime: '12:00:00' },
    { beginTime: '14:00:00', endTime: '18:00:00' },
  ],
  repeatable: true,
  startTime: 1706976000000,
  endTime: 1707494400000,
  repeatBy: 'Week',
};

interface Target {
  instanceId: string;
  jobGroupId: string;
}

interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

interface SideResult {
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Cores used on average during the measured run (1.0 = one core busy). */
  serverCores: number | undefined;
  clientCores: number;
  /** User and system CPU of every other process on the machine (tests, builds...). */
  otherCores: number | undefined;
  /** The busiest of those other processes, `name cores`, when any used noticeable CPU. */
  otherTop: string[];
}

const children = new Set<ChildProcess>();

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** A port that was free a moment ago on 127.0.0.1 (the server is told to bind it). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Pins this process (all its threads) to every CPU but the last and returns the
 * `taskset` prefix that starts a server on the last one; no prefix when pinning is
 * off or impossible (fewer than 2 CPUs, not Linux, no taskset).
 */
function pinCpus(): { serverPrefix: string[]; description: string } {
  const count = availableParallelism();
  if (!PIN) return { serverPrefix: [], description: 'not pinned (BENCH_PIN=0)' };
  if (process.platform !== 'linux' || count < 2) return { serverPrefix: [], description: 'not pinned (needs Linux and 2 CPUs)' };
  const serverCpu = count - 1;
  const clientCpus = serverCpu === 1 ? '0' : `0-${serverCpu - 1}`;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', clientCpus, String(process.pid)], { stdio: 'ignore', timeout: 5_000 });
  } catch {
    return { serverPrefix: [], description: 'not pinned (taskset failed or missing)' };
  }
  return { serverPrefix: ['taskset', '-c', String(serverCpu)], description: `server on CPU ${serverCpu}, client on CPU ${clientCpus}` };
}

let serverPrefix: string[] = [];

function spawnChild(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  // taskset execs the command, so the child's pid is the server's own.
  const [command, ...rest] = [...serverPrefix, process.execPath, ...args];
  const child = spawn(command!, rest, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return { child, output: () => out };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/** `outboundbot serve` as a child process; ready once /healthz answers 200. */
async function startApiServer(dataDir: string): Promise<ChildServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OUTBOUNDBOT_PORT: String(port),
    OUTBOUNDBOT_HOST: '127.0.0.1',
    OUTBOUNDBOT_DATA_DIR: dataDir,
    OUTBOUNDBOT_ACCESS_KEY_ID: BENCH_KEY.accessKeyId,
    OUTBOUNDBOT_ACCESS_KEY_SECRET: BENCH_KEY.accessKeySecret,
    OUTBOUNDBOT_LOG_LEVEL: 'warn',
  };
  const profiling = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
  const { child, output } = spawnChild([...profiling, '--import', 'tsx', 'src/cli/main.ts', 'serve'], env);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API server exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the API server did not become ready in 20 s:\n${output()}`);
    }
    const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}

/** bench/bare-http-server.ts as a child process, answering with `cannedFile`. */
async function startBareServer(cannedFile: string): Promise<ChildServer> {
  const { child, output } = spawnChild(['--import', 'tsx', join(ROOT, 'bench/bare-http-server.ts'), cannedFile], process.env);
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bare server did not start in 20 s:\n${output()}`)), 20_000);
    const onData = () => {
      const match = /\{"port":(\d+)\}/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolvePort(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bare server exited with ${code}:\n${output()}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
}

/** One instance, one published script and one fully configured job group. */
async function seed(url: string): Promise<Target> {
  const client = popCoreClient(url, BENCH_KEY);
  const instance = await client.call('CreateInstance', {
    InstanceName: '压测实例',
    InstanceDescription: 'bench/api.ts',
    MaxConcurrentConversation: 10,
    CallingNumber: ['95187', '057188880000', '057188880001'],
  });
  const instanceId: string = instance.Instance.InstanceId;
  const script = await client.call('CreateScript', {
    InstanceId: instanceId,
    ScriptName: '催收话术',
    Industry: '金融',
    Scene: '催收',
    ScriptDescription: '压测用话术',
    NluEngine: 'Prompts',
    EmotionEnable: true,
  });
  const scriptId: string = script.Script.ScriptId;
  await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: '第一次发布' });
  const group = await client.call('CreateJobGroup', {
    InstanceId: instanceId,
    JobGroupName: '催收作业组',
    JobGroupDescription: '压测作业组：每个字段都有值',
    ScriptId: scriptId,
    StrategyJson: JSON.stringify(STRATEGY),
    RecallStrategyJson: JSON.stringify({ emptyNumberIgnore: true, inArrearsIgnore: true, outOfServiceIgnore: false }),
    CallingNumber: ['95187', '057188880000'],
    RecallCallingNumber: ['057188880001'],
    Priority: 'Urgent',
    RingingDuration: 30,
    MinConcurrency: 2,
    FlashSmsExtras: JSON.stringify({ templateId: '104xx', configId: '8037f524', templateContent: '敬请接听' }),
  });
  return { instanceId, jobGroupId: group.JobGroup.JobGroupId };
}

const REQUEST_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded',
  'x-acs-action': 'GetJobGroup',
  'x-acs-version': API_VERSION,
};

/** A GetJobGroup POST form body signed as pop-core signs it, with a fresh nonce and timestamp. */
function signedGetJobGroupBody(target: Target): string {
  const params = new Map<string, string>([
    ['AccessKeyId', BENCH_KEY.accessKeyId],
    ['Action', 'GetJobGroup'],
    ['Format', 'JSON'],
    ['InstanceId', target.instanceId],
    ['JobGroupId', target.jobGroupId],
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureNonce', randomUUID()],
    ['SignatureVersion', '1.0'],
    ['Timestamp', new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')],
    ['Version', API_VERSION],
  ]);
  params.set('Signature', signV1('POST', params, BENCH_KEY.accessKeySecret));
  return [...params].map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
}

/** One request built exactly as the load's, checked and kept for the baseline. */
async function captureReply(url: string, target: Target): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: REQUEST_HEADERS,
    body: signedGetJobGroupBody(target),
    signal: AbortSignal.timeout(5_000),
  });
  const body = Buffer.from(await response.arrayBuffer());
  const json = JSON.parse(body.toString('utf8')) as { Success?: boolean; JobGroup?: { JobGroupId?: string } };
  if (response.status !== 200 || json.Success !== true || json.JobGroup?.JobGroupId !== target.jobGroupId) {
    throw new Error(`the signed GetJobGroup was not answered with 200 and Success true: ${response.status} ${body.toString('utf8')}`);
  }
  const headers: Record<string, string> = {};
  // node:http adds date, connection, keep-alive and content-length itself.
  for (const [name, value] of response.headers) {
    if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)) headers[name] = value;
  }
  return { headers, body };
}

function keepAliveTimeoutMs(url: string): Promise<number> {
  return fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((response) => {
    const match = /timeout=(\d+)/.exec(response.headers.get('keep-alive') ?? '');
    return match ? Number(match[1]) * 1000 : 5_000;
  });
}

/** User + system CPU seconds a process has used so far (Linux /proc), or undefined elsewhere. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of the whole machine so far (Linux /proc/stat), or undefined elsewhere. */
function machineCpuSeconds(): number | undefined {
  try {
    const [user, nice, system] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.split(/\s+/).slice(1, 4).map(Number);
    return (user! + nice! + system!) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** CPU seconds of every process (own and reaped children's), by pid, with its name. */
function processTable(): Map<number, { name: string; seconds: number }> {
  const table = new Map<number, { name: string; seconds: number }>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return table;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      table.set(Number(pid), { name, seconds: ticks / CLOCK_TICKS_PER_S });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return table;
}

/** Who else used CPU between two process tables, busiest first. */
function otherConsumers(before: Map<number, { name: string; seconds: number }>, after: Map<number, { name: string; seconds: number }>, own: number[], wallS: number): string[] {
  const used: Array<[string, number]> = [];
  for (const [pid, entry] of after) {
    if (own.includes(pid)) continue;
    const cores = (entry.seconds - (before.get(pid)?.seconds ?? 0)) / wallS;
    if (cores >= 0.02) used.push([`${entry.name}[${pid}]`, cores]);
  }
  return used.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, cores]) => `${name} ${cores.toFixed(2)}`);
}

function runAutocannon(url: string, target: Target, durationS: number): Promise<autocannon.Result> {
  return new Promise((resolveRun, reject) => {
    autocannon(
      {
        url: `${url}/`,
        connections: CONNECTIONS,
        duration: durationS,
        method: 'POST',
        headers: REQUEST_HEADERS,
        requests: [{ setupRequest: (request) => ({ ...request, body: signedGetJobGroupBody(target) }) }],
      },
      (error, result) => (error ? reject(error) : resolveRun(result)),
    );
  });
}

/** Warmup, then the measured run, with both processes' CPU time sampled around it. */
async function measure(label: string, server: ChildServer, target: Target): Promise<{ result: SideResult; warmupFailures: number }> {
  const warmup = await runAutocannon(server.url, target, WARMUP_S);
  const warmupFailures = warmup.non2xx + warmup.errors + warmup.timeouts;
  const serverBefore = processCpuSeconds(server.pid);
  const machineBefore = machineCpuSeconds();
  const processesBefore = processTable();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const run = await runAutocannon(server.url, target, DURATION_S);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(clientBefore);
  const serverAfter = processCpuSeconds(server.pid);
  const machineAfter = machineCpuSeconds();
  const processesAfter = processTable();
  const serverCores = serverBefore === undefined || serverAfter === undefined ? undefined : (serverAfter - serverBefore) / wallS;
  const clientCores = (client.user + client.system) / 1e6 / wallS;
  const machineCores = machineBefore === undefined || machineAfter === undefined ? undefined : (machineAfter - machineBefore) / wallS;
  return {
    warmupFailures,
    result: {
      label,
      requestsPerSecond: run.requests.average,
      p50Ms: run.latency.p50,
      p99Ms: run.latency.p99,
      total: run.requests.total,
      non2xx: run.non2xx,
      errors: run.errors,
      timeouts: run.timeouts,
      serverCores,
      clientCores,
      otherCores: machineCores === undefined || serverCores === undefined ? undefined : Math.max(0, machineCores - serverCores - clientCores),
      otherTop: otherConsumers(processesBefore, processesAfter, [process.pid, server.pid], wallS),
    },
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

function cores(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(2);
}

async function main(): Promise<number> {
  console.log(`bench:api  GetJobGroup, signed v1 POST, ${CONNECTIONS} connections, ${WARMUP_S} s warmup + ${DURATION_S} s per side`);
  console.log(`node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${new Date().toISOString()}`);
  const pinning = pinCpus();
  serverPrefix = pinning.serverPrefix;
  console.log(`CPU affinity: ${pinning.description}`);
  if (CPU_PROF_DIR) console.log(`API server CPU profile -> ${CPU_PROF_DIR}`);

  const data = tempDataDir();
  const servers: ChildServer[] = [];
  let warmupFailures = 0;
  try {
    const api = await startApiServer(data.dir);
    servers.push(api);
    const target = await seed(api.url);
    const reply = await captureReply(api.url, target);
    console.log(`verified: a signed GetJobGroup answers 200, Success true (${reply.body.length} body bytes)`);

    // The baseline runs first, while the API server idles beside it (its only timer
    // is the nonce purge, once a minute).
    const cannedFile = join(data.dir, 'baseline-reply.json');
    writeFileSync(
      cannedFile,
      JSON.stringify({ headers: reply.headers, keepAliveTimeoutMs: await keepAliveTimeoutMs(api.url), bodyBase64: reply.body.toString('base64') }),
    );
    const bare = await startBareServer(cannedFile);
    servers.push(bare);
    const check = await fetch(`${bare.url}/`, { method: 'POST', headers: REQUEST_HEADERS, body: signedGetJobGroupBody(target), signal: AbortSignal.timeout(5_000) });
    if (check.status !== 200 || !Buffer.from(await check.arrayBuffer()).equals(reply.body)) throw new Error('the baseline does not answer the captured reply');
    const baseline = await measure('node:http baseline', bare, target);
    warmupFailures += baseline.warmupFailures;
    await bare.stop();

    const ours = await measure('outboundbot', api, target);
    warmupFailures += ours.warmupFailures;
    await api.stop();

    const sides = [ours.result, baseline.result];
    const ratio = ours.result.requestsPerSecond / baseline.result.requestsPerSecond;
    console.log('');
    console.log(
      table([
        ['side', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors', 'timeouts', 'server cores', 'client cores', 'other cores'],
        ...sides.map((side) => [
          side.label,
          side.requestsPerSecond.toFixed(0),
          String(side.p50Ms),
          String(side.p99Ms),
          String(side.total),
          String(side.non2xx),
          String(side.errors),
          String(side.timeouts),
          cores(side.serverCores),
          cores(side.clientCores),
          cores(side.otherCores),
        ]),
      ]),
    );
    for (const side of sides) {
      if ((side.otherCores ?? 0) <= DISTURBED_CORES) continue;
      const who = side.otherTop.length ? ` (busiest: ${side.otherTop.join(', ')})` : '';
      console.log(`warning: during the ${side.label} run other processes used ${cores(side.otherCores)} cores${who}; the figures are disturbed, run again on a quiet machine`);
    }
    console.log('');
    console.log(`ratio ours/baseline  ${ratio.toFixed(2)}   target >= ${TARGET_RATIO}   ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
    console.log(`p99 ours             ${ours.result.p99Ms} ms   target <= ${TARGET_P99_MS} ms   ${ours.result.p99Ms <= TARGET_P99_MS ? 'met' : 'NOT met'}`);
    const failures = sides.reduce((sum, side) => sum + side.non2xx + side.errors + side.timeouts, 0) + warmupFailures;
    console.log(`failed requests      ${failures} (non-2xx, errors and timeouts, warmups included)${failures ? '; the figures above are not valid' : ''}`);
    return failures === 0 ? 0 : 1;
  } finally {
    for (const server of servers) await server.stop();
    data.cleanup();
  }
}

const watchdog = setTimeout(() => {
  console.error(`bench:api did not finish within ${WATCHDOG_MS / 1000} s; stopping`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    for (const child of children) child.kill('SIGKILL');
    process.exitCode = 1;
  },
);
