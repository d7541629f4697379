/**
 * `overload-ctrl-dialog-rate` for a worker group (issue 16): the rate is the GROUP's, not each process's.
 *
 * Every tick (500 ms) each member tells the leader how many new INVITEs it was asked to admit since the last tick
 * (admitted + refused); the leader splits the rate among the members alive in proportion to that demand,
 * `share_i = rate * (d_i + 1) / (sum d + n)` (the +1 keeps an idle member able to take a first call), and sends each
 * its share, which its DialogRateLimiter admits at (`setShare`: no refill, burst one second of the share, at least 1).
 *
 * The approximation, stated: the split follows the demand one tick late, so when the traffic moves between members
 * the group admits a little less than the rate for up to a tick; the burst of the group is up to `rate + n` (each
 * member's burst is at least one INVITE) instead of `rate`; until the first share arrives (and with no leader
 * answering) a member admits at `rate / n`, the last share it got. The sum of the shares is the rate, so over any
 * second the group admits at most about `rate` plus that burst, whichever member the kernel gives each INVITE to.
 */
import type { GroupBody, Leadership } from './group-channel.js';

/** The parts of the proxy's DialogRateLimiter the group uses. */
export interface SharedLimiter {
  readonly rate: number;
  readonly admitted: number;
  readonly rejected: number;
  setShare(share: number | undefined): void;
}

export const OVERLOAD_TICK_MS = 500;

export class GroupOverload {
  private timer: NodeJS.Timeout | undefined;
  private counted = 0;
  /** Leader: each member's demand in its last report. */
  private readonly demand = new Map<number, number>();
  /** The share this member admits at (INVITEs per second), as last set. */
  share: number | undefined;

  constructor(
    private readonly lead: Leadership,
    private readonly limiter: () => SharedLimiter,
    private readonly tickMs = OVERLOAD_TICK_MS,
  ) {}

  start(): void {
    const l = this.limiter();
    this.counted = l.admitted + l.rejected;
    this.setShare(l.rate > 0 ? l.rate / this.lead.link.size : undefined);
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  receive(from: number, body: GroupBody): boolean {
    if (body.t === 'ovl-demand') {
      if (this.lead.isLeader) this.demand.set(from, body.arrivals);
      return true;
    }
    if (body.t === 'ovl-share') {
      if (from === this.lead.leader) this.setShare(body.rate);
      return true;
    }
    return false;
  }

  /** One tick: report the demand; the leader also hands out the shares. */
  tick(): void {
    const l = this.limiter();
    const total = l.admitted + l.rejected;
    const arrivals = Math.max(0, total - this.counted);
    this.counted = total;
    if (!this.lead.isLeader) {
      this.lead.link.send(this.lead.leader, { t: 'ovl-demand', arrivals });
      return;
    }
    this.demand.set(this.lead.link.index, arrivals);
    const rate = l.rate;
    const members = this.lead.members();
    for (const k of [...this.demand.keys()]) if (!members.includes(k)) this.demand.delete(k);
    const shares = splitRate(
      rate,
      members.map((m) => this.demand.get(m) ?? 0),
    );
    members.forEach((m, i) => {
      const s = shares[i];
      if (m === this.lead.link.index) this.setShare(rate > 0 ? s : undefined);
      else this.lead.link.send(m, { t: 'ovl-share', rate: s });
    });
  }

  private setShare(s: number | undefined): void {
    this.share = s;
    this.limiter().setShare(s);
  }
}

/** `rate * (d_i + 1) / (sum d + n)`: shares in proportion to demand, summing to `rate`. */
export function splitRate(rate: number, demands: number[]): number[] {
  const n = demands.length;
  const sum = demands.reduce((a, b) => a + b, 0) + n;
  return demands.map((d) => (n === 0 ? 0 : (rate * (d + 1)) / sum));
}
