import type { ApiError } from './errors';
import type { LocatedError } from './types';

/** Query parameters of the list endpoints (`?page&pageSize&q&sort&order` and filters). */
export type Query = Record<string, string | number | boolean | undefined | null>;

/** A path segment (names may hold characters a URL reserves). */
export const enc = encodeURIComponent;

/** `?dryRun=true` when asked: every write can be checked by the control plane without saving. */
export const dryRunQuery = (dryRun?: boolean) => (dryRun ? { dryRun: true } : undefined);

/** The control plane's located errors from a failed write (the body keeps object/field, which ApiError.errors drops). */
export function locatedErrors(error: ApiError | unknown): LocatedError[] {
  const body = (error as { body?: unknown } | null)?.body;
  if (!body || typeof body !== 'object') return [];
  const errs = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errs)) return [];
  return errs.filter((e): e is LocatedError => !!e && typeof e === 'object' && typeof (e as LocatedError).message === 'string');
}
