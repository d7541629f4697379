import { createResponse, generateTag, SipRequest, type SipResponse, type SipUri, parseUri } from '../message/index.js';
import type { ClientTransaction, ServerTransaction, TransactionLayer } from '../transaction/transaction-layer.js';
import type { ClientTransactionBase, ClientTransactionUser, ServerTransactionBase, ServerTransactionUser } from '../transaction/transaction-types.js';
import type { Timer, TimerScheduler, TimerTarget } from '../transaction/timer-wheel.js';
import type { Destination, MessageSource } from '../transport/types.js';
import type { Clock, TimerHandle } from '../ha/clock.js';
import { HaPair, type HaServer, type ProbeOutcome, type Prober, type ServerRole, type StateChange } from '../ha/ha-pair.js';
import { Router, type Hop, type RoutingDecision } from '../routing/router.js';
import { DialogRateLimiter } from '../routing/overload.js';
import type { ProxyRuntimeConfig, SipTransport } from './proxy-config.js';
import { BRANCH_PREFIX, hashOfBranch, loopHash, makeBranch, statelessBranch, workerPortOfBranch } from './loop.js';
import { betterResponse, upstreamStatus } from './response-selection.js';
import { SipResolver, type ResolvedHop } from './resolver.js';
import type { EdgeOutbound, FlowTarget, RegisterState } from './outbound.js';
import { detach } from '../transaction/retain.js';

/** The proxy's own listening ports per transport (for Via, Record-Route and "is this URI me?"). */
export interface LocalEndpoints {
  /** Host written into Via sent-by and Record-Route. */
  advertisedHost: string;
  /** Every host string that names this proxy (advertised host, bound and resolved addresses). */
  aliases: string[];
  ports: Partial<Record<SipTransport, number>>;
  /**
   * Ports put in Via sent-by when they differ from `ports` (a worker of a group sharing one public port sends
   * from its own port so that responses come back to the worker holding the transaction).
   */
  viaPorts?: Partial<Record<SipTransport, number>>;
  /** Group mode: hand responses for another worker of the group (branch-encoded port) to that worker. */
  group?: boolean;
}

/** Hooks the worker uses for logs, alarms and metrics; all optional and off the hot path. */
export interface ProxyEvents {
  pairChanged?(pair: HaPair, change: StateChange): void;
}

export interface ProxyStats {
  requestsIn: Map<string, number>;
  responsesOut: Map<number, number>;
  /** Initial INVITEs accepted for forwarding. */
  calls: number;
  rejectedOverload: number;
  rejectedOutOfService: number;
  failovers: number;
  loops: number;
  tooManyHops: number;
  badRequests: number;
  statelessForwards: number;
  activeContexts: number;
  /** Connections reopened to resend a request after the old one died under it (keep-alive feature). */
  reopened: number;
  /** Requests sent on to the next RFC 3263 candidate (SRV target or address) after a timeout, transport error or 503. */
  nextHopRetries: number;
}

export interface ProxyCoreOptions {
  config: ProxyRuntimeConfig;
  tl: TransactionLayer;
  local: LocalEndpoints;
  resolver?: SipResolver;
  clock?: Clock;
  events?: ProxyEvents;
  /** RFC 5626 / RFC 3327 edge-proxy behaviour (flow tokens, Path, 430/439, Flow-Timer); off when absent. */
  outbound?: EdgeOutbound;
}

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PRACK, UPDATE, INFO, SUBSCRIBE, NOTIFY, REFER, MESSAGE, PUBLISH';
/** Dialog-creating methods whose initial requests we record-route (RFC 3261 §16.6 step 4; RFC 6665; RFC 3515). */
const RR_METHODS = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'NOTIFY']);
const TIMER_FAILOVER = 101;
const TIMER_C = 102;

/** A local final response decided during validation/routing; not an Error (no stack capture on the hot path). */
class SipError {
  constructor(readonly status: number, readonly reason: string, readonly headers?: [string, string][]) {}
}

/**
 * An RFC 3261 §16 stateful proxy as a transaction user of the TransactionLayer: request validation (§16.3),
 * Route pre-processing (§16.4), target determination by the router (§16.5), forwarding (§16.6), the response
 * context with best-response selection (§16.7), CANCEL (§16.10), 2xx ACKs statelessly by Route (§16.11), Timer C.
 * Beyond the guide: failover to the other server of an HA pair on timeout / 503 / transport error.
 */
export class ProxyCore {
  readonly pairs = new Map<string, HaPair>();
  router: Router;
  readonly limiter: DialogRateLimiter;
  readonly resolver: SipResolver;
  readonly stats: ProxyStats = {
    requestsIn: new Map(),
    responsesOut: new Map(),
    calls: 0,
    rejectedOverload: 0,
    rejectedOutOfService: 0,
    failovers: 0,
    loops: 0,
    tooManyHops: 0,
    badRequests: 0,
    statelessForwards: 0,
    activeContexts: 0,
    reopened: 0,
    nextHopRetries: 0,
  };
  config: ProxyRuntimeConfig;
  readonly tl: TransactionLayer;
  private readonly local: LocalEndpoints;
  private readonly aliases: Set<string>;
  private readonly ownPorts: Set<number>;
  private readonly viaSentBy: Record<SipTransport, string>;
  private readonly rrUri: Record<SipTransport, string>;
  private readonly events: ProxyEvents;
  readonly outbound: EdgeOutbound | undefined;
  private readonly serverByAddr = new Map<string, { pair: HaPair; role: ServerRole }>();
  private stopped = false;
  private started = false;
  private readonly prober: OptionsProber;
  private readonly clock: Clock;
  /**
   * The user of every server transaction whose response context has sent its final response (§16.7): one object
   * for all, so a finished call's transaction (Timer J/L, 32 s) no longer holds the context, its request copy and
   * responses. It still passes ACKs matching an Accepted INVITE transaction on (RFC 6026 §7.1, §16.11) and ends
   * the context's count when the transaction terminates.
   */
  readonly finishedUser: ServerTransactionUser = {
    onAck: (ack, source) => this.forwardAck(ack, source),
    onTerminated: () => {
      this.stats.activeContexts--;
    },
  };

  constructor(opts: ProxyCoreOptions) {
    this.config = opts.config;
    this.tl = opts.tl;
    this.local = opts.local;
    this.events = opts.events ?? {};
    this.outbound = opts.outbound;
    this.resolver = opts.resolver ?? new SipResolver();
    const clock = opts.clock ?? clockFromScheduler(opts.tl.timers);
    this.aliases = new Set([opts.local.advertisedHost, ...opts.local.aliases].map((h) => stripBrackets(h).toLowerCase()));
    this.ownPorts = new Set(
      [...Object.values(opts.local.ports), ...Object.values(opts.local.viaPorts ?? {})].filter((p): p is number => typeof p === 'number'),
    );
    const adv = opts.local.advertisedHost;
    const port = (t: SipTransport): number => opts.local.ports[t] ?? opts.local.ports.udp ?? opts.local.ports.tcp ?? 5060;
    const vport = (t: SipTransport): number => opts.local.viaPorts?.[t] ?? port(t);
    this.viaSentBy = { udp: `SIP/2.0/UDP ${adv}:${vport('udp')};branch=`, tcp: `SIP/2.0/TCP ${adv}:${vport('tcp')};branch=`, tls: `SIP/2.0/TLS ${adv}:${vport('tls')};branch=` };
    this.rrUri = {
      udp: `<sip:${adv}:${port('udp')};lr>`,
      tcp: `<sip:${adv}:${port('tcp')};transport=tcp;lr>`,
      tls: `<sip:${adv}:${port('tls')};transport=tls;lr>`,
    };
    this.prober = new OptionsProber(this);
    this.clock = clock;
    this.buildPairs(this.config.pairs);
    this.router = new Router(this.config, this.pairs.values());
    this.limiter = new DialogRateLimiter(this.config.overloadDialogRate, () => clock.now());
    this.tl.onRequest((tx) => this.onRequest(tx));
    this.tl.onAck((ack, src) => this.forwardAck(ack, src));
    this.tl.onStrayResponse((resp) => this.forwardStrayResponse(resp));
  }

  /** Starts OPTIONS monitoring of every HA pair. */
  start(): void {
    this.started = true;
    for (const p of this.pairs.values()) p.start();
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pairs.values()) p.stop();
  }

  /** Live options (guide: "Immediately"): oos-check, oos-force, overload-ctrl-dialog-rate. */
  applyLive(config: ProxyRuntimeConfig): void {
    this.config = {
      ...this.config,
      oosCheckS: config.oosCheckS,
      oosForceS: config.oosForceS,
      overloadDialogRate: config.overloadDialogRate,
      failover: { ...config.failover },
      extensions: config.extensions,
      trunks: config.trunks,
      pairs: config.pairs,
    };
    // A server's host or port changed: swapped in at once (contracts: haPairs "immediately").
    this.buildPairs(config.pairs);
    this.limiter.setRate(config.overloadDialogRate);
    for (const p of this.pairs.values()) p.setTiming(this.timing());
    // DN routing data applies from the next call: requests in progress keep their decision.
    const flows = this.router.flows;
    this.router = new Router(this.config, this.pairs.values());
    this.router.flows = flows;
  }

  /** (Re)creates the HA monitors; a pair whose servers did not change keeps its monitor, state and history. */
  private buildPairs(configs: ProxyRuntimeConfig['pairs']): void {
    const keep = new Map<string, HaPair>();
    for (const pc of configs) {
      const old = this.pairs.get(pc.name);
      const same = old && sameServer(old.server('primary'), pc.primary) && sameServer(old.server('backup'), pc.backup);
      if (old && same) keep.set(pc.name, old);
    }
    for (const [name, old] of this.pairs) if (keep.get(name) !== old) old.stop();
    this.pairs.clear();
    this.serverByAddr.clear();
    for (const pc of configs) {
      const toServer = (x: typeof pc.primary): HaServer => ({ name: x.name, host: x.host, port: x.port, transport: x.transport });
      let pair = keep.get(pc.name);
      if (!pair) {
        pair = new HaPair(pc.name, toServer(pc.primary), pc.backup ? toServer(pc.backup) : undefined, this.timing(), this.prober, this.clock);
        pair.onChange = (p, c) => this.events.pairChanged?.(p, c);
        if (this.started) pair.start();
      }
      this.pairs.set(pc.name, pair);
      this.serverByAddr.set(addrKey(pc.primary.host, pc.primary.port), { pair, role: 'primary' });
      if (pc.backup) this.serverByAddr.set(addrKey(pc.backup.host, pc.backup.port), { pair, role: 'backup' });
    }
  }

  private timing() {
    const c = this.config;
    const interval = (c.oosCheckS > 0 ? c.oosCheckS : c.oosForceS) * 1000;
    return { oosCheckS: c.oosCheckS, oosForceS: c.oosForceS, probeTimeoutMs: Math.max(100, Math.min(c.probeTimeoutMs, interval || c.probeTimeoutMs)) };
  }

  /** Our Via header value for an outgoing request over `t`. */
  viaValue(t: SipTransport, branch: string): string {
    return this.viaSentBy[t] + branch;
  }

  /** Is this URI one of ours (host is one of our names, port one of our ports)? */
  isOwnUri(u: SipUri): boolean {
    if (!this.aliases.has(stripBrackets(u.host).toLowerCase())) return false;
    const port = u.port ?? (u.scheme === 'sips' ? 5061 : 5060);
    return this.ownPorts.has(port);
  }

  private isOwnVia(host: string, port: number | undefined, transport: string): boolean {
    if (!this.aliases.has(stripBrackets(host).toLowerCase())) return false;
    return this.ownPorts.has(port ?? (transport.toUpperCase() === 'TLS' ? 5061 : 5060));
  }

  // ------------------------------------------------------------------ requests

  private onRequest(tx: ServerTransaction): void {
    const req = tx.request;
    const m = req.method;
    const st = this.stats.requestsIn;
    st.set(m, (st.get(m) ?? 0) + 1);
    try {
      this.handleRequest(tx, req);
    } catch (e) {
      if (e instanceof SipError) this.reply(tx, e.status, e.reason, e.headers);
      else {
        // A parsed view threw on a malformed header (SipHeaderError) or something unexpected: §16.3 item 1.
        this.stats.badRequests++;
        this.reply(tx, 400, e instanceof Error && e.message ? e.message.slice(0, 100) : 'Bad Request');
      }
    }
  }

  private handleRequest(tx: ServerTransaction, req: SipRequest): void {
    // §16.3 item 1: the views we rely on must parse (they throw on malformed values).
    const cseq = req.cseq();
    // Only the tags are needed (loop hash, in-dialog test): read them without building name-addr objects.
    const fromTag = headerTag(req, 'from');
    const toTag = headerTag(req, 'to');
    if (!req.callId) throw new SipError(400, 'Missing Call-ID');
    if (cseq.method !== req.method) throw new SipError(400, 'CSeq Method Mismatch');
    const ruri = req.uri();
    if (!ruri) throw new SipError(400, 'Bad Request-URI');
    // §16.3 item 2: URI scheme.
    if (!ruri.isSip) throw new SipError(416, 'Unsupported URI Scheme');

    if (req.method === 'CANCEL') {
      const ist = this.tl.findInviteForCancel(req);
      if (ist && ist.user instanceof ResponseContext) {
        this.reply(tx, 200, 'OK');
        ist.user.cancel();
        return;
      }
      if (ist && ist.user === this.finishedUser) {
        // The context already sent its final response: every branch is complete or cancelled.
        this.reply(tx, 200, 'OK');
        return;
      }
      // §16.10: no response context -> forward it like any other request (below).
    }

    // §16.3 item 3: Max-Forwards.
    const mf = req.maxForwards();
    if (mf === 0) {
      if (req.method === 'OPTIONS') {
        this.reply(tx, 200, 'OK', [['Allow', ALLOW]]);
        return;
      }
      this.stats.tooManyHops++;
      throw new SipError(483, 'Too Many Hops');
    }

    // §16.3 item 5: Proxy-Require - we implement no extension a proxy must understand.
    const pr = req.proxyRequire();
    if (pr.length) throw new SipError(420, 'Bad Extension', [['Unsupported', pr.join(', ')]]);

    // §16.4 Route pre-processing on a copy (the server transaction keeps the received request for responses).
    const fwd = req.clone();
    const routes = fwd.routes();
    if (routes.length && ruri.user === undefined && this.isOwnUri(ruri)) {
      // The previous hop is a strict router: it put our Record-Route URI into the Request-URI.
      const last = fwd.headers.getAll('route').pop() as string;
      fwd.requestUri = routes[routes.length - 1]!.uri.toString();
      removeLastValue(fwd, 'route', last);
    }
    let routeList = fwd.routes();
    let flowTokens: string[] | undefined;
    let own = 0;
    while (own < routeList.length && this.isOwnUri(routeList[own]!.uri)) {
      // RFC 5626 §5.3: the user part of our own Route URI may be a flow token (from our Path / Record-Route).
      const user = routeList[own]!.uri.user;
      if (user !== undefined && this.outbound) (flowTokens ??= []).push(user);
      fwd.headers.removeFirstValue('route');
      own++;
    }
    // The parsed list minus what was popped (no second parse of the Route header).
    if (own > 0) routeList = routeList.slice(own);
    // The Request-URI as it now stands (parsed again only when strict-route processing replaced it).
    const target = fwd.requestUri === req.requestUri ? ruri : (fwd.uri() ?? ruri);

    // §16.3 item 4: loop detection against our own Vias.
    const hash = loopHash({
      requestUri: fwd.requestUri,
      routes: fwd.headers.getAll('route'),
      proxyRequire: pr,
      fromTag,
      toTag,
      callId: req.callId,
      cseq: cseq.seq,
    });
    // Cheap text test first; parse the Vias only when one of our branches with this hash is present.
    const needle = BRANCH_PREFIX + hash;
    const fields = req.headers.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.key !== 'via' || f.value.indexOf(needle) < 0) continue;
      for (const v of req.vias()) {
        if (hashOfBranch(v.branch) === hash && this.isOwnVia(v.host, v.port, v.transport)) {
          this.stats.loops++;
          throw new SipError(482, 'Loop Detected');
        }
      }
    }
    const topVia = req.topVia();

    const inDialog = toTag !== undefined;
    const src = tx.source;
    const fromServer = this.router.classifySource({
      source: { address: src.remoteAddress, port: src.remotePort, transport: src.transport },
      viaSentBy: topVia ? { host: topVia.host, port: topVia.port } : undefined,
    });

    // OPTIONS for the proxy itself (SIP Server's oos-check of the pool, keep-alives): answer here.
    if (req.method === 'OPTIONS' && !routeList.length && ruri.user === undefined && this.isOwnUri(target)) {
      this.reply(tx, 200, 'OK', [['Allow', ALLOW]]);
      return;
    }

    // The guide's second trigger: a request from the backup (the non-active server) makes it active.
    if (fromServer && req.method !== 'OPTIONS') this.pairs.get(fromServer.pair)?.requestFrom(fromServer.role);

    // overload-ctrl-dialog-rate: over-threshold new INVITEs get 503.
    if (req.method === 'INVITE' && !inDialog) {
      if (!this.limiter.admit()) {
        this.stats.rejectedOverload++;
        throw new SipError(503, 'Service Unavailable', [['Retry-After', String(this.config.retryAfterS)]]);
      }
    }

    // RFC 5626 edge proxy: a flow token or a Contact registered over a flow decides the target (or 430/403/439).
    let flowTarget: FlowTarget | undefined;
    let registerState: RegisterState | undefined;
    if (this.outbound) {
      const r = this.outbound.route(flowTokens ?? [], target, src, fromServer !== undefined, routeList.length);
      if (r && 'status' in r) throw new SipError(r.status, r.reason);
      flowTarget = r;
      if (req.method === 'REGISTER' && !fromServer && !flowTarget) {
        const s = this.outbound.onRegister(req, src);
        if (s && 'status' in s) throw new SipError(s.status, s.reason);
        registerState = s;
      }
    }

    // §16.5 target determination.
    let decision: RoutingDecision;
    if (flowTarget) {
      const d = flowTarget.dest;
      decision = { kind: 'hop', target: { host: d.host, port: d.port, transport: d.transport }, reason: 'flow' };
    } else if (routeList.length) {
      const top = routeList[0]!.uri;
      decision = { kind: 'hop', target: uriToHop(top), reason: 'request-uri' };
      if (!top.params.has('lr')) strictNextHop(fwd);
    } else if (!fromServer && this.isOwnUri(target)) {
      // Addressed to the proxy itself with nothing left to route by (e.g. a UA that lost its route set):
      // the serving SIP Server is the only element that can know the dialog; forwarding to ourselves would loop.
      decision = this.router.toPair(this.config.servingPair);
    } else {
      const u = target;
      decision = this.router.decide(
        {
          method: req.method,
          // RFC 3261 §26.2.2 / RFC 3263 §4.1: a sips: Request-URI is reached over TLS only.
          ruri: { user: u.user, host: u.host, port: u.port, transport: u.scheme === 'sips' ? 'tls' : paramString(u.params.get('transport')) },
          inDialog,
          source: { address: src.remoteAddress, port: src.remotePort, transport: src.transport },
        },
        fromServer,
      );
    }
    if (decision.kind === 'reject') {
      if (decision.status === 503) this.stats.rejectedOutOfService++;
      const h: [string, string][] = decision.retryAfter ? [['Retry-After', String(decision.retryAfter)]] : [];
      throw new SipError(decision.status, decision.reason, h);
    }
    if (req.method === 'INVITE' && !inDialog) this.stats.calls++;

    // §16.6 step 3: Max-Forwards.
    fwd.headers.set('Max-Forwards', String(mf === undefined ? 70 : mf - 1));

    const ctx = new ResponseContext(this, tx, fwd, hash, RR_METHODS.has(req.method) && !inDialog);
    if (this.outbound) {
      ctx.flowDest = flowTarget?.dest;
      ctx.register = registerState;
      if (ctx.recordRoute) {
        ctx.inToken = this.outbound.tokenForSource(src);
        if (flowTarget) ctx.outToken = this.outbound.registry.tokenFor(flowTarget.flow);
      }
    }
    tx.user = ctx;
    this.stats.activeContexts++;
    let pairInfo: { pair: HaPair; role: ServerRole } | undefined;
    if (decision.kind === 'pair') {
      const pair = this.pairs.get(decision.pair);
      if (pair) pairInfo = { pair, role: decision.role };
    }
    ctx.forwardTo(decision.target, pairInfo, false);
  }

  /** In-dialog requests addressed to a server of an HA pair follow the pair's active server (hot standby). */
  pairOfHop(h: ResolvedHop): { pair: HaPair; role: ServerRole } | undefined {
    if (this.serverByAddr.size === 0) return undefined;
    return this.serverByAddr.get(addrKey(h.host, h.port));
  }

  /** Local response through the server transaction (To tag added for finals, §8.2.6.2). */
  reply(tx: ServerTransactionBase, status: number, reason: string, headers?: [string, string][]): void {
    // A transaction past Trying/Proceeding takes no response (and no longer keeps the request to build one from).
    if (tx.state !== 'trying' && tx.state !== 'proceeding') return;
    const r = createResponse(tx.request, status, reason, generateTag());
    if (headers) for (const [n, v] of headers) r.headers.append(n, v);
    this.countResponse(status);
    tx.respond(r);
  }

  countResponse(status: number): void {
    const m = this.stats.responsesOut;
    m.set(status, (m.get(status) ?? 0) + 1);
  }

  // ------------------------------------------------------------------ resolution

  /** RFC 3263: IP literals synchronously, names through the cached resolver. */
  resolveHop(hop: Hop, done: (h: ResolvedHop | undefined) => void): void {
    const q = { host: hop.host, port: hop.port, transport: hop.transport };
    const lit = this.resolver.resolveLiteral(q);
    if (lit) {
      done(lit);
      return;
    }
    this.resolver.resolve(q).then(
      (list) => done(list[0]),
      () => done(undefined),
    );
  }

  /** RFC 3263 §4: every candidate for a name, best first (empty when it does not resolve). */
  resolveHops(hop: Hop, done: (list: readonly ResolvedHop[]) => void): void {
    this.resolver.resolve({ host: hop.host, port: hop.port, transport: hop.transport }).then(done, () => done([]));
  }

  /** The outgoing request for one branch (§16.6 steps 1-8). */
  buildOutgoing(template: SipRequest, hop: ResolvedHop, inbound: SipTransport, hash: string, recordRoute: boolean, copy = true, flow?: ResponseContext): SipRequest {
    const out = copy ? template.clone() : template;
    const inTok = flow?.inToken;
    const outTok = flow?.outToken;
    if (flow?.register && this.outbound) this.outbound.addPath(out, flow.register, this.flowUri(hop.transport, flow.register.token, flow.register.ob));
    if (recordRoute && (inTok !== undefined || outTok !== undefined)) {
      // RFC 5626 §5.3: the Record-Route URI facing a flow carries its token, so in-dialog requests use that flow.
      if (hop.transport !== inbound || (inTok !== undefined && outTok !== undefined)) {
        out.headers.prepend('Record-Route', this.flowUri(inbound, inTok));
        out.headers.prepend('Record-Route', this.flowUri(hop.transport, outTok));
      } else out.headers.prepend('Record-Route', this.flowUri(inbound, inTok ?? outTok));
    } else if (recordRoute) {
      // Transport-aware Record-Route: the inbound side's URI below, the outbound side's on top when they differ.
      out.headers.prepend('Record-Route', this.rrUri[inbound]);
      if (hop.transport !== inbound) out.headers.prepend('Record-Route', this.rrUri[hop.transport]);
    }
    out.headers.prepend('Via', this.viaSentBy[hop.transport] + makeBranch(hash));
    return out;
  }

  /** Our Record-Route URI on `t`, with a flow token as user part and `;ob` when asked (RFC 5626 Path / RR). */
  flowUri(t: SipTransport, token: string | undefined, ob = false): string {
    const u = this.rrUri[t];
    const withUser = token === undefined ? u : `<sip:${token}@${u.slice(5)}`;
    return ob ? withUser.slice(0, -1) + ';ob>' : withUser;
  }

  // ------------------------------------------------------------------ stateless paths

  /** 2xx ACKs (and ACKs the transaction layer did not absorb) are forwarded statelessly by Route/R-URI (§16.11). */
  forwardAck(ack: SipRequest, src: MessageSource): void {
    const st = this.stats.requestsIn;
    st.set('ACK', (st.get('ACK') ?? 0) + 1);
    try {
      const mf = ack.maxForwards();
      if (mf === 0) return;
      const fwd = ack.clone();
      const ruri = fwd.uri();
      if (!ruri || !ruri.isSip) return;
      let routes = fwd.routes();
      if (routes.length && ruri.user === undefined && this.isOwnUri(ruri)) {
        const last = fwd.headers.getAll('route').pop() as string;
        fwd.requestUri = routes[routes.length - 1]!.uri.toString();
        removeLastValue(fwd, 'route', last);
        routes = fwd.routes();
      }
      let ackTokens: string[] | undefined;
      let own = 0;
      while (own < routes.length && this.isOwnUri(routes[own]!.uri)) {
        const user = routes[own]!.uri.user;
        if (user !== undefined && this.outbound) (ackTokens ??= []).push(user);
        fwd.headers.removeFirstValue('route');
        own++;
      }
      if (own > 0) routes = routes.slice(own);
      if (this.outbound && (ackTokens !== undefined || routes.length === 0)) {
        // A 2xx ACK toward a UA behind a flow goes down that flow (RFC 5626 §5.3); a failed flow drops it.
        const topVia = ack.topVia();
        const fromServer = this.router.classifySource({
          source: { address: src.remoteAddress, port: src.remotePort, transport: src.transport },
          viaSentBy: topVia ? { host: topVia.host, port: topVia.port } : undefined,
        });
        const r = this.outbound.route(ackTokens ?? [], fwd.uri(), src, fromServer !== undefined, routes.length);
        if (r && 'status' in r) return;
        if (r) {
          fwd.headers.set('Max-Forwards', String(mf === undefined ? 70 : mf - 1));
          fwd.headers.prepend('Via', this.viaSentBy[r.dest.transport] + statelessBranch(topVia?.branch, ack.callId));
          this.stats.statelessForwards++;
          this.tl.sendStateless(fwd, r.dest);
          return;
        }
      }
      let hop: Hop;
      if (routes.length) {
        hop = uriToHop(routes[0]!.uri);
        if (!routes[0]!.uri.params.has('lr')) strictNextHop(fwd);
      } else {
        const u = fwd.uri() as SipUri;
        hop = uriToHop(u);
      }
      fwd.headers.set('Max-Forwards', String(mf === undefined ? 70 : mf - 1));
      const topBranch = ack.topVia()?.branch;
      this.resolveHop(hop, (h) => {
        if (!h) return;
        const p = this.pairOfHop(h);
        if (p && p.pair.activeRole && p.pair.activeRole !== p.role) {
          const s = p.pair.activeServer() as HaServer;
          h = { transport: s.transport, host: s.host, port: s.port };
        }
        fwd.headers.prepend('Via', this.viaSentBy[h.transport] + statelessBranch(topBranch, ack.callId));
        this.stats.statelessForwards++;
        this.tl.sendStateless(fwd, toDestination(h));
      });
      void src;
    } catch {
      // A malformed ACK gets no response (§17.2.3); drop it.
    }
  }

  /** Responses matching no client transaction: forwarded by Via when the top Via is ours (§16.7 / §16.11). */
  private forwardStrayResponse(resp: SipResponse): void {
    try {
      const top = resp.topVia();
      if (!top) return;
      if (!this.isOwnVia(top.host, top.port, top.transport)) {
        // Group mode: a response for a request another worker of the group sent (the peer answered to the
        // dialog's first address, not to the Via): pass it to that worker unchanged.
        const wp = this.local.group ? workerPortOfBranch(top.branch) : undefined;
        if (wp !== undefined && this.aliases.has(stripBrackets(top.host).toLowerCase())) {
          this.tl.sendStateless(resp, { transport: 'udp', host: stripBrackets(top.host), port: wp });
        }
        return;
      }
      const out = resp.clone();
      out.headers.removeFirstValue('via');
      if (!out.topVia()) return;
      this.stats.statelessForwards++;
      this.countResponse(resp.status);
      this.tl.sendStateless(out, this.tl.transport.responseDestination(out));
    } catch {
      // malformed: drop
    }
  }

  isStopped(): boolean {
    return this.stopped;
  }
}

/**
 * The response context of one server transaction (§16.7): its branches, the best final response so far,
 * CANCEL propagation (§16.10) and failover.
 */
export class ResponseContext implements ServerTransactionUser {
  readonly branches: Branch[] = [];
  finalSent = false;
  cancelled = false;
  private best: SipResponse | undefined;
  private retried = false;
  private done = false;
  /** The request to forward (a copy of the received one); released with the final response. */
  template: SipRequest | undefined;

  constructor(
    readonly proxy: ProxyCore,
    readonly server: ServerTransaction,
    template: SipRequest,
    readonly hash: string,
    readonly recordRoute: boolean,
  ) {
    this.template = template;
  }

  /** RFC 5626: the flow this request must go down (no new connection), when a flow token or registration decided. */
  flowDest: Destination | undefined;
  /** A forwarded REGISTER from a UA: its Path token and bindings, recorded on the 2xx. */
  register: RegisterState | undefined;
  /** Flow tokens for the Record-Route URIs facing the inbound / outbound flow. */
  inToken: string | undefined;
  outToken: string | undefined;
  private reopened = false;
  /** RFC 3263 §4.3: the resolved candidates not tried yet, and the name they came from (TLS identity). */
  private alternates: ResolvedHop[] | undefined;
  private alternatesName: string | undefined;

  /** Resolves the target and starts a branch; pairInfo enables failover to the other server of the pair. */
  forwardTo(target: Hop, pairInfo: { pair: HaPair; role: ServerRole } | undefined, isRetry: boolean): void {
    // IP literals (the common case: SIP Servers, contacts) resolve synchronously, without a closure.
    const lit = this.proxy.resolver.resolveLiteral(target);
    if (lit) {
      this.startBranch(lit, pairInfo, isRetry);
      return;
    }
    // A resolved name is the TLS identity the next hop's certificate must carry (RFC 5922 §7.2).
    this.proxy.resolveHops(target, (list) => {
      // HA pairs fail over between their own two servers; other names keep their further candidates (§4.3).
      if (!pairInfo && list.length > 1) {
        this.alternates = list.slice(1);
        this.alternatesName = target.host;
      }
      this.startBranch(list[0], pairInfo, isRetry, target.host);
    });
  }

  /** True while an RFC 3263 candidate is left to try if this branch fails. */
  get hasAlternates(): boolean {
    return this.alternates !== undefined && this.alternates.length > 0;
  }

  /**
   * RFC 3263 §4.3: a timeout, a transport failure or a 503 from one candidate sends the request on to the next
   * one, as a new client transaction (new branch). Not after a CANCEL or a final response, nor for flows.
   */
  private tryAlternate(branch: Branch): boolean {
    if (branch.pairInfo || !this.hasAlternates || this.cancelled || this.finalSent || this.flowDest) return false;
    const next = this.alternates!.shift()!;
    this.proxy.stats.nextHopRetries++;
    this.startBranch(next, undefined, false, this.alternatesName);
    return true;
  }

  private startBranch(resolved: ResolvedHop | undefined, pairInfo: { pair: HaPair; role: ServerRole } | undefined, isRetry: boolean, serverName?: string): void {
    const template = this.template;
    if (this.finalSent || this.done || !template) return;
    // A copy whose host string does not pin the message it was read from (the branch keeps it for Timer M/K).
    let hop = resolved && { transport: resolved.transport, host: detach(resolved.host), port: resolved.port };
    if (!hop) {
      this.finish(604, 'Does Not Exist Anywhere');
      return;
    }
    let info = pairInfo;
    let replaced = false;
    if (!info) {
      // A hop that is a server of an HA pair (in-dialog requests to a SIP Server's Contact).
      const p = this.proxy.pairOfHop(hop);
      if (p) {
        info = p;
        const active = p.pair.activeRole;
        if (active && active !== p.role && !isRetry) {
          const s = p.pair.activeServer() as HaServer;
          hop = { transport: s.transport, host: s.host, port: s.port };
          info = { pair: p.pair, role: active };
          replaced = true;
        }
      }
    }
    if (this.cancelled && !isRetry) {
      this.finish(487, 'Request Terminated');
      return;
    }
    // The template is kept intact only when a failover retry may still need it.
    const mayRetry = !isRetry && info !== undefined && this.proxy.config.failover.enabled && info.pair.other(info.role) !== undefined;
    const out = this.proxy.buildOutgoing(template, hop, this.server.source.transport, this.hash, this.recordRoute, mayRetry || this.mayReopen() || this.hasAlternates, this);
    const branch = new Branch(this, hop, info, isRetry);
    branch.dest = this.flowDest ?? toDestination(hop, replaced ? undefined : serverName);
    this.branches.push(branch);
    branch.start(out);
  }


  /** §16.10: CANCEL every pending branch; the 487 comes back from downstream. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const b of this.branches) b.cancel();
  }

  /** A response on a branch (§16.7). */
  onBranchResponse(branch: Branch, resp: SipResponse): void {
    const status = resp.status;
    if (status === 100) return;
    if (status < 200) {
      if (this.finalSent) return;
      this.relay(resp);
      return;
    }
    if (status < 300) {
      if (this.register) this.proxy.outbound?.onRegisterResponse(this.register, resp);
      this.finalSent = true;
      this.relay(resp);
      for (const b of this.branches) if (b !== branch) b.cancel();
      this.release();
      return;
    }
    if (this.finalSent) return;
    if (status === 503 && branch.pairInfo && this.tryFailover(branch, 'forward-503', 503)) return;
    if (status === 503 && this.hasAlternates) {
      // Kept as the best so far in case every other candidate fails too.
      if (!this.best || betterResponse(this.best.status, status)) this.best = resp;
      if (this.tryAlternate(branch)) return;
    }
    if (status >= 600) for (const b of this.branches) if (b !== branch) b.cancel();
    if (!this.best || betterResponse(this.best.status, status)) this.best = resp;
    this.maybeFinish();
  }

  /** Timer C or a timeout without any response: 408 for this branch (§16.8). */
  onBranchTimeout(branch: Branch): void {
    if (this.cancelled && !branch.gotResponse) {
      this.finish(487, 'Request Terminated');
      return;
    }
    if (branch.pairInfo && !branch.gotResponse && this.tryFailover(branch, 'forward-timeout')) return;
    if (!branch.gotResponse && this.tryAlternate(branch)) return;
    if (!this.best) this.bestCode = 408;
    this.maybeFinish();
  }

  /** §16.9: a transport error counts as a 503 for this branch. `sent` is the request the branch had sent. */
  onBranchTransportError(branch: Branch, sent?: SipRequest): void {
    if (branch.pairInfo && this.tryFailover(branch, 'forward-transport-error')) return;
    if (this.tryReopen(branch, sent)) return;
    if (this.tryAlternate(branch)) return;
    if (!this.best && this.bestCode !== 408) this.bestCode = 503;
    this.maybeFinish();
  }

  private bestCode: number | undefined;

  /**
   * The guide's keep-alive feature: a TCP/TLS connection that died under this active transaction is reopened at
   * once and the request resent. Not for SIP Servers (VoIP Service DNs: the guide's limitation; failover covers
   * them) nor for RFC 5626 flows (430 territory: the UA must re-register).
   */
  private mayReopen(): boolean {
    return this.proxy.config.tcpKeepAlive && !this.reopened && this.flowDest === undefined;
  }

  private tryReopen(branch: Branch, sent: SipRequest | undefined): boolean {
    if (!sent || !this.mayReopen() || branch.hop.transport === 'udp' || branch.pairInfo || this.cancelled || this.finalSent) return false;
    this.reopened = true;
    this.proxy.stats.reopened++;
    // The same request with the same Via branch, on a new connection: to the next hop it is a retransmission
    // (§17.2.3 matches it to the transaction the first copy started, whose last response comes back), where a
    // new branch would be a second request it must refuse as merged (§8.2.2.2, 482) if the first copy arrived.
    const again = new Branch(this, branch.hop, undefined, true);
    again.dest = branch.dest;
    this.branches.push(again);
    // After the failed transaction has left the table (it is terminated right after this callback returns).
    queueMicrotask(() => again.start(sent));
    return true;
  }

  /** Retry once on the other server of the pair; false when not possible. */
  tryFailover(branch: Branch, trigger: 'forward-timeout' | 'forward-503' | 'forward-transport-error', code?: number): boolean {
    const info = branch.pairInfo;
    if (!info || branch.isRetry || this.retried || !this.proxy.config.failover.enabled || this.cancelled) {
      if (info && branch.isRetry) info.pair.forwardFailed(info.role, trigger, code);
      return false;
    }
    const other = info.pair.other(info.role);
    if (!other) {
      // Without a backup there is nowhere to fail over to, and one unanswered request (an overloaded peer, a
      // lost datagram) must not take the whole pair out of service: the OPTIONS probes decide that.
      return false;
    }
    this.retried = true;
    branch.complete = true;
    info.pair.forwardFailed(info.role, trigger, code);
    this.proxy.stats.failovers++;
    const s = info.pair.server(other) as HaServer;
    this.forwardTo({ host: s.host, port: s.port, transport: s.transport }, { pair: info.pair, role: other }, true);
    return true;
  }

  private maybeFinish(): void {
    if (this.finalSent) return;
    for (const b of this.branches) if (!b.complete) return;
    if (this.retried && this.branches.length < 2) return; // the retry branch is being resolved
    if (this.best) {
      const st = upstreamStatus(this.best.status);
      if (st !== this.best.status) {
        this.best.status = st;
        this.best.reason = 'Server Internal Error';
      }
      this.relay(this.best, true);
      this.release();
    } else {
      this.finish(this.bestCode ?? 408, this.bestCode === 503 ? 'Service Unavailable' : 'Request Timeout');
    }
  }

  /** Forwards a downstream response upstream: remove our Via (§16.7 step 3) and send via the server transaction. */
  private relay(resp: SipResponse, final = resp.status >= 200): void {
    resp.headers.removeFirstValue('via');
    if (final) this.finalSent = true;
    this.proxy.countResponse(resp.status);
    this.server.respond(resp);
  }

  private finish(status: number, reason: string): void {
    if (this.finalSent) return;
    this.finalSent = true;
    const h: [string, string][] = status === 503 ? [['Retry-After', String(this.proxy.config.retryAfterS)]] : [];
    this.proxy.reply(this.server, status, reason, h);
    this.release();
  }

  /**
   * The final response went upstream (§16.7 step 8): no new branch can start and no other final is sent, so the
   * context drops the request copy, the best response and the flow data, and hands the server transaction the
   * proxy's shared finished user. What stays reachable, from a branch's client transaction in Accepted (Timer M),
   * is this small object and the server transaction, through which further 2xx are relayed (RFC 6026 §7.2).
   */
  private release(): void {
    this.template = undefined;
    this.best = undefined;
    this.flowDest = undefined;
    this.register = undefined;
    this.inToken = undefined;
    this.outToken = undefined;
    // A complete branch's client transaction no longer calls back into the context: in Accepted (Timer M) a small
    // relay passes further 2xx upstream, in Completed (Timer D/K) it only absorbs. Branches still running
    // (cancelled, awaiting their 487) hold this context themselves; it needs no list.
    for (const b of this.branches) if (b.complete) b.detachTransaction();
    this.branches.length = 0;
    // The count of active contexts now ends in the finished user's onTerminated.
    if (!this.done && this.server.user === this) this.server.user = this.proxy.finishedUser;
  }

  // ServerTransactionUser
  onAck(ack: SipRequest, source: MessageSource): void {
    this.proxy.forwardAck(ack, source);
  }

  onTerminated(): void {
    if (this.done) return;
    this.done = true;
    this.proxy.stats.activeContexts--;
    for (const b of this.branches) b.stopTimers();
    // Nothing can be forwarded any more; branches still running only absorb their responses.
    this.template = undefined;
    this.best = undefined;
  }
}

/** One client branch of a response context (§16.6 step 10-11): its transaction, Timer C and the failover timer. */
export class Branch implements ClientTransactionUser, TimerTarget {
  tx: ClientTransaction | undefined;
  /** Where this branch sends (a flow, or the hop with the TLS server name it was resolved from). */
  dest: Destination | undefined;
  out: SipRequest | undefined;
  gotResponse = false;
  provisional = false;
  complete = false;
  private cancelPending = false;
  private cancelSent = false;
  private timerC: Timer | undefined;
  private timerF: Timer | undefined;

  constructor(
    readonly ctx: ResponseContext,
    readonly hop: ResolvedHop,
    readonly pairInfo: { pair: HaPair; role: ServerRole } | undefined,
    readonly isRetry: boolean,
  ) {}

  start(out: SipRequest): void {
    this.out = out;
    const proxy = this.ctx.proxy;
    const timers = proxy.tl.timers;
    // The short no-answer timeout: for a pair with a backup, and for an INVITE to a name with another RFC 3263
    // candidate left (an INVITE is answered 100 within 200 ms, §17.2.1; a slow non-INVITE answer is normal, and
    // sending it on early would run it twice, so its candidates change on a transport error or a 503 only).
    const other = this.pairInfo ? !this.isRetry && this.pairInfo.pair.other(this.pairInfo.role) !== undefined : this.ctx.hasAlternates && out.method === 'INVITE';
    if (other && proxy.config.failover.enabled) {
      this.timerF = timers.create(this, TIMER_FAILOVER);
      timers.start(this.timerF, proxy.config.failover.timeoutMs);
    }
    if (out.method === 'INVITE') {
      this.timerC = timers.create(this, TIMER_C);
      timers.start(this.timerC, proxy.config.timerCMs);
    }
    try {
      this.tx = proxy.tl.sendRequest(out, this.dest ?? toDestination(this.hop), this);
    } catch {
      this.finishBranch();
      this.ctx.onBranchTransportError(this);
    }
  }

  onProvisional(resp: SipResponse): void {
    this.noteResponse(resp.status);
    if (resp.status > 100) {
      this.provisional = true;
      if (this.timerC) this.ctx.proxy.tl.timers.start(this.timerC, this.ctx.proxy.config.timerCMs);
    }
    if (this.cancelPending) {
      this.cancelPending = false;
      this.sendCancel();
    }
    this.ctx.onBranchResponse(this, resp);
  }

  onFinal(resp: SipResponse): void {
    const first = !this.complete;
    this.noteResponse(resp.status);
    if (first) {
      this.finishBranch();
    } else if (resp.status >= 300) return; // retransmission of a non-2xx final: the transaction absorbs it
    this.ctx.onBranchResponse(this, resp);
  }

  onTimeout(): void {
    if (this.complete) return;
    this.finishBranch();
    this.ctx.onBranchTimeout(this);
  }

  onTransportError(): void {
    if (this.complete) return;
    const sent = this.out;
    this.finishBranch();
    this.ctx.onBranchTransportError(this, sent);
  }

  onTerminated(_tx: ClientTransactionBase): void {
    // Nothing to release: timers are stopped on completion.
  }

  onTimer(kind: number): void {
    if (this.complete) return;
    if (kind === TIMER_FAILOVER) {
      if (this.gotResponse) return;
      // No answer at all from the active server within the failover timeout: give up on it silently
      // (no provisional -> no CANCEL, §9.1) and retry on the other server.
      this.finishBranch();
      this.tx?.terminate();
      this.ctx.onBranchTimeout(this);
      return;
    }
    if (kind === TIMER_C) {
      // §16.8: Timer C fired: CANCEL after a provisional, else behave as if a 408 arrived.
      if (this.provisional) {
        this.sendCancel();
        if (this.timerC) this.ctx.proxy.tl.timers.start(this.timerC, 32_000);
        this.provisional = false;
        return;
      }
      this.finishBranch();
      this.tx?.terminate();
      this.ctx.onBranchTimeout(this);
    }
  }

  /** §9.1: CANCEL only after a provisional response; remember the wish until then. */
  cancel(): void {
    if (this.complete || this.cancelSent) return;
    if (!this.out || this.out.method !== 'INVITE') return;
    if (this.provisional) this.sendCancel();
    else this.cancelPending = true;
  }

  /** The branch has its outcome: its timers stop and the request copy goes (no CANCEL is sent for it, §9.1). */
  private finishBranch(): void {
    this.complete = true;
    this.stopTimers();
    this.timerC = this.timerF = undefined;
    this.out = undefined;
  }

  /** The response context is finished: the transaction keeps a 2xx relay (Accepted) or nothing, not this branch. */
  detachTransaction(): void {
    const tx = this.tx;
    if (!tx || tx.user !== this) return;
    tx.user = tx.state === 'accepted' ? new AcceptedRelay(this.ctx.proxy, this.ctx.server) : undefined;
  }

  stopTimers(): void {
    const t = this.ctx.proxy.tl.timers;
    if (this.timerC) t.stop(this.timerC);
    if (this.timerF) t.stop(this.timerF);
  }

  private noteResponse(status: number): void {
    if (this.timerF) this.ctx.proxy.tl.timers.stop(this.timerF);
    if (this.pairInfo) this.pairInfo.pair.noteTraffic(this.pairInfo.role);
    if (!this.gotResponse) {
      this.gotResponse = true;
      if (this.isRetry && this.pairInfo && status !== 503) this.pairInfo.pair.forwardSucceeded(this.pairInfo.role, status);
    }
  }

  private sendCancel(): void {
    if (this.cancelSent || !this.out) return;
    this.cancelSent = true;
    const out = this.out;
    const c = new SipRequest('CANCEL', out.requestUri);
    const via = out.headers.get('via');
    if (via !== undefined) c.headers.append('Via', via);
    c.headers.append('Max-Forwards', '70');
    for (const r of out.headers.getAll('route')) c.headers.append('Route', r);
    c.headers.append('From', out.headers.get('from') ?? '');
    c.headers.append('To', out.headers.get('to') ?? '');
    c.headers.append('Call-ID', out.callId);
    c.headers.append('CSeq', `${out.cseq().seq} CANCEL`);
    try {
      this.ctx.proxy.tl.sendRequest(c, this.dest ?? toDestination(this.hop), NOOP_CLIENT);
    } catch {
      // duplicate CANCEL: ignore
    }
  }
}

const NOOP_CLIENT: ClientTransactionUser = {};

/**
 * User of an Accepted INVITE client transaction whose response context is finished (RFC 6026 §7.2): further 2xx
 * (retransmissions, other forks) go upstream through the server transaction as the context would relay them
 * (§16.7 step 3: our Via removed), without keeping the context alive for Timer M.
 */
class AcceptedRelay implements ClientTransactionUser {
  constructor(
    private readonly proxy: ProxyCore,
    private readonly server: ServerTransaction,
  ) {}

  onFinal(resp: SipResponse): void {
    if (resp.status < 200 || resp.status >= 300) return;
    resp.headers.removeFirstValue('via');
    this.proxy.countResponse(resp.status);
    this.server.respond(resp);
  }
}

/** OPTIONS probes to SIP Servers through non-INVITE client transactions. */
class OptionsProber implements Prober {
  private seq = 0;
  constructor(private readonly proxy: ProxyCore) {}

  probe(server: HaServer, done: (o: ProbeOutcome) => void): { cancel(): void } {
    const p = this.proxy;
    const host = server.host.includes(':') && !server.host.startsWith('[') ? `[${server.host}]` : server.host;
    const target = `sip:${host}:${server.port}`;
    const req = new SipRequest('OPTIONS', server.transport === 'udp' ? target : `${target};transport=${server.transport}`);
    const branch = makeBranch('00000000');
    const id = branch.slice(-12);
    req.headers.append('Via', p.viaValue(server.transport, branch));
    req.headers.append('Max-Forwards', '70');
    req.headers.append('From', `<sip:${p.config.appName}@${hostOf(p.viaValue(server.transport, ''))}>;tag=${id}`);
    req.headers.append('To', `<${target}>`);
    req.headers.append('Call-ID', `oos-${id}-${++this.seq}`);
    req.headers.append('CSeq', `${this.seq} OPTIONS`);
    req.headers.append('Accept', 'application/sdp');
    let finished = false;
    const user: ClientTransactionUser = {
      onFinal: (r) => {
        if (!finished) {
          finished = true;
          done({ code: r.status });
        }
      },
      onTransportError: (e) => {
        if (!finished) {
          finished = true;
          done({ error: 'transport', detail: e.message });
        }
      },
    };
    let tx: ClientTransaction | undefined;
    try {
      tx = p.tl.sendRequest(req, { transport: server.transport, host: stripBrackets(server.host), port: server.port }, user);
    } catch (e) {
      queueMicrotask(() => user.onTransportError?.(e instanceof Error ? e : new Error(String(e)), undefined as never));
    }
    return {
      cancel: () => {
        finished = true;
        tx?.terminate();
      },
    };
  }
}

// ------------------------------------------------------------------ helpers

const TAG_WORD = /tag/i;

/**
 * The `tag` parameter of From/To (RFC 3261 §19.3) from the raw value: the fast path finds `;tag=` after the
 * closing `>` (or anywhere in an addr-spec form, whose parameters are all header parameters, §20.10); unusual
 * spellings (spaces around `=`, upper case) fall back to the full parser, which throws on malformed values
 * (-> 400 Bad Request, §16.3 item 1).
 */
function headerTag(req: SipRequest, name: 'from' | 'to'): string | undefined {
  const v = req.headers.get(name);
  if (v === undefined) return name === 'from' ? req.from().tag : req.to().tag; // throws "Missing From/To"
  const gt = v.lastIndexOf('>');
  const start = gt + 1;
  const i = v.indexOf(';tag=', start);
  if (i < 0) {
    if (TAG_WORD.test(start === 0 ? v : v.slice(start)) || (gt < 0 && v.indexOf('<') >= 0)) return name === 'from' ? req.from().tag : req.to().tag;
    return undefined;
  }
  let end = i + 5;
  while (end < v.length) {
    const c = v.charCodeAt(end);
    if (c === 59 || c === 44 || c === 32 || c === 9 || c === 13 || c === 10) break;
    end++;
  }
  return end > i + 5 ? v.slice(i + 5, end) : name === 'from' ? req.from().tag : req.to().tag;
}

/** The HA monitor's Clock on the transaction layer's timer wheel: one time source, fake in tests. */
export function clockFromScheduler(s: TimerScheduler): Clock {
  return {
    now: () => s.now(),
    setTimeout(cb: () => void, ms: number): TimerHandle {
      const t = s.create({ onTimer: cb }, 0);
      s.start(t, ms);
      return { cancel: () => s.stop(t) };
    },
  };
}

function sameServer(a: HaServer | undefined, b: { host: string; port: number; transport: string; name: string } | undefined): boolean {
  if (!a || !b) return a === undefined && b === undefined;
  return a.host === b.host && a.port === b.port && a.transport === b.transport && a.name === b.name;
}

function addrKey(host: string, port: number): string {
  return stripBrackets(host).toLowerCase() + ':' + port;
}

function stripBrackets(h: string): string {
  return h.length > 1 && h.charCodeAt(0) === 91 && h.endsWith(']') ? h.slice(1, -1) : h;
}

function hostOf(viaPrefix: string): string {
  const sp = viaPrefix.indexOf(' ');
  const semi = viaPrefix.indexOf(';');
  const hp = viaPrefix.slice(sp + 1, semi);
  const c = hp.lastIndexOf(':');
  return c > 0 && !hp.endsWith(']') ? hp.slice(0, c) : hp;
}

function paramString(v: string | null | undefined): string | undefined {
  return v === null || v === undefined ? undefined : v;
}

function uriToHop(u: SipUri): Hop {
  const maddr = paramString(u.params.get('maddr'));
  const h: Hop = { host: maddr ?? u.host };
  if (u.port !== undefined) h.port = u.port;
  const t = paramString(u.params.get('transport'))?.toLowerCase();
  if (t === 'udp' || t === 'tcp' || t === 'tls') h.transport = t;
  else if (u.scheme === 'sips') h.transport = 'tls';
  return h;
}

function toDestination(h: ResolvedHop, serverName?: string): Destination {
  const d: Destination = { transport: h.transport, host: h.host, port: h.port };
  if (serverName !== undefined && h.transport === 'tls') d.tlsServerName = stripBrackets(serverName);
  return d;
}

/**
 * §16.6 step 6 / §16.12: the next hop is a strict router: move the Request-URI to the end of the Route set and
 * put the first Route value (the strict router's URI) into the Request-URI.
 */
function strictNextHop(fwd: SipRequest): void {
  const first = fwd.routes()[0];
  if (!first) return;
  const oldUri = fwd.requestUri;
  fwd.headers.removeFirstValue('route');
  fwd.headers.append('Route', `<${oldUri}>`);
  fwd.requestUri = first.uri.toString();
}

/** Removes the last value of a list header (the strict-routing fix of §16.4 takes the last Route). */
function removeLastValue(req: SipRequest, name: string, _value: string): void {
  const all = req.headers.getAll(name);
  all.pop();
  req.headers.remove(name);
  for (const v of all) req.headers.append(name, v);
}

export { parseUri };
