import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { SystemClock } from '../engine/clock.ts';
import { loadScenario, ScenarioError } from '../simulation/scenario.ts';
import { simulate, type SimulatedDay, type SimulationResult } from '../simulation/simulate.ts';
import { fail } from './usage-error.ts';

/**
 * `outboundbot simulate scenario.json`: the dry-run forecast. Runs the whole
 * campaign in-process on virtual time (src/simulation/simulate.ts) and prints a
 * table, one row per local day, then the forecast. `--json` prints one JSON
 * document instead. A progress bar goes to stderr, only when stderr is a terminal.
 * A bad scenario exits 2 with one line naming the field.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate <scenario>')
    .description('forecast a campaign: run a scenario file on virtual time and print attempts, connects and completions day by day')
    .option('--json', 'print the result as one JSON document')
    .action(async (path: string, options: { json?: boolean }) => {
      let scenario;
      try {
        scenario = await loadScenario(path, new SystemClock().now());
      } catch (error) {
        if (error instanceof ScenarioError) fail(`invalid scenario: ${error.message}`);
        throw error;
      }
      const bar = process.stderr.isTTY ? new ProgressBar(process.stderr) : undefined;
      // Ctrl-C stops the run at the next simulated day, so its temp data dir is removed before exiting.
      const interrupt = new AbortController();
      const onInterrupt = () => interrupt.abort();
      process.once('SIGINT', onInterrupt);
      let result: SimulationResult;
      try {
        result = await simulate(scenario, {
          signal: interrupt.signal,
          onAssign: (assigned, total) => bar?.draw(assigned / total, `assigning jobs ${assigned}/${total}`),
          onDay: (day, progress) =>
            bar?.draw(progress.totalJobs === 0 ? 1 : progress.ended / progress.totalJobs, `day ${day.day}/${progress.maxDays}  ${progress.ended}/${progress.totalJobs} jobs ended`),
        });
      } catch (error) {
        if (error instanceof ScenarioError) fail(`invalid scenario: ${error.message}`);
        if (interrupt.signal.aborted) {
          bar?.clear();
          process.stderr.write('outboundbot: simulation interrupted\n');
          process.exit(130);
        }
        throw error;
      } finally {
        process.off('SIGINT', onInterrupt);
        bar?.clear();
      }
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatReport(result));
    });
}

const COLUMNS = [
  ['day', 5],
  ['date', 14],
  ['attempts', 9],
  ['connects', 9],
  ['completions', 12],
  ['failures', 9],
  ['remaining', 10],
] as const;

/** The human report: one row per day, a total row, a line per group (when several) and the forecast. */
export function formatReport(result: SimulationResult): string {
  const lines: string[] = [];
  lines.push(COLUMNS.map(([name, width], i) => (i === 1 ? name.padEnd(width) : name.padStart(width))).join('  '));
  for (const day of result.days) lines.push(row(day));
  lines.push(
    row({
      label: 'total',
      attempts: result.totals.attempts,
      connects: result.totals.connects,
      completions: result.totals.completions,
      failures: result.totals.failures,
      remaining: result.remaining,
    }),
  );
  if (result.groups.length > 1) {
    for (const group of result.groups) {
      const end = group.finishedAt ? `completed on day ${group.finishDay}, ${localTime(group.finishedAt)}` : `${group.status}, ${group.remaining} jobs left`;
      lines.push(`group ${JSON.stringify(group.name)}: ${end}; ${group.completions} succeeded, ${group.failures} failed of ${group.totalJobs}`);
    }
  }
  const tally = `${result.totals.completions} succeeded, ${result.totals.failures} failed of ${result.totalJobs} jobs, ${result.totals.attempts} attempts`;
  lines.push(
    result.finished
      ? `forecast: finished on day ${result.finishDay}, ${localTime(result.finishedAt!)} ${result.timezone}; ${tally}`
      : `forecast: not finished within ${result.maxDays} days; ${result.remaining} jobs left; ${tally}`,
  );
  return `${lines.join('\n')}\n`;
}

type RowInput = Pick<SimulatedDay, 'attempts' | 'connects' | 'completions' | 'failures' | 'remaining'> & { label?: string; day?: number; date?: string; weekday?: string };

function row(r: RowInput): string {
  const cells = [r.label ?? String(r.day), r.label ? '' : `${r.date} ${r.weekday}`, r.attempts, r.connects, r.completions, r.failures, r.remaining];
  return cells.map((cell, i) => (i === 1 ? String(cell).padEnd(COLUMNS[i]![1]) : String(cell).padStart(COLUMNS[i]![1]))).join('  ');
}

/** `2026-12-03 09:30:50` from an ISO time with offset, in that offset's wall-clock time. */
function localTime(iso: string): string {
  return DateTime.fromISO(iso, { setZone: true }).toFormat('ccc yyyy-MM-dd HH:mm:ss', { locale: 'en-US' });
}

/** A one-line bar redrawn in place with `\r`; no dependency needed for that. */
class ProgressBar {
  private static readonly WIDTH = 24;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(fraction: number, text: string): void {
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * ProgressBar.WIDTH);
    this.out.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(ProgressBar.WIDTH - filled)}] ${text}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
  }
}
