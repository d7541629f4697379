import { z } from 'zod';
import { HOST_NAME_MAX, isHostName } from '../../contracts/host-name.js';
import { BIDI, CONTROL, INVISIBLE, OBJECT_NAME_MAX } from '../../contracts/object-names.js';

/**
 * Field schemas the request declarations share. Text that reaches logs, YAML, SIP headers or the UI may not carry
 * control characters (NUL, CR/LF: header and log injection) or bidirectional overrides (text that reads differently
 * from what it is, CVE-2021-42574 "Trojan Source").
 */
/** C0, DEL and C1 control characters; bidi formatting characters (contracts/object-names.ts: one definition). */
export { BIDI, CONTROL } from '../../contracts/object-names.js';

/** Printable text of at most `max` characters. */
export const safeText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters (NUL, CR, LF, tab...)')
    .refine((s) => !BIDI.test(s), 'must not contain bidirectional override characters');

/** A non-empty printable string, trimmed. */
export const requiredText = (max: number) => z.string().trim().min(1, 'is required (a non-empty string)').pipe(safeText(max));

/** The name of a configuration object (application, switch): also a path segment of the API, so no `/`. */
export const objectName = requiredText(OBJECT_NAME_MAX)
  .refine((s) => !s.includes('/') && !s.includes('\\'), 'must not contain / or \\')
  .refine((s) => !INVISIBLE.test(s), 'must not contain invisible characters (zero-width space or joiner, soft hyphen, BOM)');

/** The host an application runs on (contracts/host-name.ts, the rule the configuration validator applies too). */
const HOST_MESSAGE = 'must be a host name or an IP address (letters, digits, dots, dashes; no spaces or control characters)';
export const hostName = z
  .string()
  .trim()
  .min(1, 'is required (a non-empty string)')
  .max(HOST_NAME_MAX, `must be at most ${HOST_NAME_MAX} characters`)
  .refine(isHostName, HOST_MESSAGE);
/** The same, where empty means "none" (undefined). */
export const optionalHostName = z
  .string()
  .trim()
  .max(HOST_NAME_MAX, `must be at most ${HOST_NAME_MAX} characters`)
  .refine((s) => s === '' || isHostName(s), HOST_MESSAGE)
  .optional()
  .transform((s) => s || undefined);

/** Which version or revision the client read (optimistic concurrency). */
export const revision = z.number().int('must be a whole number').min(0);

/** Path parameters that are database ids. */
export const uuidParam = z.uuid('must be a UUID');

/** An object keyed by printable names of at most `keyMax` characters (option sections and names, port IDs). */
export const namedRecord = <V extends z.ZodType>(keyMax: number, value: V, typeMessage: string) =>
  z.record(safeText(keyMax), value, {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? typeMessage
        : issue.code === 'invalid_key'
          ? `must be a name of at most ${keyMax} characters, without control or bidirectional characters`
          : undefined,
  });

/** `?dryRun=true` and friends. */
export const boolFlag = z
  .enum(['true', 'false', '1', '0'], 'must be true or false')
  .optional()
  .transform((v) => v === 'true' || v === '1');
