import { z } from 'zod';
import { declareResponse } from '../../common/response-schemas.js';
import { ROLES } from '../users/user.entity.js';

/** The signed-in user (GET /api/auth/me, and the login answer's `user`). */
export const AuthUser = declareResponse('AuthUser', z.object({ id: z.string(), username: z.string(), role: z.enum(ROLES) }));
/** The session token is also set as an httpOnly cookie (with the CSRF cookie); the body's copy serves API clients. */
export const LoginResponse = declareResponse('LoginResponse', z.object({ token: z.string(), user: AuthUser.schema }));
