/**
 * Cheap timer structure for the transaction layer (RFC 3261 §17 timers A-M).
 *
 * A hashed timing wheel: O(1) start/stop, no closure per start. Each transaction owns a few
 * `Timer` objects (one per RFC timer) which are re-armed in place, so a retransmission schedules
 * no new allocation. The same class is the fake clock in tests (`advance(ms)` with 1 ms ticks).
 */

/** Receives timer expiries; `kind` is whatever the owner passed to `create` (e.g. TIMER_A). */
export interface TimerTarget {
  onTimer(kind: number): void;
}

/** A re-armable timer owned by one target. Opaque to callers. */
export class Timer {
  /** Absolute tick at which the timer fires; -1 when idle. */
  deadline = -1;
  prev: Timer | null = null;
  next: Timer | null = null;
  constructor(
    readonly target: TimerTarget,
    readonly kind: number,
  ) {}
  get active(): boolean {
    return this.deadline >= 0;
  }
}

/** The injectable clock/timer interface used by transactions. */
export interface TimerScheduler {
  /** Current time in milliseconds (monotonic). */
  now(): number;
  create(target: TimerTarget, kind: number): Timer;
  /** (Re)arms `timer` to fire `delayMs` from now. */
  start(timer: Timer, delayMs: number): void;
  stop(timer: Timer): void;
}

/**
 * Arms `timer`, creating it on first use. Transactions create a Timer only for the RFC timers they actually run
 * and drop it once stopped ({@link disarm}), so a finished transaction holds just the one timer still pending.
 */
export function arm(s: TimerScheduler, timer: Timer | undefined, target: TimerTarget, kind: number, delayMs: number): Timer {
  const t = timer ?? s.create(target, kind);
  s.start(t, delayMs);
  return t;
}

/** Stops `timer` if there is one; returns undefined for the caller to store in its place. */
export function disarm(s: TimerScheduler, timer: Timer | undefined): undefined {
  if (timer) s.stop(timer);
  return undefined;
}

export interface TimerWheelOptions {
  /** Tick length; timers are rounded up to a tick. Default 10 ms (real) — T1 is 500 ms. */
  tickMs?: number;
  /** Wheel size (power of two). Default 4096. */
  slots?: number;
  /** Time source in ms. Default `performance.now()`. */
  clock?: () => number;
  /** Drive the wheel with a Node interval while timers are pending. Default true. */
  autoDrive?: boolean;
}

export class TimerWheel implements TimerScheduler {
  private readonly tickMs: number;
  private readonly mask: number;
  private readonly heads: (Timer | null)[];
  private readonly tails: (Timer | null)[];
  private readonly clock: () => number;
  private readonly autoDrive: boolean;
  private readonly origin: number;
  /** Last tick processed. */
  private tick = 0;
  private pending = 0;
  private interval: NodeJS.Timeout | null = null;
  private readonly driveFn = (): void => this.advanceTo(this.clock());

  constructor(options: TimerWheelOptions = {}) {
    this.tickMs = options.tickMs ?? 10;
    const slots = options.slots ?? 4096;
    if ((slots & (slots - 1)) !== 0) throw new Error('slots must be a power of two');
    this.mask = slots - 1;
    this.heads = new Array<Timer | null>(slots).fill(null);
    this.tails = new Array<Timer | null>(slots).fill(null);
    this.clock = options.clock ?? (() => performance.now());
    this.autoDrive = options.autoDrive ?? true;
    this.origin = this.clock();
  }

  now(): number {
    return this.clock();
  }

  /** Number of armed timers (for stats/tests). */
  get size(): number {
    return this.pending;
  }

  create(target: TimerTarget, kind: number): Timer {
    return new Timer(target, kind);
  }

  start(timer: Timer, delayMs: number): void {
    if (timer.deadline >= 0) {
      this.unlink(timer);
      this.pending--;
    }
    const elapsed = this.clock() - this.origin;
    // After an idle spell the wheel was not driven: catch the tick up instead of walking empty slots.
    if (this.pending === 0) this.tick = Math.max(this.tick, Math.floor(elapsed / this.tickMs));
    const due = Math.ceil((elapsed + Math.max(0, delayMs)) / this.tickMs);
    // A timer due now or in the past fires on the next processed tick, never in the current one.
    timer.deadline = due > this.tick ? due : this.tick + 1;
    const slot = timer.deadline & this.mask;
    const tail = this.tails[slot] ?? null;
    timer.next = null;
    timer.prev = tail;
    if (tail) tail.next = timer;
    else this.heads[slot] = timer;
    this.tails[slot] = timer;
    if (++this.pending === 1 && this.autoDrive && !this.interval) {
      this.interval = setInterval(this.driveFn, this.tickMs);
      this.interval.unref();
    }
  }

  stop(timer: Timer): void {
    if (timer.deadline < 0) return;
    this.unlink(timer);
    timer.deadline = -1;
    if (--this.pending === 0) this.idle();
  }

  /** Fires every timer due at or before time `nowMs` (clock units), in deadline order. */
  advanceTo(nowMs: number): void {
    const target = Math.floor((nowMs - this.origin) / this.tickMs);
    while (this.tick < target && this.pending > 0) {
      this.tick++;
      this.fireSlot(this.tick);
    }
    if (this.tick < target) this.tick = target;
  }

  /** Stops the driving interval (timers stay armed but no longer fire on their own). */
  dispose(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }

  private fireSlot(tick: number): void {
    const slot = tick & this.mask;
    // Fire one due timer at a time, rescanning from the head: a callback may stop or arm other
    // timers, so no list pointer survives a callback. Slots are FIFO, so arming order is kept.
    let t = this.heads[slot] ?? null;
    while (t) {
      if (t.deadline <= tick) {
        this.unlink(t);
        t.deadline = -1;
        this.pending--;
        t.target.onTimer(t.kind);
        t = this.heads[slot] ?? null;
      } else {
        t = t.next;
      }
    }
    if (this.pending === 0) this.idle();
  }

  private unlink(timer: Timer): void {
    const slot = timer.deadline & this.mask;
    if (timer.prev) timer.prev.next = timer.next;
    else this.heads[slot] = timer.next;
    if (timer.next) timer.next.prev = timer.prev;
    else this.tails[slot] = timer.prev;
    timer.prev = timer.next = null;
  }

  private idle(): void {
    if (this.interval) {
      clearInterval(this.interval);
      this.interval = null;
    }
  }
}

/** A fake clock for tests: 1 ms ticks, advanced by hand. RFC timers fire exactly on time. */
export class FakeTimers extends TimerWheel {
  private readonly clockBox: { ms: number };
  constructor() {
    const box = { ms: 0 };
    super({ tickMs: 1, autoDrive: false, clock: () => box.ms });
    this.clockBox = box;
  }
  /** Advances the clock by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.clockBox.ms + ms;
    // Step tick by tick so now() is correct inside callbacks.
    while (this.clockBox.ms < end) {
      this.clockBox.ms++;
      this.advanceTo(this.clockBox.ms);
    }
  }
}
