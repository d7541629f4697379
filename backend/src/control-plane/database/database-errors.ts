import { AppError } from '../common/errors.js';

/** The API's answer while PostgreSQL is away: retry later, nothing is wrong with the request. */
export const databaseUnavailable = (detail = 'The database is unavailable; try again shortly') =>
  new AppError(503, 'DATABASE_UNAVAILABLE', detail, undefined, 2);

// Socket-level failures to reach the server, and PostgreSQL's own "not now" codes: class 08 (connection exception),
// 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /connection (is )?closed/i,
];

/**
 * True when `e` says PostgreSQL cannot be reached (as opposed to a query it refused). Looks through TypeORM's
 * QueryFailedError (`driverError`), `cause` and AggregateError (a host name with several addresses).
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const x = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof x.code === 'string' && (NET_CODES.has(x.code) || PG_CODES.has(x.code) || /^08/.test(x.code))) return true;
  if (typeof x.message === 'string' && MESSAGES.some((m) => m.test(x.message as string))) return true;
  if (Array.isArray(x.errors) && x.errors.some((i) => isDatabaseUnavailable(i, depth + 1))) return true;
  return isDatabaseUnavailable(x.driverError, depth + 1) || isDatabaseUnavailable(x.cause, depth + 1);
}
