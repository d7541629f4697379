/**
 * When a TCP/TLS connection has had its time (a pure decision, swept by the connection manager). A connection the
 * proxy opened, or one that carries a registered flow (RFC 5626 §5.2, or plain registration stickiness), is kept
 * while inbound traffic arrives within connection-idle-timeout. An inbound connection must first prove itself: a
 * TLS handshake that completes in time, then one complete SIP message within the first-message deadline; after that,
 * without a registered flow, it gets the shorter inbound idle timeout. Every later message, once its first byte has
 * arrived, must be complete within the same first-message deadline: a peer trickling a header a byte at a time is
 * inbound traffic and would otherwise never be idle (a slow-loris that holds a connection slot forever). Only inbound traffic counts (a message or an
 * RFC 5626 §4.4.1 keep-alive): our own writes to a peer that never answers do not keep its connection.
 */

export interface ConnectionDeadlines {
  /** connection-idle-timeout: kept connections (outbound, or carrying a registered flow). 0 = never. */
  idleMs: number;
  /** inbound-connection-idle-timeout: inbound connections without a registered flow. 0 = only idleMs applies. */
  inboundIdleMs: number;
  /** connection-first-message-timeout: an inbound connection's first complete SIP message. 0 = none. */
  firstMessageMs: number;
  /** TLS handshake of an inbound connection, from accept. 0 = none. */
  handshakeMs: number;
}

export type DeadlineReason = 'first-message' | 'incomplete-message' | 'idle';

/** What the decision reads of a connection. */
export interface DeadlineSubject {
  direction: 'inbound' | 'outbound';
  since: number;
  lastReceived: number;
  messagesIn: number;
  /** When the bytes of a message not yet complete began to arrive (epoch ms); 0 when nothing is buffered. */
  partialSince: number;
}

function shorter(a: number, b: number): number {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return Math.min(a, b);
}

/** Whether `c` is past a deadline at `now`; `kept` says it carries a registered flow. */
export function deadlinePassed(c: DeadlineSubject, now: number, d: ConnectionDeadlines, kept: boolean): DeadlineReason | undefined {
  if (c.direction === 'inbound' && c.messagesIn === 0 && d.firstMessageMs > 0 && now - c.since >= d.firstMessageMs) return 'first-message';
  if (c.direction === 'inbound' && c.partialSince > 0 && d.firstMessageMs > 0 && now - c.partialSince >= d.firstMessageMs)
    return 'incomplete-message';
  const idle = c.direction === 'inbound' && !kept ? shorter(d.inboundIdleMs, d.idleMs) : d.idleMs;
  if (idle > 0 && now - c.lastReceived >= idle) return 'idle';
  return undefined;
}

/** How often to sweep so no deadline is overshot by more than a quarter of itself (at most 1 s, at least 10 ms). */
export function sweepIntervalMs(d: ConnectionDeadlines): number {
  const all = [d.idleMs, d.inboundIdleMs, d.firstMessageMs, d.handshakeMs].filter((v) => v > 0);
  if (all.length === 0) return 0;
  return Math.max(10, Math.min(1000, Math.floor(Math.min(...all) / 4)));
}
