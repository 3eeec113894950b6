import type { Logger } from '../logger';
import { type ClaimedJob, type JobQueue, type JobStep, LeaseLost } from './jobs';

export type StepHandler = (job: ClaimedJob) => Promise<void>;

/** While holding back, claims are at least this far apart. */
const HOLD_BACK_CLAIM_INTERVAL_MS = 50;

/**
 * Replies in the chat: they may hold at most half of the slots, so that a Viber API that hangs (each reply
 * then waits out its timeout, and is tried again) never holds back the codes, which have SMS to go to.
 */
const CHAT_STEP: JobStep = 'viber_message';

export interface WorkerOptions {
  /** Jobs handled at once; most of their time is spent waiting on providers. */
  concurrency?: number;
  /** Longest sleep between looks at the queue: bounds how late another instance's or an expired lease's job starts. */
  pollMs?: number;
  /** Delay before a job whose handler threw is tried again. */
  retryAfterErrorMs?: number;
  /**
   * True while more urgent work needs the CPU (a burst of pushes): the worker then starts at most
   * `concurrency / 16` jobs every 50 ms (80 a second with the default 64), so delivery slows down
   * but never stops, and catches up at full speed when the burst is over.
   */
  holdBack?: () => boolean;
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
  private readonly holdBack: () => boolean;
  /** Running steps, with the job each one holds. */
  private readonly inFlight = new Map<Promise<void>, { id: string; step: JobStep }>();
  private renewTimer: NodeJS.Timeout | null = null;
  private loopDone: Promise<void> | null = null;
  private stopping = false;
  private signal: (() => void) | null = null;
  private pendingWake = false;
  /** The last claim filled every free slot: more jobs are probably due. */
  private behind = false;
  private lastClaimAt = -Infinity;
  /** When the claim loop last went round: a loop stuck on the database stops looking ready. */
  private lastTickAt = 0;

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
    this.holdBack = options.holdBack ?? (() => false);
  }

  get running(): boolean {
    return this.loopDone !== null && !this.stopping;
  }

  /** Running, and its loop went round recently (it sleeps at most `pollMs` between rounds). */
  ready(): boolean {
    return this.running && Date.now() - this.lastTickAt < Math.max(10_000, 20 * this.pollMs);
  }

  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.loop();
    // Renew three times per lease: a step slower than the lease (a provider timing out twice) keeps
    // its job, and one missed renewal is not yet fatal.
    this.renewTimer = setInterval(() => void this.renewLeases(), Math.max(50, this.queue.leaseMs / 3));
    this.renewTimer.unref();
  }

  /** Something became due now: look at the queue without waiting for the poll. */
  wake(): void {
    this.pendingWake = true;
    this.signal?.();
  }

  /**
   * Stops claiming, lets the jobs in flight finish (up to `graceMs`), then lets go of any job still
   * held, so that another instance (or the next start) runs it at once instead of after the lease.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight.keys()]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    if (this.inFlight.size > 0) {
      this.logger.warn({ jobs: this.inFlight.size }, 'steps still running at shutdown: releasing their jobs');
      await this.queue.releaseMine().catch((error) => this.logger.error({ err: error }, 'could not release jobs at shutdown'));
    }
  }

  /** Resolves when no job is in flight (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.keys()]);
  }

  private async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await this.queue.renew([...new Set([...this.inFlight.values()].map((job) => job.id))], this.now());
    } catch (error) {
      this.logger.error({ err: error }, 'could not renew job leases');
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.lastTickAt = Date.now();
      this.pendingWake = false;
      const holdingBack = this.holdBack();
      if (holdingBack) {
        const wait = this.lastClaimAt + HOLD_BACK_CLAIM_INTERVAL_MS - performance.now();
        if (wait > 0) {
          await this.sleep(wait);
          continue;
        }
      }
      const limit = holdingBack ? Math.max(1, Math.floor(this.concurrency / 16)) : this.concurrency;
      const capacity = Math.max(0, limit - this.inFlight.size);
      // Behind a backlog, claim in batches: a claim is a transaction, and a job that waits for a
      // quarter of the slots to free up loses only milliseconds. Otherwise claim at once.
      if (capacity > 0 && (!this.behind || capacity >= Math.max(1, Math.floor(limit / 4)))) {
        let claimed: ClaimedJob[];
        this.lastClaimAt = performance.now();
        try {
          claimed = await this.claim(capacity);
        } catch (error) {
          this.logger.error({ err: error }, 'could not claim jobs; retrying');
          await this.sleep(this.pollMs);
          continue;
        }
        for (const job of claimed) this.run(job);
        this.behind = claimed.length === capacity;
        if (this.behind) continue;
      }
      if (this.pendingWake || this.stopping) continue;
      await this.sleep(capacity > 0 && !this.behind ? await this.untilNextDue() : this.pollMs);
    }
  }

  /**
   * Due jobs, oldest first, with chat replies kept to their share of the slots: first whatever is due up to
   * the room left for replies, then, if that filled up, anything but replies.
   */
  private async claim(capacity: number): Promise<ClaimedJob[]> {
    let chatRunning = 0;
    for (const job of this.inFlight.values()) if (job.step === CHAT_STEP) chatRunning += 1;
    const chatRoom = Math.max(0, Math.floor(this.concurrency / 2) - chatRunning);
    const first = chatRoom > 0 ? await this.queue.claim(Math.min(capacity, chatRoom), this.now()) : [];
    const left = capacity - first.length;
    if (left === 0 || (chatRoom > 0 && first.length < Math.min(capacity, chatRoom))) return first;
    return [...first, ...(await this.queue.claim(left, this.now(), { except: CHAT_STEP }))];
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
    // Its lease ran out while the step still runs here (the database hung): the step carries on, and a
    // second run beside it would send the message again.
    if ([...this.inFlight.values()].some((running) => running.id === job.id)) return;
    const task = this.handle(job).finally(() => {
      this.inFlight.delete(task);
      this.wake();
    });
    this.inFlight.set(task, { id: job.id, step: job.step });
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
