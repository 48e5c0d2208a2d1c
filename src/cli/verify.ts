import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { SystemClock } from '../engine/clock.ts';
import { verifyCounters } from '../services/verification.ts';
import { openStore } from '../store/open-store.ts';

/** `outboundbot verify`: recount every job group's counters from the rows and report differences. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('recount every job group\'s counters and call report from its jobs and tasks; exit 1 on any difference')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const store = await openStore(loadConfig(), new SystemClock());
      try {
        const progress = process.stderr.isTTY ? (done: number, total: number) => process.stderr.write(`\rverifying ${done}/${total} job groups`) : undefined;
        const result = await verifyCounters(store, progress);
        if (progress) process.stderr.write('\n');
        if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else if (result.differences.length === 0) process.stdout.write(`${result.groups} job groups: every counter equals its recount\n`);
        else for (const d of result.differences) process.stdout.write(`${d.jobGroupId} ${d.counter}: stored ${d.stored}, recounted ${d.recounted}\n`);
        process.exitCode = result.differences.length === 0 ? 0 : 1;
      } finally {
        await store.close();
      }
    });
}
