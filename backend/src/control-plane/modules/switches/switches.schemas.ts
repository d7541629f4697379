import { z } from 'zod';
import { objectName, requiredText, revision } from '../../common/fields.js';
import { declareSchema } from '../../common/validation.js';

/** sipServer names an application; empty or null (on edit) removes it. */
const sipServer = z.union([requiredText(64), z.literal(''), z.null()]);
export const SwitchCreateBody = declareSchema('SwitchCreateBody', z.strictObject({ name: objectName, sipServer: sipServer.optional() }));
export const SwitchPatchBody = declareSchema(
  'SwitchPatchBody',
  z.strictObject({ name: z.string().optional(), sipServer: sipServer.optional(), revision: revision.optional() }),
);
export type SwitchCreate = z.output<typeof SwitchCreateBody.schema>;
export type SwitchPatch = z.output<typeof SwitchPatchBody.schema>;
