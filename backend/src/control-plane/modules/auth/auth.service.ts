import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { ENV, type Env } from '../../config/env.js';
import { AppError, unauthorized } from '../../common/errors.js';
import type { AuthUser } from '../../common/auth-context.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { LoginRateLimited, LoginRateLimiter } from './login-rate-limiter.js';
import { SessionsRepository } from './sessions.repository.js';
import { sessionTokenOf } from './session-token.js';
import type { Request } from 'express';

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: AuthUser;
}
export interface Authenticated {
  user: AuthUser;
  csrfToken: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly limiter = new LoginRateLimiter();
  // Verified against when the user does not exist, so a wrong username costs the same time as a wrong password.
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditRepository,
    private readonly accounts: UsersService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** Counts one password check for (address, user name) and the user name, or refuses it with 429. */
  private async beginAttempt(address: string, username: string) {
    try {
      return await this.limiter.begin(address, username);
    } catch (e) {
      if (e instanceof LoginRateLimited) throw new AppError(429, e.code, e.message, undefined, e.retryAfterSeconds);
      throw e;
    }
  }

  /** `address` is the client's address as the operator's proxy configuration (TRUST_PROXY) allows it to be known. */
  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const attempt = await this.beginAttempt(address, username);
    const user = await this.users.findByUsername(username);
    this.dummyHash ??= this.hasher.hash('not-a-real-password-' + randomBytes(8).toString('hex'));
    const ok = user
      ? await this.hasher.verify(user.passwordHash, password)
      : (await this.hasher.verify(await this.dummyHash, password), false);
    if (!user || !ok) {
      const reason = user ? 'wrong password' : 'no such user';
      // Operators watch the log for guessing; the line carries the request id of the refused call.
      this.logger.warn(`login refused for '${username}' from ${address}: ${reason}`);
      await this.audit
        .record(username, 'login failed', '/api/auth/login', { address, reason })
        .catch((e: unknown) => this.logger.error(`audit write failed: ${String(e)}`));
      throw new AppError(401, 'INVALID_CREDENTIALS', 'Invalid username or password');
    }
    await attempt.succeeded();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.env.sessionTtlMinutes * 60_000);
    await this.sessions.create(user.id, sha256(token), csrfToken, expiresAt);
    void this.sessions.deleteExpired(new Date()).catch(() => undefined);
    // Sign-ins are in the audit log next to the failures: who had a session when a change was made.
    await this.audit
      .record(user.username, 'login', '/api/auth/login', { address }, `session of ${user.username}`)
      .catch((e: unknown) => this.logger.error(`audit write failed: ${String(e)}`));
    return { token, csrfToken, expiresAt, user: { id: user.id, username: user.username, role: user.role } };
  }

  /**
   * A signed-in user changes their own password. The current-password check is a password guess like a login: it
   * counts with the same limiter and keys (address, user name), so a stolen session cannot guess faster than a login
   * could, and guesses either way share one budget. A right current password refunds its attempt.
   */
  async changeOwnPassword(
    user: AuthUser,
    currentPassword: string,
    newPassword: string,
    address: string,
    keepTokenHash: string | undefined,
  ): Promise<void> {
    const attempt = await this.beginAttempt(address, user.username);
    try {
      await this.accounts.changeOwnPassword(user.id, currentPassword, newPassword, keepTokenHash);
    } catch (e) {
      if (e instanceof AppError && e.code === 'WRONG_PASSWORD') {
        await this.audit
          .record(user.username, 'password change failed', '/api/auth/password', { address, reason: 'wrong current password' })
          .catch((err: unknown) => this.logger.error(`audit write failed: ${String(err)}`));
      } else await attempt.succeeded(); // e.g. WEAK_PASSWORD: the current password was right
      throw e;
    }
    await attempt.succeeded();
  }

  async authenticate(token: string): Promise<Authenticated> {
    const session = await this.sessions.findValid(sha256(token), new Date());
    if (!session?.user) throw unauthorized('Session expired or invalid; sign in again');
    return { user: { id: session.user.id, username: session.user.username, role: session.user.role }, csrfToken: session.csrfToken };
  }

  /** Whether the request carries a live session (before a large body is read; the guard checks the rest). */
  async hasSession(req: Request): Promise<boolean> {
    const { token } = sessionTokenOf(req);
    return token ? (await this.sessions.findValid(sha256(token), new Date())) !== null : false;
  }

  tokenHash(token: string): string {
    return sha256(token);
  }

  /** Whether the session of `token` still exists and has not expired (logout, password change and expiry end it). */
  async isSessionLive(token: string): Promise<boolean> {
    return (await this.sessions.findValid(sha256(token), new Date())) !== null;
  }

  async logout(token: string): Promise<void> {
    await this.sessions.deleteByTokenHash(sha256(token));
  }
}
