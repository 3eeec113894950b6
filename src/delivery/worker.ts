import type { Logger } from '../logger';
import { type ClaimedJob, type JobQueue, type JobStep, LeaseLost } from './jobs';

export type StepHandler = (job: ClaimedJob) => Promise<void>;

export interface WorkerOptions {
  /** Jobs handled at once; most of their time is spent waiting on providers. */
  concurrency?: number;
  /** Longest sleep between looks at the queue: bounds how late another instance's or an expired lease's job starts. */
  pollMs?: number;
  /** Delay before a job whose handler threw is tried again. */
  retryAfterErrorMs?: number;
  now?: () => number;
}

/**
 * Claims due jobs and runs their step handlers, up to `concurrency` at a time. It sleeps until the next
 * job falls due, or until `wake()` says a new one is due now (a push was committed, a step moved on).
 */
export class Worker {
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly retryAfterErrorMs: number;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private loopDone: Promise<void> | null = null;
  private stopping = false;
  private signal: (() => void) | null = null;
  private pendingWake = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: Partial<Record<JobStep, StepHandler>>,
    private readonly logger: Logger,
    options: WorkerOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 64;
    this.pollMs = options.pollMs ?? 500;
    this.retryAfterErrorMs = options.retryAfterErrorMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  get running(): boolean {
    return this.loopDone !== null && !this.stopping;
  }

  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.loop();
  }

  /** Something became due now: look at the queue without waiting for the poll. */
  wake(): void {
    this.pendingWake = true;
    this.signal?.();
  }

  /** Stops claiming, lets the jobs in flight finish (up to `graceMs`), and returns. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Resolves when no job is in flight (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.pendingWake = false;
      const capacity = this.concurrency - this.inFlight.size;
      let claimed: ClaimedJob[] = [];
      if (capacity > 0) {
        try {
          claimed = await this.queue.claim(capacity, this.now());
        } catch (error) {
          this.logger.error({ err: error }, 'could not claim jobs; retrying');
          await this.sleep(this.pollMs);
          continue;
        }
        for (const job of claimed) this.run(job);
        if (claimed.length === capacity) continue;
      }
      if (this.pendingWake || this.stopping) continue;
      await this.sleep(capacity > 0 ? await this.untilNextDue() : this.pollMs);
    }
  }

  private async untilNextDue(): Promise<number> {
    try {
      const next = await this.queue.nextDueAt();
      if (next === null) return this.pollMs;
      return Math.max(0, Math.min(this.pollMs, next - this.now()));
    } catch {
      return this.pollMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.pendingWake) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.signal = null;
        resolve();
      }
      this.signal = done;
    });
  }

  private run(job: ClaimedJob): void {
    const task = this.handle(job).finally(() => {
      this.inFlight.delete(task);
      this.wake();
    });
    this.inFlight.add(task);
  }

  private async handle(job: ClaimedJob): Promise<void> {
    const handler = this.handlers[job.step];
    try {
      if (!handler) throw new Error(`no handler for job step "${job.step}"`);
      await handler(job);
    } catch (error) {
      if (error instanceof LeaseLost) {
        this.logger.debug({ job: job.id }, error.message);
        return;
      }
      this.logger.error({ err: error, job: job.id, step: job.step }, 'job step failed; it will be retried');
      await this.queue.release(job.id, this.now() + this.retryAfterErrorMs).catch(() => undefined);
    }
  }
}
