import { isAbsolute, resolve } from 'node:path';

/** The validated environment, read once at start-up (see loadEnv). */
export interface Env {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Set: use this PostgreSQL server. Unset: start the embedded one in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly adminPassword: string | undefined;
  readonly sessionTtlMinutes: number;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Where the built frontend lives; served at `/` when it exists. */
  readonly frontendDist: string;
  /** Run embedded proxy workers for SIP Proxy applications hosted here. */
  readonly workersEnabled: boolean;
  /** Which local SIP Proxy applications run embedded: undefined = all of them; else these names only. */
  readonly embeddedApps: readonly string[] | undefined;
}

export const ENV = Symbol('ENV');

export class EnvError extends Error {
  readonly code = 'ENV_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/**
 * Reads and validates every variable the control plane uses. Called once in main; nothing else reads process.env.
 * Each bad value is named with what is allowed, all at once.
 */
export function loadEnv(source: NodeJS.ProcessEnv, cwd = process.cwd(), repoRoot = cwd): Env {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = source[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got '${raw}')`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = source[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got '${raw}')`);
    return fallback;
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = source.HOST?.trim() || '0.0.0.0';
  const dataDirRaw = source.DATA_DIR?.trim() || './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);

  let databaseUrl: string | undefined;
  const dbRaw = source.DATABASE_URL?.trim();
  if (dbRaw) {
    try {
      const url = new URL(dbRaw);
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        problems.push(`DATABASE_URL must be a postgres:// or postgresql:// URL (got protocol '${url.protocol}')`);
      } else databaseUrl = dbRaw;
    } catch {
      problems.push(`DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/database)`);
    }
  }

  const adminPassword = source.ADMIN_PASSWORD === undefined || source.ADMIN_PASSWORD === '' ? undefined : source.ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword.length < 8) problems.push('ADMIN_PASSWORD must be at least 8 characters long');

  const sessionTtlMinutes = int('SESSION_TTL_MINUTES', 480, 1, 60 * 24 * 30);
  const levelRaw = (source.LOG_LEVEL ?? 'info').trim().toLowerCase();
  const logLevel = (LOG_LEVELS as readonly string[]).includes(levelRaw) ? (levelRaw as Env['logLevel']) : 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(levelRaw)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got '${source.LOG_LEVEL}')`);

  const workersEnabled = bool('WORKERS_ENABLED', true);
  const appsRaw = source.WORKERS_EMBEDDED_APPS?.trim();
  const embeddedApps = !appsRaw || appsRaw === '*' ? undefined : appsRaw.split(',').map((s) => s.trim()).filter(Boolean);
  const frontendDist = resolve(repoRoot, 'frontend', 'dist');

  if (problems.length > 0) throw new EnvError(problems);
  return Object.freeze({ port, host, dataDir, databaseUrl, adminPassword, sessionTtlMinutes, logLevel, frontendDist, workersEnabled, embeddedApps });
}
