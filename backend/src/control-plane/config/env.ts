import { isIP } from 'node:net';
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
  /**
   * The reverse proxies whose X-Forwarded-For the control plane believes (Express 'trust proxy'): false = none, the
   * client address is the socket's; else addresses/subnets (or loopback, linklocal, uniquelocal), or a hop count.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Serve HTTPS with this certificate chain and key (PEM files); both or neither. */
  readonly tls: { certFile: string; keyFile: string } | undefined;
  /**
   * The only directory the control plane reads TLS material files from (`certificate`, `certificate-key`,
   * `trusted-ca` given as paths, relative to it): TLS_MATERIAL_DIR, default `<DATA_DIR>/tls`.
   */
  readonly tlsMaterialDir: string;
  /** How long an instance that stopped reporting stays in this replica's view (WORKER_FORGET_AFTER_S, default 600). */
  readonly workerForgetAfterMs: number;
  /** How often the TLS material's expiry is checked for alarms (CERTIFICATE_CHECK_INTERVAL_S, default 3600); also on every configuration change. */
  readonly certificateCheckIntervalMs: number;
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
  if (!(LOG_LEVELS as readonly string[]).includes(levelRaw))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got '${source.LOG_LEVEL}')`);

  const workersEnabled = bool('WORKERS_ENABLED', true);
  const appsRaw = source.WORKERS_EMBEDDED_APPS?.trim();
  const embeddedApps =
    !appsRaw || appsRaw === '*'
      ? undefined
      : appsRaw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const frontendDist = resolve(repoRoot, 'frontend', 'dist');
  const tlsRaw = source.TLS_MATERIAL_DIR?.trim();
  const workerForgetAfterMs = int('WORKER_FORGET_AFTER_S', 600, 1, 7 * 24 * 3600) * 1000;
  const certificateCheckIntervalMs = int('CERTIFICATE_CHECK_INTERVAL_S', 3600, 1, 24 * 3600) * 1000;
  const tlsMaterialDir = tlsRaw ? (isAbsolute(tlsRaw) ? tlsRaw : resolve(cwd, tlsRaw)) : resolve(dataDir, 'tls');

  let trustProxy: Env['trustProxy'] = false;
  const proxyRaw = source.TRUST_PROXY?.trim();
  if (proxyRaw && !/^(false|no|off|0)$/i.test(proxyRaw)) {
    if (/^\d+$/.test(proxyRaw)) trustProxy = Number(proxyRaw);
    else {
      const entries = proxyRaw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = entries.filter((e) => !['loopback', 'linklocal', 'uniquelocal'].includes(e) && !isIP(e.replace(/\/\d{1,3}$/, '')));
      if (bad.length)
        problems.push(
          `TRUST_PROXY must be a hop count or a comma-separated list of proxy addresses/subnets or loopback, linklocal, uniquelocal (bad: ${bad.join(', ')})`,
        );
      else trustProxy = entries;
    }
  }

  const certRaw = source.TLS_CERT?.trim();
  const keyRaw = source.TLS_KEY?.trim();
  let tls: Env['tls'];
  if (Boolean(certRaw) !== Boolean(keyRaw))
    problems.push('TLS_CERT and TLS_KEY go together: set both (PEM certificate chain and private key files) to serve HTTPS, or neither');
  else if (certRaw && keyRaw)
    tls = { certFile: isAbsolute(certRaw) ? certRaw : resolve(cwd, certRaw), keyFile: isAbsolute(keyRaw) ? keyRaw : resolve(cwd, keyRaw) };

  if (problems.length > 0) throw new EnvError(problems);
  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    adminPassword,
    sessionTtlMinutes,
    logLevel,
    frontendDist,
    workersEnabled,
    embeddedApps,
    trustProxy,
    tls,
    tlsMaterialDir,
    workerForgetAfterMs,
    certificateCheckIntervalMs,
  });
}
