/**
 * `overload-ctrl-dialog-rate` (guide: "Overload Detection"): a token bucket of `rate` INVITEs per second with a
 * burst of one second's worth. Over-threshold INVITEs are refused (the proxy answers 503 Service Unavailable with
 * Retry-After) and counted. A rate of 0 disables the limiter. The rate can change live.
 */
export class DialogRateLimiter {
  private tokens = 0;
  private last = 0;
  private ratePerS = 0;
  /** INVITEs refused since start. */
  rejected = 0;
  /** INVITEs admitted since start (while the limiter was on). */
  admitted = 0;

  constructor(rate: number, private readonly now: () => number) {
    this.setRate(rate);
  }

  get rate(): number {
    return this.ratePerS;
  }

  setRate(rate: number): void {
    const r = Number.isFinite(rate) && rate > 0 ? Math.floor(rate) : 0;
    if (r === this.ratePerS) return;
    this.ratePerS = r;
    this.tokens = r;
    this.last = this.now();
  }

  /** Takes one token for a new INVITE; false means refuse it with 503. */
  admit(): boolean {
    const r = this.ratePerS;
    if (r === 0) return true;
    const t = this.now();
    const elapsed = t - this.last;
    this.last = t;
    if (elapsed > 0) this.tokens = Math.min(r, this.tokens + (elapsed * r) / 1000);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.admitted++;
      return true;
    }
    this.rejected++;
    return false;
  }
}
