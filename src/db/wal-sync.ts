import { type FileHandle, open } from 'node:fs/promises';

/**
 * Makes SQLite commits durable without blocking the event loop.
 *
 * better-sqlite3 is synchronous: with `synchronous = FULL` every commit's fsync stalls the whole
 * process (measured here: 0.3–1 ms per commit, and far more on a busy disk; at 200 messages/s the
 * event loop spent most of its time in fsync). Instead commits run with NORMAL, which in WAL mode
 * writes the WAL without syncing it, and a commit that must survive a power cut then waits for an
 * fdatasync of the WAL file on libuv's thread pool. That is the same guarantee FULL gives (FULL
 * syncs the WAL after each commit), and commits waiting together share one sync.
 *
 * Frames that a checkpoint has meanwhile copied into the database file are durable too: in NORMAL
 * mode SQLite syncs the database file at each checkpoint, before the WAL is reused.
 */
export class WalSync {
  private handle: FileHandle | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.flush().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // The sync under way may have started before our commit: join the one after it.
    this.next ??= this.running.then(() => {
      this.next = null;
      return this.sync();
    });
    return this.next;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.next;
    await this.running;
    await this.handle?.close();
    this.handle = null;
  }

  private async flush(): Promise<void> {
    if (this.closed) return;
    if (!this.handle) {
      try {
        this.handle = await open(this.walPath, 'r+');
      } catch (error) {
        // No WAL yet: nothing has been written that a sync could make durable.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
    }
    await this.handle.datasync();
  }
}
