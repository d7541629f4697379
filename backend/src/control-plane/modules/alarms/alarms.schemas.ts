import { z } from 'zod';
import { pageFields } from '../../common/query.js';
import { declareSchema } from '../../common/validation.js';

/** `?state=active|history|all` (default all) and the page of the cleared ones' history. */
export const AlarmListQuery = declareSchema(
  'AlarmListQuery',
  z.object({
    state: z
      .enum(['active', 'history', 'all'], 'must be active, history or all')
      .optional()
      .transform((s) => s ?? 'all'),
    ...pageFields,
  }),
);
