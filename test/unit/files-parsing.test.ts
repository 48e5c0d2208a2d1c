import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { mapColumns } from '../../src/files/contact-columns.ts';
import { ContactFileError, parseContactFile } from '../../src/files/contact-parser.ts';
import { checkKey, pathOfKey, UnsafeKeyError } from '../../src/files/data-paths.ts';
import { escapeCell, openRowWriter } from '../../src/files/export-writer.ts';
import { readParsedJobs } from '../../src/files/parsed-jobs.ts';
import { normaliseNumber } from '../../src/domain/phone-number.ts';
import type { ContactFileFormat } from '../../src/files/row-reader.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outboundbot-files-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function parse(content: Buffer | string, format: ContactFileFormat, blocked: string[] = []) {
  const base = join(dir, `case-${++n}`);
  await writeFile(`${base}.${format}`, content);
  let contacts = 0;
  const outcome = await parseContactFile({
    source: `${base}.${format}`,
    format,
    parsedPath: `${base}/parsed-jobs.sqlite`,
    reportPath: `${base}/rejected.csv`,
    jobId: (row) => `job-${row}`,
    contactId: () => `contact-${++contacts}`,
    blocked: async (numbers) => new Set(numbers.filter((x) => blocked.includes(x.e164)).map((x) => x.e164)),
    progress: async () => {},
  });
  const jobs = readParsedJobs(`${base}/parsed-jobs.sqlite`, 0, 1000).map((job) => ({
    row: job.row,
    id: job.id,
    referenceId: job.referenceId,
    contacts: JSON.parse(job.contacts) as Array<{ id: string; phoneNumber: string; name: string; honorific: string; referenceId: string }>,
    extras: JSON.parse(job.extras) as Array<{ key: string; value: string }>,
  }));
  const report = (await readFile(`${base}/rejected.csv`, 'utf8')).replace(/^\uFEFF/, '').trim().split('\n').slice(1);
  return { outcome, jobs, report };
}

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('contacts');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const CSV = '手机号,姓名,称呼,编号,金额\n13800138000,张三,先生,A1,100\n+86 139 0013 9000,李四,女士,A2,200\n';

describe('parseContactFile', () => {
  it('maps Chinese headers to contact fields and keeps other columns as extras', async () => {
    const { outcome, jobs } = await parse(CSV, 'csv');
    assert.deepEqual({ rows: outcome.rows, accepted: outcome.accepted, rejected: outcome.rejected, extras: outcome.extraKeys }, { rows: 2, accepted: 2, rejected: 0, extras: ['金额'] });
    assert.deepEqual(jobs[0], {
      row: 2,
      id: 'job-2',
      referenceId: 'A1',
      contacts: [{ id: 'contact-1', phoneNumber: '13800138000', e164: '+8613800138000', name: '张三', honorific: '先生', referenceId: 'A1' }],
      extras: [{ key: '金额', value: '100' }],
    });
    assert.equal(jobs[1]!.contacts[0]!.phoneNumber, '13900139000', 'normalised to the national form');
  });

  it('reads UTF-8 with a BOM and GB18030 (Chinese Excel) alike', async () => {
    const plain = await parse(CSV, 'csv');
    const bom = await parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV)]), 'csv');
    const gb = await parse(iconv.encode(CSV, 'gb18030'), 'csv');
    assert.deepEqual(bom.jobs, plain.jobs);
    assert.deepEqual(gb.jobs, plain.jobs);
  });

  it('reads the first worksheet of an xlsx, numbers in numeric cells included', async () => {
    const file = await xlsx([
      ['phoneNumber', 'name', 'referenceId', 'plan'],
      [13800138000, 'Zhang', 'r1', 'gold'],
      [],
      ['19900000001', { richText: [{ text: 'Li' }, { text: ' Si' }] }, 'r2', ''],
    ]);
    const { outcome, jobs } = await parse(file, 'xlsx');
    assert.equal(outcome.accepted, 2);
    assert.deepEqual(
      jobs.map((j) => [j.row, j.contacts[0]!.phoneNumber, j.contacts[0]!.name, j.extras]),
      [
        [2, '13800138000', 'Zhang', [{ key: 'plan', value: 'gold' }]],
        [4, '19900000001', 'Li Si', []],
      ],
    );
  });

  it('rejects rows one by one with the spreadsheet row number and reason', async () => {
    const csv = 'phone,name\n13800138000,a\n12345,b\n,c\n+86 138-0013-8000,d\n19900000001,e\n';
    const { outcome, jobs, report } = await parse(csv, 'csv', ['+8619900000001']);
    assert.deepEqual([outcome.accepted, outcome.rejected], [1, 4]);
    assert.deepEqual(jobs.map((j) => j.row), [2]);
    assert.deepEqual(
      report.map((line) => line.split(',').slice(0, 2)),
      [
        ['3', 'InvalidNumber'],
        ['4', 'InvalidNumber'],
        ['5', 'DuplicateInFile'],
        ['6', 'Blocked'],
      ],
    );
  });

  it('counts a number as seen only once a row with it is accepted: a row rejected for its fields makes no duplicate', async () => {
    const csv = `phone,name\n13800138000,${'x'.repeat(129)}\n13800138000,ok\n13800138000,again\n`;
    const { outcome, jobs, report } = await parse(csv, 'csv');
    assert.deepEqual(jobs.map((j) => [j.row, j.contacts[0]!.name]), [[3, 'ok']]);
    assert.deepEqual(report.map((line) => line.split(',').slice(0, 2)), [['2', 'FieldTooLong'], ['4', 'DuplicateInFile']]);
    assert.equal(outcome.rejected, 2);
  });

  it('fails a file whose header has no phone column, naming the row', async () => {
    await assert.rejects(parse('name,amount\nZhang,1\n', 'csv'), (error: unknown) => error instanceof ContactFileError && error.code === 'InvalidFile.NoPhoneColumn');
  });

  it('fails a corrupt workbook with a clear code instead of crashing', async () => {
    await assert.rejects(parse(Buffer.from('PK\u0003\u0004 this is not really a zip file at all'), 'xlsx'), (error: unknown) => error instanceof ContactFileError && error.code === 'InvalidFile.Corrupt');
    await assert.rejects(parse(Buffer.from('plain text pretending'), 'xlsx'), (error: unknown) => error instanceof ContactFileError && error.code === 'InvalidFile.Corrupt');
  });
});

describe('contact columns and numbers', () => {
  it('finds the phone column by any usual name and refuses a header without one', () => {
    assert.equal(mapColumns(['Name', 'Mobile Phone'])?.phoneNumber, 1);
    assert.equal(mapColumns(['姓名', '电话号码'])?.phoneNumber, 1);
    assert.equal(mapColumns(['name', 'amount']), undefined);
  });

  it('validates numbers with libphonenumber metadata, not a digit count', () => {
    assert.equal(normaliseNumber('13800138000')?.e164, '+8613800138000');
    assert.equal(normaliseNumber('+1 415 555 2671')?.dial, '+14155552671');
    assert.equal(normaliseNumber('+1 555 0100'), undefined, 'too short for its country');
    assert.equal(normaliseNumber('99'), undefined);
    assert.equal(normaliseNumber('not a number'), undefined);
  });
});

describe('exports and paths', () => {
  it('escapes cells a spreadsheet would read as formulas', () => {
    assert.deepEqual(['=1+1', '+86', '-2', '@SUM(A1)', '\tx', 'plain'].map(escapeCell), ["'=1+1", "'+86", "'-2", "'@SUM(A1)", "'\tx", 'plain']);
  });

  it('writes escaped CSV rows with a BOM', async () => {
    const path = join(dir, 'export.csv');
    const writer = await openRowWriter(path, 'csv', ['a', 'b']);
    await writer.write(['=HYPERLINK("http://x")', 3]);
    await writer.close();
    assert.equal(await readFile(path, 'utf8'), '\uFEFFa,b\n"\'=HYPERLINK(""http://x"")",3\n');
  });

  it('refuses keys that would leave the data dir', () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', 'a//b', './a', 'C:/x', 'a/\u0000']) {
      assert.throws(() => checkKey(key), UnsafeKeyError, key);
    }
    assert.equal(pathOfKey('/data', 'UPLOADED/JOB/i/f.csv'), '/data/files/UPLOADED/JOB/i/f.csv');
  });
});
