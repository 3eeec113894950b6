import type { Logger } from '../logger';

export interface PeriodicOptions {
  everyMs: number;
  /** The first run, after start-up has settled. */
  firstAfterMs: number;
}

/**
 * Runs a housekeeping task now and then, never two runs at once in this process. Timers are unref'd
 * (they never keep the process alive) and `stop()` waits for a run in progress, so the database is
 * not closed under it.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<unknown>,
    private readonly options: PeriodicOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(this.options.firstAfterMs);
  }

  /** Runs the task now (or joins the run in progress). */
  runNow(): Promise<void> {
    this.running ??= (async () => {
      try {
        const result = await this.task();
        this.logger.info({ task: this.name, result }, `${this.name} done`);
      } catch (error) {
        this.logger.error({ err: error, task: this.name }, `${this.name} failed; it runs again later`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow().then(() => this.schedule(this.options.everyMs));
    }, delayMs);
    this.timer.unref();
  }
}
