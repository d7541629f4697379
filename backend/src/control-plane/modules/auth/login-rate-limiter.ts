import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Login attempts, limited per (client address, user name) and per user name. An attempt is counted when it arrives,
 * before the password is checked, so a burst of parallel guesses gets no more checks than the limit; a success
 * refunds only its own attempt, so one account's login never clears another account's failures.
 * In memory: each control-plane replica limits on its own (a cluster allows replicas x the limit).
 */
export interface LoginLimits { perAddressAndUser: number; perUser: number; windowSeconds: number }
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAddressAndUser: 10, perUser: 30, windowSeconds: 300 };

export class LoginRateLimited extends Error {
  readonly code = 'LOGIN_RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) { super(`Too many failed logins; try again in ${retryAfterSeconds} s`); }
}

export interface LoginAttempt { succeeded(): Promise<void> }

export class LoginRateLimiter {
  private readonly byAddressAndUser: RateLimiterMemory;
  private readonly byUser: RateLimiterMemory;
  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.byAddressAndUser = new RateLimiterMemory({ keyPrefix: 'au', points: limits.perAddressAndUser, duration: limits.windowSeconds });
    this.byUser = new RateLimiterMemory({ keyPrefix: 'u', points: limits.perUser, duration: limits.windowSeconds });
  }

  /** Counts an attempt, or throws LoginRateLimited with the seconds to wait. */
  async begin(address: string, username: string): Promise<LoginAttempt> {
    const user = username.toLowerCase(); // user names are matched case-insensitively by guessers; count them once
    const pair = `${address}\u0000${user}`;
    try {
      await this.byAddressAndUser.consume(pair);
      await this.byUser.consume(user);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new LoginRateLimited(Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
      throw e;
    }
    return {
      // The right password: this address's failures for this account are forgotten, the account's count gets its point back.
      succeeded: async () => { await this.byAddressAndUser.delete(pair); await this.byUser.reward(user, 1); },
    };
  }
}
