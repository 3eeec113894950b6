/** What to do with one more message from a user. */
export type FloodVerdict = 'ok' | 'warn' | 'drop';

/**
 * Counts each user's messages over the last minute. Past the limit the first extra message gets one
 * polite "too fast" and no work; the rest are dropped until the rate falls again. In memory: a
 * flood is a per-process nuisance, not state worth a database write.
 */
export class FloodGuard {
  private readonly seen = new Map<string, { times: number[]; tokens: string[]; warned: boolean }>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
  ) {}

  /**
   * `token` is the message's `message_token`: Viber's retry of a message the guard has counted
   * is not counted again (the inbox answers it once anyway), so retries never make a flood.
   */
  check(userId: string, now: number, token?: string): FloodVerdict {
    const entry = this.seen.get(userId) ?? { times: [], tokens: [], warned: false };
    entry.times = entry.times.filter((at) => at > now - this.windowMs);
    if (token !== undefined) {
      if (entry.tokens.includes(token)) return 'ok';
      entry.tokens.push(token);
      if (entry.tokens.length > 2 * this.limit) entry.tokens.shift();
    }
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
