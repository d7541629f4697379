import { z } from 'zod';
import { boolFlag, namedRecord } from '../../common/fields.js';
import { optionalRevisionQuery, versionNumber } from '../../common/query.js';
import { declareSchema } from '../../common/validation.js';

/**
 * `{ section: { option: value | null } }` as an application or DN edit sends it: a value sets the option, null
 * removes it (back to its default). Whether the value suits the option is the configuration validator's call (it
 * knows the registry); here only the shape.
 */
const optionValue = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: 'must be a string, number or boolean (or null to remove it)',
});
export const optionsPatch = namedRecord(
  64,
  namedRecord(128, optionValue, 'must be an object of option values'),
  'must be an object of sections',
);
export type OptionsPatch = z.output<typeof optionsPatch>;

/**
 * Import and validate take the YAML text itself (application/yaml or text/plain); what it must hold is the
 * configuration format (docs/config-format.md), checked with every error located. A JSON body is not a document.
 */
export const YamlDocumentBody = declareSchema('YamlDocumentBody', z.string('must be a YAML document sent as application/yaml'));
/** An import names the version it was edited from (409 if the head moved on); a dry run saves nothing. */
export const ImportQuery = declareSchema('ImportQuery', z.object({ dryRun: boolFlag, baseVersion: optionalRevisionQuery }));
/** `baseVersion`: the current version the caller reviewed the rollback's diff against (409 STALE_VERSION if it moved). */
export const RollbackQuery = declareSchema('RollbackQuery', z.object({ baseVersion: optionalRevisionQuery }));
/** `?secrets=include` is an admin's explicit, audited choice; the default masks them. */
export const ExportQuery = declareSchema(
  'ExportQuery',
  z.object({ secrets: z.enum(['include', 'mask'], 'must be include or mask').optional() }),
);
/** Both ends of a diff are required: there is no sensible default pair of versions. */
export const DiffQuery = declareSchema('DiffQuery', z.object({ from: versionNumber, to: versionNumber }));
