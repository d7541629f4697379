import { z } from 'zod';
import type { ListQuery } from '../modules/configuration/config.repository.js';
import { boolFlag, safeText } from './fields.js';
import { declareSchema } from './validation.js';

/**
 * Query-string and path fields the request declarations share. A query value arrives as text (or as an array when
 * the parameter is repeated, which is refused); numbers are digits only, so `1e3`, `0x10`, `1.5` and `-1` are a 400
 * naming the parameter rather than a NaN that reaches PostgreSQL.
 */
const MAX_INT = 2 ** 31 - 1;

/** A whole number written in a query string or path; `required` says so when it is missing. */
export const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string({ error: (i) => (i.input === undefined ? 'is required' : message) })
    .regex(/^\d{1,10}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
};

/** An optional whole number: absent or empty (`?page=`) is `undefined`. */
export const optionalWholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string(message)
    .regex(/^\d{0,10}$/, message)
    .optional()
    .transform((s) => (s ? Number(s) : undefined))
    .refine((n) => n === undefined || (n >= min && n <= max), message);
};

/** A configuration version or object revision in a path or query. */
export const versionNumber = wholeNumber(0, MAX_INT);
export const optionalRevisionQuery = optionalWholeNumber(0, MAX_INT);

/** Optional filter text; empty is the same as absent. */
export const filterText = safeText(200)
  .optional()
  .transform((s) => s || undefined);

/** `?page=1&pageSize=50`: 1-based page, at most 500 rows. */
export const pageFields = {
  page: optionalWholeNumber(1, 1_000_000).transform((n) => n ?? 1),
  pageSize: optionalWholeNumber(1, 500).transform((n) => n ?? 50),
};

/** `?page&pageSize&q&type&sort&order=asc|desc`: what every configuration list takes (output is a ListQuery). */
export const listFields = {
  ...pageFields,
  q: filterText,
  type: filterText,
  sort: filterText,
  order: z
    .string('must be asc or desc')
    .regex(/^(asc|desc)$/i, 'must be asc or desc')
    .optional()
    .transform((o): ListQuery['order'] => (o?.toLowerCase() === 'desc' ? 'DESC' : 'ASC')),
} satisfies Record<keyof ListQuery, z.ZodType>;

/** `?dryRun=true`: check and show the change, save nothing. */
export const DryRunQuery = declareSchema('DryRunQuery', z.object({ dryRun: boolFlag }));
/** A delete names the revision it read (optional; 409 if the object moved on) and may be a dry run. */
export const DeleteQuery = declareSchema('DeleteQuery', z.object({ revision: optionalRevisionQuery, dryRun: boolFlag }));
export const ListQuerySchema = declareSchema('ListQuery', z.object(listFields));
export const PageQuery = declareSchema('PageQuery', z.object(pageFields));
