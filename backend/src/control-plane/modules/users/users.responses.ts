import { z } from 'zod';
import { declareResponse } from '../../common/response-schemas.js';
import { ROLES } from './user.entity.js';

/** A user as the API shows it (never the password hash). */
export const UserView = declareResponse(
  'UserView',
  z.object({ id: z.string(), username: z.string(), role: z.enum(ROLES), createdAt: z.string() }),
);
export const UserList = declareResponse('UserList', z.array(UserView.schema));
