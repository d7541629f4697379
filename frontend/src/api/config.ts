import { api } from './client';
import type { Page, PairServer, Role } from './types';
import type { ApiError } from './errors';

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

export interface UserView {
  id: number | string;
  username: string;
  role: Role;
  createdAt?: string;
}

export interface WorkerView {
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

type Query = Record<string, string | number | boolean | undefined | null>;
const enc = encodeURIComponent;
const dry = (dryRun?: boolean) => (dryRun ? { dryRun: true } : undefined);

/** Option edits for a PATCH: a value sets, null removes (back to the default). */
export type OptionsPatch = Record<string, Record<string, string | number | boolean | string[] | null>>;

export const configApi = {
  applications: (q: Query) => api.get<Page<Application>>('/applications', { query: q }),
  application: (name: string) => api.get<Application>(`/applications/${enc(name)}`),
  patchApplication: (name: string, body: Record<string, unknown>, dryRun?: boolean) =>
    api.patch<CommitResult>(`/applications/${enc(name)}`, body, { query: dry(dryRun) }),

  createApplication: (body: NewApplication, dryRun?: boolean) =>
    api.post<CommitResult>('/applications', body, { query: dry(dryRun) }),
  deleteApplication: (name: string, revision?: number, dryRun?: boolean) =>
    api.delete<CommitResult>(`/applications/${enc(name)}`, { query: { revision, ...dry(dryRun) } }),

  switches: () => api.get<SwitchView[]>('/switches'),
  switch: (name: string) => api.get<SwitchView>(`/switches/${enc(name)}`),
  createSwitch: (body: { name: string; sipServer: string }, dryRun?: boolean) =>
    api.post<CommitResult>('/switches', body, { query: dry(dryRun) }),
  deleteSwitch: (name: string, revision?: number, dryRun?: boolean) =>
    api.delete<CommitResult>(`/switches/${enc(name)}`, { query: { revision, ...dry(dryRun) } }),
  dns: (sw: string, q: Query) => api.get<Page<Dn>>(`/switches/${enc(sw)}/dns`, { query: q }),
  dn: (sw: string, number: string) => api.get<Dn>(`/switches/${enc(sw)}/dns/${enc(number)}`),
  patchDn: (sw: string, number: string, body: Record<string, unknown>, dryRun?: boolean) =>
    api.patch<CommitResult>(`/switches/${enc(sw)}/dns/${enc(number)}`, body, { query: dry(dryRun) }),
  createDn: (sw: string, body: { number: string; type: string; options: RawOptions }) =>
    api.post<CommitResult>(`/switches/${enc(sw)}/dns`, body),
  deleteDn: (sw: string, number: string, revision?: number) =>
    api.delete<CommitResult>(`/switches/${enc(sw)}/dns/${enc(number)}`, { query: { revision } }),

  trunks: () => api.get<TrunkLink[]>('/trunks'),
  provision: (body: ProvisionRequest, dryRun: boolean) =>
    api.post<ProvisionResponse>('/trunks/provision', body, { query: dry(dryRun) }),

  versions: (q: Query) => api.get<Page<VersionSummary>>('/config/versions', { query: q }),
  version: (v: number) => api.get<VersionDetail>(`/config/versions/${v}`),
  diff: (from: number, to: number) =>
    api.get<{ from: number; to: number; changes: DocumentChange[] }>('/config/diff', { query: { from, to } }),
  /** `baseVersion`: the current version the diff was reviewed against; the server refuses (409) if it moved. */
  rollback: (v: number, baseVersion: number) => api.post<CommitResult>(`/config/versions/${v}/rollback?baseVersion=${baseVersion}`),
  head: () => api.get<{ version: number }>('/config/head'),
  exportYaml: () => api.get<string>('/config/export', { responseType: 'text', headers: { Accept: 'application/yaml' } }),
  validate: (yaml: string) =>
    api.post<{ valid: boolean; errors: LocatedError[] }>('/config/validate', yaml, {
      headers: { 'Content-Type': 'application/yaml' },
    }),
  importYaml: (yaml: string, dryRun: boolean) =>
    api.post<CommitResult>('/config/import', yaml, { headers: { 'Content-Type': 'application/yaml' }, query: dry(dryRun) }),

  audit: (q: Query) => api.get<Page<AuditEntry>>('/audit', { query: q }),

  users: () => api.get<UserView[]>('/users'),
  createUser: (body: { username: string; password: string; role: Role }) => api.post<UserView>('/users', body),
  patchUser: (id: UserView['id'], body: { password?: string; role?: Role }) => api.patch<UserView>(`/users/${id}`, body),
  deleteUser: (id: UserView['id']) => api.delete<void>(`/users/${id}`),

  workers: () => api.get<WorkerView[]>('/workers'),
  restartWorker: (id: string) => api.post<unknown>(`/workers/${enc(id)}/restart`),
  workerTokens: () => api.get<WorkerToken[]>('/workers/tokens'),
  createWorkerToken: (app: string) => api.post<CreatedWorkerToken>('/workers/tokens', { app }),
  revokeWorkerToken: (id: string) => api.delete<void>(`/workers/tokens/${enc(id)}`),
  serviceState: () => api.get<ServiceState>('/service-state'),

  alarms: (q: Query) => api.get<AlarmsResponse>('/alarms', { query: q }),
  acknowledge: (id: AlarmView['id']) => api.post<unknown>(`/alarms/${id}/acknowledge`),
};

/** The control plane's located errors from a failed write (the body keeps object/field, which ApiError.errors drops). */
export function locatedErrors(error: ApiError | unknown): LocatedError[] {
  const body = (error as { body?: unknown } | null)?.body;
  if (!body || typeof body !== 'object') return [];
  const errs = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errs)) return [];
  return errs.filter((e): e is LocatedError => !!e && typeof e === 'object' && typeof (e as LocatedError).message === 'string');
}
