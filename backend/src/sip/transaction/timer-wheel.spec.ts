import { describe, expect, it } from 'vitest';
import { FakeTimers, TimerWheel, type TimerTarget } from './timer-wheel.js';

class Recorder implements TimerTarget {
  fired: [number, number][] = [];
  constructor(private readonly clock: { now(): number }) {}
  onTimer(kind: number): void {
    this.fired.push([kind, this.clock.now()]);
  }
}

describe('TimerWheel / FakeTimers', () => {
  it('fires timers exactly at their deadline, in order', () => {
    const t = new FakeTimers();
    const r = new Recorder(t);
    const a = t.create(r, 1);
    const b = t.create(r, 2);
    t.start(b, 1000);
    t.start(a, 500);
    t.advance(499);
    expect(r.fired).toEqual([]);
    t.advance(1);
    expect(r.fired).toEqual([[1, 500]]);
    t.advance(1000);
    expect(r.fired).toEqual([
      [1, 500],
      [2, 1000],
    ]);
    expect(t.size).toBe(0);
  });

  it('stop cancels and restart re-arms without double counting', () => {
    const t = new FakeTimers();
    const r = new Recorder(t);
    const a = t.create(r, 1);
    t.start(a, 100);
    t.start(a, 300);
    expect(t.size).toBe(1);
    t.advance(200);
    expect(r.fired).toEqual([]);
    t.stop(a);
    expect(a.active).toBe(false);
    t.advance(500);
    expect(r.fired).toEqual([]);
    expect(t.size).toBe(0);
  });

  it('handles timers longer than one wheel revolution', () => {
    const t = new FakeTimers(); // 4096 slots of 1 ms
    const r = new Recorder(t);
    t.start(t.create(r, 7), 10_000);
    t.start(t.create(r, 8), 10_000 - 4096);
    t.advance(20_000);
    expect(r.fired).toEqual([
      [8, 5904],
      [7, 10_000],
    ]);
  });

  it('a callback may stop a sibling due in the same tick and arm a zero-delay timer', () => {
    const t = new FakeTimers();
    const fired: string[] = [];
    const b = { onTimer: () => fired.push('b') };
    const tb = t.create(b, 0);
    const c = { onTimer: () => fired.push(`c@${t.now()}`) };
    const tc = t.create(c, 0);
    const a = {
      onTimer: () => {
        fired.push('a');
        t.stop(tb);
        t.start(tc, 0);
      },
    };
    t.start(t.create(a, 0), 50);
    t.start(tb, 50);
    t.advance(100);
    expect(fired).toEqual(['a', 'c@51']);
  });

  it('real wheel drives itself and rounds up to its tick', async () => {
    const w = new TimerWheel({ tickMs: 5 });
    const start = performance.now();
    const at = await new Promise<number>((resolve) => {
      w.start(w.create({ onTimer: () => resolve(performance.now()) }, 1), 20);
    });
    expect(at - start).toBeGreaterThanOrEqual(19);
    expect(w.size).toBe(0);
    w.dispose();
  });
});

describe('TimerWheel after an idle spell', () => {
  it('catches up without firing early or late', () => {
    let now = 0;
    const w = new TimerWheel({ tickMs: 10, autoDrive: false, clock: () => now });
    const fired: number[] = [];
    const t = w.create({ onTimer: () => fired.push(now) }, 1);
    w.start(t, 100);
    now = 100;
    w.advanceTo(now);
    now = 3_600_000; // an hour idle, no driving
    w.start(t, 500);
    now += 490;
    w.advanceTo(now);
    expect(fired).toEqual([100]);
    now += 10;
    w.advanceTo(now);
    expect(fired).toEqual([100, 3_600_500]);
  });
});
