import { z } from 'zod';
import { declareSchema } from '../../common/validation.js';
import { PASSWORD_MAX } from '../users/password-policy.js';

/** Strings only: `{"password": [...]}` is a 400, never handed to the hash. */
export const LoginBody = declareSchema('LoginBody', z.strictObject({
  username: z.string().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(PASSWORD_MAX),
}));
