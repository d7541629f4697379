import { z } from 'zod';
import { objectName, optionalHostName } from '../../common/fields.js';
import { declareSchema } from '../../common/validation.js';

const whole = z.number('must be a whole number').int('must be a whole number').min(0, 'must be 0 or more');

/** The trunk wizard's request (see trunk-plan.ts): which sites, which mode, and the few values it cannot infer. */
export const TrunkProvisionBody = declareSchema(
  'TrunkProvisionBody',
  z.strictObject({
    switch: objectName,
    remoteSwitch: objectName,
    mode: z.enum(['dns', 'per-server'], "must be 'dns' (DNS resolution) or 'per-server' (one trunk per server of the remote pair)"),
    /** DNS mode: the FQDN whose SRV records name the remote pair (RFC 3263 §4.2); it goes into the trunk's contact. */
    contact: optionalHostName,
    tls: z.boolean('must be true or false').optional(),
    oosCheck: whole.optional(),
    oosForce: whole.optional(),
  }),
);
