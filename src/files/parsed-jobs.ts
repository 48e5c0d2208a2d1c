import { open, rm } from 'node:fs/promises';
import Database from 'better-sqlite3';

/**
 * The parsed-jobs file: what a parse hands to the assignment of its file. A small
 * SQLite database of one table (all its SQL is here), one row per accepted
 * contact row, each already the job it becomes: the job id, and the contacts and
 * extras as the JSON the jobs table stores. The per-row work (ids, JSON) is thus
 * done while parsing, and an assignment is a copy of rows:
 *
 * - the SQLite store attaches the file to its own connection and copies a batch
 *   with one INSERT ... SELECT (src/store/sqlite/file-queries.ts names this table
 *   and its columns: keep them in step);
 * - other stores read batches with `readParsedJobs` and insert them.
 *
 * `seq` numbers the rows 1, 2, 3 ... in file order, so "the jobs assigned so far"
 * is also where an assignment resumes. The file is written without a journal or
 * fsyncs (a parse that stops midway starts over and rewrites it) and synced once
 * when complete, before its task is marked finished.
 */
const SCHEMA = `CREATE TABLE parsed_jobs (
  seq          INTEGER PRIMARY KEY,
  row          INTEGER NOT NULL,
  id           TEXT NOT NULL,
  reference_id TEXT NOT NULL,
  contacts     TEXT NOT NULL,
  extras       TEXT NOT NULL
)`;
const INSERT = `INSERT INTO parsed_jobs (seq, row, id, reference_id, contacts, extras) VALUES `;
const ROW_VALUES = '(?, ?, ?, ?, ?, ?)';
/** Rows per INSERT: one statement of many rows costs about half as much a row as one per row. */
const ROWS_PER_INSERT = 50;
const READ = `SELECT seq, row, id, reference_id AS referenceId, contacts, extras FROM parsed_jobs
  WHERE seq > ? ORDER BY seq LIMIT ?`;

export interface ParsedJob {
  seq: number;
  /** The spreadsheet's row number (header = 1). */
  row: number;
  id: string;
  referenceId: string;
  /** JSON: [{ id, phoneNumber, e164, name, honorific, referenceId }], as jobs.contacts. */
  contacts: string;
  /** JSON: [{ key, value }], as jobs.extras. */
  extras: string;
}

export class ParsedJobsWriter {
  private readonly db: Database.Database;
  private readonly insertOne: Database.Statement;
  private readonly insertBlock: Database.Statement;
  private readonly insertMany: (jobs: ReadonlyArray<Omit<ParsedJob, 'seq'>>) => void;
  private seq = 0;

  private constructor(private readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(SCHEMA);
    this.insertOne = this.db.prepare(INSERT + ROW_VALUES);
    this.insertBlock = this.db.prepare(INSERT + Array(ROWS_PER_INSERT).fill(ROW_VALUES).join(', '));
    this.insertMany = this.db.transaction((jobs: ReadonlyArray<Omit<ParsedJob, 'seq'>>) => {
      let at = 0;
      const params: unknown[] = [];
      for (; at + ROWS_PER_INSERT <= jobs.length; at += ROWS_PER_INSERT) {
        params.length = 0;
        for (let i = at; i < at + ROWS_PER_INSERT; i++) {
          const job = jobs[i]!;
          params.push(++this.seq, job.row, job.id, job.referenceId, job.contacts, job.extras);
        }
        this.insertBlock.run(params);
      }
      for (; at < jobs.length; at++) {
        const job = jobs[at]!;
        this.insertOne.run(++this.seq, job.row, job.id, job.referenceId, job.contacts, job.extras);
      }
    });
  }

  /** A new, empty file at `path` (an older one there is replaced). */
  static async create(path: string): Promise<ParsedJobsWriter> {
    await rm(path, { force: true });
    return new ParsedJobsWriter(path);
  }

  /** Appends a batch in one transaction; returns the rows written so far. */
  append(jobs: ReadonlyArray<Omit<ParsedJob, 'seq'>>): number {
    if (jobs.length > 0) this.insertMany(jobs);
    return this.seq;
  }

  /** Closes the file and syncs it to disk. */
  async close(): Promise<void> {
    this.db.close();
    const handle = await open(this.path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Closes without keeping anything. */
  async discard(): Promise<void> {
    if (this.db.open) this.db.close();
    await rm(this.path, { force: true });
  }
}

/** Up to `limit` parsed jobs after `seq`, in order. */
export function readParsedJobs(path: string, afterSeq: number, limit: number): ParsedJob[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(READ).all(afterSeq, limit) as ParsedJob[];
  } finally {
    db.close();
  }
}
