import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { mapColumns } from './contact-columns.ts';
import { LineWriter } from './line-writer.ts';
import { NumberSet } from './number-set.ts';
import { ParsedJobsWriter, type ParsedJob } from './parsed-jobs.ts';
import { normaliseNumber } from '../domain/phone-number.ts';
import { readRows, UnreadableFileError, type ContactFileFormat } from './row-reader.ts';

/**
 * Parses a contact file into the jobs it holds, streaming: accepted rows go to a
 * parsed-jobs file (src/files/parsed-jobs.ts: each row already the job it becomes,
 * copied into a group when the file is assigned), rejected rows straight to a CSV
 * error report with the row number (as the spreadsheet numbers it, header = 1)
 * and the reason. Memory holds one batch of rows and 16-32 bytes per distinct
 * phone number (NumberSet), whatever the file's size.
 */
export type RejectReason = 'InvalidNumber' | 'DuplicateInFile' | 'Blocked' | 'FieldTooLong';

/** Rows checked against the block list (and reported as progress) at a time. */
export const PARSE_BATCH = 1000;
/** Most data rows one file may hold. */
export const MAX_ROWS = 5_000_000;

const LIMITS = { name: 128, honorific: 64, referenceId: 128, extraValue: 4096 };

export interface ParseOutcome {
  rows: number;
  accepted: number;
  rejected: number;
  /** Extra columns in file order, for exports that mirror the upload. */
  extraKeys: string[];
}

export class ContactFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ParseOptions {
  source: string;
  format: ContactFileFormat;
  /** Where the parsed-jobs file goes. */
  parsedPath: string;
  reportPath: string;
  /** The id of the job a data row becomes (the same in every run of the parse: see fileJobIds). */
  jobId: (row: number) => string;
  /** A new contact id. */
  contactId: () => string;
  /** Which numbers of a batch are on the block list, as E.164. */
  blocked: (numbers: ReadonlyArray<{ dial: string; e164: string }>) => Promise<Set<string>>;
  /** Called after each batch with the data rows read so far; throwing (e.g. on shutdown) stops the parse. */
  progress: (handled: number) => Promise<void>;
}

export async function parseContactFile(options: ParseOptions): Promise<ParseOutcome> {
  await stat(options.source); // a missing file fails here, before any output exists
  await mkdir(dirname(options.parsedPath), { recursive: true });
  const accepted = await ParsedJobsWriter.create(options.parsedPath);
  const report = new LineWriter(options.reportPath);
  // UTF-8 with BOM so Excel opens the report's Chinese text correctly.
  await report.write('\uFEFF' + stringify([['RowNumber', 'Reason', 'PhoneNumber', 'Detail']]));
  const seen = new NumberSet();
  const outcome: ParseOutcome = { rows: 0, accepted: 0, rejected: 0, extraKeys: [] };
  let rowNumber = 0;
  let columns: ReturnType<typeof mapColumns>;
  let batch: Array<{ job: Omit<ParsedJob, 'seq'>; dial: string; e164: string }> = [];
  let rejects = '';

  const reject = (row: number, reason: RejectReason, phone: string, detail: string) => {
    outcome.rejected++;
    rejects += stringify([[row, reason, phone, detail]]);
  };

  const flush = async () => {
    const blocked = batch.length > 0 ? await options.blocked(batch) : undefined;
    const jobs: Array<Omit<ParsedJob, 'seq'>> = [];
    for (const item of batch) {
      if (blocked?.has(item.e164)) reject(item.job.row, 'Blocked', item.dial, 'the number is on the contact block list');
      else jobs.push(item.job);
    }
    outcome.accepted = accepted.append(jobs);
    if (rejects) await report.write(rejects);
    batch = [];
    rejects = '';
    await options.progress(outcome.rows);
  };

  try {
    for await (const rows of readRows(options.source, options.format)) {
      for (const cells of rows) {
        rowNumber++;
        if (!columns) {
          if (cells.every((cell) => !cell.trim())) continue; // blank lines above the header
          columns = mapColumns(cells);
          if (!columns) throw new ContactFileError('InvalidFile.NoPhoneColumn', `the header row (row ${rowNumber}) has no phone number column (e.g. "phoneNumber" or "手机号")`);
          outcome.extraKeys = columns.extras.map((extra) => extra.key);
          continue;
        }
        if (cells.every((cell) => !cell.trim())) continue;
        outcome.rows++;
        if (outcome.rows > MAX_ROWS) throw new ContactFileError('InvalidFile.TooManyRows', `the file holds more than ${MAX_ROWS} rows`);
        const raw = cellAt(cells, columns.phoneNumber);
        const number = normaliseNumber(raw);
        if (!number) {
          reject(rowNumber, 'InvalidNumber', raw, raw ? 'not a valid phone number' : 'the phone number is empty');
        } else if (seen.has(number.key)) {
          reject(rowNumber, 'DuplicateInFile', raw, 'the number appears on an earlier row');
        } else {
          const name = cellAt(cells, columns.name);
          const honorific = cellAt(cells, columns.honorific);
          const referenceId = cellAt(cells, columns.referenceId);
          const extras = extrasOf(cells, columns.extras);
          const tooLong = overLimit(name, honorific, referenceId, extras);
          if (tooLong) {
            reject(rowNumber, 'FieldTooLong', raw, `${tooLong} is too long`);
          } else {
            // Only numbers that may become jobs count as seen: a row rejected for its
            // fields does not make a later, valid row with the same number a duplicate.
            seen.add(number.key);
            // The contact as newJobRow (src/services/job-service.ts) builds it, keys in the same order.
            const contacts = JSON.stringify([{ id: options.contactId(), phoneNumber: number.dial, e164: number.e164, name, honorific, referenceId }]);
            const job = { row: rowNumber, id: options.jobId(rowNumber), referenceId, contacts, extras: JSON.stringify(extras) };
            batch.push({ job, dial: number.dial, e164: number.e164 });
          }
        }
      }
      if (batch.length >= PARSE_BATCH || rejects.length > 64 * 1024) await flush();
    }
    await flush();
    if (!columns) throw new ContactFileError('InvalidFile.Empty', 'the file has no header row');
    await accepted.close();
    await report.close();
    return outcome;
  } catch (error) {
    await accepted.discard();
    report.destroy();
    if (error instanceof UnreadableFileError) throw new ContactFileError(error.code, error.message);
    throw error;
  }
}

function cellAt(cells: readonly string[], index: number): string {
  return index >= 0 ? (cells[index] ?? '').trim() : '';
}

function extrasOf(cells: readonly string[], columns: ReadonlyArray<{ index: number; key: string }>): Array<{ key: string; value: string }> {
  const extras: Array<{ key: string; value: string }> = [];
  for (const { index, key } of columns) {
    const value = cellAt(cells, index);
    if (value !== '') extras.push({ key, value });
  }
  return extras;
}

/** The first field over its AssignJobs limit, if any. */
function overLimit(name: string, honorific: string, referenceId: string, extras: ReadonlyArray<{ key: string; value: string }>): string | undefined {
  if (name.length > LIMITS.name) return 'name';
  if (honorific.length > LIMITS.honorific) return 'honorific';
  if (referenceId.length > LIMITS.referenceId) return 'referenceId';
  for (const extra of extras) if (extra.value.length > LIMITS.extraValue) return extra.key;
  return undefined;
}
