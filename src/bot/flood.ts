/** What to do with one more message from a user. */
export type FloodVerdict = 'ok' | 'warn' | 'drop';

/**
 * Counts each user's messages over the last minute. Past the limit the first extra message gets one
 * polite "too fast" and no work; the rest are dropped until the rate falls again. In memory: a
 * flood is a per-process nuisance, not state worth a database write.
 */
export class FloodGuard {
  private readonly seen = new Map<string, { times: number[]; warned: boolean }>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
  ) {}

  check(userId: string, now: number): FloodVerdict {
    const entry = this.seen.get(userId) ?? { times: [], warned: false };
    entry.times = entry.times.filter((at) => at > now - this.windowMs);
    entry.times.push(now);
    this.seen.set(userId, entry);
    if (this.seen.size > 10_000) this.forgetIdle(now);
    if (entry.times.length <= this.limit) {
      entry.warned = false;
      return 'ok';
    }
    if (entry.warned) return 'drop';
    entry.warned = true;
    return 'warn';
  }

  private forgetIdle(now: number): void {
    for (const [userId, entry] of this.seen) {
      if (entry.times.every((at) => at <= now - this.windowMs)) this.seen.delete(userId);
    }
  }
}
