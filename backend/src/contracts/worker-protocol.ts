/**
 * The worker protocol: how a SIP Proxy worker (embedded child process or remote host) and the control plane talk.
 * Embedded and remote workers speak exactly this; the supervisor cannot tell them apart.
 *
 * - Control plane -> worker: a Server-Sent Events stream, `GET /api/worker-channel/stream?app=NAME`, with
 *   `Authorization: Bearer <worker token>` (a per-worker token, never a user's). Events: `snapshot` (the whole
 *   effective configuration: when the channel opens), `delta` (what changed for this application since the last
 *   `snapshot`/`delta` on the channel; only to applications whose effective configuration changed), `restart`, `ping`,
 *   `query` (an operator's question to the running worker: route preview, connections; worker-query.ts).
 * - Worker -> control plane: `POST /api/worker-channel/report` (same token) at least every `REPORT_INTERVAL_MS`,
 *   and at once after a state change. A worker with no report for `OFFLINE_AFTER_MS` is offline.
 * - Worker -> control plane: `POST /api/worker-channel/answer` (same token), the answer to one `query`, by its id.
 * Both carry `protocol`; a side that does not speak the other's version refuses with a clear reason.
 */
import type { EffectiveProxyConfig } from './effective-config.js';
import type { EffectiveDelta } from './effective-delta.js';
import { workerReportSchema } from './worker-report-schema.js';

export const WORKER_PROTOCOL_VERSION = 1;
export const REPORT_INTERVAL_MS = 1000;
export const OFFLINE_AFTER_MS = 5000;

/** An operator's administrative state of a SIP Proxy application (PUT /api/applications/{name}/admin-state). */
export type ApplicationAdminState = 'active' | 'drained' | 'stopped';
export const APPLICATION_ADMIN_STATES: readonly ApplicationAdminState[] = ['active', 'drained', 'stopped'];
/** An operator's administrative state of a SIP Server (PUT /api/sip-servers/{name}/admin-state). */
export type ServerAdminState = 'active' | 'out-of-service';
export const SERVER_ADMIN_STATES: readonly ServerAdminState[] = ['active', 'out-of-service'];

/**
 * The administrative states a worker obeys, kept in PostgreSQL apart from the configuration (they are operations,
 * not versions): this application's, and every SIP Server an operator forced out of service.
 */
export interface AdminStates {
  readonly application: ApplicationAdminState;
  /** Names of SIP Server applications forced out of service (every proxy of every pool obeys them). */
  readonly serversOutOfService: readonly string[];
}

/** `snapshot`: the application's effective configuration at control-plane version `configVersion`. */
export interface SnapshotMessage {
  readonly protocol: number;
  readonly app: string;
  /** The control plane's configuration version this snapshot was compiled from. */
  readonly configVersion: number;
  readonly effective: EffectiveProxyConfig;
  /** Absent from an older control plane: everything active. */
  readonly admin?: AdminStates;
}

/**
 * `delta`: the application's effective configuration at `configVersion`, as the change from the one it was sent last
 * on this channel (`baseConfigVersion`, effective `delta.fromVersion`). A worker that does not run that base (a gap)
 * does not guess: it reopens the channel, and the control plane answers with a `snapshot`.
 */
export interface DeltaMessage {
  readonly protocol: number;
  readonly app: string;
  readonly baseConfigVersion: number;
  readonly configVersion: number;
  readonly delta: EffectiveDelta;
  readonly admin?: AdminStates;
}

/** `restart`: drain transactions in progress (up to `drainMs`), then run on the pending configuration. */
export interface RestartMessage {
  readonly protocol: number;
  readonly drainMs: number;
  readonly reason: string;
}

export type PairStateName = 'primary-active' | 'backup-active' | 'out-of-service' | 'unknown';

export interface ReportedPairChange {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly trigger: string;
  readonly server?: string;
  readonly code?: number;
  readonly rttMs?: number;
}

/** One HA pair as this worker sees it. */
export interface ReportedPair {
  readonly name: string;
  readonly serving: boolean;
  readonly state: PairStateName;
  readonly since: string;
  readonly servers: readonly {
    readonly role: string;
    readonly name: string;
    readonly host: string;
    readonly port: number;
    readonly lastProbeAt?: string;
    readonly lastRttMs?: number;
    readonly lastCode?: number;
    readonly up?: boolean;
    readonly standby?: boolean;
    readonly lastSeenAt?: string;
    readonly adminOutOfService?: boolean;
  }[];
  readonly history: readonly ReportedPairChange[];
}

/** An alarm the worker raises (event 40001: an HA pair out of service; 40006: a listener that cannot start). */
export interface ReportedAlarm {
  readonly key: string;
  readonly event: number;
  readonly eventName: string;
  readonly severity: 'critical' | 'major' | 'minor' | 'warning';
  readonly reason: string;
  readonly trigger?: string;
  readonly since: string;
}

export interface WorkerReport {
  readonly protocol: number;
  readonly app: string;
  /** Changes on every process start: lets the control plane see restarts. */
  readonly instanceId: string;
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  /** The control-plane version whose configuration is running (undefined before the first snapshot). */
  readonly configVersion?: number;
  readonly effectiveVersion?: string;
  /** A newer snapshot received whose changes need a restart; the worker runs on the old one until then. */
  readonly restartPending?: { readonly configVersion: number; readonly options: readonly string[] };
  /** The last snapshot the worker could not apply (it keeps running on the previous one). */
  readonly refused?: { readonly configVersion: number; readonly reason: string };
  readonly running: boolean;
  readonly listeners: readonly { readonly transport: string; readonly address: string; readonly port: number }[];
  readonly pairs: readonly ReportedPair[];
  readonly alarms: readonly ReportedAlarm[];
  readonly counters: Readonly<Record<string, number>>;
  readonly connections: number;
  readonly notes: readonly string[];
  /** The administrative state this worker applies, and what counts down while it is drained. */
  readonly admin?: {
    readonly state: ApplicationAdminState;
    readonly activeDialogs: number;
    readonly flows: number;
    readonly rejectedDraining: number;
  };
}

export class ProtocolError extends Error {
  constructor(
    readonly code: 'PROTOCOL_VERSION' | 'BAD_MESSAGE',
    message: string,
  ) {
    super(message);
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAdminStates(v: unknown): v is AdminStates {
  return (
    isObj(v) &&
    (APPLICATION_ADMIN_STATES as readonly unknown[]).includes(v.application) &&
    Array.isArray(v.serversOutOfService) &&
    v.serversOutOfService.every((n) => typeof n === 'string')
  );
}

/** Checks a received snapshot's envelope (the effective configuration itself is checked by the worker's adapter). */
export function parseSnapshot(data: string, expectedApp: string): SnapshotMessage {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    throw new ProtocolError('BAD_MESSAGE', 'snapshot is not JSON');
  }
  if (!isObj(v)) throw new ProtocolError('BAD_MESSAGE', 'snapshot is not an object');
  if (v.protocol !== WORKER_PROTOCOL_VERSION)
    throw new ProtocolError('PROTOCOL_VERSION', `snapshot protocol ${String(v.protocol)} is not ${WORKER_PROTOCOL_VERSION}`);
  if (v.app !== expectedApp) throw new ProtocolError('BAD_MESSAGE', `snapshot is for application ${String(v.app)}, not ${expectedApp}`);
  if (typeof v.configVersion !== 'number' || !isObj(v.effective))
    throw new ProtocolError('BAD_MESSAGE', 'snapshot lacks configVersion or effective');
  if (v.admin !== undefined && !isAdminStates(v.admin)) throw new ProtocolError('BAD_MESSAGE', 'snapshot admin states are malformed');
  return v as unknown as SnapshotMessage;
}

/** Checks a received delta's envelope (applying it checks the base; the result is checked like a snapshot's). */
export function parseDelta(data: string, expectedApp: string): DeltaMessage {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    throw new ProtocolError('BAD_MESSAGE', 'delta is not JSON');
  }
  if (!isObj(v)) throw new ProtocolError('BAD_MESSAGE', 'delta is not an object');
  if (v.protocol !== WORKER_PROTOCOL_VERSION)
    throw new ProtocolError('PROTOCOL_VERSION', `delta protocol ${String(v.protocol)} is not ${WORKER_PROTOCOL_VERSION}`);
  if (v.app !== expectedApp) throw new ProtocolError('BAD_MESSAGE', `delta is for application ${String(v.app)}, not ${expectedApp}`);
  if (typeof v.configVersion !== 'number' || typeof v.baseConfigVersion !== 'number')
    throw new ProtocolError('BAD_MESSAGE', 'delta lacks configVersion or baseConfigVersion');
  const d = v.delta;
  if (
    !isObj(d) ||
    typeof d.fromVersion !== 'string' ||
    typeof d.toVersion !== 'string' ||
    !isObj(d.set) ||
    !Array.isArray(d.unset) ||
    !Array.isArray(d.switchOrder) ||
    !Array.isArray(d.switches)
  )
    throw new ProtocolError('BAD_MESSAGE', 'delta is malformed');
  if (v.admin !== undefined && !isAdminStates(v.admin)) throw new ProtocolError('BAD_MESSAGE', 'delta admin states are malformed');
  return v as unknown as DeltaMessage;
}

/**
 * Checks a report on the control-plane side: the protocol version first (a clear reason for an older worker), then
 * the whole report against `workerReportSchema` (bounded strings and lists; worker-report-schema.ts).
 */
export function parseReport(v: unknown): WorkerReport {
  if (!isObj(v)) throw new ProtocolError('BAD_MESSAGE', 'report is not an object');
  if (v.protocol !== WORKER_PROTOCOL_VERSION)
    throw new ProtocolError(
      'PROTOCOL_VERSION',
      `worker speaks protocol ${String(v.protocol)}; this control plane speaks ${WORKER_PROTOCOL_VERSION}`,
    );
  const r = workerReportSchema.safeParse(v);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || 'report'}: ${i.message}`);
    throw new ProtocolError(
      'BAD_MESSAGE',
      `report refused: ${issues.join('; ')}${r.error.issues.length > 5 ? `; and ${r.error.issues.length - 5} more` : ''}`,
    );
  }
  return r.data;
}

/**
 * A minimal Server-Sent Events parser (the WHATWG event-stream format): feed text chunks, get `{event, data}`s.
 * Lines starting with ':' are comments (keep-alives).
 */
export class SseParser {
  private buf = '';
  private event = 'message';
  private data: string[] = [];

  push(chunk: string): { event: string; data: string }[] {
    this.buf += chunk;
    const out: { event: string; data: string }[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      let line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.data.length) out.push({ event: this.event, data: this.data.join('\n') });
        this.event = 'message';
        this.data = [];
      } else if (line.startsWith(':')) {
        continue;
      } else {
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'event') this.event = value;
        else if (field === 'data') this.data.push(value);
      }
    }
    if (this.buf.length > 64 * 1024 * 1024) throw new ProtocolError('BAD_MESSAGE', 'event too large');
    return out;
  }
}

/** One SSE frame. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
