import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

/** Processes of this one that hold a file: two servers in one process are two owners too. */
const heldHere = new Set<string>();

/**
 * Makes one server process the owner of a SQLite file, through a `<file>.owner` file beside it.
 *
 * A starting server frees every job lease in its SQLite file, since a killed predecessor can hold
 * none any more; a second server started on the same file while the first runs (a double start, an
 * overlapping deploy) would thereby hand the first one's sends in flight to itself, and the patient
 * would get them twice. So it refuses to start instead, unless the recorded owner is gone.
 */
export class SqliteOwnerLock {
  private readonly path: string;
  private held = false;

  constructor(databasePath: string) {
    this.path = `${resolve(databasePath)}.owner`;
  }

  /** Takes the file over, or throws saying which process owns it. */
  acquire(): void {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const fd = openSync(this.path, 'wx');
        const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
        writeSync(fd, `${JSON.stringify(owner)}\n`);
        closeSync(fd);
        this.held = true;
        heldHere.add(this.path);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = this.readOwner();
      if (owner && this.isAlive(owner)) {
        throw new Error(
          `the database is in use by another Vistka (pid ${owner.pid} on ${owner.host}, since ${owner.since}); ` +
            `stop it first, or delete ${this.path} if that process is gone`,
        );
      }
      // Its owner is gone (killed, crashed): take it over. Two starting at once both get here;
      // only one then creates the file, and the other finds it owned by a live process.
      try {
        unlinkSync(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new Error(`could not take ${this.path} over; another Vistka is starting on the same database`);
  }

  /** Gives the file up, if it is still ours. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    heldHere.delete(this.path);
    const owner = this.readOwner();
    if (owner?.pid !== process.pid || owner.host !== hostname()) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to give up.
    }
  }

  private readOwner(): Owner | null {
    try {
      const owner = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<Owner>;
      return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host, since: String(owner.since) } : null;
    } catch {
      // Unreadable (half written by a process killed at that moment): nobody can be said to own it.
      return null;
    }
  }

  private isAlive(owner: Owner): boolean {
    // Another machine's process cannot be looked up from here: assume it runs.
    if (owner.host !== hostname()) return true;
    if (owner.pid === process.pid) return heldHere.has(this.path);
    try {
      process.kill(owner.pid, 0);
    } catch (error) {
      // EPERM: it exists, under another user.
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
    // The pid may have been reused by another program since the owner died.
    try {
      return readFileSync(`/proc/${owner.pid}/cmdline`, 'utf8').includes('node');
    } catch {
      return true;
    }
  }
}
