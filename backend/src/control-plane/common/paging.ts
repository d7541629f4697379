import { badRequest } from './errors.js';
import type { ListQuery } from '../modules/configuration/config.repository.js';

const int = (name: string, raw: unknown, def: number, min: number, max: number): number => {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest('INVALID_QUERY', `${name} must be a whole number from ${min} to ${max}`);
  return n;
};

/** `?page=1&pageSize=50&q=…&type=…&sort=name&order=asc` -> a validated list query. */
export function listQuery(raw: Record<string, unknown>): ListQuery {
  const order = String(raw.order ?? 'asc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw badRequest('INVALID_QUERY', 'order must be asc or desc');
  return {
    page: int('page', raw.page, 1, 1, 1_000_000),
    pageSize: int('pageSize', raw.pageSize, 50, 1, 500),
    q: typeof raw.q === 'string' && raw.q ? raw.q : undefined,
    type: typeof raw.type === 'string' && raw.type ? raw.type : undefined,
    sort: typeof raw.sort === 'string' && raw.sort ? raw.sort : undefined,
    order: order.toUpperCase() as 'ASC' | 'DESC',
  };
}

export function pageArgs(raw: Record<string, unknown>): { page: number; pageSize: number } {
  return { page: int('page', raw.page, 1, 1, 1_000_000), pageSize: int('pageSize', raw.pageSize, 50, 1, 500) };
}

export function intParam(name: string, raw: unknown): number { return int(name, raw, NaN, 0, 2 ** 31 - 1); }

export function boolQuery(raw: unknown): boolean { return raw === 'true' || raw === '1' || raw === true; }
export function optionalInt(name: string, raw: unknown): number | undefined { return raw === undefined || raw === '' ? undefined : int(name, raw, 0, 0, 2 ** 31 - 1); }
