// The worker thread of BackgroundCheckpointer (wal-checkpointer.ts). Plain JavaScript:
// a worker thread does not run under the tsx loader the main thread was started with.
//
// Every `intervalMs` it copies the WAL frames committed since its last pass back into
// the database file with a passive checkpoint, which neither waits for nor blocks the
// writer. A pass with nothing new to copy costs a few microseconds and no fsync.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { fileMustExist: true });
// A checkpoint copies frames through its own buffer, not the page cache: keep that small.
db.pragma('cache_size = 16');
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
