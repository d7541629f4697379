import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import { ENV, type Env } from '../../config/env.js';
import { AppError, unauthorized } from '../../common/errors.js';
import type { AuthUser } from '../../common/auth-context.js';
import { UsersRepository } from '../users/users.repository.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { SessionsRepository } from './sessions.repository.js';

export interface LoginResult { token: string; csrfToken: string; expiresAt: Date; user: AuthUser }
export interface Authenticated { user: AuthUser; csrfToken: string }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
// Verified against when the user does not exist, so a wrong username costs the same time as a wrong password.
const DUMMY_HASH = argon2.hash('not-a-real-password-' + randomBytes(8).toString('hex'));

@Injectable()
export class AuthService {
  private readonly limiter = new LoginRateLimiter();
  constructor(private readonly users: UsersRepository, private readonly sessions: SessionsRepository, @Inject(ENV) private readonly env: Env) {}

  async login(username: string, password: string, clientKey: string): Promise<LoginResult> {
    const wait = this.limiter.retryAfter(clientKey);
    if (wait > 0) throw new AppError(429, 'LOGIN_RATE_LIMITED', `Too many failed logins; try again in ${wait} s`);
    const user = await this.users.findByUsername(username);
    const ok = user ? await argon2.verify(user.passwordHash, password) : (await argon2.verify(await DUMMY_HASH, password), false);
    if (!user || !ok) { this.limiter.fail(clientKey); throw new AppError(401, 'INVALID_CREDENTIALS', 'Invalid username or password'); }
    this.limiter.succeed(clientKey);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.env.sessionTtlMinutes * 60_000);
    await this.sessions.create(user.id, sha256(token), csrfToken, expiresAt);
    void this.sessions.deleteExpired(new Date()).catch(() => undefined);
    return { token, csrfToken, expiresAt, user: { id: user.id, username: user.username, role: user.role } };
  }

  async authenticate(token: string): Promise<Authenticated> {
    const session = await this.sessions.findValid(sha256(token), new Date());
    if (!session?.user) throw unauthorized('Session expired or invalid; sign in again');
    return { user: { id: session.user.id, username: session.user.username, role: session.user.role }, csrfToken: session.csrfToken };
  }

  tokenHash(token: string): string { return sha256(token); }

  async logout(token: string): Promise<void> { await this.sessions.deleteByTokenHash(sha256(token)); }
}
