import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { ManualClock } from '../../src/engine/clock.ts';
import { backendMigrations as loadMigrations, migrate } from '../../src/store/postgres/migrate.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { parseDatabaseUrl } from '../../src/store/postgres/database-url.ts';
import { copyLine } from '../../src/store/postgres/copy-jobs.ts';
import { UnstorableValueError } from '../../src/store/errors.ts';
import { dropSchema, newSchemaName, schemaUrl, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { runStoreContract, type OpenedStore } from './store-contract.ts';
import { runCallTaskStoreContract } from './store-contract-call-tasks.ts';
import { runJobStoreContract } from './store-contract-jobs.ts';
import { runTaskSearchStoreContract } from './store-contract-task-search.ts';
import { runPolicyStoreContract } from './store-contract-policy.ts';
import { runFileStoreContract } from './file-store-contract.ts';
import { runDialogStoreContract } from './dialog-store-contract.ts';
import { runNumberStoreContract } from './number-store-contract.ts';

const T0 = 1_760_000_000_000;

/** An empty store in a schema of its own, dropped by cleanup. */
async function openEmptyStore(): Promise<OpenedStore> {
  const schema = newSchemaName('store');
  const store = await openPostgresStore(schemaUrl(schema), new ManualClock(T0), { poolSize: 4 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

runStoreContract('PostgreSQL', openEmptyStore);
runJobStoreContract('PostgreSQL', openEmptyStore);
runTaskSearchStoreContract('PostgreSQL', openEmptyStore);
runPolicyStoreContract('PostgreSQL', openEmptyStore);
runCallTaskStoreContract('PostgreSQL', openEmptyStore);
runFileStoreContract('PostgreSQL', openEmptyStore);
runDialogStoreContract('PostgreSQL', openEmptyStore);
runNumberStoreContract('PostgreSQL', openEmptyStore);

async function recorded(store: PostgresStore): Promise<Array<{ version: number; name: string; applied_at: number }>> {
  return (await store.pool.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).rows;
}

describe('openPostgresStore', () => {
  it('refuses a pool too small for an engine round', async () => {
    await assert.rejects(openPostgresStore(schemaUrl(newSchemaName('pool')), new ManualClock(T0), { poolSize: 1 }), /at least 2 connections, not 1/);
  });

  it('several stores opening the same fresh schema at once apply each migration exactly once', async () => {
    const schema = newSchemaName('migrate');
    const stores = await Promise.all(
      Array.from({ length: 6 }, (_, i) => openPostgresStore(schemaUrl(schema), new ManualClock(T0 + i), { poolSize: 2 })),
    );
    try {
      const expected = loadMigrations().map(({ version, name }) => ({ version, name }));
      assert.ok(expected.length >= 3, 'the migrations directory is found');
      for (const store of stores) {
        assert.deepStrictEqual((await recorded(store)).map(({ version, name }) => ({ version, name })), expected);
      }
      const times = new Set((await recorded(stores[0]!)).map((row) => Number(row.applied_at)));
      assert.equal(times.size, 1, 'one store applied them all, in one transaction');
      // Every store works on the same tables.
      await stores[0]!.setSetting('k', 'v');
      assert.equal(await stores[5]!.getSetting('k'), 'v');
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await dropSchema(schema);
    }
  });

  it('reopening a migrated schema applies nothing and keeps its rows', async () => {
    const schema = newSchemaName('reopen');
    try {
      const first = await openPostgresStore(schemaUrl(schema), new ManualClock(T0));
      await first.insertAccount({ id: 'account-1', uid: 1_200_000_000_000_001, name: 'acme', createdAt: T0 });
      const before = await recorded(first);
      await first.close();
      const second = await openPostgresStore(schemaUrl(schema), new ManualClock(T0 + 60_000));
      try {
        assert.deepStrictEqual(await recorded(second), before);
        assert.deepStrictEqual(await second.findAccount('account-1'), { id: 'account-1', uid: 1_200_000_000_000_001, name: 'acme', createdAt: T0 });
      } finally {
        await second.close();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it('migration 000011 counts the calls answered before it in the call report it keeps', async () => {
    const schema = newSchemaName('calls');
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      // A schema as the release before it left it: migrations up to 000010, calls settled.
      await migrate(client, schema, T0, loadMigrations().filter(({ version }) => version < 11));
      await client.query(`SET search_path TO ${schema}`);
      await client.query('SET session_replication_role = replica'); // a group and its calls alone, without the rows they belong to
      await client.query(`INSERT INTO job_groups (id, instance_id, name, description, script_id, scenario_id, strategy, recall_strategy,
          calling_numbers, recall_calling_numbers, priority, ringing_duration, min_concurrency, job_file_path,
          job_data_parsing_task_id, status, created_at, modified_at)
        VALUES ('g', 'i', 'g', '', '', '', '{}', '{}', '[]', '[]', 'Daily', 25, 0, '', '', 'Completed', 0, 0)`);
      await client.query(`INSERT INTO job_group_counters (job_group_id) VALUES ('g')`);
      const said = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ speaker: 'Contact', text: '嗯', timestamp: 0 })));
      for (const [id, status, talkMs, endReason, conversation] of [
        ['t1', 'SucceededFinish', 5_000, 'FINISHED', said(1)],
        ['t2', 'SucceededFinish', 45_000, 'CLIENT_HANGUP', said(3)],
        ['t3', 'NoAnswer', 0, '', '[]'],
      ] as const) {
        await client.query(
          `INSERT INTO tasks (id, job_id, job_group_id, instance_id, attempt, status, calling_number, called_number, contact,
              planned_time, actual_time, lease_expires_at, talk_ms, end_reason, conversation)
            VALUES ($1, $1, 'g', 'i', 1, $2, '0571', '13800000000', '{}', 0, 0, 0, $3, $4, $5)`,
          [id, status, talkMs, endReason, conversation],
        );
      }
    } finally {
      await client.end();
    }
    const store = await openPostgresStore(schemaUrl(schema), new ManualClock(T0));
    try {
      const report = await store.groupCallReport('g');
      assert.deepStrictEqual(report, {
        answered: 2,
        talkMs: 50_000,
        maxTalkMs: 45_000,
        durationBuckets: { '0-10': 1, '30-60': 1 },
        turnBuckets: { '1': 1, '3': 1 },
      });
      assert.deepStrictEqual(await store.recountCallReport('g'), report);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('migration 000012 keys the block-list entries written before it, so each stops its number in every form', async () => {
    const schema = newSchemaName('keys');
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      // A schema as the release before it left it: migrations up to 000011, numbers listed as users wrote them.
      await migrate(client, schema, T0, loadMigrations().filter(({ version }) => version < 12));
      await client.query(`SET search_path TO ${schema}`);
      await client.query('SET session_replication_role = replica'); // entries alone, without their instance
      for (const [id, number] of [['b1', '+8613900139000'], ['b2', '13800138000'], ['b3', '12345']]) {
        await client.query(`INSERT INTO contact_block_list (id, instance_id, phone_number, name, remark, creator, created_at)
          VALUES ($1, 'i', $2, '', '', '', 0)`, [id, number]);
      }
    } finally {
      await client.end();
    }
    const store = await openPostgresStore(schemaUrl(schema), new ManualClock(T0));
    try {
      assert.deepStrictEqual(
        await store.dialog.blockedNumbers('i', ['+8613900139000', '+8613800138000', '12345', '+8613700137000']),
        new Set(['+8613900139000', '+8613800138000', '12345']),
      );
      const listed = await store.dialog.listBlockedNumbers('i', undefined, { pageNumber: 1, pageSize: 10 });
      assert.deepStrictEqual(listed.items.map((row) => row.phoneNumber).sort(), ['12345', '13800138000', '+8613900139000'].sort(), 'kept as written');
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('keeps each schema apart: rows of one are not seen from another', async () => {
    const a = newSchemaName('a');
    const b = newSchemaName('b');
    const storeA = await openPostgresStore(schemaUrl(a), new ManualClock(T0));
    const storeB = await openPostgresStore(schemaUrl(b), new ManualClock(T0));
    try {
      await storeA.setSetting('only', 'a');
      assert.equal(await storeB.getSetting('only'), undefined);
    } finally {
      await storeA.close();
      await storeB.close();
      await dropSchema(a);
      await dropSchema(b);
    }
  });

  it('fails loudly when the server cannot be reached', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.port = '1';
    await assert.rejects(openPostgresStore(url.toString(), new ManualClock(T0)));
  });

  it('refuses a schema name that is not a plain identifier', () => {
    assert.throws(() => parseDatabaseUrl('postgres://u@h/db?schema=a;drop'), /plain identifier/);
    assert.deepStrictEqual(parseDatabaseUrl('postgres://u@h:5432/db?schema=s1&sslmode=disable'), {
      connectionString: 'postgres://u@h:5432/db?sslmode=disable',
      schema: 's1',
      connectTimeoutMs: 10_000,
    });
    assert.equal(parseDatabaseUrl('postgres://u@h/db?connect_timeout=3').connectTimeoutMs, 3000);
    for (const bad of ['0', '-1', '2.5', 'soon']) assert.throws(() => parseDatabaseUrl(`postgres://u@h/db?connect_timeout=${bad}`), /connect_timeout/, bad);
    assert.equal(parseDatabaseUrl('postgres://u@h/db').schema, 'public');
  });
});

describe('values PostgreSQL cannot hold', () => {
  it('a NUL character in text is the store\'s UnstorableValueError, and nothing is written', async () => {
    const { store, cleanup } = await openEmptyStore();
    try {
      await assert.rejects(store.setSetting('k', 'a\u0000b'), (error: unknown) => error instanceof UnstorableValueError && /U\+0000/.test((error as Error).message));
      assert.equal(await store.getSetting('k'), undefined);
    } finally {
      await cleanup();
    }
  });
});

describe('copyLine', () => {
  it('escapes what COPY text format treats specially, and the database reads it back unchanged', async () => {
    const tricky = 'tab\there\nnew\\line\r"quoted" \\N';
    assert.equal(copyLine(['a', null, 3]), 'a\t\\N\t3\n');
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { from } = await import('pg-copy-streams');
      await client.query('CREATE TEMP TABLE copy_probe (a text, b text, c bigint)');
      const stream = client.query(from('COPY copy_probe FROM STDIN'));
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve).on('error', reject);
        stream.end(copyLine([tricky, null, T0]));
      });
      const { rows } = await client.query('SELECT a, b, c::text FROM copy_probe');
      assert.deepStrictEqual(rows, [{ a: tricky, b: null, c: String(T0) }]);
    } finally {
      await client.end();
    }
  });
});
