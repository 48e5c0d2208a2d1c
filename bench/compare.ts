/**
 * Runs benchmarks of this checkout and of an earlier commit side by side, in one run,
 * on the same machine (after fastify's `branchcmp`): the only honest way to say a
 * change did not make the code slower, since absolute figures drift with the host.
 *
 *   npm run bench:compare -- <rev> [engine] [api] [--pairs N]
 *
 * The earlier commit is checked out into a temporary git worktree, given this
 * checkout's node_modules (a link outside the repository, removed afterwards; the
 * commit's dependencies must be a subset of today's), and each bench runs as
 * `node --import tsx bench/<name>.ts` in both trees. Runs alternate in pairs (base
 * then head, then head then base, ...) so a host that slows down over the run weighs
 * on both sides alike. Environment variables (BENCH_JOBS, BENCH_DURATION_S, ...) pass
 * through to every run. The figures are read from each bench's printed summary, whose
 * format the two commits share; a figure one side does not print is shown as '—'.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Reads one bench's printed summary into figure → value (a number as printed). */
type FigureReader = (stdout: string) => Map<string, number>;

/** Columns of a printed table are separated by two spaces or more. */
const columns = (line: string) => line.trim().split(/\s{2,}/);
const numberIn = (text: string | undefined) => (text === undefined ? NaN : Number(text.replaceAll(',', '')));

const READERS: Record<string, FigureReader> = {
  // bench:engine ends with a table: figure, ours, baseline, ratio, target, met.
  engine(stdout) {
    const figures = new Map<string, number>();
    const lines = stdout.split('\n');
    const start = lines.findIndex((line) => /^figure\s{2,}ours\s{2,}baseline/.test(line));
    for (const line of start < 0 ? [] : lines.slice(start + 2)) {
      const [figure, ours, , ratio] = columns(line);
      if (!figure || ours === undefined || Number.isNaN(numberIn(ours))) break;
      figures.set(figure, numberIn(ours));
      if (ratio !== undefined && !Number.isNaN(numberIn(ratio))) figures.set(`${figure} (ratio)`, numberIn(ratio));
    }
    // CPU time, printed in the sections above the table: far less moved than wall time
    // by other processes on the machine, so the figures to read on a busy host.
    const cpuSeconds = /run to Completed: [\d.,]+ s wall \(([\d.,]+) s CPU\)/.exec(stdout);
    if (cpuSeconds) figures.set('campaign CPU s', numberIn(cpuSeconds[1]));
    for (const [section, label] of [[/^1\. ingest/m, 'ingest ratio by CPU time'], [/^3\. /m, 'attempts ratio by CPU time']] as const) {
      const start = stdout.search(section);
      const byCpu = start < 0 ? null : /by CPU time ([\d.]+)/.exec(stdout.slice(start));
      if (byCpu) figures.set(label, Number(byCpu[1]));
    }
    return figures;
  },
  // bench:api prints a table of two sides, then "ratio ours/baseline X".
  api(stdout) {
    const figures = new Map<string, number>();
    for (const line of stdout.split('\n')) {
      const [side, rate, p50, p99] = columns(line);
      if (side === 'outboundbot' || side === 'node:http baseline') {
        figures.set(`${side} req/s`, numberIn(rate));
        figures.set(`${side} p50 ms`, numberIn(p50));
        figures.set(`${side} p99 ms`, numberIn(p99));
      }
      const ratio = /^ratio ours\/baseline\s+([\d.]+)/.exec(line.trim());
      if (ratio) figures.set('ratio ours/baseline', Number(ratio[1]));
    }
    return figures;
  },
};

interface Side {
  label: string;
  dir: string;
}

function runBench(side: Side, bench: string): Promise<Map<string, number>> {
  return new Promise((resolvePromise, reject) => {
    process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] bench:${bench} at ${side.label} ...\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${bench}.ts`], { cwd: side.dir, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const figures = READERS[bench]!(stdout);
      if (code !== 0 || figures.size === 0) reject(new Error(`bench:${bench} at ${side.label} ended with code ${code} and ${figures.size} figures:\n${stdout}`));
      else resolvePromise(figures);
    });
  });
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function printComparison(bench: string, base: Side, head: Side, runs: Map<string, Array<Map<string, number>>>): void {
  const baseRuns = runs.get(base.label)!;
  const headRuns = runs.get(head.label)!;
  const names = [...new Set([...baseRuns, ...headRuns].flatMap((figures) => [...figures.keys()]))];
  const shown = (v: number) => (Number.isNaN(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const rows = names.map((name) => {
    const b = baseRuns.map((f) => f.get(name) ?? NaN);
    const h = headRuns.map((f) => f.get(name) ?? NaN);
    return [name, b.map(shown).join(' / '), h.map(shown).join(' / '), shown(median(h) / median(b))];
  });
  const table = [['figure', `${base.label} (each run)`, `${head.label} (each run)`, 'head/base of medians'], ...rows];
  const width = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log(`\nbench:${bench}, ${baseRuns.length} runs a side`);
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, c) => cell.padEnd(width[c]!)).join('  ').trimEnd());
    if (i === 0) console.log(width.map((w) => '-'.repeat(w)).join('  '));
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const pairsAt = args.indexOf('--pairs');
  const pairs = pairsAt >= 0 ? Number(args.splice(pairsAt, 2)[1]) : 2;
  const [rev, ...requested] = args;
  const benches = requested.length ? requested : ['engine', 'api'];
  if (!rev || !Number.isInteger(pairs) || pairs < 1 || benches.some((b) => !READERS[b])) {
    throw new Error(`usage: npm run bench:compare -- <rev> [${Object.keys(READERS).join('] [')}] [--pairs N]`);
  }
  const repo = resolve(import.meta.dirname, '..');
  const baseCommit = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: repo, encoding: 'utf8' }).trim();
  const headCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim() !== '';
  const baseDir = join(mkdtempSync(join(tmpdir(), 'outboundbot-bench-base-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', baseDir, baseCommit], { cwd: repo, stdio: 'ignore' });
  try {
    symlinkSync(join(repo, 'node_modules'), join(baseDir, 'node_modules'), 'dir');
    const base: Side = { label: `base ${baseCommit}`, dir: baseDir };
    const head: Side = { label: `head ${headCommit}${dirty ? '+changes' : ''}`, dir: repo };
    console.log(`bench:compare ${base.label} against ${head.label}, node ${process.version}, ${pairs} pairs, alternating order`);
    for (const bench of benches) {
      const runs = new Map<string, Array<Map<string, number>>>([[base.label, []], [head.label, []]]);
      for (let pair = 0; pair < pairs; pair++) {
        for (const side of pair % 2 === 0 ? [base, head] : [head, base]) runs.get(side.label)!.push(await runBench(side, bench));
      }
      printComparison(bench, base, head, runs);
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', baseDir], { cwd: repo, stdio: 'ignore' });
    rmSync(resolve(baseDir, '..'), { recursive: true, force: true });
  }
}

await main();
