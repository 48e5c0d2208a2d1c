/**
 * npm run bench:files [-- --rows 100000]
 *
 * The file pipeline against its baseline, in the same run (STYLE.md habit 13):
 *
 * - baseline: the store's raw bulk insert (Store.insertJobs of prebuilt rows, 5 000
 *   per transaction), rows/s;
 * - csv / xlsx: a generated contact file (every 10th row a bad number) uploaded
 *   to the data dir, parsed and assigned through the file services, rows/s (file
 *   rows, accepted or not) and its ratio to the baseline (target >= 0.8 for CSV);
 * - export csv / xlsx: the jobs of the CSV run exported, rows/s.
 *
 * Each measurement runs in a child process of its own, so its peak RSS (target <=
 * 300 MB at 1M rows) is its own.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createIdGenerator } from '../src/domain/ids.ts';
import { ManualClock } from '../src/engine/clock.ts';
import { pathOfKey } from '../src/files/data-paths.ts';
import { TaskRunner } from '../src/files/task-runner.ts';
import { createServices } from '../src/services/services.ts';
import { newJobRow } from '../src/services/job-service.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';

const START = Date.parse('2026-12-01T00:00:00Z');
const HEADER = ['手机号', '姓名', '称呼', '编号', '金额', '备注'];

function row(i: number): Array<string | number> {
  const phone = i % 10 === 9 ? `12${i}` : String(13_000_000_000 + i);
  return [phone, `客户${i}`, i % 2 ? '先生' : '女士', `R${i}`, (i % 1000) + 0.5, 'note'];
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(HEADER.join(',') + '\n');
  for (let i = 0; i < rows; i++) if (!out.write(row(i).join(',') + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function writeXlsx(path: string, rows: number): Promise<void> {
  // Loaded here, in the parent only: a child measures what a server pays, and one that reads a CSV never loads exceljs.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('contacts');
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) {
    sheet.addRow(row(i)).commit();
    if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
}

/** A store with one account, instance and group (made once, then reopened by the export runs). */
async function fixture(dataDir: string) {
  const clock = new ManualClock(START);
  const store = openSqliteStore(dataDir, clock);
  const ids = createIdGenerator(clock);
  const logger = pino({ level: 'warn' });
  const services = createServices({ store, clock, ids }, { tasks: new TaskRunner(logger), dataDir, baseUrl: () => 'http://127.0.0.1:8080', logger });
  const saved = join(dataDir, 'bench-fixture.json');
  let made: { accountId: string; instanceId: string; groupId: string };
  if (existsSync(saved)) {
    made = JSON.parse(readFileSync(saved, 'utf8'));
  } else {
    const { account, key } = await services.accessKeys.createAccount('bench');
    const instance = await services.instances.create({ accountId: account.id, accessKeyId: key.id }, { name: 'bench', maxConcurrentConversation: 10 });
    const group = await services.jobGroups.create(account.id, instance.id, { name: 'bench' });
    made = { accountId: account.id, instanceId: instance.id, groupId: group.group.id };
    writeFileSync(saved, JSON.stringify(made));
  }
  await services.fileTasks.start();
  return { store, clock, ids, services, ...made };
}

interface Measured {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  peakRssMb: number;
  note?: string;
}

/**
 * This process's peak RSS in MB. On Linux the high-water mark of its own memory
 * (VmHWM): getrusage's maxRSS of a spawned child also counts the parent's RSS at
 * the fork, which here is the parent that generated the files (earlier figures
 * showed the parent's ~290 MB for every phase at 1M rows).
 */
function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Math.round(Number(hwm[1]) / 1024);
  } catch {
    // not Linux: fall back to getrusage
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function measured(rows: number, started: number, note?: string): Measured {
  const ms = performance.now() - started;
  return { rows, ms: Math.round(ms), rowsPerSecond: Math.round(rows / (ms / 1000)), peakRssMb: peakRssMb(), note };
}

/** One measurement in this process; argv: phase, dataDir, rows[, source file]. */
async function child(phase: string, dataDir: string, rows: number, source?: string): Promise<Measured> {
  const f = await fixture(dataDir);
  if (phase === 'baseline') {
    const started = performance.now();
    for (let at = 0; at < rows; at += 5000) {
      const batch = [];
      for (let i = at; i < Math.min(rows, at + 5000); i++) {
        const [phone, name, honorific, ref, amount, note] = row(i).map(String) as string[];
        batch.push(newJobRow(f.ids, f.instanceId, f.groupId, { referenceId: ref, contacts: [{ phoneNumber: phone!, name, honorific, referenceId: ref }], extras: [{ key: '金额', value: amount! }, { key: '备注', value: note! }] }, [], '', f.clock.now()));
      }
      await f.store.insertJobs(f.groupId, batch, f.clock.now());
    }
    return measured(rows, started);
  }
  if (phase === 'csv' || phase === 'xlsx') {
    const upload = await f.services.uploads.uploadParams(f.accountId, f.instanceId, `contacts.${phase}`);
    const target = pathOfKey(dataDir, upload.Folder);
    mkdirSync(join(target, '..'), { recursive: true });
    await copyFile(source!, target);
    const started = performance.now();
    const taskId = await f.services.parsing.create(f.accountId, f.instanceId, upload.Folder);
    await f.services.fileTasks.idle();
    const parsed = await f.services.parsing.describe(f.accountId, f.instanceId, taskId);
    const parseMs = Math.round(performance.now() - started);
    await f.services.jobs.assign(f.accountId, f.instanceId, f.groupId, { jobs: [], parsingTaskId: taskId });
    const counters = await f.store.storedCounters(f.groupId);
    return measured(rows, started, `status ${parsed.task.status}, accepted ${parsed.task.accepted}, rejected ${parsed.task.rejected}, jobs ${counters?.totalJobs}; parse alone ${parseMs} ms`);
  }
  // export-csv / export-xlsx: the jobs the csv run assigned.
  const started = performance.now();
  const taskId = await f.services.exports.createGroupExport(f.accountId, f.instanceId, f.groupId, [phase === 'export-csv' ? 'csv' : 'xlsx']);
  await f.services.fileTasks.idle();
  const done = await f.services.exports.find(f.accountId, taskId);
  return measured(done.task.handled, started, `status ${done.task.status}`);
}

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(String(process.argv[at + 1]).replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const rows = argValue('--rows', 1_000_000);
  const work = mkdtempSync(join(tmpdir(), 'outboundbot-bench-files-'));
  try {
    const csv = join(work, 'contacts.csv');
    const xlsx = join(work, 'contacts.xlsx');
    await writeCsv(csv, rows);
    await writeXlsx(xlsx, rows);
    const run = (phase: string, dataDir: string, source = ''): Measured => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', phase, dataDir, String(rows), source], { encoding: 'utf8', maxBuffer: 1 << 20 });
      return JSON.parse(out.trim().split('\n').pop()!) as Measured;
    };
    const results: Record<string, Measured> = {};
    results.baseline = run('baseline', join(work, 'baseline'));
    results.csv = run('csv', join(work, 'csv'), csv);
    results.xlsx = run('xlsx', join(work, 'xlsx'), xlsx);
    results['export-csv'] = run('export-csv', join(work, 'csv'));
    results['export-xlsx'] = run('export-xlsx', join(work, 'csv'));
    console.log(`bench:files, ${rows} rows (every 10th an invalid number), node ${process.version}`);
    console.log('measurement      rows/s    ratio   peak RSS   time      note');
    for (const [name, m] of Object.entries(results)) {
      const ratio = name === 'csv' || name === 'xlsx' ? (m.rowsPerSecond / results.baseline!.rowsPerSecond).toFixed(2) : '';
      console.log(`${name.padEnd(14)} ${String(m.rowsPerSecond).padStart(8)} ${ratio.padStart(8)} ${`${m.peakRssMb} MB`.padStart(10)} ${`${(m.ms / 1000).toFixed(1)} s`.padStart(8)}   ${m.note ?? ''}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , phase, dataDir, rows, source] = process.argv;
  const result = await child(phase!, dataDir!, Number(rows), source || undefined);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else {
  await main();
}
