import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { mapColumns, normaliseNumber } from './contact-columns.ts';
import { LineWriter } from './line-writer.ts';
import { readRows, UnreadableFileError, type ContactFileFormat } from './row-reader.ts';

/**
 * Parses a contact file into the jobs it holds, streaming: accepted rows go to an
 * NDJSON file (one AssignJobs-style job per line, read back in batches when the
 * file is assigned to a group), rejected rows to a CSV error report with the row
 * number (as the spreadsheet numbers it, header = 1) and the reason. Memory holds
 * one batch of rows and one number (a double) per distinct phone number.
 */
export type RejectReason = 'InvalidNumber' | 'DuplicateInFile' | 'Blocked' | 'FieldTooLong';

/** Rows checked against the block list (and reported as progress) at a time. */
export const PARSE_BATCH = 2000;
/** Most data rows one file may hold. */
export const MAX_ROWS = 5_000_000;

const LIMITS = { name: 128, honorific: 64, referenceId: 128, extraValue: 4096 };

export interface ParsedJob {
  row: number;
  referenceId: string;
  contacts: Array<{ phoneNumber: string; name: string; honorific: string; referenceId: string }>;
  extras: Array<{ key: string; value: string }>;
}

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
  acceptedPath: string;
  reportPath: string;
  /** Which numbers of a batch are on the block list, as E.164. */
  blocked: (numbers: ReadonlyArray<{ dial: string; e164: string }>) => Promise<Set<string>>;
  /** Called after each batch with the data rows read so far; throwing (e.g. on shutdown) stops the parse. */
  progress: (handled: number) => Promise<void>;
}

export async function parseContactFile(options: ParseOptions): Promise<ParseOutcome> {
  await stat(options.source); // a missing file fails here, before any output exists
  await mkdir(dirname(options.acceptedPath), { recursive: true });
  const accepted = new LineWriter(options.acceptedPath);
  const report = new LineWriter(options.reportPath);
  // UTF-8 with BOM so Excel opens the report's Chinese text correctly.
  await report.write('\uFEFF' + stringify([['RowNumber', 'Reason', 'PhoneNumber', 'Detail']]));
  const seen = new Set<number>();
  const outcome: ParseOutcome = { rows: 0, accepted: 0, rejected: 0, extraKeys: [] };
  let rowNumber = 0;
  let columns: ReturnType<typeof mapColumns>;
  let batch: Array<{ row: number; job: ParsedJob; dial: string; e164: string }> = [];
  let rejects: string[] = [];

  const reject = (row: number, reason: RejectReason, phone: string, detail: string) => {
    outcome.rejected++;
    rejects.push(stringify([[row, reason, phone, detail]]));
  };

  const flush = async () => {
    const blocked = batch.length > 0 ? await options.blocked(batch) : new Set<string>();
    let lines = '';
    for (const item of batch) {
      if (blocked.has(item.e164)) {
        reject(item.row, 'Blocked', item.job.contacts[0]!.phoneNumber, 'the number is on the contact block list');
        continue;
      }
      outcome.accepted++;
      lines += JSON.stringify(item.job) + '\n';
    }
    if (lines) await accepted.write(lines);
    if (rejects.length) await report.write(rejects.join(''));
    batch = [];
    rejects = [];
    await options.progress(outcome.rows);
  };

  try {
    for await (const rows of readRows(options.source, options.format)) for (const cells of rows) {
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
        seen.add(number.key);
        const name = cellAt(cells, columns.name);
        const honorific = cellAt(cells, columns.honorific);
        const referenceId = cellAt(cells, columns.referenceId);
        const extras = extrasOf(cells, columns.extras);
        const tooLong = overLimit(name, honorific, referenceId, extras);
        if (tooLong) {
          reject(rowNumber, 'FieldTooLong', raw, `${tooLong} is too long`);
        } else {
          const job: ParsedJob = { row: rowNumber, referenceId, contacts: [{ phoneNumber: number.dial, name, honorific, referenceId }], extras };
          batch.push({ row: rowNumber, job, dial: number.dial, e164: number.e164 });
        }
      }
      if (batch.length + rejects.length >= PARSE_BATCH) await flush();
    }
    await flush();
    if (!columns) throw new ContactFileError('InvalidFile.Empty', 'the file has no header row');
    await accepted.close();
    await report.close();
    return outcome;
  } catch (error) {
    accepted.destroy();
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
