import { z } from 'zod';
import { declareResponse } from '../../common/response-schemas.js';
import { MAX_PEM_FILE_BYTES } from '../../../contracts/tls-material.js';
import { objectName } from '../../common/fields.js';
import { declareSchema, type Infer } from '../../common/validation.js';

/** A [security] value as the option takes it: inline PEM (line breaks allowed) or a path relative to TLS_MATERIAL_DIR. */
const pathOrPem = (option: string) =>
  z
    .string(`must be a string: inline PEM or a file path (the ${option} option's value)`)
    .max(MAX_PEM_FILE_BYTES, `must be at most ${MAX_PEM_FILE_BYTES} characters`)
    .refine((s) => !s.includes('\0'), 'must not contain NUL');

/**
 * POST /api/certificates/check: a proposed certificate for a SIP Proxy application, with its key and CA when they
 * change too (unset = the configured value; an empty trusted-ca removes it). Nothing is saved.
 */
export const CertificateCheckBody = declareSchema(
  'CertificateCheckBody',
  z.strictObject({
    application: objectName,
    certificate: pathOrPem('certificate').refine((s) => s.trim() !== '', 'is required (inline PEM or a file path)'),
    'certificate-key': pathOrPem('certificate-key')
      .refine((s) => s.trim() !== '', 'must not be empty (leave it out to keep the configured key)')
      .optional(),
    'trusted-ca': pathOrPem('trusted-ca').optional(),
  }),
);
export type CertificateCheckInput = Infer<typeof CertificateCheckBody>;

const facts = z
  .object({
    subject: z.string(),
    san: z.array(z.string()),
    issuer: z.string(),
    serialNumber: z.string(),
    fingerprint256: z.string(),
    notBefore: z.string().describe('ISO 8601'),
    notAfter: z.string().describe('ISO 8601'),
    daysLeft: z.number().int().describe('whole days until notAfter; negative once expired'),
    validity: z.enum(['valid', 'expiring', 'expired', 'not-yet-valid']),
    chainLength: z.number().int(),
  })
  .nullable();
const chain = z.object({ status: z.enum(['trusted', 'untrusted', 'no-trusted-ca']), detail: z.string() }).nullable();
const worker = z
  .object({ accepted: z.boolean(), option: z.string().optional(), reason: z.string().optional() })
  .describe("the worker's own TLS material check (sip/transport/tls-context.ts)");
const problem = z.object({ option: z.string(), message: z.string() });
const state = z.enum(['valid', 'expiring', 'expired', 'not-yet-valid', 'invalid']);

/** GET /api/certificates: no key material, ever (the key is only compared with the certificate). */
export const CertificateList = declareResponse(
  'CertificateList',
  z.object({
    expiryWarningDays: z.number().int(),
    items: z.array(
      z.object({
        application: z.string(),
        sources: z
          .object({ certificate: z.string(), 'certificate-key': z.string(), 'trusted-ca': z.string().optional() })
          .describe('"inline", or the file path as written; certificate-key (a secret) is only "secret" or "none"'),
        listener: z.boolean().describe('tls-port is set: the TLS listener uses this material'),
        state,
        certificate: facts,
        chain,
        keyMatches: z.boolean().nullable(),
        worker,
        problems: z.array(problem),
      }),
    ),
  }),
);

/** POST /api/certificates/check's answer. */
export const CertificateCheckAnswer = declareResponse(
  'CertificateCheckAnswer',
  z.object({
    application: z.string(),
    accepted: z.boolean(),
    worker,
    save: z
      .object({ accepted: z.boolean(), problems: z.array(problem) })
      .describe("what saving it would say (the configuration's rules, files opened)"),
    certificate: facts,
    chain,
    keyMatches: z.boolean().nullable(),
    state,
  }),
);
