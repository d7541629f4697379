/**
 * RFC 3261 §16 stateful proxy, the intake: request validation (§16.3, request-validation.ts), Route
 * pre-processing (§16.4, route-set.ts), target determination by the router (§16.5, routing/router.ts), then a
 * response context per request (§16.6-§16.10, response-context.ts and branch.ts) reached through ProxyPort;
 * 2xx ACKs statelessly (§16.11); stray responses dropped (RFC 6026). Beyond the guide: HA pairs (ha/), RFC 5626 flows
 * (outbound.ts), overload control (routing/overload.ts).
 */
import { createResponse, generateTag, type SipRequest, type SipResponse, type SipUri, parseUri } from '../message/index.js';
import type { TransactionLayer } from '../transaction/transaction-layer.js';
import type { ServerTransaction, ServerTransactionUser } from '../transaction/transaction-types.js';
import type { MessageSource, TransportProtocol } from '../transport/types.js';
import { clockFromScheduler, type Clock } from '../ha/clock.js';
import { HaPair, type HaServer, type StateChange } from '../ha/ha-pair.js';
import { OptionsProber } from '../ha/options-prober.js';
import { Router, type Hop, type RoutingDecision } from '../routing/router.js';
import { DialogRateLimiter } from '../routing/overload.js';
import type { ProxyRuntimeConfig } from '../config.js';
import { makeBranch, statelessBranch, workerPortOfBranch } from './loop.js';
import { SipResolver, type ResolvedHop } from '../dns/resolver.js';
import { type EdgeOutbound, type FlowTarget, type RegisterState } from '../outbound/outbound.js';
import { decidePath, RelayPolicy, type RelayFacts } from './relay-policy.js';
import { OwnAddresses, type LocalEndpoints } from './local-endpoints.js';
import { unbracket } from '../address.js';
import { SipError } from './sip-error.js';
import { checkLoop, checkMaxForwards, checkProxyRequire, checkSyntax, type RequestViews } from './request-validation.js';
import { routerRule, type PreviewTrace, type Routed } from './route-preview.js';
import { nextHopOfRoute, paramString, preprocessRoute, toDestination, uriToHop } from './route-set.js';
import { ResponseContext } from './response-context.js';
import { DialogCount } from './dialog-count.js';
import type { FlowMarks, PairTarget, ProxyPort } from './proxy-port.js';

export type { LocalEndpoints } from './local-endpoints.js';
export { ResponseContext } from './response-context.js';
export { Branch } from './branch.js';

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
  /** New INVITEs and REGISTERs answered 503 while the proxy is drained (an operator's administrative state). */
  rejectedDraining: number;
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
  /** Requests from untrusted sources refused by the relay policy (403; ACKs dropped): nothing sent on. */
  relayRefused: number;
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

/**
 * An RFC 3261 §16 stateful proxy as a transaction user of the TransactionLayer.
 * Beyond the guide: failover to the other server of an HA pair on timeout / 503 / transport error.
 */
export class ProxyCore implements ProxyPort {
  readonly pairs = new Map<string, HaPair>();
  router: Router;
  /** Who may name which next hop (relay-policy.ts); rebuilt with the routing data. */
  relay: RelayPolicy;
  readonly limiter: DialogRateLimiter;
  readonly resolver: SipResolver;
  readonly stats: ProxyStats = {
    requestsIn: new Map(),
    responsesOut: new Map(),
    calls: 0,
    rejectedOverload: 0,
    rejectedOutOfService: 0,
    rejectedDraining: 0,
    failovers: 0,
    loops: 0,
    tooManyHops: 0,
    badRequests: 0,
    statelessForwards: 0,
    activeContexts: 0,
    reopened: 0,
    nextHopRetries: 0,
    relayRefused: 0,
  };
  config: ProxyRuntimeConfig;
  readonly tl: TransactionLayer;
  /**
   * Drained by an operator: new dialogs and registrations go elsewhere (503 with Retry-After, so clients and DNS SRV
   * pick another member of the pool, RFC 3261 §21.5.4, RFC 3263 §4.3); in-dialog requests and calls in progress continue.
   */
  drained = false;
  /** INVITE dialogs through this proxy (dialog-count.ts): what counts down while drained. */
  readonly dialogs = new DialogCount();
  /** SIP Servers an operator forced out of service (by name); kept across applyLive, which rebuilds pairs. */
  private forcedOut = new Set<string>();
  private readonly local: LocalEndpoints;
  private readonly own: OwnAddresses;
  private readonly events: ProxyEvents;
  readonly outbound: EdgeOutbound | undefined;
  private readonly serverByAddr = new Map<string, PairTarget>();
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
    this.own = new OwnAddresses(opts.local);
    this.prober = new OptionsProber({
      tl: this.tl,
      viaValue: (t, branch) => this.own.viaValue(t, branch),
      newBranch: () => makeBranch('00000000'),
      appName: () => this.config.appName,
    });
    this.clock = clock;
    this.buildPairs(this.config.pairs);
    this.router = new Router(this.config, this.pairs.values());
    this.relay = relayPolicyOf(this.config);
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

  /**
   * OPTIONS probing of the HA pairs on (default) or off: in a worker group only the leader probes and the others
   * adopt its view (HaPair.adopt); pairs rebuilt by applyLive keep the setting.
   */
  setProbing(on: boolean): void {
    this.probing = on;
    for (const p of this.pairs.values()) p.setProbing(on);
  }
  private probing = true;
  /**
   * Takes the configuration the worker decided to run now (the registry decides what is live: the worker holds
   * every after-restart change back, so bind-time fields here equal the running ones). Everything the core reads
   * per request or per probe is swapped in; the advertised host stays the one resolved at start (resolve-host).
   */
  applyLive(config: ProxyRuntimeConfig): void {
    this.config = { ...config, advertisedHost: this.config.advertisedHost };
    // A server's host or port changed: swapped in at once (contracts: haPairs "immediately").
    this.buildPairs(config.pairs);
    this.limiter.setRate(config.overloadDialogRate);
    for (const p of this.pairs.values()) p.setTiming(this.timing());
    // DN routing data applies from the next call: requests in progress keep their decision.
    const flows = this.router.flows;
    this.router = new Router(this.config, this.pairs.values());
    this.router.flows = flows;
    this.relay = relayPolicyOf(this.config);
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
        pair = new HaPair(
          pc.name,
          toServer(pc.primary),
          pc.backup ? toServer(pc.backup) : undefined,
          this.timing(),
          this.prober,
          this.clock,
        );
        pair.onChange = (p, c) => this.events.pairChanged?.(p, c);
        pair.setProbing(this.probing);
        if (this.started) pair.start();
      }
      this.pairs.set(pc.name, pair);
      this.applyForced(pair);
      this.serverByAddr.set(addrKey(pc.primary.host, pc.primary.port), { pair, role: 'primary' });
      if (pc.backup) this.serverByAddr.set(addrKey(pc.backup.host, pc.backup.port), { pair, role: 'backup' });
    }
  }

  /**
   * The SIP Servers (by application name) an operator forced out of service for maintenance: they get no new
   * request and their probe answers do not bring them back; forcing the active one switches its pair over to the
   * other server. A name that leaves the set returns to probe-driven state.
   */
  setServersOutOfService(names: Iterable<string>): void {
    this.forcedOut = new Set(names);
    for (const p of this.pairs.values()) this.applyForced(p);
  }

  private applyForced(pair: HaPair): void {
    for (const role of ['primary', 'backup'] as const) {
      const s = pair.server(role);
      if (s) pair.setForcedOutOfService(role, this.forcedOut.has(s.name));
    }
  }

  private timing() {
    const c = this.config;
    const interval = (c.oosCheckS > 0 ? c.oosCheckS : c.oosForceS) * 1000;
    return {
      oosCheckS: c.oosCheckS,
      oosForceS: c.oosForceS,
      probeTimeoutMs: Math.max(100, Math.min(c.probeTimeoutMs, interval || c.probeTimeoutMs)),
    };
  }

  /** Our Via header value for an outgoing request over `t`. */
  viaValue(t: TransportProtocol, branch: string): string {
    return this.own.viaValue(t, branch);
  }

  /** Is this URI one of ours (host is one of our names, port one of our ports)? */
  isOwnUri(u: SipUri): boolean {
    return this.own.isOwnUri(u);
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
      if (e instanceof SipError) {
        if (e.counter) this.stats[e.counter]++;
        this.reply(tx, e.status, e.reason, e.headers);
      } else {
        // A parsed view threw on a malformed header (SipHeaderError) or something unexpected: §16.3 item 1.
        this.stats.badRequests++;
        this.reply(tx, 400, e instanceof Error && e.message ? e.message.slice(0, 100) : 'Bad Request');
      }
    }
  }

  /** §16.3-§16.5 for one request; a local final response is thrown as a SipError. */
  private handleRequest(tx: ServerTransaction, req: SipRequest): void {
    const views = checkSyntax(req); // §16.3 items 1-2
    if (req.method === 'CANCEL' && this.answerCancel(tx, req)) return;
    const r = this.routeRequest(req, views, tx.source, undefined);
    if (r.kind === 'answer') {
      this.reply(tx, r.status, r.reason, r.headers);
      return;
    }
    const { fwd, mf, hash, inDialog, flowTarget, registerState, decision } = r;
    const src = tx.source;
    if (req.method === 'BYE' && inDialog) this.dialogs.ended(req.callId);
    // overload-ctrl-dialog-rate: over-threshold new INVITEs get 503. Asked only once the request would be forwarded,
    // so a request refused for what it is (relay policy, routing) cannot spend the budget of legitimate calls.
    if (req.method === 'INVITE' && !inDialog && !this.limiter.admit()) {
      throw new SipError('overload', 503, 'Service Unavailable', [['Retry-After', String(this.config.retryAfterS)]], 'rejectedOverload');
    }
    if (req.method === 'INVITE' && !inDialog) this.stats.calls++;

    // §16.6 step 3: Max-Forwards.
    fwd.headers.set('Max-Forwards', String(mf.maxForwards === undefined ? 70 : mf.maxForwards - 1));

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
    let pairInfo: PairTarget | undefined;
    if (decision.kind === 'pair') {
      const pair = this.pairs.get(decision.pair);
      if (pair) pairInfo = { pair, role: decision.role };
    }
    ctx.forwardTo(decision.target, pairInfo, false);
  }

  /**
   * §16.3 items 3-5, §16.4 and §16.5 for one request: where it goes (or the local answer), and the relay policy's
   * verdict (a refusal is thrown as a SipError, like every local final response). The route preview asks this very
   * method with a `trace` (route-preview.ts): then nothing changes state (no backup made active by the request, no
   * binding, no counters) and each step says why.
   */
  routeRequest(req: SipRequest, views: RequestViews, src: MessageSource, trace: PreviewTrace | undefined): Routed {
    const ruri = views.ruri;
    const mf = checkMaxForwards(req); // §16.3 item 3
    if (mf.kind === 'answer-options') {
      trace?.add('max-forwards', 'Max-Forwards is 0 on an OPTIONS: the proxy answers it itself (§16.3 item 3)');
      return { kind: 'answer', status: 200, reason: 'OK', headers: [['Allow', ALLOW]] };
    }
    const pr = checkProxyRequire(req); // §16.3 item 5

    // §16.4 on a copy (the server transaction keeps the received request for responses).
    const fwd = req.clone();
    const rs = preprocessRoute(fwd, ruri, (u) => this.own.isOwnUri(u), this.outbound !== undefined);
    const routeList = rs.routes;
    // The Request-URI as it now stands (parsed again only when strict-route processing replaced it).
    const target = fwd.requestUri === req.requestUri ? ruri : (fwd.uri() ?? ruri);
    if (trace)
      trace.add(
        'route',
        routeList.length
          ? `Route entries left after ours were popped (§16.4): ${routeList.map((r) => r.uri.toString()).join(', ')}`
          : 'no Route entry left after ours were popped (§16.4)',
      );

    const hash = checkLoop(req, fwd, views, pr, (h, p, t) => this.own.isOwnVia(h, p, t)); // §16.3 item 4
    const topVia = req.topVia();

    const inDialog = views.toTag !== undefined;
    const fromServer = this.router.classifySource({
      source: { address: src.remoteAddress, port: src.remotePort, transport: src.transport },
      viaSentBy: topVia ? { host: topVia.host, port: topVia.port } : undefined,
    });
    if (trace) {
      trace.source = fromServer
        ? { kind: 'sip-server', pair: fromServer.pair, role: fromServer.role }
        : this.relay.isTrustedAddress(src.remoteAddress)
          ? { kind: 'trusted-network' }
          : { kind: 'endpoint' };
      trace.add(
        'source',
        fromServer
          ? `${src.remoteAddress}:${src.remotePort} is the ${fromServer.role} server of HA pair ${fromServer.pair}`
          : `${src.remoteAddress}:${src.remotePort} is not a SIP Server of a configured HA pair${trace.source.kind === 'trusted-network' ? ' (a trusted network: relay-trusted-networks or a trunk peer)' : ''}`,
      );
      trace.add('dialog', inDialog ? 'in-dialog (the To header has a tag)' : 'initial request (no To tag)');
    }

    // OPTIONS for the proxy itself (SIP Server's oos-check of the pool, keep-alives): answer here.
    if (req.method === 'OPTIONS' && !routeList.length && ruri.user === undefined && this.own.isOwnUri(target)) {
      trace?.add('local', 'an OPTIONS addressed to the proxy itself is answered here');
      return { kind: 'answer', status: 200, reason: 'OK', headers: [['Allow', ALLOW]] };
    }

    // RFC 3327 §5.3: an endpoint plants no Path the registrar would later route by (relay-policy.ts decidePath).
    if (req.method === 'REGISTER' && !fromServer && req.headers.has('path')) {
      const foreignPath = req.paths().some((p) => !this.own.isOwnUri(p.uri));
      const d = decidePath(this.relay, { sourceAddress: src.remoteAddress, fromSipServer: false, foreignPath });
      if (trace) trace.relay = d;
      if (d.kind === 'refuse') throw new SipError('relay-refused', d.status, d.reason, undefined, 'relayRefused');
    }

    // The guide's second trigger: a request from the backup (the non-active server) makes it active.
    if (fromServer && req.method !== 'OPTIONS') {
      if (!trace) this.pairs.get(fromServer.pair)?.requestFrom(fromServer.role);
      else if (this.pairs.get(fromServer.pair)?.activeRole !== fromServer.role)
        trace.add('ha', `a request from the ${fromServer.role} of ${fromServer.pair} would make it the active server of the pair`);
    }

    // RFC 5626 edge proxy: a flow token or a Contact registered over a flow decides the target (or 430/403/439).
    // An initial request from an endpoint goes to the serving pair whatever Contact it names; a SIP Server's
    // request, or an in-dialog one, to a registered Contact goes down that Contact's flow.
    let flowTarget: FlowTarget | undefined;
    let registerState: RegisterState | undefined;
    if (this.outbound) {
      const r = this.outbound.route(
        rs.tokens ?? [],
        target,
        src,
        fromServer !== undefined || inDialog,
        routeList.length,
        () => req.to().uri.toString(),
        trace !== undefined,
      );
      if (r && 'status' in r) throw new SipError('flow-refused', r.status, r.reason);
      flowTarget = r;
      if (flowTarget && trace)
        trace.flow = {
          transport: flowTarget.dest.transport,
          host: flowTarget.dest.host,
          port: flowTarget.dest.port,
          connectionId: flowTarget.dest.connectionId,
        };
      if (req.method === 'REGISTER' && !fromServer && !flowTarget && !trace) {
        const s = this.outbound.onRegister(req, src);
        if (s && 'status' in s) throw new SipError('flow-refused', s.status, s.reason);
        registerState = s;
      }
    }

    // §16.5 target determination.
    let decision: RoutingDecision;
    if (flowTarget) {
      const d = flowTarget.dest;
      decision = { kind: 'hop', target: { host: d.host, port: d.port, transport: d.transport }, reason: 'flow' };
    } else if (routeList.length) {
      decision = { kind: 'hop', target: nextHopOfRoute(fwd, routeList), reason: 'request-uri' };
      trace?.add('rule', 'the next hop is the top Route entry (§16.4, §16.6 step 7)');
    } else if (!fromServer && this.own.isOwnUri(target)) {
      // Addressed to the proxy itself with nothing left to route by (e.g. a UA that lost its route set):
      // the serving SIP Server is the only element that can know the dialog; forwarding to ourselves would loop.
      decision = this.router.toPair(this.config.servingPair);
      trace?.add('rule', 'addressed to the proxy itself with no Route left: to the serving HA pair');
    } else {
      const u = target;
      decision = this.router.decide(
        {
          method: req.method,
          // RFC 3261 §26.2.2 / RFC 3263 §4.1: a sips: Request-URI is reached over TLS only.
          ruri: {
            user: u.user,
            host: u.host,
            port: u.port,
            transport: u.scheme === 'sips' ? 'tls' : paramString(u.params.get('transport')),
          },
          inDialog,
          source: { address: src.remoteAddress, port: src.remotePort, transport: src.transport },
        },
        fromServer,
      );
      trace?.add('rule', routerRule(decision, fromServer !== undefined, inDialog));
    }
    if (trace) trace.decision = decision;
    if (decision.kind === 'reject') {
      const h: [string, string][] = decision.retryAfter ? [['Retry-After', String(decision.retryAfter)]] : [];
      throw new SipError('no-target', decision.status, decision.reason, h, decision.status === 503 ? 'rejectedOutOfService' : undefined);
    }
    // The relay policy (relay-policy.ts): an untrusted source names no next hop of its own.
    const relayTarget: RelayFacts['target'] = flowTarget
      ? { kind: 'flow' }
      : decision.kind === 'pair'
        ? { kind: 'pair' }
        : { kind: 'hop', hop: decision.target, by: routeList.length ? 'route' : decision.reason };
    const verdict = this.relay.decide({ sourceAddress: src.remoteAddress, fromSipServer: fromServer !== undefined, target: relayTarget });
    if (trace) trace.relay = verdict;
    if (verdict.kind === 'refuse') throw new SipError('relay-refused', verdict.status, verdict.reason, undefined, 'relayRefused');
    // Drained: no new dialog or registration here. Asked after the relay policy (a refusal is a refusal whatever the state).
    if (this.drained && !inDialog && (req.method === 'INVITE' || req.method === 'REGISTER')) {
      trace?.add('admin-state', 'this proxy is drained: new INVITEs and REGISTERs get 503 with Retry-After');
      throw new SipError('draining', 503, 'Service Unavailable', [['Retry-After', String(this.config.retryAfterS)]], 'rejectedDraining');
    }
    return { kind: 'forward', fwd, mf, hash, inDialog, flowTarget, registerState, decision };
  }

  /** Asks the relay policy; a refusal is thrown as 403 (counted in relayRefused). */
  private checkRelay(src: MessageSource, fromSipServer: boolean, target: RelayFacts['target']): void {
    const d = this.relay.decide({ sourceAddress: src.remoteAddress, fromSipServer, target });
    if (d.kind === 'refuse') throw new SipError('relay-refused', d.status, d.reason, undefined, 'relayRefused');
  }

  /** §16.10: a CANCEL matching a response context is answered 200 and cancels its branches; false: forward it. */
  private answerCancel(tx: ServerTransaction, req: SipRequest): boolean {
    const ist = this.tl.findInviteForCancel(req);
    if (ist && ist.user instanceof ResponseContext) {
      this.reply(tx, 200, 'OK');
      ist.user.cancel();
      return true;
    }
    if (ist && ist.user === this.finishedUser) {
      // The context already sent its final response: every branch is complete or cancelled.
      this.reply(tx, 200, 'OK');
      return true;
    }
    // No response context: forwarded like any other request.
    return false;
  }

  /** In-dialog requests addressed to a server of an HA pair follow the pair's active server (hot standby). */
  pairOfHop(h: ResolvedHop): PairTarget | undefined {
    if (this.serverByAddr.size === 0) return undefined;
    return this.serverByAddr.get(addrKey(h.host, h.port));
  }

  followActive(hop: ResolvedHop, isRetry: boolean): { hop: ResolvedHop; pair: PairTarget | undefined; replaced: boolean } {
    const p = this.pairOfHop(hop);
    if (!p) return { hop, pair: undefined, replaced: false };
    const active = p.pair.activeRole;
    if (active && active !== p.role && !isRetry) {
      const s = p.pair.activeServer() as HaServer;
      return { hop: { transport: s.transport, host: s.host, port: s.port }, pair: { pair: p.pair, role: active }, replaced: true };
    }
    return { hop, pair: p, replaced: false };
  }

  /** Local response through the server transaction (To tag added for finals, §8.2.6.2). */
  reply(tx: ServerTransaction, status: number, reason: string, headers?: [string, string][]): void {
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
  buildOutgoing(
    template: SipRequest,
    hop: ResolvedHop,
    inbound: TransportProtocol,
    hash: string,
    recordRoute: boolean,
    copy = true,
    flow?: FlowMarks,
  ): SipRequest {
    const out = copy ? template.clone() : template;
    const inTok = flow?.inToken;
    const outTok = flow?.outToken;
    const own = this.own;
    if (flow?.register && this.outbound)
      this.outbound.addPath(out, flow.register, own.flowUri(hop.transport, flow.register.token, flow.register.ob));
    if (recordRoute && (inTok !== undefined || outTok !== undefined)) {
      // RFC 5626 §5.3: the Record-Route URI facing a flow carries its token, so in-dialog requests use that flow.
      if (hop.transport !== inbound || (inTok !== undefined && outTok !== undefined)) {
        out.headers.prepend('Record-Route', own.flowUri(inbound, inTok));
        out.headers.prepend('Record-Route', own.flowUri(hop.transport, outTok));
      } else out.headers.prepend('Record-Route', own.flowUri(inbound, inTok ?? outTok));
    } else if (recordRoute) {
      // Transport-aware Record-Route: the inbound side's URI below, the outbound side's on top when they differ.
      out.headers.prepend('Record-Route', own.flowUri(inbound, undefined));
      if (hop.transport !== inbound) out.headers.prepend('Record-Route', own.flowUri(hop.transport, undefined));
    }
    out.headers.prepend('Via', own.viaValue(hop.transport, makeBranch(hash)));
    return out;
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
      const rs = preprocessRoute(fwd, ruri, (u) => this.own.isOwnUri(u), this.outbound !== undefined);
      const routes = rs.routes;
      const topVia = ack.topVia();
      const fromServer = this.router.classifySource({
        source: { address: src.remoteAddress, port: src.remotePort, transport: src.transport },
        viaSentBy: topVia ? { host: topVia.host, port: topVia.port } : undefined,
      });
      if (this.outbound && (rs.tokens !== undefined || routes.length === 0)) {
        // A 2xx ACK toward a UA behind a flow goes down that flow (RFC 5626 §5.3); a failed flow drops it. An ACK is
        // in-dialog: a registered Contact as its Request-URI means that Contact's flow, whoever sends it.
        const r = this.outbound.route(rs.tokens ?? [], fwd.uri(), src, true, routes.length, () => ack.to().uri.toString());
        if (r && 'status' in r) return;
        if (r) {
          fwd.headers.set('Max-Forwards', String(mf === undefined ? 70 : mf - 1));
          fwd.headers.prepend('Via', this.own.viaValue(r.dest.transport, statelessBranch(topVia?.branch, ack.callId)));
          this.stats.statelessForwards++;
          this.tl.sendStateless(fwd, r.dest);
          return;
        }
      }
      const hop: Hop = routes.length ? nextHopOfRoute(fwd, routes) : uriToHop(fwd.uri() as SipUri);
      // The relay policy as for any request: an ACK refused is dropped (no response to an ACK, §17.2.3).
      try {
        this.checkRelay(src, fromServer !== undefined, { kind: 'hop', hop, by: routes.length ? 'route' : 'request-uri' });
      } catch (e) {
        if (e instanceof SipError) this.stats.relayRefused++;
        return;
      }
      fwd.headers.set('Max-Forwards', String(mf === undefined ? 70 : mf - 1));
      const topBranch = ack.topVia()?.branch;
      this.resolveHop(hop, (resolved) => {
        if (!resolved) return;
        const h = this.followActive(resolved, false).hop;
        fwd.headers.prepend('Via', this.own.viaValue(h.transport, statelessBranch(topBranch, ack.callId)));
        this.stats.statelessForwards++;
        this.tl.sendStateless(fwd, toDestination(h));
      });
    } catch {
      // A malformed ACK gets no response (§17.2.3); drop it.
    }
  }

  /**
   * Responses matching no client transaction. RFC 6026 replaced §16.7's "process it as a stateless proxy" with
   * "do not forward it": every request this proxy forwards has a client transaction (2xx retransmissions are
   * matched in Accepted, Timer M), so a stray response with our Via on top is forged or late, and forwarding it to
   * the Via below would reflect it to any host its sender names. Dropped (counted by the transaction layer).
   */
  private forwardStrayResponse(resp: SipResponse): void {
    try {
      const top = resp.topVia();
      if (!top || this.own.isOwnVia(top.host, top.port, top.transport)) return;
      // Group mode: a response for a request another worker of the group sent (the peer answered to the
      // dialog's first address, not to the Via): pass it to that worker unchanged.
      const wp = this.local.group ? workerPortOfBranch(top.branch) : undefined;
      if (wp !== undefined && this.own.isOwnHost(top.host)) {
        this.tl.sendStateless(resp, { transport: 'udp', host: unbracket(top.host), port: wp });
      }
    } catch {
      // malformed: drop
    }
  }

  isStopped(): boolean {
    return this.stopped;
  }
}

function sameServer(a: HaServer | undefined, b: { host: string; port: number; transport: string; name: string } | undefined): boolean {
  if (!a || !b) return a === undefined && b === undefined;
  return a.host === b.host && a.port === b.port && a.transport === b.transport && a.name === b.name;
}

function addrKey(host: string, port: number): string {
  return unbracket(host).toLowerCase() + ':' + port;
}

export { parseUri };

/** The relay policy over the configured neighbours: every server of every HA pair, trunk peers, extensions. */
function relayPolicyOf(c: ProxyRuntimeConfig): RelayPolicy {
  return new RelayPolicy(c.relay, {
    sipServers: c.pairs.flatMap((p) => (p.backup ? [p.primary, p.backup] : [p.primary])),
    trunkPeers: c.trunks.flatMap((t) => (t.peerProxyContact ? [t.peerProxyContact] : [])),
    extensionContacts: c.extensions.map((e) => e.contact),
  });
}
