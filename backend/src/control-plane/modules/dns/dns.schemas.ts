import { z } from 'zod';
import { DN_NUMBER_MAX } from '../../../contracts/object-names.js';
import { requiredText, revision, safeText } from '../../common/fields.js';
import { listFields } from '../../common/query.js';
import { declareSchema } from '../../common/validation.js';
import { optionsPatch } from '../configuration/configuration.schemas.js';

/**
 * A DN number or name (`1001`, `to-site-b-primary`): JSON may send it as a number, as YAML does; it is stored as
 * text. A path segment of the API, so no `/`; long enough for the trunk wizard's `to-<switch>-primary`.
 */
const dnNumber = z
  .union([z.string(), z.number().int().min(0)], { error: 'must be a string (the DN number or name)' })
  .transform(String)
  .pipe(requiredText(DN_NUMBER_MAX).refine((s) => !s.includes('/') && !s.includes('\\'), 'must not contain / or \\'));
const type = requiredText(32);

export const DnCreateBody = declareSchema('DnCreateBody', z.strictObject({ number: dnNumber, type, options: optionsPatch.optional() }));
/** `number` may be sent but must be the DN's own: renumbering is refused. */
export const DnPatchBody = declareSchema(
  'DnPatchBody',
  z.strictObject({
    number: z.union([z.string(), z.number()]).transform(String).optional(),
    type: type.optional(),
    options: optionsPatch.optional(),
    revision: revision.optional(),
  }),
);
/** All DNs across switches, optionally of one switch. */
export const DnListQuery = declareSchema(
  'DnListQuery',
  z.object({
    ...listFields,
    switch: safeText(64)
      .optional()
      .transform((s) => s || undefined),
  }),
);
export type DnCreate = z.output<typeof DnCreateBody.schema>;
export type DnPatch = z.output<typeof DnPatchBody.schema>;
