import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import pino from 'pino';
import { createIdGenerator } from '../../src/domain/ids.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { readParsedJobs } from '../../src/files/parsed-jobs.ts';
import { pathOfKey } from '../../src/files/data-paths.ts';
import { TaskRunner } from '../../src/files/task-runner.ts';
import { ASSIGN_BATCH } from '../../src/services/files/assign-task.ts';
import { fileJobId } from '../../src/services/files/parse-task.ts';
import { newJobRow } from '../../src/services/job-service.ts';
import { createServices } from '../../src/services/services.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const START = Date.parse('2026-12-01T00:00:00Z');

/** A fresh task queue over the data dir, as a server builds one at each start. */
const fileSettings = (dataDir: string, logger: pino.Logger) => ({ tasks: new TaskRunner(logger), dataDir, baseUrl: () => 'http://127.0.0.1:1', logger });

/**
 * A data dir with a store and started file services, a tenant, a group, and a
 * contact file of `rows` valid numbers uploaded and parsed.
 */
async function parsedFileIn(dir: string, rows: number, rescanMs?: number) {
  const csv = join(dir, 'source.csv');
  await writeFile(csv, ['phone,name', ...Array.from({ length: rows }, (_, i) => `${13800000000 + i},n${i}`)].join('\n'));
  const clock = new ManualClock(START);
  const store = openSqliteStore(dir, clock);
  const logger = pino({ level: 'silent' });
  const services = createServices({ store, clock, ids: createIdGenerator(clock) }, fileSettings(dir, logger));
  await services.fileTasks.start({ rescanMs });
  const { account, key } = await services.accessKeys.createAccount('t');
  const instance = await services.instances.create({ accountId: account.id, accessKeyId: key.id }, { name: 'i', maxConcurrentConversation: 1 });
  const group = (await services.jobGroups.create(account.id, instance.id, { name: 'g' })).group;
  const upload = await services.uploads.uploadParams(account.id, instance.id, 'c.csv');
  await mkdir(dirname(pathOfKey(dir, upload.Folder)), { recursive: true });
  await copyFile(csv, pathOfKey(dir, upload.Folder));
  const taskId = await services.parsing.create(account.id, instance.id, upload.Folder);
  await services.fileTasks.idle();
  return { clock, store, logger, services, account, instance, group, taskId };
}

it('a resumed assignment skips the batch a crashed run committed but did not record: no job twice', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-assign-resume-'));
  try {
    const rows = ASSIGN_BATCH + 1500;
    const { clock, store, logger, account, instance, group, taskId, services: first } = await parsedFileIn(dir, rows);
    let services = first;
    const parsed = (await services.parsing.describe(account.id, instance.id, taskId)).task;
    assert.equal(parsed.accepted, rows);

    // The state a crash leaves: claimed, the first batch committed, its progress not recorded.
    await services.fileTasks.stop();
    assert.equal(await store.files.claimAssignment(taskId, group.id, [], clock.now()), true);
    const claimed = (await store.files.findTask(account.id, taskId))!;
    const ids = createIdGenerator(clock);
    const firstBatch = readParsedJobs(pathOfKey(dir, parsed.resultPath), 0, ASSIGN_BATCH).map((job) => {
      assert.equal(job.id, fileJobId(taskId, claimed.createdAt, job.row), 'job ids are derived from the task and row');
      const contacts = JSON.parse(job.contacts) as Array<{ phoneNumber: string }>;
      return { ...newJobRow(ids, instance.id, group.id, { referenceId: job.referenceId, contacts, extras: JSON.parse(job.extras) }, [], '', clock.now()), id: job.id };
    });
    await store.insertJobs(group.id, firstBatch, clock.now());

    // The next start resumes it.
    services = createServices({ store, clock, ids: createIdGenerator(clock) }, fileSettings(dir, logger));
    await services.fileTasks.start();
    await services.fileTasks.idle();
    const done = (await store.files.findTask(account.id, taskId))!;
    assert.deepEqual([done.assignStatus, done.assigned], ['Finished', rows]);
    assert.equal((await store.storedCounters(group.id))?.totalJobs, rows);
    assert.equal((await store.recountGroup(group.id)).totalJobs, rows);
    await services.fileTasks.stop();
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('with rescans on, a running server takes up an assignment that another node claimed and left', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-assign-rescan-'));
  try {
    const rows = 300;
    const { clock, store, services, account, group, taskId } = await parsedFileIn(dir, rows, 50);

    // Another node claimed the assignment and died before starting it: nothing here queued it.
    assert.equal(await store.files.claimAssignment(taskId, group.id, [], clock.now()), true);
    let done = (await store.files.findTask(account.id, taskId))!;
    for (let waited = 0; done.assignStatus !== 'Finished' && waited < 5_000; waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      done = (await store.files.findTask(account.id, taskId))!;
    }
    assert.deepEqual([done.assignStatus, done.assigned], ['Finished', rows], 'a rescan found it and assigned it');
    assert.equal((await store.recountGroup(group.id)).totalJobs, rows);
    await services.fileTasks.stop();
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
