import { z } from 'zod';
import { safeText } from '../../common/fields.js';
import { declareSchema } from '../../common/validation.js';
import { PASSWORD_MAX } from '../users/password-policy.js';

/** Strings only: `{"password": [...]}` is a 400, never handed to the hash. */
export const LoginBody = declareSchema(
  'LoginBody',
  z.strictObject({
    // A control character is never part of a user name; refused here, not by PostgreSQL (NUL is error 22021).
    username: z.string().min(1, 'is required').pipe(safeText(64)),
    password: z.string().min(1, 'is required').max(PASSWORD_MAX),
  }),
);
