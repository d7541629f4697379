import type { TimerScheduler } from '../transaction/timer-wheel.js';

/**
 * The minimal clock the HA monitor and the proxy timers need. Injected so that unit tests drive time
 * with a fake clock instead of waiting (RFC 3261 timers are seconds long).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(cb: () => void, ms: number): TimerHandle;
}

/** Real clock on `performance.now()` and `setTimeout` (unref'd: timers never keep the process alive). */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(cb: () => void, ms: number): TimerHandle {
    const t = setTimeout(cb, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Deterministic clock for tests: `advance(ms)` fires due timers in time order. */
export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; cb: () => void; live: boolean }[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(cb: () => void, ms: number): TimerHandle {
    const entry = { at: this.t + Math.max(0, ms), seq: this.seq++, cb, live: true };
    this.timers.push(entry);
    return {
      cancel: () => {
        entry.live = false;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: (typeof this.timers)[number] | undefined;
      for (const e of this.timers) {
        if (e.live && e.at <= end && (!next || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
      }
      if (!next) break;
      next.live = false;
      this.t = next.at;
      next.cb();
    }
    this.timers = this.timers.filter((e) => e.live);
    this.t = end;
  }

  pending(): number {
    return this.timers.filter((e) => e.live).length;
  }
}

/** The HA monitor's Clock on the transaction layer's timer wheel: one time source, fake in tests. */
export function clockFromScheduler(s: Pick<TimerScheduler, 'now' | 'create' | 'start' | 'stop'>): Clock {
  return {
    now: () => s.now(),
    setTimeout(cb: () => void, ms: number): TimerHandle {
      const t = s.create({ onTimer: cb }, 0);
      s.start(t, ms);
      return { cancel: () => s.stop(t) };
    },
  };
}
