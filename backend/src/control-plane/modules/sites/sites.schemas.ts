import { z } from 'zod';
import { DN_NUMBER_MAX } from '../../../contracts/object-names.js';
import { hostName, namedRecord, objectName, requiredText } from '../../common/fields.js';
import { declareSchema } from '../../common/validation.js';

/**
 * The new-site wizard's request (site-plan.ts). Only the shape is checked here; whether a port, an option or a
 * name suits the document is the configuration validator's call on the whole result (every error located).
 */
const port = z.number('must be a whole number').int('must be a whole number');
const optionValue = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' });
const options = namedRecord(128, optionValue, 'must be an object of option values');
const sections = namedRecord(64, options, 'must be an object of sections');

const SiteServer = z.strictObject({
  name: objectName,
  host: hostName,
  sipPort: port,
  tlsPort: port.optional(),
  options: sections.optional(),
});
const SiteProxy = z.strictObject({
  name: objectName,
  host: hostName,
  sipPort: port,
  tlsPort: port.optional(),
  httpPort: port.optional(),
  options: sections.optional(),
});

export const SiteCreateBody = declareSchema(
  'SiteCreateBody',
  z.strictObject({
    /** The switch (site) name. */
    name: objectName,
    /** The SIP Server HA pair: the primary names the backup. */
    primary: SiteServer,
    backup: SiteServer,
    /** The pool's VoIP Service DN: number (default sipproxy-pool) and its [TServer] options (service-type is set). */
    pool: z.strictObject({ number: requiredText(DN_NUMBER_MAX).optional(), options }),
    /** The proxies of the pool (may be empty). */
    proxies: z.array(SiteProxy).max(16, 'must be at most 16 proxies'),
  }),
);
export type SiteCreate = z.output<typeof SiteCreateBody.schema>;
