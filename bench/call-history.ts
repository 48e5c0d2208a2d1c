/**
 * npm run bench:history [-- --calls 1000000]
 *
 * SearchTask's store read (Store.searchTasks) at two sizes of an instance's call
 * history, 10 000 calls and `--calls` (default 300 000), in the same run: page 1 and
 * page 100 (10 a page) of the default sort (actualTime, by index), of one group, of one
 * callee (tasks_by_callee), and page 1 of an unindexed sort (callDuration). Prints the
 * p50 and p99 per page and the ratio of the large instance's p50 to the small one's
 * (target <= 1.3 for the indexed reads). The calls are claimed through the engine's
 * round (Store.dispatchRound), so counters and indexes are what a campaign leaves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createIdGenerator } from '../src/domain/ids.ts';
import type { StrategyInput } from '../src/domain/strategy.ts';
import { attemptClaim } from '../src/engine/attempts.ts';
import { ManualClock } from '../src/engine/clock.ts';
import { TaskRunner } from '../src/files/task-runner.ts';
import { createServices } from '../src/services/services.ts';
import { newJob, type JobRow } from '../src/store/rows.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { TaskSearchFilter, TaskSort } from '../src/store/task-search.ts';

const START = Date.UTC(2026, 11, 6, 16, 0, 0);
const BATCH = 5_000;
const SMALL = 10_000;
const REPEATS = 60;
const silent = pino({ level: 'silent' });
const STRATEGY: StrategyInput = { maxAttemptsPerDay: 3, minAttemptInterval: 10, repeatBy: 'Day', workingTime: [{ beginTime: '00:00:00', endTime: '23:59:59' }] };

const phoneNumberOf = (i: number) => `138${String((i * 7_919 + 12_345) % 100_000_000).padStart(8, '0')}`;

interface History {
  dir: string;
  store: SqliteStore;
  instanceId: string;
  groupId: string;
}

/** An instance with one group of `calls` jobs, each called once (claimed, in rounds a second apart). */
async function history(calls: number): Promise<History> {
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-bench-history-'));
  const clock = new ManualClock(START);
  const store = openSqliteStore(dir, clock);
  const ids = createIdGenerator(clock);
  const services = createServices({ store, clock, ids }, { tasks: new TaskRunner(silent), dataDir: dir, baseUrl: () => 'http://127.0.0.1', logger: silent });
  const { account, key } = await services.accessKeys.createAccount('bench');
  const instance = await services.instances.create({ accountId: account.id, accessKeyId: key.id }, { name: 'bench', maxConcurrentConversation: 10_000_000, callingNumbers: ['057188880000'] });
  const { group } = await services.jobGroups.create(account.id, instance.id, { name: 'bench', strategy: STRATEGY });
  for (let done = 0; done < calls; done += BATCH) {
    const now = clock.now();
    const rows: JobRow[] = [];
    for (let i = done; i < Math.min(calls, done + BATCH); i++) {
      const contact = { id: ids.next(), phoneNumber: phoneNumberOf(i), e164: `+86${phoneNumberOf(i)}`, name: '', honorific: '', referenceId: '' };
      rows.push(newJob({ id: ids.next(), instanceId: instance.id, jobGroupId: group.id, referenceId: String(i), contacts: [contact], extras: [], callingNumbers: [], scriptVersion: '' }, now));
    }
    await store.insertJobs(group.id, rows, now);
    clock.advance(1_000);
    const at = clock.now();
    const running = (await store.findJobGroup(instance.id, group.id))!;
    await store.dispatchRound(async (round) => {
      const due = await round.dueJobs(group.id, at, BATCH);
      const claims = due.map((job) => attemptClaim({ job, group: running, taskId: ids.next(), callingNumber: '057188880000', day: '2026-12-07', now: at }));
      return round.commit({ settlements: [], reschedules: [], claims, now: at });
    });
  }
  return { dir, store, instanceId: instance.id, groupId: group.id };
}

interface Read {
  name: string;
  filter: (h: History) => TaskSearchFilter;
  sort: TaskSort;
  pageNumber: number;
}

const NEWEST: TaskSort = { by: 'actualTime', order: 'desc' };
const READS: Read[] = [
  { name: 'instance, page 1', filter: () => ({}), sort: NEWEST, pageNumber: 1 },
  { name: 'instance, page 100', filter: () => ({}), sort: NEWEST, pageNumber: 100 },
  { name: 'group, page 1', filter: (h) => ({ jobGroupId: h.groupId }), sort: NEWEST, pageNumber: 1 },
  { name: 'group, page 100', filter: (h) => ({ jobGroupId: h.groupId }), sort: NEWEST, pageNumber: 100 },
  { name: 'callee, page 1', filter: () => ({ calledKey: `+86${phoneNumberOf(4_321)}` }), sort: NEWEST, pageNumber: 1 },
  { name: 'by talk time, page 1 (unindexed)', filter: () => ({}), sort: { by: 'callDuration', order: 'desc' }, pageNumber: 1 },
];

async function timeRead(h: History, read: Read): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const begin = process.hrtime.bigint();
    const page = await h.store.searchTasks(h.instanceId, read.filter(h), read.sort, { pageNumber: read.pageNumber, pageSize: 10 });
    times.push(Number(process.hrtime.bigint() - begin) / 1e6);
    if (page.items.length === 0) throw new Error(`${read.name}: an empty page`);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, p99: times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]! };
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--calls');
  const large = flag > 0 ? Number(process.argv[flag + 1]) : 300_000;
  if (!Number.isInteger(large) || large < SMALL) throw new Error(`--calls must be an integer of at least ${SMALL}`);
  const results = new Map<string, Array<{ p50: number; p99: number }>>();
  for (const calls of [SMALL, large]) {
    process.stderr.write(`seeding ${calls} calls...\n`);
    const h = await history(calls);
    try {
      for (const read of READS) results.set(read.name, [...(results.get(read.name) ?? []), await timeRead(h, read)]);
    } finally {
      await h.store.close();
      rmSync(h.dir, { recursive: true, force: true });
    }
  }
  const ms = (x: number) => x.toFixed(2).padStart(8);
  console.log(`SearchTask store reads (SQLite), ms per page of 10: ${SMALL} calls against ${large}`);
  console.log(`${'read'.padEnd(34)} ${'p50 small'.padStart(9)} ${'p99 small'.padStart(9)} ${'p50 large'.padStart(9)} ${'p99 large'.padStart(9)}  ratio`);
  for (const [name, [small, big]] of results) {
    console.log(`${name.padEnd(34)} ${ms(small!.p50)}  ${ms(small!.p99)}  ${ms(big!.p50)}  ${ms(big!.p99)}  ${(big!.p50 / small!.p50).toFixed(2)}`);
  }
}

await main();
