/**
 * Which TCP/TLS connections are in use, and closing those the proxy opened once nothing uses them. Dialogic's
 * persistence modes (seeds/000): with per-transaction persistence "a TLS client connection is terminated as soon as
 * the SIP transaction is terminated", and in any mode a client connection "is kept alive only if someone is using
 * it". A user here is a transaction in progress on the connection (RFC 3261 §17: client or server, counted by the
 * transaction layer through hold/release), a registered flow (RFC 5626), or the peer itself when it opened the
 * connection (inbound connections are never closed as unused: their own deadlines apply).
 */
import type { Connection } from './connection.js';

/** Whether the proxy may close `c` now for being unused: one it opened, idle of transactions, no flow on it. */
export function unusedOutbound(c: Connection, isFlow: ((connectionId: string) => boolean) | undefined): boolean {
  if (c.state === 'closed' || c.retiring || c.direction !== 'outbound' || c.users > 0) return false;
  return !(isFlow?.(c.id) ?? false);
}

/**
 * Checks connections for use at the end of the current turn of the event loop, not at once: a transaction that ends
 * and the next one that starts in the same turn (a final response, then the CANCEL or ACK or the next request a
 * transaction user sends) share the connection instead of closing it under the second.
 */
export class UnusedCheck {
  private queue: Connection[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly isUnused: (c: Connection) => boolean,
    private readonly retire: (c: Connection) => void,
  ) {}

  /** Looks at `c` once this turn is over (one check per connection however often it is queued). */
  soon(c: Connection): void {
    if (c.unusedCheckQueued) return;
    c.unusedCheckQueued = true;
    this.queue.push(c);
    this.scheduled ??= setImmediate(() => this.run());
  }

  /** Drops the pending checks (the manager is closing anyway). */
  cancel(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    for (const c of this.queue) c.unusedCheckQueued = false;
    this.queue = [];
  }

  private run(): void {
    this.scheduled = null;
    const list = this.queue;
    this.queue = [];
    for (const c of list) {
      c.unusedCheckQueued = false;
      if (this.isUnused(c)) this.retire(c);
    }
  }
}
