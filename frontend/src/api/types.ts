import type { components } from './schema.gen';

/**
 * The API's types. Where a route declares its request/response schema (backend/src/control-plane/common/
 * validation.ts, response-schemas.ts) the type is an alias of the generated one (schema.gen.ts, `npm run gen:api`);
 * the interfaces below the aliases are still mirrored by hand until their routes declare a response
 * (RESPONSE_BACKLOG in backend/src/control-plane/openapi/route-schemas.spec.ts).
 */
type Schemas = components['schemas'];

export type Role = Schemas['AuthUser']['role'];
export type User = Schemas['AuthUser'];
export type LoginRequest = Schemas['LoginBody'];
export type LoginResponse = Schemas['LoginResponse'];
/** One proxy worker as `GET /api/health` reports it. */
export type WorkerHealth = Schemas['WorkerHealth'];
export type HealthResponse = Schemas['HealthResponse'];
export type UserView = Schemas['UserView'];

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
export type OptionType = 'int' | 'bool' | 'string' | 'enum' | 'list' | 'pem' | 'port' | 'host-port' | 'sip-contact' | 'path-or-pem';
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
  /** An operator forced it out of service (maintenance or a manual switchover); probes do not bring it back. */
  adminOutOfService?: boolean;
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

// Configuration objects, versions, users, workers, service state and alarms as the control plane returns them.

/** Option values of one object by section, as the control plane stores them. */
export type RawOptions = Record<string, Record<string, string | number | boolean | string[]>>;

export type ObjectKind = 'application' | 'switch' | 'dn';

export interface DocumentChange {
  op: 'add' | 'remove' | 'change';
  object: ObjectKind;
  name: string;
  field?: string;
  before?: unknown;
  after?: unknown;
}

export interface CommitResult {
  version: number;
  committed: boolean;
  dryRun: boolean;
  changes: DocumentChange[];
}

/** A validation problem as the control plane reports it (400 CONFIG_INVALID). */
export interface LocatedError {
  path: string;
  code?: string;
  message: string;
  object?: { kind: ObjectKind; name: string };
  field?: string;
}

export interface Application {
  name: string;
  type: 'sip-proxy' | 'sip-server' | string;
  host: string | null;
  ports: Record<string, number>;
  backup: string | null;
  options: RawOptions;
  revision: number;
}

export interface SwitchView {
  name: string;
  sipServer: string | null;
  dnCount: number;
  revision: number;
}

export type DnType = 'voip-service' | 'trunk' | 'extension';

export interface Dn {
  switch: string;
  number: string;
  type: DnType | string;
  options: RawOptions;
  revision: number;
}

export interface TrunkLink {
  switch: string;
  number: string;
  remoteSwitch: string;
  contact: string;
  peerProxyContact: string;
  peerProxyProtocol: string;
  mode: 'dns' | 'per-server';
}

export interface ProvisionRequest {
  switch: string;
  remoteSwitch: string;
  mode: 'dns' | 'per-server';
  contact?: string;
  tls?: boolean;
  oosCheck?: number;
  oosForce?: number;
}

export interface PlannedTrunk {
  number: string;
  action: 'create' | 'update' | 'unchanged' | 'remove';
  /** The trunk's TServer options (flat), as the plan fills them in from the remote site. */
  options: Record<string, unknown>;
}

export interface ProvisionResponse {
  plan: { trunks: PlannedTrunk[]; problems: string[] };
  result?: CommitResult;
  errors: LocatedError[];
}

export interface VersionSummary {
  version: number;
  createdAt: string;
  author: string;
  summary: string;
  changeCount: number;
}

export interface VersionDetail extends Omit<VersionSummary, 'changeCount'> {
  changes: DocumentChange[];
  yaml: string;
}

export interface AuditEntry {
  id: number | string;
  at: string;
  actor: string;
  action: string;
  target: string;
  configVersion: number | null;
  detail: unknown;
}

/** An operator's administrative state (PUT /api/applications/{name}/admin-state, /api/sip-servers/{name}/admin-state). */
export type ApplicationAdminState = 'active' | 'drained' | 'stopped';
export type ServerAdminState = 'active' | 'out-of-service';

export interface ApplicationAdminStateView {
  name: string;
  state: ApplicationAdminState;
  changedBy?: string;
  changedAt?: string;
  workers: {
    instanceId?: string;
    online: boolean;
    running: boolean;
    applied?: ApplicationAdminState;
    activeDialogs: number;
    flows: number;
    rejectedDraining: number;
  }[];
}

export interface ServerAdminStateView {
  name: string;
  state: ServerAdminState;
  changedBy?: string;
  changedAt?: string;
  pair?: string;
  role?: 'primary' | 'backup';
  proxies: { worker: string; pairState: string; applied: boolean }[];
}

export interface WorkerView {
  /** The operator's administrative state: a stopped application is offline on purpose, not failed. */
  adminState?: ApplicationAdminState;
  id: string;
  app: string;
  kind: 'embedded' | 'remote' | 'unknown';
  online: boolean;
  instanceId?: string;
  hostname?: string;
  pid?: number;
  startedAt?: string;
  lastSeenAt?: string;
  configVersion?: number | null;
  restartPending: boolean;
  restartPendingOptions: string[];
  refused?: unknown;
  listeners?: unknown;
  counters?: {
    requests: number;
    calls: number;
    callsPerSecond: number;
    rejectedOverload: number;
    rejectedOutOfService: number;
    failovers: number;
    responses503: number;
  };
  connections?: unknown;
  notes?: unknown;
  alarms?: unknown;
}

/** A worker's credential as listed (the token itself is shown only once, when created). */
export interface WorkerToken {
  id: string;
  app: string;
  kind: 'embedded' | 'remote';
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedWorkerToken {
  id: string;
  app: string;
  token: string;
  /** `SIPEDGE_WORKER_TOKEN_FILE=<file> npm run proxy -- --control-plane <URL> --app …` (the UI fills in <URL>; never the token). */
  command: string;
}

export interface NewApplication {
  name: string;
  type: 'sip-proxy' | 'sip-server';
  host: string;
  ports: Record<string, number>;
  backup?: string;
  options: RawOptions;
}

export type PairStateValue = 'primary-active' | 'backup-active' | 'out-of-service' | 'unknown' | 'disagreement';

export interface PairView {
  worker: string;
  state: Exclude<PairStateValue, 'disagreement'>;
  serving: boolean;
  since: string;
  servers: PairServer[];
  history: { at: string; from: string; to: string; trigger: string; server?: string; code?: number; rttMs?: number }[];
}

export interface ServicePair {
  name: string;
  primary?: { name: string; host: string; port: number };
  backup?: { name: string; host: string; port: number };
  state: PairStateValue;
  disagree: boolean;
  /** Its servers an operator forced out of service (`PUT /api/sip-servers/{name}/admin-state`). */
  adminOutOfService?: string[];
  views: PairView[];
}

export interface ServiceState {
  generatedAt: string;
  configVersion: number | null;
  workers: WorkerView[];
  pairs: ServicePair[];
  sites: { switch: string; sipServer: string | null; proxies: string[] }[];
}

export type Severity = 'critical' | 'major' | 'minor' | 'warning';

export interface AlarmView {
  id: number | string;
  key: string;
  eventId: number | string;
  eventName: string;
  severity: Severity;
  source: string;
  reason: string;
  trigger: string;
  raisedAt: string;
  clearedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  active: boolean;
}

export interface AlarmsResponse {
  active: AlarmView[];
  history: { items: AlarmView[]; total: number };
}

/** Option edits for a PATCH: a value sets, null removes (back to the default). */
export type OptionsPatch = Record<string, Record<string, string | number | boolean | string[] | null>>;

/** POST /api/sites: a whole new site (HA pair, switch, pool DN, proxies) in one reviewed change. */
export interface SiteServerRequest {
  name: string;
  host: string;
  sipPort: number;
  tlsPort?: number;
}
export interface SiteProxyRequest {
  name: string;
  host: string;
  sipPort: number;
  tlsPort?: number;
  httpPort?: number;
  options?: Record<string, Record<string, string | number | boolean>>;
}
export interface SiteRequest {
  name: string;
  primary: SiteServerRequest;
  backup: SiteServerRequest;
  pool: { number?: string; options: Record<string, string | number | boolean> };
  proxies: SiteProxyRequest[];
}
export interface PlannedSiteObject {
  kind: ObjectKind;
  name: string;
  action: 'create' | 'update';
  summary: string;
}
export interface SiteResponse {
  plan: { site: string; objects: PlannedSiteObject[]; problems: string[] };
  result?: CommitResult;
  errors: LocatedError[];
}
