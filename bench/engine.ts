/**
 * The campaign engine on the SQLite backend, each figure next to a baseline measured
 * in the same run (STYLE habit 13: only the ratios are meant to travel).
 *
 * 1. ingest     N jobs through AssignJobs' path (`services.jobs.assign`, 99 a call)
 *               against a raw bulk INSERT of the same rows into the same `jobs` table
 *               (one prepared statement, transactions of 10 000 rows): rows/s.
 * 2. campaign   N jobs in one group, 200 lines, the default carrier profile, retries
 *               (3 a day, 10 minutes apart, every day for 3 days), driven on virtual
 *               time until the group is Completed: wall seconds, calls, calls/s and
 *               peak RSS, beside the RSS of an idle process that loaded the same code.
 * 3. attempts   the engine's claim + settle cycle (`engine.round()` with a carrier that
 *               answers every call at once: one transaction a round settles the last
 *               round's calls and claims the next, with counters, 100 lines) against a raw claim loop on the
 *               same table (claim 100 due rows by index in one transaction, mark them
 *               done in another): attempts/s.
 * 4. dispatch   one decision (`engine.dispatch(now)`, claiming 5 jobs) on a group with
 *               10 000 due jobs and on one with N due jobs: µs per decision; on
 *               10 000 due jobs with 5 000 Completed groups in the same instance; and
 *               on 10 000 due jobs under instance calling hours (a window, weekdays
 *               and working days only: SaveBaseStrategyPeriod).
 *
 * Each measurement runs in a child process of its own (`bench/engine.ts <mode>`), one
 * after the other, with a fresh data dir in the temp folder removed afterwards, so
 * peak RSS is that of one measurement and no run inherits another's heap or caches.
 *
 * Env: BENCH_JOBS (default 1 000 000: ingest, campaign and the large dispatch case),
 * BENCH_ATTEMPTS (default min(BENCH_JOBS, 200 000): jobs claimed and settled in 3),
 * BENCH_DISPATCH_SMALL (default 10 000), BENCH_ONLY (comma list of ingest, campaign,
 * attempts, dispatch), BENCH_CPU_PROF_DIR (children run with --cpu-prof and write
 * <mode>.cpuprofile there). Missing a target is reported, never fatal; a measurement
 * that does not end as it should (rows missing, group not Completed) exits non-zero.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createIdGenerator, type IdGenerator } from '../src/domain/ids.ts';
import { chineseWorkdays } from '../src/domain/workday-calendar.ts';
import { ManualClock } from '../src/engine/clock.ts';
import { Engine } from '../src/engine/engine.ts';
import { createVirtualRuntime } from '../src/engine/virtual-runtime.ts';
import { TaskRunner } from '../src/files/task-runner.ts';
import { createServices, type FileSettings, type Services } from '../src/services/services.ts';
import { newJob, type JobRow } from '../src/store/rows.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Carrier, CallReport, DialRequest } from '../src/telephony/carrier.ts';
import { NumberDirectory } from '../src/telephony/number-directory.ts';
import { DEFAULT_PROFILE } from '../src/telephony/simulated/profile.ts';

/** Targets from the issue; reported next to the figures, never fatal. */
const TARGET = {
  ingestRatio: 0.8,
  campaignWallS: 120,
  campaignRssMb: 300,
  campaignJobs: 1_000_000,
  attemptsRatio: 0.8,
  dispatchRatio: 1.3,
};

const JOBS = positiveInt('BENCH_JOBS', 1_000_000);
const ATTEMPTS = positiveInt('BENCH_ATTEMPTS', Math.min(JOBS, 200_000));
const DISPATCH_SMALL = positiveInt('BENCH_DISPATCH_SMALL', 10_000);
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined;
const ONLY = new Set((process.env.BENCH_ONLY ?? 'ingest,campaign,attempts,dispatch').split(',').map((s) => s.trim()));

/** AssignJobs takes at most this many jobs per call (MAX_JOBS_PER_ASSIGNMENT). */
const ASSIGN_BATCH = 99;
/** Rows per transaction of the raw bulk insert. */
const RAW_INSERT_BATCH = 10_000;
/** Rows per store.insertJobs call when a measurement only needs jobs in place (not timed). */
const SETUP_BATCH = 5_000;
const ZONE = 'Asia/Shanghai';
/** Monday 2026-12-07 00:00 in Shanghai: the virtual clock's start. */
const START = Date.UTC(2026, 11, 6, 16, 0, 0);
const DAY_MS = 86_400_000;
const CALLING_NUMBER = '057188880000';
const CAMPAIGN_LINES = 200;
const CAMPAIGN_DAYS = 3;
/** The campaign advances the clock in chunks of this much virtual time, sampling RSS between them. */
const CAMPAIGN_CHUNK_MS = 10 * 60_000;
const ATTEMPT_LINES = 100;
const DISPATCH_LINES = 5;
const DISPATCH_WARMUP = 50;
const DISPATCH_ROUNDS = 400;
/** Finished (Completed) groups beside the dispatched one in the third dispatch case. */
const DISPATCH_FINISHED_GROUPS = 5_000;

const silent = pino({ level: 'silent' });

/** The campaign's strategy: every day, all day, 3 attempts a day 10 minutes apart, for 3 days. */
const STRATEGY = {
  maxAttemptsPerDay: 3,
  minAttemptInterval: 10,
  repeatBy: 'Day',
  repeatable: true,
  startTime: START,
  endTime: START + CAMPAIGN_DAYS * DAY_MS,
} as const;

// ---------------------------------------------------------------------------------
// Shared set-up

/** An ordinary mobile number for job i: distinct for i < 10^8, never a test number (1990000XXXX). */
function phoneNumberOf(i: number): string {
  return `138${String((i * 7_919 + 12_345) % 100_000_000).padStart(8, '0')}`;
}

interface Fixture {
  dir: string;
  store: SqliteStore;
  clock: ManualClock;
  ids: IdGenerator;
  services: Services;
  accountId: string;
  instanceId: string;
  groupId: string;
}

/**
 * A fresh data dir and store with one account, one instance (`lines` lines) and one empty
 * group, made through the services; `runtimeOf` supplies them (and their clock) when a
 * measurement runs on the virtual runtime.
 */
async function fixture(lines: number, runtimeOf?: (store: SqliteStore, clock: ManualClock, files: FileSettings) => { services: Services; clock: ManualClock }): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-bench-engine-'));
  const baseClock = new ManualClock(START);
  const store = openSqliteStore(dir, baseClock);
  const files: FileSettings = { tasks: new TaskRunner(silent), dataDir: dir, baseUrl: () => 'http://127.0.0.1', logger: silent };
  const made = runtimeOf?.(store, baseClock, files);
  const clock = made?.clock ?? baseClock;
  const ids = createIdGenerator(clock);
  const svc = made?.services ?? createServices({ store, clock, ids }, files);
  const { account, key } = await svc.accessKeys.createAccount('bench');
  const instance = await svc.instances.create(
    { accountId: account.id, accessKeyId: key.id },
    { name: 'bench', maxConcurrentConversation: lines, callingNumbers: [CALLING_NUMBER] },
  );
  const group = await svc.jobGroups.create(account.id, instance.id, { name: 'bench', strategy: STRATEGY });
  return { dir, store, clock, ids, services: svc, accountId: account.id, instanceId: instance.id, groupId: group.group.id };
}

async function dispose(f: Fixture): Promise<void> {
  await f.store.close();
  rmSync(f.dir, { recursive: true, force: true });
}

/** The row AssignJobs makes of job i (src/services/job-service.ts), without a script. */
function jobRowOf(i: number, f: Fixture, now: number): JobRow {
  return newJob(
    {
      id: f.ids.next(),
      instanceId: f.instanceId,
      jobGroupId: f.groupId,
      referenceId: String(i + 1),
      contacts: [{ id: f.ids.next(), phoneNumber: phoneNumberOf(i), e164: `+86${phoneNumberOf(i)}`, name: '', honorific: '', referenceId: '' }],
      extras: [],
      callingNumbers: [],
      scriptVersion: '',
    },
    now,
  );
}

/** Puts n due jobs in the fixture's group through the store (counters kept), untimed. */
async function seedJobs(f: Fixture, n: number): Promise<void> {
  const now = f.clock.now();
  for (let done = 0; done < n; ) {
    const size = Math.min(SETUP_BATCH, n - done);
    const rows: JobRow[] = [];
    for (let i = done; i < done + size; i++) rows.push(jobRowOf(i, f, now));
    await f.store.insertJobs(f.groupId, rows, now);
    done += size;
  }
}

function count(store: SqliteStore, sql: string, ...params: unknown[]): number {
  return Number((store.db.prepare(sql).get(...params) as { n: number }).n);
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench: ${message}`);
}

/** A raw attempts loop, timed: claim a batch in one transaction, settle it in another, until none is due. */
function timeClaimLoop<T>(now: number, claimBatch: (now: number) => T[], doneBatch: (rows: T[], now: number) => void): { attempts: number; seconds: number; cpuSeconds: number } {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let attempts = 0;
  for (;;) {
    const rows = claimBatch(now);
    if (rows.length === 0) break;
    doneBatch(rows, now);
    attempts += rows.length;
  }
  return { attempts, seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSecondsSince(cpu0) };
}

/** Every call answered at once (a zero-length Finished conversation): only the engine's own work is left. */
class InstantCarrier implements Carrier {
  dial(request: DialRequest, onEnded: (report: CallReport) => void): void {
    onEnded({ result: 'Answered', endedAt: request.startedAt, ringingMs: 0, talkMs: 0, sipCode: '200', conversationEnd: 'Finished', hangupDirection: 'robot', turns: [] });
  }
}

function instantEngine(f: Fixture): Engine {
  return new Engine({ store: f.store, clock: f.clock, carrier: new InstantCarrier(), ids: f.ids, zone: ZONE, logger: silent, numbers: new NumberDirectory(), calendar: chineseWorkdays() });
}

/** User + system CPU seconds this process spent since `since`: unlike wall time, not inflated by other load on the machine. */
function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

// ---------------------------------------------------------------------------------
// Measurements (each runs in its own child process and prints one JSON line)

type Result = Record<string, number | string>;

const MODES: Record<string, () => Promise<Result>> = {
  /** 1, ours: AssignJobs' service path, 99 jobs a call. */
  async 'ingest-assign'() {
    const f = await fixture(CAMPAIGN_LINES);
    try {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await assignAll(f.services, f, JOBS);
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = cpuSecondsSince(cpu0);
      expect(count(f.store, 'SELECT count(*) AS n FROM jobs') === JOBS, 'assign did not insert every job');
      expect((await f.store.storedCounters(f.groupId))!.scheduling === JOBS, 'counters do not count every job');
      return { rows: JOBS, seconds, rate: JOBS / seconds, cpuRate: JOBS / cpuSeconds };
    } finally {
      await dispose(f);
    }
  },

  /** 1, baseline: the same rows, one prepared INSERT, large transactions. */
  async 'ingest-raw'() {
    const f = await fixture(CAMPAIGN_LINES);
    try {
      const insert = f.store.db.prepare(`INSERT INTO jobs (id, instance_id, job_group_id, reference_id, status, contacts, extras,
          calling_numbers, script_version, next_attempt_at, created_at, modified_at)
        VALUES (?, ?, ?, ?, 'Scheduling', ?, '[]', '[]', '', ?, ?, ?)`);
      const now = f.clock.now();
      const batch = f.store.db.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const contacts = JSON.stringify([{ id: f.ids.next(), phoneNumber: phoneNumberOf(i), e164: `+86${phoneNumberOf(i)}`, name: '', honorific: '', referenceId: '' }]);
          insert.run(f.ids.next(), f.instanceId, f.groupId, String(i + 1), contacts, now, now, now);
        }
      });
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let from = 0; from < JOBS; from += RAW_INSERT_BATCH) {
        batch(from, Math.min(JOBS, from + RAW_INSERT_BATCH));
        // The same backend as AssignJobs' path: its WAL checkpointer starts as the WAL grows.
        f.store.walCheckpointer.notice();
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = cpuSecondsSince(cpu0);
      expect(count(f.store, 'SELECT count(*) AS n FROM jobs') === JOBS, 'raw insert did not insert every job');
      return { rows: JOBS, seconds, rate: JOBS / seconds, cpuRate: JOBS / cpuSeconds };
    } finally {
      await dispose(f);
    }
  },

  /** 2, baseline for memory: a process that loaded the same code and opened a store. */
  async idle() {
    const f = await fixture(CAMPAIGN_LINES);
    await dispose(f);
    return { peakRssMb: peakRssMb() };
  },

  /** 2: the whole campaign on virtual time, as the emulator and `outboundbot simulate` run it. */
  async campaign() {
    let runtime: ReturnType<typeof createVirtualRuntime> | undefined;
    const f = await fixture(CAMPAIGN_LINES, (store, clock, files) => {
      runtime = createVirtualRuntime({ store, files, start: clock.now(), zone: ZONE, seed: 'bench-engine', profile: DEFAULT_PROFILE, logger: silent });
      return { services: runtime.services, clock: runtime.clock };
    });
    const { driver, timers } = runtime!;
    try {
      const a0 = performance.now();
      await assignAll(f.services, f, JOBS);
      const assignSeconds = (performance.now() - a0) / 1000;
      let sampledRss = process.memoryUsage().rss;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let target = f.clock.now();
      let lastReport = t0;
      const limit = START + (CAMPAIGN_DAYS + 2) * DAY_MS;
      for (;;) {
        target += CAMPAIGN_CHUNK_MS;
        await driver.advanceTo(target);
        sampledRss = Math.max(sampledRss, process.memoryUsage().rss);
        if ((await f.store.findJobGroup(f.instanceId, f.groupId))!.status === 'Completed') break;
        expect(target < limit, 'the group did not complete two days after its strategy ended');
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          const c = (await f.store.storedCounters(f.groupId))!;
          progress(`campaign: virtual ${((target - START) / 3_600_000).toFixed(1)} h, ${c.totalCalls} calls, ${c.completed + c.failed}/${JOBS} jobs ended, ${((lastReport - t0) / 1000).toFixed(0)} s`);
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = cpuSecondsSince(cpu0);
      const c = (await f.store.storedCounters(f.groupId))!;
      expect(c.completed + c.failed === JOBS, 'not every job ended');
      expect(count(f.store, 'SELECT count(*) AS n FROM tasks') === c.totalCalls, 'TotalCalls differs from the task rows');
      const rounds = count(f.store, 'SELECT count(DISTINCT actual_time) AS n FROM tasks');
      return {
        jobs: JOBS,
        assignSeconds,
        seconds,
        calls: c.totalCalls,
        callsPerSecond: c.totalCalls / seconds,
        cpuSeconds,
        succeeded: c.completed,
        failed: c.failed,
        virtualHours: (c.endTime - START) / 3_600_000,
        startRounds: rounds,
        peakRssMb: peakRssMb(),
        sampledRssMb: sampledRss / 1024 / 1024,
      };
    } finally {
      timers.clear();
      await dispose(f);
    }
  },

  /** 3, ours: engine rounds, each settling the last round's calls and claiming up to 100 more. */
  async 'attempts-engine'() {
    const f = await fixture(ATTEMPT_LINES);
    try {
      await seedJobs(f, ATTEMPTS);
      const engine = instantEngine(f);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let started = 0;
      let rounds = 0;
      for (;;) {
        // A millisecond a round, as on any moving clock: ids (UUIDv7) of later rounds sort later.
        f.clock.advance(1);
        const round = await engine.round();
        rounds++;
        started += round.started;
        if (round.started === 0 && round.rescheduled === 0 && round.recovered === 0) break;
      }
      await engine.flush();
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = cpuSecondsSince(cpu0);
      const c = (await f.store.storedCounters(f.groupId))!;
      expect(started === ATTEMPTS && c.completed === ATTEMPTS && c.totalCalls === ATTEMPTS && c.inFlight === 0, `engine settled ${c.completed} of ${ATTEMPTS} attempts`);
      return { attempts: started, rounds, seconds, rate: started / seconds, cpuRate: started / cpuSeconds };
    } finally {
      await dispose(f);
    }
  },

  /** 3, baseline: claim 100 due rows by index in one transaction, mark them done in another. */
  async 'attempts-raw'() {
    const f = await fixture(ATTEMPT_LINES);
    try {
      await seedJobs(f, ATTEMPTS);
      const { db } = f.store;
      const claim = db.prepare(`UPDATE jobs SET status = 'Executing', modified_at = ?
        WHERE id IN (SELECT id FROM jobs WHERE job_group_id = ? AND status = 'Scheduling' AND next_attempt_at <= ?
          ORDER BY next_attempt_at LIMIT ${ATTEMPT_LINES})
        RETURNING id`);
      const done = db.prepare(`UPDATE jobs SET status = 'Succeeded', modified_at = ? WHERE id = ? AND status = 'Executing'`);
      const claimBatch = db.transaction((now: number) => claim.all(now, f.groupId, now) as Array<{ id: string }>);
      const doneBatch = db.transaction((rows: Array<{ id: string }>, now: number) => {
        for (const { id } of rows) done.run(now, id);
      });
      const { attempts, seconds, cpuSeconds } = timeClaimLoop(f.clock.now(), claimBatch, doneBatch);
      expect(attempts === ATTEMPTS && count(f.store, `SELECT count(*) AS n FROM jobs WHERE status = 'Succeeded'`) === ATTEMPTS, 'raw loop missed jobs');
      return { attempts, seconds, rate: attempts / seconds, cpuRate: attempts / cpuSeconds };
    } finally {
      await dispose(f);
    }
  },

  /**
   * 3, a second baseline (no target): the same loop making the writes a durable
   * attempt makes in the engine (job claimed, task inserted with its lease, then task
   * and job settled), so the ratio to it is the engine's own overhead.
   */
  async 'attempts-raw-task'() {
    const f = await fixture(ATTEMPT_LINES);
    try {
      await seedJobs(f, ATTEMPTS);
      const { db } = f.store;
      const claim = db.prepare(`UPDATE jobs SET status = 'Executing', attempts = attempts + 1, last_attempt_at = ?, modified_at = ?
        WHERE id IN (SELECT id FROM jobs WHERE job_group_id = ? AND status = 'Scheduling' AND next_attempt_at <= ?
          ORDER BY next_attempt_at LIMIT ${ATTEMPT_LINES})
        RETURNING id, contacts`);
      const insertTask = db.prepare(`INSERT INTO tasks (id, job_id, job_group_id, instance_id, attempt, status, calling_number, called_number,
          contact, planned_time, actual_time, lease_expires_at) VALUES (?, ?, ?, ?, 1, 'Executing', ?, ?, ?, ?, ?, ?)`);
      const settleTask = db.prepare(`UPDATE tasks SET status = 'SucceededFinish', end_time = ?, end_reason = 'FINISHED', conversation = '[]'
        WHERE id = ? AND status = 'Executing'`);
      const settleJob = db.prepare(`UPDATE jobs SET status = 'Succeeded', end_reason = 'FINISHED', modified_at = ? WHERE id = ? AND status = 'Executing'`);
      const claimBatch = db.transaction((now: number) => {
        const claimed = claim.all(now, now, f.groupId, now) as Array<{ id: string; contacts: string }>;
        return claimed.map(({ id, contacts }) => {
          const contact = (JSON.parse(contacts) as Array<{ phoneNumber: string }>)[0]!;
          const taskId = f.ids.next();
          insertTask.run(taskId, id, f.groupId, f.instanceId, CALLING_NUMBER, contact.phoneNumber, JSON.stringify(contact), now, now, now + 600_000);
          return { jobId: id, taskId };
        });
      });
      const doneBatch = db.transaction((rows: Array<{ jobId: string; taskId: string }>, now: number) => {
        for (const { jobId, taskId } of rows) {
          settleTask.run(now, taskId);
          settleJob.run(now, jobId);
        }
      });
      const { attempts, seconds, cpuSeconds } = timeClaimLoop(f.clock.now(), claimBatch, doneBatch);
      expect(attempts === ATTEMPTS && count(f.store, `SELECT count(*) AS n FROM tasks WHERE status = 'SucceededFinish'`) === ATTEMPTS, 'raw task loop missed jobs');
      return { attempts, seconds, rate: attempts / seconds, cpuRate: attempts / cpuSeconds };
    } finally {
      await dispose(f);
    }
  },

  /**
   * 4: one dispatch decision on a group whose jobs are all due (BENCH_DUE of them), 5
   * lines free each time; BENCH_FINISHED_GROUPS more groups of the same instance are
   * Completed, as years of finished campaigns leave them; with BENCH_CALLING_HOURS the
   * instance has calling hours that every decision applies (open at START, a Monday).
   */
  async dispatch() {
    const due = positiveInt('BENCH_DUE', DISPATCH_SMALL);
    const finished = Number(process.env.BENCH_FINISHED_GROUPS ?? 0);
    const f = await fixture(DISPATCH_LINES);
    try {
      await addFinishedGroups(f, finished);
      if (process.env.BENCH_CALLING_HOURS) {
        const hours = { workingTime: [{ beginTime: '00:00:00', endTime: '24:00:00' }], onlyWeekdays: true, onlyWorkdays: true };
        await f.services.instancePolicy.saveCallingHours(f.accountId, f.instanceId, hours);
      }
      await seedJobs(f, due);
      const engine = instantEngine(f);
      const decisions: number[] = [];
      const reads: number[] = [];
      for (let r = 0; r < DISPATCH_WARMUP + DISPATCH_ROUNDS; r++) {
        f.clock.advance(1);
        const now = f.clock.now();
        const t0 = performance.now();
        const { started } = await engine.dispatch(now);
        const t1 = performance.now();
        await f.store.dueJobs(f.groupId, now, DISPATCH_LINES);
        const t2 = performance.now();
        // Settling frees the lines again; not part of the decision.
        await engine.flush();
        expect(started === DISPATCH_LINES, `a decision started ${started} calls, not ${DISPATCH_LINES}`);
        if (r >= DISPATCH_WARMUP) {
          decisions.push((t1 - t0) * 1000);
          reads.push((t2 - t1) * 1000);
        }
      }
      return {
        due,
        decisions: decisions.length,
        medianUs: quantile(decisions, 0.5),
        p90Us: quantile(decisions, 0.9),
        meanUs: mean(decisions),
        dueJobsMedianUs: quantile(reads, 0.5),
      };
    } finally {
      await dispose(f);
    }
  },
};

/** `n` Completed groups beside the fixture's, in its instance. */
async function addFinishedGroups(f: Fixture, n: number): Promise<void> {
  const group = (await f.store.findJobGroup(f.instanceId, f.groupId))!;
  for (let i = 0; i < n; i++) await f.store.insertJobGroup({ ...group, id: f.ids.next(), name: `finished ${i}`, status: 'Completed' });
}

/** Assigns jobs 0..n-1 through the service, 99 a call, as AssignJobs does. */
async function assignAll(services: Services, f: Fixture, n: number): Promise<void> {
  for (let from = 0; from < n; from += ASSIGN_BATCH) {
    const jobs = [];
    for (let i = from; i < Math.min(n, from + ASSIGN_BATCH); i++) jobs.push({ referenceId: String(i + 1), contacts: [{ phoneNumber: phoneNumberOf(i) }] });
    await services.jobs.assign(f.accountId, f.instanceId, f.groupId, { jobs });
  }
}

// ---------------------------------------------------------------------------------
// Parent: runs the children, prints the figures

async function runChild(mode: string, env: Record<string, string> = {}): Promise<Result> {
  const args = ['--import', 'tsx'];
  if (CPU_PROF_DIR) {
    mkdirSync(CPU_PROF_DIR, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=${[mode, ...Object.values(env)].join('-')}.cpuprofile`);
  }
  args.push(new URL(import.meta.url).pathname, mode);
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`bench: ${mode} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

interface Row {
  figure: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

async function main(): Promise<void> {
  const cpuList = cpus();
  console.log(`bench:engine — node ${process.version}, ${cpuList.length} CPUs (${cpuList[0]?.model.trim() ?? 'unknown'}), SQLite in ${tmpdir()}`);
  console.log(`BENCH_JOBS=${JOBS} BENCH_ATTEMPTS=${ATTEMPTS} BENCH_DISPATCH_SMALL=${DISPATCH_SMALL}\n`);
  const tables = new Map<number, Row[]>();
  const rowsOf = (section: number) => tables.get(section) ?? tables.set(section, []).get(section)!;
  // Sections are measured in the order their baselines are needed (attempts before
  // the campaign, whose calls/s and wall time are set beside section 3's raw loops) and
  // printed by number.
  const sections = new Map<number, string[]>();
  const say = (section: number, text: string) => sections.set(section, [...(sections.get(section) ?? []), text]);
  const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

  if (ONLY.has('ingest')) {
    progress('1/4 ingest: raw baseline ...');
    const raw = await runChild('ingest-raw');
    progress('1/4 ingest: AssignJobs path ...');
    const ours = await runChild('ingest-assign');
    const ratio = Number(ours.rate) / Number(raw.rate);
    say(1, `1. ingest of ${n(JOBS)} jobs`);
    say(1, `   services.jobs.assign, ${ASSIGN_BATCH} a call: ${n(Number(ours.seconds), 1)} s, ${n(Number(ours.rate))} rows/s`);
    say(1, `   raw INSERT, ${n(RAW_INSERT_BATCH)} a transaction: ${n(Number(raw.seconds), 1)} s, ${n(Number(raw.rate))} rows/s`);
    say(1, `   ratio ${ratio.toFixed(2)} (target ≥ ${TARGET.ingestRatio}); by CPU time ${(Number(ours.cpuRate) / Number(raw.cpuRate)).toFixed(2)}\n`);
    rowsOf(1).push({ figure: 'ingest rows/s', ours: n(Number(ours.rate)), baseline: `${n(Number(raw.rate))} (raw INSERT)`, ratio: ratio.toFixed(2), target: `≥ ${TARGET.ingestRatio}`, met: verdict(ratio >= TARGET.ingestRatio) });
  }

  let rawAttemptRate: number | undefined;
  let rawFourWritesRate: number | undefined;
  if (ONLY.has('attempts')) {
    progress('3/4 attempts: raw claim loop ...');
    const raw = await runChild('attempts-raw');
    progress('3/4 attempts: raw loop with the engine\'s writes ...');
    const rawTask = await runChild('attempts-raw-task');
    progress('3/4 attempts: engine rounds ...');
    const ours = await runChild('attempts-engine');
    rawAttemptRate = Number(raw.rate);
    rawFourWritesRate = Number(rawTask.rate);
    const ratio = Number(ours.rate) / rawAttemptRate;
    say(3, `3. ${n(ATTEMPTS)} attempts, each claimed and settled durably, ${ATTEMPT_LINES} per transaction`);
    say(3, `   engine.round(), calls answered at once: ${n(Number(ours.seconds), 1)} s, ${n(Number(ours.rate))} attempts/s (${n(Number(ours.rounds))} rounds)`);
    say(3, `   raw claim loop (UPDATE … IN (SELECT … LIMIT ${ATTEMPT_LINES}), then UPDATE each done): ${n(Number(raw.seconds), 1)} s, ${n(Number(raw.rate))} attempts/s`);
    say(3, `   raw loop with the engine's four writes (claim job, insert task, settle task, settle job): ${n(Number(rawTask.seconds), 1)} s, ${n(Number(rawTask.rate))} attempts/s`);
    say(3, `   ratio ${ratio.toFixed(2)} (target ≥ ${TARGET.attemptsRatio}); by CPU time ${(Number(ours.cpuRate) / Number(raw.cpuRate)).toFixed(2)}`);
    say(3, `   engine / the same writes raw ${(Number(ours.rate) / Number(rawTask.rate)).toFixed(2)}; those writes raw / the claim loop ${(Number(rawTask.rate) / rawAttemptRate).toFixed(2)} (no target: the engine's own overhead, and the cost of the writes)\n`);
    rowsOf(3).push({ figure: 'attempts/s (claim + settle)', ours: n(Number(ours.rate)), baseline: `${n(rawAttemptRate)} (raw claim loop)`, ratio: ratio.toFixed(2), target: `≥ ${TARGET.attemptsRatio}`, met: verdict(ratio >= TARGET.attemptsRatio) });
    rowsOf(3).push({ figure: 'attempts/s, vs same writes raw', ours: n(Number(ours.rate)), baseline: `${n(Number(rawTask.rate))} (raw, 4 writes)`, ratio: (Number(ours.rate) / Number(rawTask.rate)).toFixed(2), target: '—', met: '—' });
  }

  if (ONLY.has('campaign')) {
    progress('2/4 campaign: idle process ...');
    const idle = await runChild('idle');
    progress(`2/4 campaign: ${n(JOBS)} jobs ...`);
    const c = await runChild('campaign');
    const atScale = JOBS === TARGET.campaignJobs;
    const seconds = Number(c.seconds);
    const rss = Number(c.peakRssMb);
    say(2, `2. campaign of ${n(JOBS)} jobs, ${CAMPAIGN_LINES} lines, default profile, 3 attempts/day 10 min apart for ${CAMPAIGN_DAYS} days`);
    say(2, `   assigned in ${n(Number(c.assignSeconds), 1)} s; run to Completed: ${n(seconds, 1)} s wall (${n(Number(c.cpuSeconds), 1)} s CPU) for ${n(Number(c.virtualHours), 1)} virtual hours`);
    say(2, `   ${n(Number(c.calls))} calls (${(Number(c.calls) / JOBS).toFixed(2)} a job, started in ${n(Number(c.startRounds))} rounds), ${n(Number(c.callsPerSecond))} calls/s; ${n(Number(c.succeeded))} succeeded, ${n(Number(c.failed))} failed`);
    say(2, `   peak RSS ${n(rss)} MB (sampled between advances ${n(Number(c.sampledRssMb))} MB; an idle process with the same code ${n(Number(idle.peakRssMb))} MB)`);
    // What the writes alone allow: the campaign's calls, each made with the four writes
    // of a durable attempt at the rate section 3's raw loop makes them, with no engine,
    // no dispatch decision and no carrier. The wall-time target is only reachable where
    // this is well under it.
    const writesFloor = rawFourWritesRate ? Number(c.calls) / rawFourWritesRate : undefined;
    if (writesFloor !== undefined) {
      say(2, `   its calls' four writes alone, at the raw loop's ${n(rawFourWritesRate!)} attempts/s (section 3): ${n(writesFloor, 1)} s; the campaign takes ${(seconds / writesFloor).toFixed(2)}× that`);
    }
    say(2, `   targets for ${n(TARGET.campaignJobs)} jobs: ≤ ${TARGET.campaignWallS} s wall, ≤ ${TARGET.campaignRssMb} MB${atScale ? '' : ' (not applicable to this size)'}\n`);
    const scaled = (ok: boolean) => (atScale ? verdict(ok) : 'n/a (size)');
    rowsOf(2).push({ figure: 'campaign wall s', ours: n(seconds, 1), baseline: '—', ratio: '—', target: `≤ ${TARGET.campaignWallS} s @1M`, met: scaled(seconds <= TARGET.campaignWallS) });
    rowsOf(2).push({
      figure: 'campaign calls/s',
      ours: n(Number(c.callsPerSecond)),
      baseline: rawAttemptRate ? `${n(rawAttemptRate)} (raw claim loop)` : '—',
      ratio: rawAttemptRate ? (Number(c.callsPerSecond) / rawAttemptRate).toFixed(2) : '—',
      target: '—',
      met: '',
    });
    if (writesFloor !== undefined) {
      rowsOf(2).push({ figure: 'campaign wall s, vs its writes raw', ours: n(seconds, 1), baseline: `${n(writesFloor, 1)} (calls × 4 writes raw)`, ratio: (seconds / writesFloor).toFixed(2), target: '—', met: '' });
    }
    rowsOf(2).push({ figure: 'campaign peak RSS MB', ours: n(rss), baseline: `${n(Number(idle.peakRssMb))} (idle process)`, ratio: (rss / Number(idle.peakRssMb)).toFixed(2), target: `≤ ${TARGET.campaignRssMb} MB @1M`, met: scaled(rss <= TARGET.campaignRssMb) });
  }

  if (ONLY.has('dispatch')) {
    progress(`4/4 dispatch: ${n(DISPATCH_SMALL)} due jobs ...`);
    const small = await runChild('dispatch', { BENCH_DUE: String(DISPATCH_SMALL) });
    progress(`4/4 dispatch: ${n(JOBS)} due jobs ...`);
    const large = await runChild('dispatch', { BENCH_DUE: String(JOBS) });
    const ratio = Number(large.medianUs) / Number(small.medianUs);
    say(4, `4. one dispatch decision (engine.dispatch, ${DISPATCH_LINES} lines free, ${DISPATCH_ROUNDS} decisions after ${DISPATCH_WARMUP} warm-up)`);
    for (const r of [small, large]) {
      say(4, `   ${n(Number(r.due)).padStart(9)} due: median ${n(Number(r.medianUs))} µs, p90 ${n(Number(r.p90Us))} µs, mean ${n(Number(r.meanUs))} µs (store.dueJobs alone: median ${n(Number(r.dueJobsMedianUs))} µs)`);
    }
    say(4, `   ratio ${n(JOBS)}/${n(DISPATCH_SMALL)} of medians ${ratio.toFixed(2)} (target ≤ ${TARGET.dispatchRatio})`);
    rowsOf(4).push({ figure: `dispatch µs/decision, ${shortCount(JOBS)} due`, ours: n(Number(large.medianUs)), baseline: `${n(Number(small.medianUs))} (${shortCount(DISPATCH_SMALL)} due)`, ratio: ratio.toFixed(2), target: `≤ ${TARGET.dispatchRatio}`, met: verdict(ratio <= TARGET.dispatchRatio) });
    progress(`4/4 dispatch: ${n(DISPATCH_SMALL)} due jobs, ${n(DISPATCH_FINISHED_GROUPS)} finished groups ...`);
    const crowded = await runChild('dispatch', { BENCH_DUE: String(DISPATCH_SMALL), BENCH_FINISHED_GROUPS: String(DISPATCH_FINISHED_GROUPS) });
    const crowdedRatio = Number(crowded.medianUs) / Number(small.medianUs);
    say(4, `   ${n(DISPATCH_SMALL).padStart(9)} due and ${n(DISPATCH_FINISHED_GROUPS)} finished groups in the instance: median ${n(Number(crowded.medianUs))} µs, ratio to none ${crowdedRatio.toFixed(2)} (no target; ~1 when finished campaigns cost nothing)`);
    rowsOf(4).push({ figure: `dispatch µs/decision, ${shortCount(DISPATCH_FINISHED_GROUPS)} finished groups`, ours: n(Number(crowded.medianUs)), baseline: `${n(Number(small.medianUs))} (none)`, ratio: crowdedRatio.toFixed(2), target: '—', met: '' });
    progress(`4/4 dispatch: ${n(DISPATCH_SMALL)} due jobs under instance calling hours ...`);
    const governed = await runChild('dispatch', { BENCH_DUE: String(DISPATCH_SMALL), BENCH_CALLING_HOURS: '1' });
    const governedRatio = Number(governed.medianUs) / Number(small.medianUs);
    say(4, `   ${n(DISPATCH_SMALL).padStart(9)} due under instance calling hours (window, weekdays, working days): median ${n(Number(governed.medianUs))} µs, ratio to none ${governedRatio.toFixed(2)} (target ≤ ${TARGET.dispatchRatio})\n`);
    rowsOf(4).push({ figure: 'dispatch µs/decision, instance hours on', ours: n(Number(governed.medianUs)), baseline: `${n(Number(small.medianUs))} (none)`, ratio: governedRatio.toFixed(2), target: `≤ ${TARGET.dispatchRatio}`, met: verdict(governedRatio <= TARGET.dispatchRatio) });
  }

  for (const section of [...sections.keys()].sort()) console.log(sections.get(section)!.join('\n'));
  printTable([...tables.keys()].sort().flatMap((section) => tables.get(section)!));
  console.log(`\nnode ${process.version}, ${cpuList.length} CPUs, ${process.platform}/${process.arch}`);
}

function printTable(rows: Row[]): void {
  const header: Row = { figure: 'figure', ours: 'ours', baseline: 'baseline', ratio: 'ratio', target: 'target', met: 'met' };
  const keys = Object.keys(header) as Array<keyof Row>;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...[header, ...rows].map((r) => r[k].length))])) as Record<keyof Row, number>;
  const line = (r: Row) => keys.map((k) => (k === 'ours' || k === 'ratio' ? r[k].padStart(width[k]) : r[k].padEnd(width[k]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(keys.map((k) => '-'.repeat(width[k])).join('  '));
  for (const r of rows) console.log(line(r));
}

function shortCount(x: number): string {
  return x >= 1_000_000 && x % 1_000_000 === 0 ? `${x / 1_000_000}M` : x >= 1000 && x % 1000 === 0 ? `${x / 1000}k` : String(x);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

const mode = process.argv[2];
if (mode === undefined) {
  await main();
} else {
  const measure = MODES[mode];
  if (!measure) throw new Error(`bench: unknown measurement ${mode}; one of ${Object.keys(MODES).join(', ')}`);
  process.stdout.write(`${JSON.stringify(await measure())}\n`);
}
