import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Password checks -- logins and the current password of a password change, one budget -- limited per (client
 * address, user name) and per user name. An attempt is counted when it arrives,
 * before the password is checked, so a burst of parallel guesses gets no more checks than the limit; a success
 * refunds only its own attempt, so one account's login never clears another account's failures.
 * User names are case-sensitive (the accounts table matches them exactly), so the keys keep their case: failures on
 * `Viewer` must not lock out `viewer`.
 * The per-user limit is a slow-down, not a denial: it is higher than the per-(address, user) one, and an address that
 * logged in to this account successfully before (remembered in memory, bounded) is not subject to it, so guessing
 * from many addresses cannot lock the owner out of an address they already use (trade-off: README, Security).
 * In memory: each control-plane replica limits on its own (a cluster allows replicas x the limit).
 */
export interface LoginLimits {
  perAddressAndUser: number;
  perUser: number;
  windowSeconds: number;
}
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAddressAndUser: 10, perUser: 100, windowSeconds: 300 };

/** How long and how many good addresses are remembered: bounded so a flood of successful logins cannot grow memory. */
const GOOD_ADDRESS_MS = 30 * 24 * 3600 * 1000;
const GOOD_ADDRESSES_PER_USER = 16;
const GOOD_ADDRESS_USERS = 10_000;

export class LoginRateLimited extends Error {
  readonly code = 'LOGIN_RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins; try again in ${retryAfterSeconds} s`);
  }
}

export interface LoginAttempt {
  succeeded(): Promise<void>;
}

export class LoginRateLimiter {
  private readonly byAddressAndUser: RateLimiterMemory;
  private readonly byUser: RateLimiterMemory;
  /** user -> (address -> last good login, ms); Map order is insertion order, so the first entries are the oldest. */
  private readonly goodAddresses = new Map<string, Map<string, number>>();
  constructor(
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.byAddressAndUser = new RateLimiterMemory({ keyPrefix: 'au', points: limits.perAddressAndUser, duration: limits.windowSeconds });
    this.byUser = new RateLimiterMemory({ keyPrefix: 'u', points: limits.perUser, duration: limits.windowSeconds });
  }

  /** Counts an attempt, or throws LoginRateLimited with the seconds to wait. */
  async begin(address: string, username: string): Promise<LoginAttempt> {
    const pair = `${address}\u0000${username}`;
    const known = this.isGoodAddress(username, address);
    try {
      await this.byAddressAndUser.consume(pair);
      if (!known) await this.byUser.consume(username);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new LoginRateLimited(Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
      throw e;
    }
    return {
      // The right password: this address's failures for this account are forgotten, the account's count gets its point back.
      succeeded: async () => {
        await this.byAddressAndUser.delete(pair);
        if (!known) await this.byUser.reward(username, 1);
        this.rememberGoodAddress(username, address);
      },
    };
  }

  private isGoodAddress(username: string, address: string): boolean {
    const at = this.goodAddresses.get(username)?.get(address);
    return at !== undefined && this.now() - at < GOOD_ADDRESS_MS;
  }

  private rememberGoodAddress(username: string, address: string): void {
    let addresses = this.goodAddresses.get(username);
    if (addresses) this.goodAddresses.delete(username);
    else addresses = new Map();
    this.goodAddresses.set(username, addresses); // most recently used user last
    addresses.delete(address);
    addresses.set(address, this.now());
    if (addresses.size > GOOD_ADDRESSES_PER_USER) addresses.delete(addresses.keys().next().value!);
    if (this.goodAddresses.size > GOOD_ADDRESS_USERS) this.goodAddresses.delete(this.goodAddresses.keys().next().value!);
  }
}
