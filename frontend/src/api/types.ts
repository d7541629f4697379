export type Role = 'admin' | 'operator' | 'viewer';

export interface User {
  id: string | number;
  username: string;
  role: Role;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  user: User;
}

/** One proxy worker as `GET /api/health` reports it. */
export interface WorkerHealth {
  id: string;
  app: string;
  online: boolean;
  configVersion?: number;
  restartPending?: boolean;
}

export interface HealthResponse {
  /** 'ok' when the database is up and every worker online, else 'degraded'. */
  status: 'ok' | 'degraded' | string;
  database: { mode: 'embedded' | 'external'; up: boolean; version?: string; latencyMs?: number };
  workers: WorkerHealth[];
  uptimeSeconds?: number;
}

/** The list endpoints' page: `?page=&pageSize=&q=&sort=&order=asc|desc` -> this. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Option value types. The brief's six (`int bool string enum list pem`) plus the control plane's richer ones
 * (`port`, `host-port`, `sip-contact`, `path-or-pem`, see backend/src/contracts/options/option-schema.ts).
 */
export type OptionType =
  | 'int'
  | 'bool'
  | 'string'
  | 'enum'
  | 'list'
  | 'pem'
  | 'port'
  | 'host-port'
  | 'sip-contact'
  | 'path-or-pem';
export type TakesEffect = 'immediately' | 'next-call' | 'after-restart';

/**
 * One option-schema entry. Accepts both the minimal shape (`validValues`) and the control plane's
 * `GET /api/options/schema` entries (`values`, verbatim guide texts, unit, objects/section).
 */
export interface OptionSchemaEntry {
  name: string;
  type: OptionType;
  default?: string | number | boolean | readonly string[] | null;
  validValues?: readonly string[];
  /** The control plane's spelling of the valid values (enum; may be numbers). */
  values?: readonly (string | number)[];
  min?: number;
  max?: number;
  /** Lowest value where the option is mandatory (sip-outbound-proxy DN, multi-site trunk): DN oos-check 0 is refused there. */
  mandatoryMin?: number;
  unit?: 'seconds' | 'milliseconds' | 'bytes' | 'count' | 'dialogs-per-second';
  takesEffect: TakesEffect;
  description: string;
  extension?: boolean;
  /** Only SIP Server uses it: changing it changes nothing the proxy does. */
  sipServerOnly?: boolean;
  /** The source guide's texts, verbatim, when the schema carries them. */
  defaultText?: string;
  validValuesText?: string;
  takesEffectText?: string;
  aliases?: readonly string[];
  objects?: readonly string[];
  section?: string;
  note?: string;
  source?: string;
}

/** `GET /api/options/schema`. */
export interface OptionSchemaResponse {
  schemaVersion: number;
  /** Object kind -> the sections it has (e.g. 'sip-proxy' -> ['sipproxy', 'security', 'log']). */
  objects: Record<string, string[]>;
  options: OptionSchemaEntry[];
}

/** Mirrors `PairStateName` of backend/src/contracts/worker-protocol.ts. */
export type PairStateName = 'primary-active' | 'backup-active' | 'out-of-service' | 'unknown';

/** One server of an HA pair as a proxy sees it (worker-protocol `ReportedPair.servers[]`). */
export interface PairServer {
  role: string;
  name: string;
  host: string;
  port: number;
  lastProbeAt?: string;
  lastRttMs?: number;
  lastCode?: number;
  up?: boolean;
  /** Answers, but the pair runs on the other server (no failback). */
  standby?: boolean;
  /** When it last answered a probe or sent a request / usable response. */
  lastSeenAt?: string;
}

/** One HA pair as one proxy sees it (worker-protocol `ReportedPair`, without history). */
export interface PairState {
  name: string;
  /** True for the pair this proxy sends endpoint traffic to (servicing-sipserver). */
  serving: boolean;
  state: PairStateName;
  since: string;
  servers: PairServer[];
}
