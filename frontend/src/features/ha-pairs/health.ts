import type { PairView, ServicePair } from '../../api';

/** A server's own health, across every proxy that probes it (not the pair's state: a standby can be answering). */
export type ServerHealth = 'answering' | 'not-answering' | 'not-probed';

export interface ServerSummary {
  role: 'primary' | 'backup';
  name: string;
  host: string;
  port: number;
  health: ServerHealth;
  /** How many proxies say it answers / does not / have not probed it yet. */
  answering: number;
  notAnswering: number;
  notProbed: number;
  /** The newest moment any proxy heard from it (probe answer or usable response), and that answer's code and RTT. */
  lastAnswerAt?: string;
  lastCode?: number;
  lastRttMs?: number;
  /** Proxies that see it active. */
  activeFor: string[];
  /** It answers but the pair runs on the other server (no failback). */
  standby: boolean;
  /** An operator forced it out of service (maintenance, manual switchover). */
  forced: boolean;
}

export interface TimelineEntry {
  at: string;
  proxy: string;
  from: string;
  to: string;
  trigger: string;
  server?: string;
  code?: number;
  rttMs?: number;
}

/** Round-trip times arrive with microseconds (2.398): one decimal under 10 ms, whole milliseconds above. */
export const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

const t = (iso?: string) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Summarises one server of the pair from every proxy's report: answering when any proxy's last probe was answered,
 * not answering when every proxy that probed it got no answer, not probed when none has probed it yet.
 */
export function summarizeServer(pair: ServicePair, role: 'primary' | 'backup'): ServerSummary | undefined {
  const conf = pair[role];
  const seen = pair.views.map((v) => ({ view: v, s: v.servers.find((s) => s.role.toLowerCase() === role) }));
  const name = conf?.name ?? seen.find((x) => x.s)?.s?.name;
  if (!name) return undefined;
  const reports = seen.filter((x) => x.s);
  const answering = reports.filter((x) => x.s!.up === true).length;
  const notAnswering = reports.filter((x) => x.s!.up === false).length;
  const notProbed = pair.views.length - answering - notAnswering;
  let last: { at: string; code?: number; rttMs?: number } | undefined;
  for (const { s } of reports) {
    const at = s!.lastSeenAt ?? (s!.up ? s!.lastProbeAt : undefined);
    if (at && (!last || t(at) > t(last.at))) last = { at, code: s!.lastCode, rttMs: s!.lastRttMs };
  }
  const first = reports[0]?.s;
  return {
    role,
    name,
    host: conf?.host ?? first?.host ?? '',
    port: conf?.port ?? first?.port ?? 0,
    health: answering > 0 ? 'answering' : notAnswering > 0 ? 'not-answering' : 'not-probed',
    answering,
    notAnswering,
    notProbed,
    lastAnswerAt: last?.at,
    lastCode: last?.code,
    lastRttMs: last?.rttMs,
    activeFor: pair.views.filter((v) => v.state === `${role}-active`).map((v) => v.worker),
    standby: reports.some((x) => x.s!.standby === true),
    forced: (pair.adminOutOfService ?? []).includes(name) || reports.some((x) => x.s!.adminOutOfService === true),
  };
}

/** Every proxy's state changes of the pair, newest first. */
export function timeline(views: PairView[]): TimelineEntry[] {
  return views.flatMap((v) => (v.history ?? []).map((h) => ({ ...h, proxy: v.worker }))).sort((a, b) => t(b.at) - t(a.at));
}
