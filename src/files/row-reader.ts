import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/**
 * Reads a contact file row by row, streaming: `.csv` through csv-parse (UTF-8
 * with or without BOM, UTF-16 with BOM, or GB18030 as Chinese Excel saves it),
 * `.xlsx` through exceljs' streaming WorkbookReader (first worksheet only; the
 * workbook is never loaded whole). Each row is an array of cell texts; the first
 * row is the header.
 */
export type ContactFileFormat = 'csv' | 'xlsx';

export class UnreadableFileError extends Error {
  constructor(
    readonly code: 'InvalidFile.Corrupt' | 'InvalidFile.Encoding',
    message: string,
  ) {
    super(message);
  }
}

export function formatOf(key: string): ContactFileFormat | undefined {
  const lower = key.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return undefined;
}

/** Rows handed over at a time: one promise per batch instead of per row. */
const ROW_BATCH = 1000;

/** The file's rows, in batches of up to ROW_BATCH. */
export function readRows(path: string, format: ContactFileFormat): AsyncGenerator<string[][]> {
  return format === 'csv' ? readCsv(path) : readXlsx(path);
}

/** How many bytes are sniffed to tell UTF-8 from GB18030. */
const SNIFF_BYTES = 64 * 1024;

async function detectEncoding(path: string): Promise<'utf8' | 'utf16le' | 'utf16be' | 'gb18030'> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
    if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
    if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
    // A cut multi-byte character at the end of the sample is not evidence: drop up to 3 bytes.
    for (let cut = 0; cut <= 3 && cut <= head.length; cut++) {
      if (cut > 0 && bytesRead < SNIFF_BYTES) break;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
        return 'utf8';
      } catch {
        // try a shorter sample, then fall back to GB18030
      }
    }
    return 'gb18030';
  } finally {
    await handle.close();
  }
}

async function* readCsv(path: string): AsyncGenerator<string[][]> {
  const encoding = await detectEncoding(path);
  const file = createReadStream(path);
  const source: Readable = encoding === 'utf8' ? file : (file.pipe(iconv.decodeStream(encoding, { stripBOM: true })) as unknown as Readable);
  const parser = source.pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: 1024 * 1024 }),
  );
  file.on('error', (error) => parser.destroy(error));
  source.on('error', (error) => parser.destroy(error));
  try {
    // Drain what the parser holds on each 'readable' in one go (an async iterator
    // would cost a promise per row).
    let failure: Error | undefined;
    let ended = false;
    let wake: (() => void) | undefined;
    parser.on('readable', () => wake?.());
    parser.on('end', () => ((ended = true), wake?.()));
    parser.on('error', (error) => ((failure = error), wake?.()));
    for (;;) {
      const batch: string[][] = [];
      let record: string[] | null;
      while (batch.length < ROW_BATCH && (record = parser.read() as string[] | null) !== null) batch.push(record);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } catch (error) {
    throw new UnreadableFileError('InvalidFile.Corrupt', `the CSV cannot be read: ${(error as Error).message}`);
  } finally {
    parser.destroy();
    file.destroy();
  }
}

async function* readXlsx(path: string): AsyncGenerator<string[][]> {
  // exceljs takes a noticeable while to load: only a process that reads an xlsx pays for it.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(createReadStream(path), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  let rows: AsyncGenerator<string[][]> | undefined;
  try {
    for await (const worksheet of reader) {
      rows = worksheetRows(worksheet);
      break;
    }
  } catch (error) {
    throw new UnreadableFileError('InvalidFile.Corrupt', `the workbook cannot be read: ${(error as Error).message}`);
  }
  if (!rows) throw new UnreadableFileError('InvalidFile.Corrupt', 'the workbook has no worksheet');
  try {
    yield* rows;
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError('InvalidFile.Corrupt', `the workbook cannot be read: ${(error as Error).message}`);
  }
}

/** The worksheet's rows in batches of up to ROW_BATCH (one promise per batch for the parser). */
async function* worksheetRows(worksheet: AsyncIterable<ExcelJS.Row>): AsyncGenerator<string[][]> {
  let expected = 1;
  let batch: string[][] = [];
  for await (const row of worksheet) {
    // Blank rows are absent from the sheet: keep row numbers true to what Excel shows.
    for (; expected < row.number; expected++) batch.push([]);
    expected = row.number + 1;
    const values = row.values as unknown[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
    batch.push(cells);
    if (batch.length >= ROW_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** A cell as text: numbers without exponent, dates as ISO, rich text joined, formulas by their result. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((part) => part.text).join('');
    if ('result' in v) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error) return '';
  }
  return String(value);
}
