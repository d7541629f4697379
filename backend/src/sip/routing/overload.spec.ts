import { describe, it, expect } from 'vitest';
import { DialogRateLimiter } from './overload.js';

describe('DialogRateLimiter (overload-ctrl-dialog-rate)', () => {
  it('admits the configured rate and refuses the excess at twice the rate', () => {
    let t = 0;
    const l = new DialogRateLimiter(10, () => t);
    let ok = 0;
    // 20 INVITEs/s for 10 s, evenly spaced.
    for (let i = 0; i < 200; i++) {
      t = i * 50;
      if (l.admit()) ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(ok).toBeLessThanOrEqual(111); // one second of burst at most
    expect(l.rejected).toBe(200 - ok);
  });

  it('0 disables it, and the rate changes live', () => {
    let t = 0;
    const l = new DialogRateLimiter(0, () => t);
    for (let i = 0; i < 1000; i++) expect(l.admit()).toBe(true);
    l.setRate(2);
    expect(l.admit()).toBe(true);
    expect(l.admit()).toBe(true);
    expect(l.admit()).toBe(false);
    t += 500;
    expect(l.admit()).toBe(true);
    expect(l.admit()).toBe(false);
  });

  it('a group member admits at its share: no refill when the share changes, burst one second of it (at least 1)', () => {
    let t = 0;
    const l = new DialogRateLimiter(10, () => t);
    l.setShare(4);
    expect(l.effectiveRate).toBe(4);
    let ok = 0;
    for (let i = 0; i < 10; i++) if (l.admit()) ok++;
    expect(ok).toBe(4); // the 10 tokens of the start capped at the share's burst
    t += 1000;
    l.setShare(6); // refills nothing by itself
    ok = 0;
    for (let i = 0; i < 10; i++) if (l.admit()) ok++;
    expect(ok).toBe(4); // what the last second earned at 4/s
    l.setShare(0.2);
    t += 5000;
    expect(l.admit()).toBe(true); // a fractional share still admits one
    expect(l.admit()).toBe(false);
    l.setShare(undefined);
    expect(l.effectiveRate).toBe(10);
  });
});
