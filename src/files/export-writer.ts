import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';

/**
 * Writes an export row by row, streaming, as `.csv` (UTF-8 with BOM, so Excel
 * reads Chinese text) or `.xlsx` (exceljs' streaming WorkbookWriter: each row is
 * committed and leaves memory). Every text cell that a spreadsheet would read as a
 * formula (starting with = + - @, or a tab or carriage return) is prefixed with
 * a quote: OWASP's advice against CSV/formula injection.
 */
export type ExportFormat = 'csv' | 'xlsx';

/** Most sheet XML (bytes) let wait for the zip before rows are held back. */
const XLSX_BACKLOG = 4 * 1024 * 1024;
/** A zip that takes nothing for this long has failed: the export fails instead of hanging. */
const XLSX_STALL_MS = 60_000;

export function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface RowWriter {
  write(cells: Array<string | number>): Promise<void>;
  close(): Promise<void>;
  abort(): void;
}

export async function openRowWriter(path: string, format: ExportFormat, header: readonly string[]): Promise<RowWriter> {
  const writer = format === 'csv' ? csvWriter(path) : xlsxWriter(path, await loadExcelJs());
  await writer.write(header.map(String));
  return writer;
}

const clean = (cells: Array<string | number>) => cells.map((cell) => (typeof cell === 'number' ? cell : escapeCell(cell)));

function csvWriter(path: string): RowWriter {
  const file = createWriteStream(path);
  const csv = stringify();
  csv.pipe(file);
  let failure: Error | undefined;
  const fail = (error: Error) => (failure ??= error);
  file.on('error', fail);
  csv.on('error', fail);
  file.write('\uFEFF');
  return {
    async write(cells) {
      if (failure) throw failure;
      if (!csv.write(clean(cells))) await once(csv, 'drain');
    },
    async close() {
      if (failure) throw failure;
      csv.end();
      await once(file, 'finish');
      if (failure) throw failure;
    },
    abort() {
      csv.destroy();
      file.destroy();
    },
  };
}

function xlsxWriter(path: string, ExcelJS: ExcelJsModule): RowWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('export');
  let rows = 0;
  return {
    async write(cells) {
      sheet.addRow(clean(cells)).commit();
      if (++rows % 500 === 0) {
        // exceljs' sheet stream writes into the zip's input without heeding
        // backpressure: wait while that input holds more than XLSX_BACKLOG bytes,
        // so rows never pile up in memory whatever the export's size.
        const stream = (sheet as unknown as { stream?: { pipes?: Array<{ _writableState?: { length: number } }> } }).stream;
        for (const target of stream?.pipes ?? []) {
          let waited = 0;
          while ((target._writableState?.length ?? 0) > XLSX_BACKLOG) {
            if ((waited += 2) > XLSX_STALL_MS) throw new Error('the xlsx zip stream stalled');
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async close() {
      sheet.commit();
      await workbook.commit();
    },
    abort() {
      // Close the file; the caller removes what was written.
      (workbook as unknown as { stream?: { destroy?: () => void } }).stream?.destroy?.();
    },
  };
}

type ExcelJsModule = typeof import('exceljs');

/** exceljs takes a noticeable while to load: only a process that writes an xlsx pays for it. */
async function loadExcelJs(): Promise<ExcelJsModule> {
  return (await import('exceljs')).default;
}
