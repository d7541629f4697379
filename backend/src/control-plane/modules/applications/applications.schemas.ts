import { z } from 'zod';
import { hostName, namedRecord, objectName, requiredText, revision, safeText } from '../../common/fields.js';
import { declareSchema } from '../../common/validation.js';
import { optionsPatch } from '../configuration/configuration.schemas.js';

/**
 * Port IDs of the Server Info tab (`sip-port`, `tls-port`, `http-port`) to whole numbers; null removes one. Which
 * IDs a type has and their range are the configuration validator's (located errors naming the application).
 */
const portNumber = z
  .number('must be a whole number (or null to remove it)')
  .int('must be a whole number (or null to remove it)')
  .nullable();
const ports = namedRecord(32, portNumber, 'must be an object like {"sip-port": 5060}');
/** A primary SIP Server names its backup; empty or null (on edit) removes it. */
const backup = z
  .string('must be the name of an application (or null)')
  .trim()
  .pipe(safeText(64))
  .refine((s) => !s.includes('/'), 'must not contain /')
  .nullable();
const type = requiredText(32);

export const ApplicationCreateBody = declareSchema(
  'ApplicationCreateBody',
  z.strictObject({
    name: objectName,
    type,
    host: hostName.optional(),
    ports: ports.optional(),
    backup: backup.optional(),
    options: optionsPatch.optional(),
  }),
);
/** `name` may be sent (the UI echoes it) but must be the application's own: renaming is refused. */
export const ApplicationPatchBody = declareSchema(
  'ApplicationPatchBody',
  z.strictObject({
    name: z.string().optional(),
    type: type.optional(),
    host: hostName.nullable().optional(),
    ports: ports.optional(),
    backup: backup.optional(),
    options: optionsPatch.optional(),
    revision: revision.optional(),
  }),
);
export type ApplicationCreate = z.output<typeof ApplicationCreateBody.schema>;
export type ApplicationPatch = z.output<typeof ApplicationPatchBody.schema>;
