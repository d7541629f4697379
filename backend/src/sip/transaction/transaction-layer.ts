/**
 * The transaction layer (RFC 3261 §17): owns the transaction table, matches incoming messages to
 * transactions (§17.1.3, §17.2.3) and hands new requests / stray messages to the transaction user.
 */
import { createResponse, isRequest } from '../message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';
import type { Destination, MessageSource, SipTransport, TransportErrorSink } from '../transport/types.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { TimerWheel, type TimerScheduler } from './timer-wheel.js';
import { clientKey, clientKeyForResponse, isLegacyKey, legacyToTagMatches, serverKey } from './transaction-key.js';
import { detach } from './retain.js';
import {
  DEFAULT_TIMER_CONFIG,
  TransactionError,
  type ClientTransaction,
  type ClientTransactionUser,
  type ServerTransaction,
  type TransactionContext,
  type TransactionTimerConfig,
} from './transaction-types.js';

/** The two §17.1 machines the layer runs; users see them as `ClientMachine`. */
type ClientMachine = InviteClientTransaction | NonInviteClientTransaction;
/** The two §17.2 machines the layer runs; users see them as `ServerMachine`. */
type ServerMachine = InviteServerTransaction | NonInviteServerTransaction;

export interface TransactionLayerOptions {
  /** Timer source; inject `FakeTimers` in tests. Default: a real `TimerWheel` (10 ms ticks). */
  timers?: TimerScheduler;
  /** T1/T2/T4/Timer D/100-Trying overrides. */
  config?: Partial<TransactionTimerConfig>;
  /** Subscribe to `transport.onMessage` (default true). Set false to feed `receive()` yourself. */
  attach?: boolean;
}

export interface TransactionLayerStats {
  clientTransactions: number;
  serverTransactions: number;
  /** Requests absorbed or answered by an existing server transaction (retransmissions, ACKs). */
  requestsMatched: number;
  /** Responses that matched no client transaction (passed to `onStrayResponse`). */
  strayResponses: number;
  /** ACKs that matched no server transaction (2xx ACKs, passed to `onAck`). */
  strayAcks: number;
  /** Requests/responses without a usable top Via (dropped). */
  dropped: number;
  /** `onRequest` handler threw (the request was answered 500). */
  handlerErrors: number;
}

export type RequestHandler = (tx: ServerTransaction) => void;
export type StrayAckHandler = (ack: SipRequest, source: MessageSource) => void;
export type StrayResponseHandler = (response: SipResponse, source: MessageSource) => void;

const noopSink: TransportErrorSink = { onTransportError: () => undefined };

export class TransactionLayer implements TransactionContext {
  readonly timers: TimerScheduler;
  readonly config: TransactionTimerConfig;
  private readonly clients = new Map<string, ClientMachine>();
  private readonly servers = new Map<string, ServerMachine>();
  private requestHandler: RequestHandler | undefined;
  private ackHandler: StrayAckHandler | undefined;
  private strayResponseHandler: StrayResponseHandler | undefined;
  private readonly counters = { requestsMatched: 0, strayResponses: 0, strayAcks: 0, dropped: 0, handlerErrors: 0 };
  private readonly ownsTimers: boolean;

  constructor(
    readonly transport: SipTransport,
    options: TransactionLayerOptions = {},
  ) {
    this.ownsTimers = !options.timers;
    this.timers = options.timers ?? new TimerWheel();
    this.config = { ...DEFAULT_TIMER_CONFIG, ...options.config };
    if (options.attach !== false) transport.onMessage(this.receive);
    transport.onConnectionClose?.((info, error) => this.connectionClosed(info.id, error));
  }

  /** New requests (other than ACK) that created a server transaction, including CANCEL. */
  onRequest(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  /** ACKs matching no server transaction: ACKs for 2xx (§13.2.2.4 / §17.2.3), routed by the TU. */
  onAck(handler: StrayAckHandler): void {
    this.ackHandler = handler;
  }

  /** Responses matching no client transaction (§18.1.2; a proxy forwards 2xx statelessly, §16.7). */
  onStrayResponse(handler: StrayResponseHandler): void {
    this.strayResponseHandler = handler;
  }

  /**
   * Starts a client transaction for `request` (§17.1). The request's top Via must carry a
   * magic-cookie branch (`generateBranch()`); ACK must be sent with `sendStateless`.
   */
  sendRequest(request: SipRequest, destination: Destination, user?: ClientTransactionUser): ClientTransaction {
    const method = request.method;
    if (method === 'ACK') throw new TransactionError('ACK_IN_TRANSACTION', 'ACK is not sent in a client transaction (use sendStateless)');
    const viaBranch = request.topVia()?.branch;
    if (!viaBranch) throw new TransactionError('NO_BRANCH', 'request has no top Via branch');
    // Kept for the transaction's life: copies that do not pin the request's header text.
    const branch = detach(viaBranch);
    const key = detach(clientKey(branch, method));
    if (this.clients.has(key)) throw new TransactionError('DUPLICATE_TRANSACTION', `client transaction ${key} already exists`);
    const tx =
      method === 'INVITE'
        ? new InviteClientTransaction(this, request, destination, branch, key, user)
        : new NonInviteClientTransaction(this, request, destination, branch, key, user);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends outside any transaction (2xx ACK, stateless forwarding). Errors go to `sink` if given. */
  sendStateless(message: SipMessage | Buffer, destination: Destination, sink?: TransportErrorSink): void {
    this.transport.send(message, destination, sink ?? noopSink);
  }

  /** Feeds a received message into the layer (bound; pass it to `transport.onMessage`). */
  readonly receive = (message: SipMessage, source: MessageSource): void => {
    if (isRequest(message)) this.receiveRequest(message, source);
    else this.receiveResponse(message, source);
  };

  /** §17.2.3 lookup (ACK finds its INVITE transaction). */
  findServerTransaction(request: SipRequest): ServerTransaction | undefined {
    const key = serverKey(request);
    return key === undefined ? undefined : this.lookupServer(key, request);
  }

  /** §9.2: the INVITE server transaction a CANCEL refers to. */
  findInviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = serverKey(cancel, 'INVITE');
    if (key === undefined) return undefined;
    const tx = this.lookupServer(key, cancel);
    return tx && tx.kind === 'ist' ? tx : undefined;
  }

  findClientTransaction(branch: string, method: string): ClientTransaction | undefined {
    return this.clients.get(clientKey(branch, method));
  }

  stats(): TransactionLayerStats {
    return { clientTransactions: this.clients.size, serverTransactions: this.servers.size, ...this.counters };
  }

  /**
   * Transactions still waiting for their final response (client: Calling/Trying/Proceeding; server: Trying/Proceeding).
   * The rest are only kept to absorb retransmissions (Completed, Confirmed, Accepted) and need no drain. A scan: it
   * runs only while a worker drains.
   */
  inProgress(): number {
    let n = 0;
    for (const tx of this.clients.values()) if (tx.state === 'calling' || tx.state === 'trying' || tx.state === 'proceeding') n++;
    for (const tx of this.servers.values()) if (tx.state === 'trying' || tx.state === 'proceeding') n++;
    return n;
  }

  transactionTerminated(tx: ClientTransaction | ServerTransaction): void {
    if (tx.kind === 'ict' || tx.kind === 'nict') {
      if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
    } else if (this.servers.get(tx.key) === tx) {
      this.servers.delete(tx.key);
    }
  }

  /** Terminates every transaction silently (shutdown). */
  close(): void {
    for (const tx of [...this.clients.values()]) tx.terminate();
    for (const tx of [...this.servers.values()]) tx.terminate();
    if (this.ownsTimers && this.timers instanceof TimerWheel) this.timers.dispose();
  }

  /**
   * A TCP/TLS connection dropped: client transactions still waiting for a final response on it
   * get a transport error (§17.1.4) instead of waiting for Timer B/F (or forever in Proceeding).
   * A scan, because connection loss is rare next to messages.
   */
  connectionClosed(connectionId: string, error?: Error): void {
    let failed: ClientMachine[] | undefined;
    for (const tx of this.clients.values()) {
      if (tx.connectionId !== connectionId) continue;
      const s = tx.state;
      if (s === 'calling' || s === 'trying' || s === 'proceeding') (failed ??= []).push(tx);
    }
    if (!failed) return;
    const err = error ?? new Error(`connection ${connectionId} closed`);
    for (const tx of failed) tx.onTransportError(err);
  }

  private receiveRequest(request: SipRequest, source: MessageSource): void {
    const key = serverKey(request);
    if (key === undefined) {
      this.counters.dropped++;
      return;
    }
    const existing = this.lookupServer(key, request);
    if (existing) {
      // A CANCEL never matches its INVITE here: the method is part of the key (§17.2.3).
      this.counters.requestsMatched++;
      existing.receiveRequest(request, source);
      return;
    }
    if (request.method === 'ACK') {
      this.counters.strayAcks++;
      this.ackHandler?.(request, source);
      return;
    }
    // The stored key must not pin the request's header text (its branch and sent-by are slices of it).
    const ownKey = detach(key);
    const tx =
      request.method === 'INVITE'
        ? new InviteServerTransaction(this, request, source, ownKey)
        : new NonInviteServerTransaction(this, request, source, ownKey);
    this.servers.set(ownKey, tx);
    const handler = this.requestHandler;
    if (!handler) {
      // Nobody to answer: a transaction left in Trying/Proceeding would never end.
      tx.respond(createResponse(request, 503, 'Service Unavailable'));
      return;
    }
    try {
      handler(tx);
    } catch {
      // A TU bug must not leak the transaction (no RFC timer ends Trying/Proceeding on the server side).
      this.counters.handlerErrors++;
      if (tx.state === 'trying' || tx.state === 'proceeding') {
        tx.respond(createResponse(request, 500, 'Server Internal Error'));
      }
      return;
    }
    if (tx.state !== 'terminated') tx.start();
  }

  private receiveResponse(response: SipResponse, source: MessageSource): void {
    const key = clientKeyForResponse(response);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (tx) {
      tx.receiveResponse(response);
      return;
    }
    this.counters.strayResponses++;
    this.strayResponseHandler?.(response, source);
  }

  private lookupServer(key: string, request: SipRequest): ServerMachine | undefined {
    const tx = this.servers.get(key);
    if (!tx || !isLegacyKey(key)) return tx;
    return legacyToTagMatches(request, tx.kind === 'ist', tx.requestToTag, tx.responseToTag) ? tx : undefined;
  }
}
