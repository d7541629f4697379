/**
 * How many INVITE dialogs pass through this proxy right now: what an operator watches count down while a proxy is
 * drained. A record-routing proxy keeps no dialog state (RFC 3261 §16.6 step 4 only puts it on the path), so this
 * is an estimate from what it forwards: a 2xx to an initial INVITE opens a dialog (§12.1), a BYE in the dialog
 * ends it (§15). Keyed by Call-ID (the dialog's other two ids only matter for forking, which one count ignores).
 * Bounded: past `max` entries the oldest is forgotten (a dialog whose BYE went another way is never seen to end).
 */
export class DialogCount {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly max = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A 2xx to an initial INVITE went upstream. */
  established(callId: string): void {
    if (this.open.has(callId)) return;
    if (this.open.size >= this.max) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    this.open.set(callId, this.now());
  }

  /** A BYE in the dialog passed. */
  ended(callId: string): void {
    this.open.delete(callId);
  }

  get size(): number {
    return this.open.size;
  }
}
