import { describe, expect, it } from 'vitest';
import { deadlinePassed, sweepIntervalMs, type ConnectionDeadlines } from './connection-deadlines.js';

const d: ConnectionDeadlines = { idleMs: 7_200_000, inboundIdleMs: 300_000, firstMessageMs: 10_000, handshakeMs: 10_000 };
const at = (
  o: Partial<{ direction: 'inbound' | 'outbound'; since: number; lastReceived: number; messagesIn: number; partialSince: number }>,
) => ({
  direction: 'inbound' as const,
  since: 0,
  lastReceived: 0,
  messagesIn: 0,
  partialSince: 0,
  ...o,
});

describe('deadlinePassed', () => {
  it('an inbound connection must deliver a message within the first-message deadline', () => {
    expect(deadlinePassed(at({ lastReceived: 9_000 }), 9_999, d, false)).toBeUndefined();
    // Keep-alives alone (lastReceived moves, no message) do not prove it.
    expect(deadlinePassed(at({ lastReceived: 9_999 }), 10_000, d, false)).toBe('first-message');
    expect(deadlinePassed(at({ messagesIn: 1, lastReceived: 9_999 }), 10_000, d, false)).toBeUndefined();
    expect(deadlinePassed(at({ direction: 'outbound' }), 10_000, d, false)).toBeUndefined();
  });

  it('a message begun after the first must be complete within the same deadline, however often bytes arrive', () => {
    const c = at({ messagesIn: 5, since: 0, partialSince: 100_000, lastReceived: 109_999 });
    expect(deadlinePassed(c, 109_999, d, true)).toBeUndefined();
    expect(deadlinePassed(c, 110_000, d, true)).toBe('incomplete-message');
    expect(deadlinePassed({ ...c, partialSince: 0 }, 110_000, d, true)).toBeUndefined();
    expect(deadlinePassed({ ...c, direction: 'outbound' }, 110_000, d, false)).toBeUndefined();
    expect(deadlinePassed(c, 110_000, { ...d, firstMessageMs: 0 }, true)).toBeUndefined();
  });

  it('inbound without a registered flow gets the shorter idle timeout; flows and next hops keep connection-idle-timeout', () => {
    const c = at({ messagesIn: 3, lastReceived: 1_000 });
    expect(deadlinePassed(c, 301_000, d, false)).toBe('idle');
    expect(deadlinePassed(c, 301_000, d, true)).toBeUndefined();
    expect(deadlinePassed({ ...c, direction: 'outbound' }, 301_000, d, false)).toBeUndefined();
    expect(deadlinePassed({ ...c, direction: 'outbound' }, 7_201_000, d, false)).toBe('idle');
    // 0 = never, each on its own.
    expect(deadlinePassed(c, 10_000_000, { ...d, idleMs: 0, inboundIdleMs: 0 }, false)).toBeUndefined();
    expect(deadlinePassed(c, 301_000, { ...d, idleMs: 0 }, false)).toBe('idle');
    expect(deadlinePassed(c, 301_000, { ...d, inboundIdleMs: 0 }, false)).toBeUndefined();
    // The inbound timeout never makes an inbound connection live longer than connection-idle-timeout.
    expect(deadlinePassed(c, 61_000, { ...d, idleMs: 60_000 }, false)).toBe('idle');
  });

  it('sweeps at a quarter of the shortest deadline, between 10 ms and 1 s', () => {
    expect(sweepIntervalMs(d)).toBe(1000);
    expect(sweepIntervalMs({ ...d, firstMessageMs: 2000 })).toBe(500);
    expect(sweepIntervalMs({ idleMs: 0, inboundIdleMs: 0, firstMessageMs: 0, handshakeMs: 0 })).toBe(0);
  });
});
