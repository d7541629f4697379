/**
 * `overload-ctrl-dialog-rate` (guide: "Overload Detection"): a token bucket of `rate` INVITEs per second with a
 * burst of one second's worth. Over-threshold INVITEs are refused (the proxy answers 503 Service Unavailable with
 * Retry-After) and counted. A rate of 0 disables the limiter. The rate can change live.
 */
export class DialogRateLimiter {
  private tokens = 0;
  private last = 0;
  private ratePerS = 0;
  /** A worker group member's share of `rate` (set by the group, see setShare); undefined: the whole rate. */
  private share: number | undefined;
  /** INVITEs refused since start. */
  rejected = 0;
  /** INVITEs admitted since start (while the limiter was on). */
  admitted = 0;

  constructor(
    rate: number,
    private readonly now: () => number,
  ) {
    this.setRate(rate);
  }

  get rate(): number {
    return this.ratePerS;
  }

  setRate(rate: number): void {
    const r = Number.isFinite(rate) && rate > 0 ? Math.floor(rate) : 0;
    if (r === this.ratePerS) return;
    this.ratePerS = r;
    this.share = undefined;
    this.tokens = r;
    this.last = this.now();
  }

  /**
   * In a worker group each member admits at its share of the group's rate (worker/group/group-overload.ts), which
   * may be fractional and changes every tick. Unlike setRate it refills nothing: the tokens held are only capped at
   * the new burst (one second of the share, at least one INVITE). Undefined returns to the whole rate.
   */
  setShare(share: number | undefined): void {
    if (this.ratePerS === 0) return;
    this.refill();
    this.share = share === undefined ? undefined : Math.max(0, share);
    this.tokens = Math.min(this.tokens, this.burst());
  }

  /** The rate this limiter admits at now (the share in a group). */
  get effectiveRate(): number {
    return this.share ?? this.ratePerS;
  }

  private burst(): number {
    const r = this.effectiveRate;
    return this.share === undefined ? r : Math.max(1, r);
  }

  private refill(): void {
    const t = this.now();
    const elapsed = t - this.last;
    this.last = t;
    if (elapsed > 0) this.tokens = Math.min(this.burst(), this.tokens + (elapsed * this.effectiveRate) / 1000);
  }

  /** Takes one token for a new INVITE; false means refuse it with 503. */
  admit(): boolean {
    if (this.ratePerS === 0) return true;
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.admitted++;
      return true;
    }
    this.rejected++;
    return false;
  }
}
