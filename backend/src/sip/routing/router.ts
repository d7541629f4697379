import type { HaServer, ServerRole, PairState } from '../ha/ha-pair.js';
import type { ProxyRuntimeConfig } from '../config.js';
import type { TransportProtocol } from '../transport/types.js';

/** A next hop before RFC 3263 resolution: host may be an FQDN; port/transport may be absent. */
export interface Hop {
  host: string;
  port?: number;
  transport?: TransportProtocol;
}

/** The facts of a request routing needs (already parsed by the proxy core). */
export interface RouteRequest {
  method: string;
  ruri: { user?: string; host: string; port?: number; transport?: string };
  /** The request carries a To tag (in-dialog). */
  inDialog: boolean;
  /** Where the request came from (transport source address). */
  source: { address: string; port: number; transport: TransportProtocol };
  /** sent-by of the topmost Via (SIP Servers put their sip-port there even when TCP uses an ephemeral port). */
  viaSentBy?: { host: string; port?: number };
}

/** What routing needs to know about an HA pair at decision time (implemented by HaPair). */
export interface PairView {
  readonly name: string;
  readonly state: PairState;
  readonly activeRole: ServerRole | undefined;
  activeServer(): HaServer | undefined;
  server(role: ServerRole): HaServer | undefined;
}

/** Registered-flow lookup (RFC 5626 outbound / TLS stickiness), provided by the flow issue later. */
export interface FlowLookup {
  lookup(ruri: RouteRequest['ruri']): Hop | undefined;
}

export type RoutingDecision =
  /** To the active server of an HA pair (failover may retry on `other`). */
  | { kind: 'pair'; pair: string; role: ServerRole; target: Hop }
  /** To a concrete or resolvable hop found by configuration (extension contact, trunk peer proxy, flow). */
  | { kind: 'hop'; target: Hop; reason: 'extension' | 'trunk' | 'flow' | 'request-uri' }
  /** Refused: the pair is out of service, or nowhere to send it. */
  | { kind: 'reject'; status: number; reason: string; retryAfter?: number; pair?: string };

export interface SourceMatch {
  pair: string;
  role: ServerRole;
}

const key = (host: string, port: number): string => `${host.toLowerCase()}:${port}`;

/**
 * Pure routing decisions for initial requests (the guide's "Routing"; RFC 3261 §16.5 target determination):
 * from endpoints and gateways -> the active server of the serving HA pair; from a known SIP Server -> the
 * Request-URI's target: a registered flow, an Extension DN's contact, a Trunk DN's peer proxy (multi-site), another
 * HA pair's active server, else the Request-URI itself. Route headers are handled before this (§16.4).
 */
export class Router {
  private readonly servers = new Map<string, SourceMatch>();
  private readonly extensions = new Map<string, Hop>();
  private readonly trunks = new Map<string, Hop>();
  private readonly pairs = new Map<string, PairView>();
  flows: FlowLookup | undefined;

  constructor(
    private readonly config: ProxyRuntimeConfig,
    pairs: Iterable<PairView>,
  ) {
    for (const p of pairs) this.pairs.set(p.name, p);
    for (const pc of config.pairs) {
      this.servers.set(key(pc.primary.host, pc.primary.port), { pair: pc.name, role: 'primary' });
      if (pc.backup) this.servers.set(key(pc.backup.host, pc.backup.port), { pair: pc.name, role: 'backup' });
    }
    for (const e of config.extensions) {
      const h = parseHop(e.contact);
      if (h) this.extensions.set(e.number, h);
    }
    for (const t of config.trunks) {
      if (!t.peerProxyContact) continue;
      const peer = parseHop(t.peerProxyContact);
      const c = parseHop(t.contact);
      if (!peer || !c) continue;
      if (t.peerProxyProtocol === 'tls' && t.peerProxyPortTls) peer.port = t.peerProxyPortTls;
      peer.transport = t.peerProxyProtocol;
      this.trunks.set(c.port ? key(c.host, c.port) : c.host.toLowerCase(), peer);
    }
  }

  /**
   * Is the request from a known SIP Server? Matches the source address:port, or — for connection-oriented
   * transports whose source port is ephemeral — the top Via sent-by when it names a server and the source
   * address is that server's host.
   */
  classifySource(req: Pick<RouteRequest, 'source' | 'viaSentBy'>): SourceMatch | undefined {
    if (this.servers.size === 0) return undefined;
    const m = this.servers.get(key(req.source.address, req.source.port));
    if (m) return m;
    const v = req.viaSentBy;
    if (v && v.host === req.source.address) return this.servers.get(key(v.host, v.port ?? 5060));
    return undefined;
  }

  /** Target of an initial request (or an in-dialog one with no Route left). */
  decide(req: RouteRequest, from: SourceMatch | undefined = this.classifySource(req)): RoutingDecision {
    if (!from) {
      if (req.inDialog) return { kind: 'hop', target: uriHop(req.ruri), reason: 'request-uri' };
      return this.toPair(this.config.servingPair);
    }
    const flow = this.flows?.lookup(req.ruri);
    if (flow) return { kind: 'hop', target: flow, reason: 'flow' };
    if (req.ruri.user) {
      const ext = this.extensions.get(req.ruri.user);
      if (ext) return { kind: 'hop', target: ext, reason: 'extension' };
    }
    // Trunks before known servers: a per-server Trunk DN's contact IS a remote SIP Server's host:port, and the
    // guide ("Configure multi-site call handling", DNS resolution not used) sends it via peer-proxy-contact.
    const trunk = this.trunks.get(key(req.ruri.host, req.ruri.port ?? 5060)) ?? this.trunks.get(req.ruri.host.toLowerCase());
    if (trunk) return { kind: 'hop', target: { ...trunk }, reason: 'trunk' };
    const server = this.servers.get(key(req.ruri.host, req.ruri.port ?? 5060));
    if (server && server.pair !== from.pair) return this.toPair(server.pair);
    return { kind: 'hop', target: uriHop(req.ruri), reason: 'request-uri' };
  }

  /** The active server of a pair, or 503 with Retry-After when it is out of service. */
  toPair(name: string | undefined): RoutingDecision {
    const pair = name ? this.pairs.get(name) : undefined;
    if (!pair) return { kind: 'reject', status: 503, reason: 'No Serving SIP Server', retryAfter: this.config.retryAfterS };
    const role = pair.activeRole;
    const s = pair.activeServer();
    if (!role || !s)
      return { kind: 'reject', status: 503, reason: 'SIP Server Out Of Service', retryAfter: this.config.retryAfterS, pair: pair.name };
    return { kind: 'pair', pair: pair.name, role, target: { host: s.host, port: s.port, transport: s.transport } };
  }

  pair(name: string): PairView | undefined {
    return this.pairs.get(name);
  }
}

function uriHop(ruri: RouteRequest['ruri']): Hop {
  const h: Hop = { host: ruri.host };
  if (ruri.port !== undefined) h.port = ruri.port;
  const t = ruri.transport?.toLowerCase();
  if (t === 'udp' || t === 'tcp' || t === 'tls') h.transport = t;
  return h;
}

/**
 * Parses a configured contact: `host[:port][;transport=x]`, optionally as a SIP URI (`sip:user@host:port;...`,
 * `<sip:...>`). IPv6 references keep their brackets. Returns undefined when there is no host.
 */
export function parseHop(s: string): Hop | undefined {
  let v = s.trim();
  if (v.startsWith('<')) v = v.slice(1, v.indexOf('>') > 0 ? v.indexOf('>') : undefined);
  let scheme = 'sip';
  const m = /^(sips?):/i.exec(v);
  if (m) {
    scheme = m[1].toLowerCase();
    v = v.slice(m[0].length);
  }
  const at = v.indexOf('@');
  if (at >= 0) v = v.slice(at + 1);
  const semi = v.indexOf(';');
  const params = semi >= 0 ? v.slice(semi + 1) : '';
  let hostport = semi >= 0 ? v.slice(0, semi) : v;
  const q = hostport.indexOf('?');
  if (q >= 0) hostport = hostport.slice(0, q);
  let host: string;
  let port: number | undefined;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined;
    host = hostport.slice(0, end + 1);
    const rest = hostport.slice(end + 1);
    if (rest.startsWith(':')) port = Number(rest.slice(1));
  } else {
    const c = hostport.lastIndexOf(':');
    if (c >= 0) {
      host = hostport.slice(0, c);
      port = Number(hostport.slice(c + 1));
    } else host = hostport;
  }
  if (!host || (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))) return undefined;
  const hop: Hop = { host };
  if (port !== undefined) hop.port = port;
  const tm = /(?:^|;)transport=([a-z]+)/i.exec(params);
  const t = tm?.[1]?.toLowerCase();
  if (t === 'udp' || t === 'tcp' || t === 'tls') hop.transport = t;
  if (scheme === 'sips') hop.transport = 'tls';
  return hop;
}
