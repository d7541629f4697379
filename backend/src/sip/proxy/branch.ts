/**
 * RFC 3261 §16.6 steps 10-11, §16.8, §9.1: one client branch of a response context: its client transaction,
 * Timer C (re-armed by provisionals; CANCEL or 408 when it fires), the failover timer and CANCEL after a
 * provisional only.
 */
import { SipRequest, type SipResponse } from '../message/index.js';
import type { ClientTransaction, ClientTransactionUser, ServerTransaction } from '../transaction/transaction-types.js';
import type { Timer, TimerTarget } from '../transaction/timer-wheel.js';
import type { Destination } from '../transport/types.js';
import type { ResolvedHop } from '../dns/resolver.js';
import type { PairTarget, ProxyPort } from './proxy-port.js';
import { toDestination } from './route-set.js';

const TIMER_FAILOVER = 101;
const TIMER_C = 102;

/** What a branch reports its outcome to: its response context (§16.7). */
export interface BranchOwner {
  readonly proxy: ProxyPort;
  readonly server: ServerTransaction;
  /** True while an RFC 3263 candidate is left to try if this branch fails. */
  readonly hasAlternates: boolean;
  onBranchResponse(branch: Branch, resp: SipResponse): void;
  onBranchTimeout(branch: Branch): void;
  onBranchTransportError(branch: Branch, sent?: SipRequest): void;
}

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
    readonly ctx: BranchOwner,
    readonly hop: ResolvedHop,
    readonly pairInfo: PairTarget | undefined,
    readonly isRetry: boolean,
  ) {}

  start(out: SipRequest): void {
    this.out = out;
    const proxy = this.ctx.proxy;
    const timers = proxy.tl.timers;
    // The short no-answer timeout: for a pair with a backup, and for an INVITE to a name with another RFC 3263
    // candidate left (an INVITE is answered 100 within 200 ms, §17.2.1; a slow non-INVITE answer is normal, and
    // sending it on early would run it twice, so its candidates change on a transport error or a 503 only).
    const other = this.pairInfo
      ? !this.isRetry && this.pairInfo.pair.other(this.pairInfo.role) !== undefined
      : this.ctx.hasAlternates && out.method === 'INVITE';
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

  onTerminated(_tx: ClientTransaction): void {
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
    private readonly proxy: Pick<ProxyPort, 'countResponse'>,
    private readonly server: ServerTransaction,
  ) {}

  onFinal(resp: SipResponse): void {
    if (resp.status < 200 || resp.status >= 300) return;
    resp.headers.removeFirstValue('via');
    this.proxy.countResponse(resp.status);
    this.server.respond(resp);
  }
}
