import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { normaliseNumber, NOT_A_PHONE_NUMBER } from '../domain/phone-number.ts';

/**
 * A scenario's contacts file: CSV with a header row and a `phoneNumber` column,
 * optionally `name`, `honorific` and `referenceId` (header names match
 * case-insensitively; other columns are ignored). One job per row. Rows are
 * streamed, so a file of a million contacts is never held in memory.
 */
export interface ContactRecord {
  /** The record's line in the file (1 is the header). */
  line: number;
  phoneNumber: string;
  /** Its canonical form (src/domain/phone-number.ts). */
  e164: string;
  name?: string;
  honorific?: string;
  referenceId?: string;
}

export class ContactsFileError extends Error {}

const KNOWN_COLUMNS = ['phoneNumber', 'name', 'honorific', 'referenceId'] as const;

export async function* readContacts(path: string): AsyncGenerator<ContactRecord> {
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      columns: (header: string[]) =>
        header.map((name) => KNOWN_COLUMNS.find((known) => known.toLowerCase() === name.trim().toLowerCase()) ?? name),
    }),
  );
  try {
    for await (const { info, record } of parser as AsyncIterable<{ info: { lines: number }; record: Record<string, string> }>) {
      if (!('phoneNumber' in record)) throw new ContactsFileError('the header has no phoneNumber column');
      const phoneNumber = record.phoneNumber!;
      const number = normaliseNumber(phoneNumber);
      if (!number) throw new ContactsFileError(`line ${info.lines}: phoneNumber ${JSON.stringify(phoneNumber)} is ${NOT_A_PHONE_NUMBER}`);
      yield {
        line: info.lines,
        phoneNumber,
        e164: number.e164,
        name: record.name || undefined,
        honorific: record.honorific || undefined,
        referenceId: record.referenceId || undefined,
      };
    }
  } catch (error) {
    if (error instanceof ContactsFileError) throw error;
    throw new ContactsFileError((error as Error).message);
  } finally {
    parser.destroy();
  }
}

/** Reads the whole file once, checking every row; returns the number of contacts. */
export async function countContacts(path: string): Promise<number> {
  let count = 0;
  for await (const _ of readContacts(path)) count++;
  if (count === 0) throw new ContactsFileError('the file has no contacts');
  return count;
}
