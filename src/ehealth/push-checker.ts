import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import { type PushCheck, checkPush } from './push-check';
import type { CheckBatch } from './push-check-thread';

interface Waiting {
  header: string | undefined;
  raw: Buffer;
  resolve(check: PushCheck): void;
  reject(error: unknown): void;
}

/**
 * A batch goes to the thread as soon as it holds this many pushes, not only at the end of the
 * event loop's turn. Under load one turn reads a push from every connection (32 in the bench):
 * sent as one batch, the thread checked all of them while the event loop sat idle, then the loop
 * stored and answered all of them while the thread sat idle, and the connections moved in one
 * convoy. In batches of 8 the thread checks the first while the loop still reads the rest
 * (measured with wrk: 11,170 instead of 8,643 pushes/s, medians of 5 rounds). Eight pushes are
 * ~0.2 ms of checks, enough to pay for the ~35 µs that waking the thread costs on these machines.
 */
export const CHECK_BATCH = 8;

/** After this many deaths the thread is not started again: pushes are checked on the event loop. */
const MAX_THREAD_DEATHS = 3;

/** Loads the thread's module whether the server runs compiled or through tsx (the tests). */
const BOOT = `
const { workerData } = require('node:worker_threads');
if (workerData.register) require(workerData.register);
require(workerData.entry);
`;

/**
 * Runs the checks of each push (checkPush) on a thread of its own. On a busy server the event loop
 * is the bottleneck, and the checks (HMAC, JSON, validation, fingerprint) are the largest part of
 * its work that needs neither the socket nor the database: see README, "where ingest time goes".
 *
 * Pushes read in the same turn of the event loop travel to the thread together, up to CHECK_BATCH
 * in one message whose bytes are moved, not copied. Should the thread die, the pushes it held and
 * those that follow are checked on the event loop until the next batch starts a new thread.
 */
export class PushChecker {
  private thread: Worker | null = null;
  private deaths = 0;
  private closed = false;
  private scheduled = false;
  /** Pushes waiting for the next batch. */
  private next: Waiting[] = [];
  /** Batches the thread holds, oldest first: it answers them in order. */
  private sent: Waiting[][] = [];

  constructor(
    private readonly secret: string,
    private readonly logger?: Logger,
  ) {}

  /** The thread's id while one runs; null while pushes are checked on the event loop. */
  get threadId(): number | null {
    return this.thread?.threadId ?? null;
  }

  /** Checks one push: its signature header and its exact bytes. */
  check(header: string | undefined, raw: Buffer): Promise<PushCheck> {
    return new Promise((resolve, reject) => {
      this.next.push({ header, raw, resolve, reject });
      if (this.next.length >= CHECK_BATCH) {
        this.flush();
        return;
      }
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    });
  }

  /** Stops the thread; pushes it still held are checked here. */
  async close(): Promise<void> {
    this.closed = true;
    await this.thread?.terminate();
  }

  private flush(): void {
    const batch = this.next;
    if (batch.length === 0) return;
    this.next = [];
    const thread = this.thread ?? this.start();
    if (!thread) {
      this.checkHere(batch);
      return;
    }
    let length = 0;
    const ends = batch.map((item) => (length += item.raw.length));
    const bytes = new ArrayBuffer(length);
    const view = new Uint8Array(bytes);
    batch.forEach((item, i) => view.set(item.raw, i === 0 ? 0 : ends[i - 1]));
    this.sent.push(batch);
    const message: CheckBatch = { bytes, ends, headers: batch.map((item) => item.header) };
    thread.postMessage(message, [bytes]);
  }

  private start(): Worker | null {
    if (this.closed || this.deaths >= MAX_THREAD_DEATHS) return null;
    const compiled = extname(__filename) !== '.ts';
    const thread = new Worker(BOOT, {
      eval: true,
      workerData: {
        secret: this.secret,
        entry: join(__dirname, `push-check-thread${extname(__filename)}`),
        register: compiled ? undefined : require.resolve('tsx/cjs'),
      },
    });
    thread.unref();
    thread.on('message', (checks: PushCheck[]) => {
      const batch = this.sent.shift();
      batch?.forEach((item, i) => item.resolve(checks[i]));
    });
    thread.on('error', (error) => this.logger?.error({ err: error }, 'the push-check thread failed'));
    thread.on('exit', () => {
      this.thread = null;
      // Whatever was sent to it, even after it died, is still owed an answer.
      for (const batch of this.sent.splice(0)) this.checkHere(batch);
      if (this.closed) return;
      this.deaths += 1;
      const next = this.deaths >= MAX_THREAD_DEATHS ? 'pushes are checked on the event loop from now on' : 'the next push starts a new one';
      this.logger?.error({ deaths: this.deaths }, `the push-check thread stopped; ${next}`);
    });
    this.thread = thread;
    return thread;
  }

  private checkHere(batch: Waiting[]): void {
    for (const item of batch) {
      try {
        item.resolve(checkPush(this.secret, item.header, item.raw));
      } catch (error) {
        item.reject(error);
      }
    }
  }
}
