import { afterEach, describe, expect, it, vi } from 'vitest';
import { NextHopKeeper, type KeeperTransport } from './next-hop-keeper.js';

/** Ping times under a fake clock: RFC 5626 §4.4.1 jitter (80-100 % of the interval) and the 10 s pong deadline. */
function fakeTransport(answer: () => boolean): KeeperTransport & { sends: number[] } {
  let last = 0;
  const t = {
    sends: [] as number[],
    send: () => {
      t.sends.push(Date.now());
      if (answer())
        setTimeout(() => {
          last = Date.now();
        }, 5); // a pong 5 ms later
      return 'c1';
    },
    connectionLastReceived: () => last,
    closeConnection: () => true,
  };
  return t;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('NextHopKeeper timing', () => {
  it.each([
    [0, 24_000],
    [0.5, 27_000],
    [0.999999, 30_000],
  ])('random %s: pings every %i ms (80-100 %% of 30 s)', (r, every) => {
    vi.useFakeTimers({ now: 1_000_000 });
    const t = fakeTransport(() => true);
    const k = new NextHopKeeper(t, [{ transport: 'tcp', host: '127.0.0.1', port: 5070 }], () => undefined, {
      intervalMs: 30_000,
      pongTimeoutMs: 10_000,
      random: () => r,
    });
    k.start();
    vi.advanceTimersByTime(3 * every + 1);
    expect(t.sends.map((x) => x - 1_000_000)).toEqual([0, every, 2 * every, 3 * every]);
    expect(k.counters.pongsMissed).toBe(0);
    k.stop();
  });

  it('no answer within 10 s: the connection is closed and a new ping sent at once', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const t = fakeTransport(() => false);
    const closed: string[] = [];
    t.closeConnection = (id) => {
      closed.push(id);
      return true;
    };
    const k = new NextHopKeeper(t, [{ transport: 'tcp', host: '127.0.0.1', port: 5070 }], () => undefined, {
      intervalMs: 30_000,
      pongTimeoutMs: 10_000,
      random: () => 0,
    });
    k.start();
    vi.advanceTimersByTime(10_000);
    expect(closed).toEqual(['c1']);
    expect(t.sends.map((x) => x - 1_000_000)).toEqual([0, 10_000]);
    expect(k.counters).toEqual({ pings: 2, pongsMissed: 1, replaced: 1 });
    k.stop();
  });
});
