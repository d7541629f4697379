import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Role } from '../modules/users/user.entity.js';

export interface AuthUser {
  id: string;
  username: string;
  role: Role;
}
export interface AuthedRequest extends Request {
  user?: AuthUser;
  sessionToken?: string;
}

export const IS_PUBLIC = 'isPublic';
export const ROLES_KEY = 'roles';
/** No authentication needed (login, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only these roles may call the handler; without it any signed-in user may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Roles allowed to change configuration. */
export const CanEditConfig = () => Roles('admin', 'operator');

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => ctx.switchToHttp().getRequest<AuthedRequest>().user,
);
