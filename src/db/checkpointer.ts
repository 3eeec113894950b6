import { Worker } from 'node:worker_threads';

/**
 * Checkpoints SQLite's WAL from a thread of its own.
 *
 * A checkpoint copies the WAL into the database file and syncs it: several milliseconds every few
 * hundred commits. Left to SQLite (auto-checkpoint) it runs inside a commit, on the event loop of
 * this single-threaded server, and every request waits (measured: commit p99 5–7 ms against a
 * median of 0.5 ms). Here a second connection in a worker thread runs PASSIVE checkpoints, which
 * never block the writer; the server's own auto-checkpoint stays on, at a larger WAL size, as a
 * safety net should this thread fall behind.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private closing: Promise<void> | null = null;

  constructor(databasePath: string, everyMs = 500) {
    this.worker = new Worker(CHECKPOINT_LOOP, {
      eval: true,
      workerData: { databasePath, everyMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // A checkpoint that fails (busy) is simply tried again; the thread itself dying is not fatal
    // either: the server's auto-checkpoint takes over.
    this.worker.on('error', () => undefined);
  }

  /** Stops the thread after its last checkpoint. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.worker.postMessage('close');
      const timer = setTimeout(() => void this.worker.terminate(), 5000);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.closing;
  }
}

/** Plain JavaScript: the thread runs it as is, whether the server runs compiled or through tsx. */
const CHECKPOINT_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.databasePath, { timeout: 1000 });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy: the next round will do.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;
