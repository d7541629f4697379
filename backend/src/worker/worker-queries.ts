/**
 * The worker's answers to the control plane's `query` events (contracts/worker-query.ts): the route preview through
 * the proxy core's own routing code, the connection table with its flows and TLS peers, closing one connection.
 */
import type { DetailedPeerCertificate } from 'node:tls';
import type {
  CloseConnectionAnswer,
  CloseConnectionQuery,
  ConnectionsAnswer,
  ConnectionsQuery,
  ConnectionView,
  FlowView,
  PeerCertificateView,
  RoutePreviewAnswer,
  RoutePreviewQuery,
  TraceAnswer,
  TracePcapAnswer,
  TraceQuery,
} from '../contracts/worker-query.js';
import { parseRequest, previewRoute, PreviewInputError, requestFromFields, type FlowBinding } from '../sip/index.js';
import type { ProxyWorker } from './proxy-worker.js';

/** A question the worker cannot answer as asked (answered `ok: false` with this code). */
export class QueryError extends Error {
  constructor(
    readonly code: 'BAD_QUERY' | 'NOT_RUNNING' | 'UNKNOWN_QUERY' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

export async function answerQuery(
  worker: ProxyWorker | undefined,
  instanceId: string,
  kind: string, // a QueryKind, or whatever a newer control plane asks (answered UNKNOWN_QUERY)
  params: unknown,
): Promise<unknown> {
  if (!worker) throw new QueryError('NOT_RUNNING', 'the proxy is not running (no configuration yet, or its listeners could not start)');
  switch (kind) {
    case 'route-preview':
      return routePreview(worker, instanceId, params as RoutePreviewQuery);
    case 'connections':
      return connections(worker, instanceId, params as ConnectionsQuery);
    case 'close-connection':
      return closeConnection(worker, instanceId, params as CloseConnectionQuery);
    case 'trace':
      return traceAnswer(worker, instanceId, params as TraceQuery);
    case 'trace-pcap':
      return tracePcap(worker, instanceId, params as TraceQuery);
    default:
      throw new QueryError('UNKNOWN_QUERY', `this worker does not answer ${String(kind)}`);
  }
}

async function routePreview(worker: ProxyWorker, instanceId: string, q: RoutePreviewQuery): Promise<RoutePreviewAnswer> {
  let req;
  try {
    req = q.message !== undefined ? parseRequest(q.message) : q.fields ? requestFromFields(q.fields) : undefined;
  } catch (e) {
    if (e instanceof PreviewInputError) throw new QueryError('BAD_QUERY', e.message);
    throw e;
  }
  if (!req) throw new QueryError('BAD_QUERY', 'give the request as fields or as a message');
  const t = q.source.transport;
  // The listener the request would have arrived on: what the core's own-address checks see as local.
  const l = worker.transport.listeners().find((x) => x.transport === t) ?? worker.transport.listeners()[0];
  const src = {
    transport: t,
    remoteAddress: q.source.address,
    remotePort: q.source.port,
    localAddress: l?.address ?? '',
    localPort: l?.port ?? 0,
  };
  return { instanceId, ...(await previewRoute(worker.proxy, req, src)) };
}

function certView(c: DetailedPeerCertificate): PeerCertificateView {
  const dn = (o: Record<string, string | string[]> | undefined): string =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
      .join(', ');
  return {
    subject: dn(c.subject as unknown as Record<string, string>),
    san: (c.subjectaltname ?? '').split(/,\s*/).filter(Boolean),
    issuer: dn(c.issuer as unknown as Record<string, string>),
    validFrom: new Date(c.valid_from).toISOString(),
    validTo: new Date(c.valid_to).toISOString(),
    fingerprint256: c.fingerprint256,
  };
}

function flowView(b: FlowBinding): FlowView {
  return {
    aor: b.aor,
    instance: b.instance,
    regId: b.regId,
    contact: b.contactKey,
    registeredAt: new Date(b.registeredAt).toISOString(),
    expiresAt: new Date(b.expiresAt).toISOString(),
    flowTimerS: b.flowTimerS,
  };
}

const hostPort = (a: string, p: number): string => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);

function connections(worker: ProxyWorker, instanceId: string, q: ConnectionsQuery): ConnectionsAnswer {
  const now = Date.now();
  const registry = worker.flows?.registry;
  const byConn = new Map<string, FlowBinding[]>();
  const udp: FlowBinding[] = [];
  for (const b of registry?.bindings() ?? []) {
    if (b.expiresAt <= now) continue;
    const id = b.flow.connectionId;
    if (id === undefined) udp.push(b);
    else byConn.set(id, [...(byConn.get(id) ?? []), b]);
  }
  const needle = q.q?.toLowerCase();
  const all: ConnectionView[] = [];
  for (const c of worker.transport.connectionList()) {
    if (q.transport && c.transport !== q.transport) continue;
    const cert = c.transport === 'tls' ? worker.transport.peerCertificate(c.id) : undefined;
    const v: ConnectionView = {
      id: c.id,
      transport: c.transport,
      direction: c.direction,
      state: c.state,
      local: hostPort(c.localAddress, c.localPort),
      peer: hostPort(c.remoteAddress, c.remotePort),
      since: new Date(c.since).toISOString(),
      ageS: Math.round((now - c.since) / 1000),
      lastActivity: new Date(c.lastActivity).toISOString(),
      lastReceived: new Date(c.lastReceived).toISOString(),
      messagesIn: c.messagesIn,
      messagesOut: c.messagesOut,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
      flows: (byConn.get(c.id) ?? []).map(flowView),
      flowTimerS: registry?.flowTimerOf(c.id),
      tlsPeer: cert ? certView(cert) : undefined,
    };
    if (needle && !matches(v, needle)) continue;
    all.push(v);
  }
  const udpFlows =
    q.transport && q.transport !== 'udp'
      ? []
      : udp
          .map((b) => ({ ...flowView(b), peer: hostPort(b.flow.remoteAddress, b.flow.remotePort) }))
          .filter((f) => !needle || [f.peer, f.aor, f.instance ?? '', f.contact].some((s) => s.toLowerCase().includes(needle)));
  const cfg = worker.config;
  return {
    instanceId,
    total: all.length,
    offset: q.offset,
    limit: q.limit,
    items: all.slice(q.offset, q.offset + q.limit),
    udpFlows,
    keepAlive: {
      enabled: cfg.tcpKeepAlive,
      idleS: cfg.tcpKeepAliveIdleS,
      intervalS: cfg.tcpKeepAliveIntervalS ?? 0,
      count: cfg.tcpKeepAliveCount ?? 0,
    },
  };
}

function matches(v: ConnectionView, needle: string): boolean {
  const hay = [
    v.id,
    v.peer,
    v.tlsPeer?.subject ?? '',
    ...(v.tlsPeer?.san ?? []),
    ...v.flows.flatMap((f) => [f.aor, f.instance ?? '', f.contact]),
  ];
  return hay.some((s) => s.toLowerCase().includes(needle));
}

function closeConnection(worker: ProxyWorker, instanceId: string, q: CloseConnectionQuery): CloseConnectionAnswer {
  if (typeof q?.id !== 'string') throw new QueryError('BAD_QUERY', 'id is required');
  const closed = worker.transport.closeConnection(q.id);
  if (!closed) throw new QueryError('NOT_FOUND', `no connection ${q.id} on this worker`);
  worker.log.info('connection closed by an operator', { connection: q.id });
  return { instanceId, closed };
}

/** The trace's filters as the control plane sent them, checked again here (a worker trusts no input). */
function traceQuery(q: TraceQuery): TraceQuery {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 256 ? v : undefined);
  const int = (v: unknown, max: number): number | undefined =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max ? (v as number) : undefined;
  const out: { q?: string; callId?: string; after?: number; limit?: number } = {};
  if (str(q?.q) !== undefined) out.q = str(q.q);
  if (str(q?.callId) !== undefined) out.callId = str(q.callId);
  if (int(q?.after, Number.MAX_SAFE_INTEGER) !== undefined) out.after = q.after;
  if (int(q?.limit, 1000) !== undefined) out.limit = q.limit;
  return out;
}

function traceAnswer(worker: ProxyWorker, instanceId: string, q: TraceQuery): TraceAnswer {
  const t = worker.trace;
  if (!t) return { instanceId, total: 0, items: [] };
  return { instanceId, trace: t.status(), ...t.page(traceQuery(q)) };
}

function tracePcap(worker: ProxyWorker, instanceId: string, q: TraceQuery): TracePcapAnswer {
  const t = worker.trace;
  const p = t?.boundedPcap(traceQuery(q)) ?? { pcap: Buffer.alloc(0), messages: 0, omitted: 0 };
  return { instanceId, pcap: p.pcap.toString('base64'), messages: p.messages, omitted: p.omitted };
}
