import { z } from 'zod';
import { declareSchema } from '../../common/validation.js';
import { passwordProblem, PASSWORD_MAX } from './password-policy.js';
import { ROLES } from './user.entity.js';

export const username = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');
/** A password a user sets: a string (never an array or object), checked against the policy with the reason. */
export const newPassword = z
  .string()
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters long`)
  .superRefine((p, ctx) => {
    const problem = passwordProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export const role = z.enum(ROLES, `must be one of ${ROLES.join(', ')}`);

export const UserCreateBody = declareSchema(
  'UserCreateBody',
  z.strictObject({ username, password: newPassword, role }).superRefine((b, ctx) => {
    const problem = passwordProblem(b.password, b.username);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  }),
);
export const UserPatchBody = declareSchema('UserPatchBody', z.strictObject({ password: newPassword.optional(), role: role.optional() }));
export const PasswordChangeBody = declareSchema(
  'PasswordChangeBody',
  z.strictObject({
    currentPassword: z.string().max(PASSWORD_MAX),
    newPassword,
  }),
);
