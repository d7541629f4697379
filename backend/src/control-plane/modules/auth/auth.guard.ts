import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { IS_PUBLIC, ROLES_KEY, type AuthedRequest } from '../../common/auth-context.js';
import { AppError, forbidden, unauthorized } from '../../common/errors.js';
import type { Role } from '../users/user.entity.js';
import { AuthService } from './auth.service.js';
import { sessionTokenOf } from './session-token.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every endpoint needs a session unless marked @Public. Scripts send `Authorization: Bearer <token>`;
 * browsers send the httpOnly cookie, and then a write must also carry the CSRF token (double submit:
 * `X-CSRF-Token` must equal the session's token, which the browser can read from the `csrf` cookie).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const { token, bearer } = sessionTokenOf(req);
    if (!token) throw unauthorized();
    const { user, csrfToken } = await this.auth.authenticate(token);
    if (!bearer && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, csrfToken))
        throw new AppError(403, 'CSRF_TOKEN_INVALID', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated write');
    }
    req.user = user;
    req.sessionToken = token;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) throw forbidden(`This needs the role ${roles.join(' or ')}; you are ${user.role}`);
    return true;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
