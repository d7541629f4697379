/**
 * What a response context and its branches (RFC 3261 §16.6-§16.10) may use of the proxy: the transaction layer's
 * client side and timers, a few live options and counters, resolution, the outgoing request builder and local
 * responses. Narrow on purpose: the per-request machinery cannot reach the intake, the router or the HA monitors.
 */
import type { SipRequest } from '../message/index.js';
import type { TransactionLayer } from '../transaction/transaction-layer.js';
import type { ServerTransaction, ServerTransactionUser } from '../transaction/transaction-types.js';
import type { MessageSource, TransportProtocol } from '../transport/types.js';
import type { HaPair, ServerRole } from '../ha/ha-pair.js';
import type { Hop } from '../routing/router.js';
import type { ProxyRuntimeConfig } from '../config.js';
import type { ResolvedHop, SipResolver } from '../dns/resolver.js';
import type { EdgeOutbound, RegisterState } from '../outbound/outbound.js';
import type { DialogCount } from './dialog-count.js';

/** A server of an HA pair a branch goes to, and which one (failover and the pair's traffic notes). */
export interface PairTarget {
  pair: HaPair;
  role: ServerRole;
}

/** The flow data a response context adds to its branches' requests (RFC 5626 §5.3, RFC 3327). */
export interface FlowMarks {
  register: RegisterState | undefined;
  inToken: string | undefined;
  outToken: string | undefined;
}

export interface ProxyPort {
  readonly tl: Pick<TransactionLayer, 'timers' | 'sendRequest'>;
  /** Read on use: live options change under running contexts (applyLive). */
  readonly config: Pick<ProxyRuntimeConfig, 'failover' | 'timerCMs' | 'tcpKeepAlive' | 'retryAfterS'>;
  readonly stats: { nextHopRetries: number; reopened: number; failovers: number; activeContexts: number };
  readonly resolver: Pick<SipResolver, 'resolveLiteral'>;
  readonly outbound: Pick<EdgeOutbound, 'onRegisterResponse'> | undefined;
  /** INVITE dialogs through this proxy (a 2xx to an initial INVITE opens one). */
  readonly dialogs: Pick<DialogCount, 'established'>;
  /** The user a server transaction gets once its context has sent the final response. */
  readonly finishedUser: ServerTransactionUser;
  /** RFC 3263 §4: every candidate for a name, best first (empty when it does not resolve). */
  resolveHops(hop: Hop, done: (list: readonly ResolvedHop[]) => void): void;
  /**
   * A hop that is a server of an HA pair follows the pair's active server (hot standby): the hop to use, the
   * pair and role it is, and whether it was replaced.
   */
  followActive(hop: ResolvedHop, isRetry: boolean): { hop: ResolvedHop; pair: PairTarget | undefined; replaced: boolean };
  /** The outgoing request for one branch (§16.6 steps 1-8). */
  buildOutgoing(
    template: SipRequest,
    hop: ResolvedHop,
    inbound: TransportProtocol,
    hash: string,
    recordRoute: boolean,
    copy: boolean,
    flow?: FlowMarks,
  ): SipRequest;
  /** Local response through the server transaction (§8.2.6). */
  reply(tx: ServerTransaction, status: number, reason: string, headers?: [string, string][]): void;
  countResponse(status: number): void;
  /** §16.11: an ACK for a 2xx is forwarded statelessly. */
  forwardAck(ack: SipRequest, source: MessageSource): void;
}
