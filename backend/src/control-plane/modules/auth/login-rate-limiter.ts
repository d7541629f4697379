/**
 * Failed logins per client address in a sliding window; past the limit, logins are refused with 429
 * until the window moves on. In memory: each control-plane replica limits on its own, which is enough
 * to stop password guessing at any useful speed.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly maxFailures = 10, private readonly windowMs = 5 * 60_000, private readonly now: () => number = Date.now) {}

  /** Seconds until another attempt is allowed, or 0. */
  retryAfter(key: string): number {
    const list = this.prune(key);
    if (list.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((list[0]! + this.windowMs - this.now()) / 1000));
  }
  fail(key: string): void { const list = this.prune(key); list.push(this.now()); this.failures.set(key, list); }
  succeed(key: string): void { this.failures.delete(key); }

  private prune(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key); else this.failures.set(key, list);
    return list;
  }
}
