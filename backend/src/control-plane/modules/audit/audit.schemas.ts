import { z } from 'zod';
import { safeText } from '../../common/fields.js';
import { pageFields } from '../../common/query.js';
import { declareSchema } from '../../common/validation.js';

/** The audit log, newest first, optionally of one actor (a user name). */
export const AuditListQuery = declareSchema(
  'AuditListQuery',
  z.object({
    ...pageFields,
    actor: safeText(64)
      .optional()
      .transform((s) => s || undefined),
  }),
);
