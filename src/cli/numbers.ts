import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { ApiError } from '../domain/errors.ts';
import { createIdGenerator } from '../domain/ids.ts';
import { SystemClock } from '../engine/clock.ts';
import { AccessKeyService } from '../services/access-key-service.ts';
import { NumberPoolService, type PoolNumberInput } from '../services/number-pool-service.ts';
import { openStore } from '../store/open-store.ts';
import { NumberDirectory } from '../telephony/number-directory.ts';
import { fail } from './usage-error.ts';

interface AccountOption {
  account?: string;
}

/**
 * `outboundbot numbers ...`: the tenant's calling-number pool, kept by the operator
 * straight on the data dir or database (like `keys`, safe beside a running server).
 * Binding pool numbers to instances is the API's (CreateInstanceBindNumber).
 */
export function registerNumbersCommands(program: Command): void {
  const numbers = program.command('numbers').description('manage a tenant\'s pool of calling numbers (bound to instances through the API)');
  const accountOption = ['--account <id>', 'the account whose pool it is (default: the root account)'] as const;

  numbers
    .command('add [number]')
    .description('add a calling number to the pool, or every number of --file (one a line; # starts a comment)')
    .option(...accountOption)
    .option('--file <path>', 'a file of numbers, one a line')
    .option('--region <region>', 'the region (default: from the phone-number geodata, "City, Province")')
    .option('--trunk <uri>', 'the SIP trunk its calls go out through, sip:host[:port][;transport=udp|tcp] (default: the server\'s)')
    .option('--json', 'print what was added as JSON')
    .action(async (number: string | undefined, options: AccountOption & { file?: string; region?: string; trunk?: string; json?: boolean }) => {
      if ((number === undefined) === (options.file === undefined)) fail('give either a number or --file <path>');
      const inputs: PoolNumberInput[] = (number !== undefined ? [number] : readNumberFile(options.file!)).map((each) => ({
        number: each,
        region: options.region,
        trunk: options.trunk,
      }));
      await withPool(options, async (pool, accountId) => {
        const { added, present } = await pool.add(accountId, inputs);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ added: added.map(numberJson), present })}\n`);
          return;
        }
        for (const row of added) process.stdout.write(`added ${row.number}${row.region ? ` (${row.region})` : ''}\n`);
        for (const each of present) process.stdout.write(`already in the pool: ${each}\n`);
      });
    });

  numbers
    .command('list')
    .description('list the pool: number, region, status, trunk and the instances it is bound to')
    .option(...accountOption)
    .option('--json', 'print JSON')
    .action(async (options: AccountOption & { json?: boolean }) => {
      await withPool(options, async (pool, accountId) => {
        const rows = await pool.list(accountId);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows.map((row) => ({ ...numberJson(row), Instances: row.instanceNames })))}\n`);
          return;
        }
        process.stdout.write(`${['Number', 'Region', 'Status', 'Trunk', 'Instances'].join('\t')}\n`);
        for (const row of rows) process.stdout.write(`${[row.number, row.region, row.status, row.trunk, row.instanceNames.join(',')].join('\t')}\n`);
      });
    });

  numbers
    .command('remove <number>')
    .description('take a number (in any written form) out of the pool and off every instance')
    .option(...accountOption)
    .action(async (number: string, options: AccountOption) => {
      await withPool(options, async (pool, accountId) => {
        await pool.remove(accountId, number);
        process.stdout.write(`removed ${number}\n`);
      });
    });
}

function numberJson(row: { id: string; number: string; region: string; status: string; trunk: string }) {
  return { OutboundCallNumberId: row.id, Number: row.number, Region: row.region, Status: row.status, Trunk: row.trunk };
}

function readNumberFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const numbers = text.split(/\r?\n/).map((line) => line.replace(/#.*/, '').trim()).filter((line) => line !== '');
  if (numbers.length === 0) fail(`${path} has no number`);
  return numbers;
}

/** The pool service over the configured store, for the account named (or the root one); a refused number exits 2. */
async function withPool(options: AccountOption, run: (pool: NumberPoolService, accountId: string) => Promise<void>): Promise<void> {
  const clock = new SystemClock();
  const store = await openStore(loadConfig(), clock);
  try {
    const deps = { store, clock, ids: createIdGenerator(clock) };
    const pool = new NumberPoolService(deps, { regions: new NumberDirectory() });
    const accountId = options.account ?? (await new AccessKeyService(deps).rootAccount())?.id;
    if (!accountId) fail('no root account yet: start the server once, or give --account');
    if (!(await pool.hasAccount(accountId))) fail(`no account ${accountId}`);
    await run(pool, accountId);
  } catch (error) {
    if (error instanceof ApiError) fail(error.message);
    throw error;
  } finally {
    await store.close();
  }
}
