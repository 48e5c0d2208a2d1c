import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ZodError } from 'zod';
import { loadConfig } from '../config/config.ts';
import { createIdGenerator } from '../domain/ids.ts';
import { SystemClock } from '../engine/clock.ts';
import { parsePolicy } from '../protocol/ram-policy.ts';
import { AccessKeyService } from '../services/access-key-service.ts';
import type { PolicyDocument } from '../store/rows.ts';
import { openStore } from '../store/open-store.ts';
import { fail } from './usage-error.ts';

/**
 * `outboundbot keys ...`: AccessKey management straight on the data dir (safe
 * beside a running server: SQLite in WAL mode takes concurrent writers in turn).
 */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('manage AccessKeys (accounts, sub-users and their policies)');

  keys
    .command('create')
    .description('create an AccessKey: a sub-user key when --policy is given, a root key otherwise')
    .option('--account <id>', 'account to add the key to (default: the root account)')
    .option('--new-account', 'create a new, separate account and its root key')
    .option('--name <name>', 'a name for the key (or the new account)', 'cli')
    .option('--policy <json|@file>', 'RAM policy document, inline JSON or @path to a JSON file')
    .option('--json', 'print the key as JSON')
    .action(async (options: { account?: string; newAccount?: boolean; name: string; policy?: string; json?: boolean }) => {
      await withAccessKeys(async (accessKeys) => {
        const policy = options.policy ? readPolicy(options.policy) : undefined;
        let created;
        if (options.newAccount) {
          if (options.account) fail('use either --account or --new-account');
          const { account, key } = await accessKeys.createAccount(options.name);
          created = policy ? await accessKeys.createKey(account.id, { name: options.name, policy }) : key;
        } else {
          const accountId = options.account ?? (await accessKeys.rootAccount())?.id;
          if (!accountId) fail('no root account yet: start the server once, or use --new-account');
          created = await accessKeys.createKey(accountId, { name: options.name, policy });
        }
        const out = {
          AccessKeyId: created.id,
          AccessKeySecret: created.secret,
          AccountId: created.accountId,
          Kind: created.isRoot ? 'root' : 'sub-user',
        };
        process.stdout.write(options.json ? `${JSON.stringify(out)}\n` : `${Object.entries(out).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
      });
    });

  keys
    .command('list')
    .description('list AccessKeys (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withAccessKeys(async (accessKeys) => {
        const rows = (await accessKeys.list()).map((key) => ({
          AccessKeyId: key.id,
          AccountId: key.accountId,
          Kind: key.isRoot ? 'root' : 'sub-user',
          Status: key.status,
          Name: key.name,
          CreatedAt: new Date(key.createdAt).toISOString(),
        }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        process.stdout.write(`${['AccessKeyId', 'AccountId', 'Kind', 'Status', 'Name', 'CreatedAt'].join('\t')}\n`);
        for (const row of rows) process.stdout.write(`${Object.values(row).join('\t')}\n`);
      });
    });

  for (const [command, status] of [['disable', 'Inactive'], ['enable', 'Active']] as const) {
    keys
      .command(`${command} <accessKeyId>`)
      .description(`${command} an AccessKey; requests signed with a disabled key are refused`)
      .action(async (id: string) => {
        await withAccessKeys(async (accessKeys) => {
          if (!(await accessKeys.setStatus(id, status))) fail(`no AccessKey ${id}`);
          process.stdout.write(`${id}: ${status}\n`);
        });
      });
  }
}

/** The one service these commands use, over the configured store (no engine, no file pipeline). */
async function withAccessKeys(run: (accessKeys: AccessKeyService) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const clock = new SystemClock();
  const store = await openStore(config, clock);
  try {
    await run(new AccessKeyService({ store, clock, ids: createIdGenerator(clock) }));
  } finally {
    await store.close();
  }
}

function readPolicy(argument: string): PolicyDocument {
  let text = argument;
  if (argument.startsWith('@')) text = readFileSync(argument.slice(1), 'utf8');
  try {
    return parsePolicy(JSON.parse(text));
  } catch (error) {
    if (error instanceof ZodError) fail(`invalid policy: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    fail(`invalid policy: ${(error as Error).message}`);
  }
}
