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
});
