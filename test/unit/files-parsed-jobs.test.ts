import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ParsedJobsWriter, readParsedJobs } from '../../src/files/parsed-jobs.ts';

it('keeps every appended job in file order, numbered 1, 2, 3 ... across batches of any size', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-parsed-jobs-'));
  try {
    const path = join(dir, 'parsed-jobs.sqlite');
    const jobs = Array.from({ length: 123 }, (_, i) => ({
      row: i + 2,
      id: `job-${i}`,
      referenceId: `ref-${i}`,
      contacts: JSON.stringify([{ id: `c-${i}`, phoneNumber: String(13800000000 + i), name: '', honorific: '', referenceId: '' }]),
      extras: '[]',
    }));
    const writer = await ParsedJobsWriter.create(path);
    // 60 = one block of rows per INSERT plus 10 single rows; 63 another block plus 13.
    assert.equal(writer.append(jobs.slice(0, 60)), 60);
    assert.equal(writer.append([]), 60);
    assert.equal(writer.append(jobs.slice(60)), 123);
    await writer.close();
    const read = [...readParsedJobs(path, 0, 100), ...readParsedJobs(path, 100, 100)];
    assert.deepEqual(read.map((job) => job.seq), Array.from({ length: 123 }, (_, i) => i + 1));
    assert.deepEqual(read.map(({ seq: _seq, ...job }) => job), jobs);
    assert.deepEqual(readParsedJobs(path, 123, 100), []);

    // A parse that starts over replaces the file.
    const again = await ParsedJobsWriter.create(path);
    assert.equal(again.append(jobs.slice(0, 1)), 1);
    await again.close();
    assert.equal(readParsedJobs(path, 0, 1000).length, 1);
    const discarded = await ParsedJobsWriter.create(path);
    await discarded.discard();
    await assert.rejects(stat(path));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
