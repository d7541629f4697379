/**
 * RFC 3261 §16.7 Response Processing for one server transaction: its branches (§16.6), the best final response
 * (§16.7 step 6, response-selection.ts), Timer C / 408 (§16.8), transport errors as 503 (§16.9), CANCEL
 * propagation (§16.10); beyond the RFC, failover to the other server of an HA pair, the next RFC 3263 candidate
 * (§4.3) and the keep-alive resend on a new connection. It reaches the proxy only through ProxyPort.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ServerTransaction } from '../transaction/transaction-types.js';
import type { ServerTransactionUser } from '../transaction/transaction-types.js';
import type { Destination, MessageSource } from '../transport/types.js';
import type { HaServer } from '../ha/ha-pair.js';
import type { Hop } from '../routing/router.js';
import type { ResolvedHop } from '../dns/resolver.js';
import type { RegisterState } from '../outbound/outbound.js';
import type { FlowMarks, PairTarget, ProxyPort } from './proxy-port.js';
import { betterResponse, upstreamStatus } from './response-selection.js';
import { Branch, type BranchOwner } from './branch.js';
import { detach } from '../transaction/retain.js';
import { toDestination } from './route-set.js';

/**
 * The response context of one server transaction (§16.7): its branches, the best final response so far,
 * CANCEL propagation (§16.10) and failover.
 */
export class ResponseContext implements ServerTransactionUser, BranchOwner, FlowMarks {
  readonly branches: Branch[] = [];
  finalSent = false;
  cancelled = false;
  private best: SipResponse | undefined;
  private retried = false;
  private done = false;
  /** The request to forward (a copy of the received one); released with the final response. */
  template: SipRequest | undefined;

  constructor(
    readonly proxy: ProxyPort,
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
  forwardTo(target: Hop, pairInfo: PairTarget | undefined, isRetry: boolean): void {
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

  private startBranch(resolved: ResolvedHop | undefined, pairInfo: PairTarget | undefined, isRetry: boolean, serverName?: string): void {
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
      ({ hop, pair: info, replaced } = this.proxy.followActive(hop, isRetry));
    }
    if (this.cancelled && !isRetry) {
      this.finish(487, 'Request Terminated');
      return;
    }
    // The template is kept intact only when a failover retry may still need it.
    const mayRetry = !isRetry && info !== undefined && this.proxy.config.failover.enabled && info.pair.other(info.role) !== undefined;
    const out = this.proxy.buildOutgoing(
      template,
      hop,
      this.server.source.transport,
      this.hash,
      this.recordRoute,
      mayRetry || this.mayReopen() || this.hasAlternates,
      this,
    );
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
      if (this.recordRoute && resp.cseq().method === 'INVITE') this.proxy.dialogs.established(resp.callId);
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
