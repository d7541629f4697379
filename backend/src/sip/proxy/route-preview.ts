/**
 * The route preview ("where would this go?"): one request run through the proxy core's own §16.3-§16.5 code
 * (ProxyCore.routeRequest) with a trace, against the live state (HA pairs, registered flows, the relay policy, the
 * DNS cache), changing nothing: no transaction, no backup made active, no binding, no counter. Never a second
 * implementation of routing: the trace only records what that code decided and why.
 */
import { randomBytes } from 'node:crypto';
import { parseMessage, isRequest, type SipRequest } from '../message/index.js';
import type { MessageSource } from '../transport/types.js';
import type { Hop, RoutingDecision } from '../routing/router.js';
import type { HaPair, HaServer, ServerRole } from '../ha/ha-pair.js';
import type { DialogRateLimiter } from '../routing/overload.js';
import type { ProxyRuntimeConfig } from '../config.js';
import type { TransportProtocol as SipTransport } from '../transport/types.js';
import type { FlowTarget, RegisterState } from '../outbound/outbound.js';
import type { RelayDecision } from './relay-policy.js';
import type { MaxForwardsCheck, RequestViews } from './request-validation.js';
import { checkSyntax } from './request-validation.js';
import type { ResolvedHop, SipResolver } from '../dns/resolver.js';
import { SipError } from './sip-error.js';

/** What ProxyCore.routeRequest found: the request to forward and where, or the proxy's own answer. */
export type Routed =
  | { kind: 'answer'; status: number; reason: string; headers?: [string, string][] }
  | {
      kind: 'forward';
      fwd: SipRequest;
      mf: Extract<MaxForwardsCheck, { kind: 'forward' }>;
      hash: string;
      inDialog: boolean;
      flowTarget: FlowTarget | undefined;
      registerState: RegisterState | undefined;
      decision: Exclude<RoutingDecision, { kind: 'reject' }>;
    };

export type SourceKind = { kind: 'sip-server'; pair: string; role: ServerRole } | { kind: 'trusted-network' } | { kind: 'endpoint' };

/** Filled by routeRequest when it runs for a preview: each step and the facts behind the decision. */
export class PreviewTrace {
  readonly steps: { step: string; detail: string }[] = [];
  source: SourceKind | undefined;
  decision: RoutingDecision | undefined;
  relay: RelayDecision | undefined;
  flow: { transport: string; host: string; port: number; connectionId?: string } | undefined;

  add(step: string, detail: string): void {
    this.steps.push({ step, detail });
  }
}

/** What the preview asks of the proxy core (ProxyCore implements it; the stack depends one way, core -> preview). */
export interface PreviewCore {
  readonly config: ProxyRuntimeConfig;
  readonly pairs: ReadonlyMap<string, HaPair>;
  readonly limiter: DialogRateLimiter;
  readonly resolver: SipResolver;
  routeRequest(req: SipRequest, views: RequestViews, src: MessageSource, trace: PreviewTrace | undefined): Routed;
  followActive(hop: ResolvedHop, isRetry: boolean): { hop: ResolvedHop; pair: { pair: { name: string } } | undefined; replaced: boolean };
}

/** The answer of a route preview (JSON: it crosses the worker channel as is). */
export interface RoutePreview {
  /** forward: the request would be sent on; refuse: a local final response; answer: the proxy answers it itself (200). */
  outcome: 'forward' | 'refuse' | 'answer';
  status?: number;
  reason?: string;
  source?: SourceKind;
  decision?: RoutingDecision;
  /** The HA pair the decision names, as the worker sees it now. */
  pair?: {
    name: string;
    state: string;
    activeRole?: ServerRole;
    serving: boolean;
    server?: { role: ServerRole; name: string; host: string; port: number; transport: string };
  };
  /** The registered flow (RFC 5626) the request would go down. */
  flow?: { transport: string; host: string; port: number; connectionId?: string };
  relay?: RelayDecision;
  /** RFC 3263 resolution of the next hop: every candidate, best first (the first is tried first). */
  dns?: { query: Hop; candidates: ResolvedHop[]; error?: string };
  steps: { step: string; detail: string }[];
}

/**
 * The decision ProxyCore would make for `req` received from `src`, and why. Resolves the next hop through the core's
 * resolver (its cache, its `dns-servers`): a name not cached yet is asked, as the first real request would.
 */
export async function previewRoute(core: PreviewCore, req: SipRequest, src: MessageSource): Promise<RoutePreview> {
  const trace = new PreviewTrace();
  const result = (r: Pick<RoutePreview, 'outcome' | 'status' | 'reason'> & Partial<RoutePreview>): RoutePreview => ({
    source: trace.source,
    decision: trace.decision,
    relay: trace.relay,
    flow: trace.flow,
    ...r,
    steps: trace.steps,
  });
  let routed: Routed;
  try {
    const views: RequestViews = checkSyntax(req);
    if (req.method === 'CANCEL')
      trace.add('cancel', 'a CANCEL matching a transaction in progress is answered by the proxy; otherwise it is routed as below');
    routed = core.routeRequest(req, views, src, trace);
  } catch (e) {
    if (e instanceof SipError) {
      trace.add('refused', `${e.status} ${e.reason}`);
      return result({ outcome: 'refuse', status: e.status, reason: e.reason });
    }
    const reason = e instanceof Error && e.message ? e.message.slice(0, 100) : 'Bad Request';
    trace.add('refused', `400 ${reason}`);
    return result({ outcome: 'refuse', status: 400, reason });
  }
  if (routed.kind === 'answer') return result({ outcome: 'answer', status: routed.status, reason: routed.reason });

  const d = routed.decision;
  let pair: RoutePreview['pair'];
  if (d.kind === 'pair') pair = pairView(core, d.pair);
  if (req.method === 'INVITE' && !routed.inDialog && core.limiter.rate > 0) {
    trace.add('overload', `new INVITEs are admitted up to overload-ctrl-dialog-rate ${core.limiter.rate}/s; beyond, 503`);
  }
  const query = d.target;
  let candidates: ResolvedHop[] = [];
  let error: string | undefined;
  const literal = core.resolver.resolveLiteral({ host: query.host, port: query.port, transport: query.transport });
  if (literal) candidates = [literal];
  else {
    try {
      candidates = [...(await core.resolver.resolve({ host: query.host, port: query.port, transport: query.transport }))];
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  if (!candidates.length) {
    trace.add('dns', `${query.host} does not resolve${error ? `: ${error}` : ''}: the request would get 503 or 408`);
  } else {
    trace.add('dns', `${query.host} -> ${candidates.map((c) => `${c.transport}:${c.host}:${c.port}`).join(', ')}`);
    const first = candidates[0];
    const f = core.followActive(first, false);
    if (f.replaced) {
      trace.add(
        'ha',
        `${first.host}:${first.port} is the standby server of ${f.pair?.pair.name}: sent to its active server ${f.hop.host}:${f.hop.port} instead (hot standby)`,
      );
    }
    if (!pair && f.pair) pair = pairView(core, f.pair.pair.name);
  }
  return result({ outcome: 'forward', pair, dns: { query, candidates, ...(error ? { error } : {}) } });
}

function pairView(core: PreviewCore, name: string): RoutePreview['pair'] {
  const p = core.pairs.get(name);
  if (!p) return undefined;
  const role = p.activeRole;
  const s: HaServer | undefined = p.activeServer();
  return {
    name,
    state: p.state,
    activeRole: role,
    serving: core.config.servingPair === name,
    server: role && s ? { role, name: s.name, host: s.host, port: s.port, transport: s.transport } : undefined,
  };
}

/** Why the router chose what it chose (routing/router.ts decide, in its own order). */
export function routerRule(d: RoutingDecision, fromServer: boolean, inDialog: boolean): string {
  if (d.kind === 'reject')
    return d.pair ? `HA pair ${d.pair} has no server in service: ${d.status} ${d.reason}` : `no serving HA pair: ${d.status} ${d.reason}`;
  if (d.kind === 'pair')
    return fromServer
      ? `the Request-URI names a server of another HA pair: to the active server of ${d.pair}`
      : `from an endpoint: every initial request goes to the active server of the serving HA pair ${d.pair}`;
  switch (d.reason) {
    case 'flow':
      return 'the Request-URI is a Contact registered over a flow: down that flow (RFC 5626)';
    case 'extension':
      return `the Request-URI user is an Extension DN: to its contact ${d.target.host}${d.target.port ? `:${d.target.port}` : ''}`;
    case 'trunk':
      return `the Request-URI names a Trunk DN's contact: to its peer-proxy-contact ${d.target.host}${d.target.port ? `:${d.target.port}` : ''}`;
    default:
      return inDialog && !fromServer ? 'in-dialog request from an endpoint: to the Request-URI' : 'to the Request-URI';
  }
}

/** A request described by fields (the route preview's form). Values are header text; CR and LF are refused. */
export interface PreviewFields {
  method: string;
  requestUri: string;
  from: string;
  to?: string;
  /** A To tag makes it an in-dialog request. */
  toTag?: string;
  route?: string[];
  source: { address: string; port: number; transport: SipTransport };
}

export class PreviewInputError extends Error {
  readonly code = 'PREVIEW_BAD_REQUEST';
}

/** Builds the request the form describes (Via from the source, as the UA would send it) and parses it with the stack's parser. */
export function requestFromFields(f: PreviewFields): SipRequest {
  for (const v of [f.method, f.requestUri, f.from, f.to ?? '', f.toTag ?? '', ...(f.route ?? [])]) {
    if (/[\r\n]/.test(v)) throw new PreviewInputError('header values carry no CR or LF');
  }
  const host = f.source.address.includes(':') ? `[${f.source.address}]` : f.source.address;
  const fromV = f.from.includes('<') ? f.from : `<${f.from}>`;
  const toV = f.to ? (f.to.includes('<') ? f.to : `<${f.to}>`) : `<${f.requestUri}>`;
  const lines = [
    `${f.method} ${f.requestUri} SIP/2.0`,
    `Via: SIP/2.0/${f.source.transport.toUpperCase()} ${host}:${f.source.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: ${fromV};tag=${randomBytes(4).toString('hex')}`,
    `To: ${toV}${f.toTag ? `;tag=${f.toTag}` : ''}`,
    `Call-ID: preview-${randomBytes(8).toString('hex')}`,
    `CSeq: 1 ${f.method}`,
    ...(f.route ?? []).map((r) => `Route: ${r}`),
    'Content-Length: 0',
  ];
  return parseRequest(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`));
}

/** A pasted request, parsed by the stack's parser (bare LF line ends, as pasted from a browser, become CRLF). */
export function parseRequest(raw: Buffer | string): SipRequest {
  let text = typeof raw === 'string' ? raw : raw.toString('latin1');
  if (!text.includes('\r\n')) text = text.replace(/\n/g, '\r\n');
  if (!/\r\n\r\n/.test(text)) text = `${text.replace(/(\r\n)*$/, '')}\r\n\r\n`;
  const r = parseMessage(Buffer.from(text, 'latin1'));
  if (!r.ok) throw new PreviewInputError(`not a SIP message: ${r.error.reason}`);
  if (!isRequest(r.message)) throw new PreviewInputError('a SIP response, not a request');
  return r.message;
}
