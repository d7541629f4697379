/**
 * What the two client transaction machines (RFC 3261 §17.1.1 INVITE, §17.1.2 non-INVITE) do alike: send the
 * request and retransmit its bytes, report a transport error (§17.1.4) and terminate. Each subclass owns its
 * states and timers.
 */
import { serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliable } from '../transport/types.js';
import type { Destination, TransportErrorSink } from '../transport/types.js';
import type { TimerTarget } from './timer-wheel.js';
import {
  requestReleased,
  type ClientTransaction,
  type ClientTransactionUser,
  type TransactionContext,
  type TransactionState,
} from './transaction-types.js';

export abstract class ClientTransactionBase implements ClientTransaction, TimerTarget, TransportErrorSink {
  abstract readonly kind: 'ict' | 'nict';
  /** Set by each machine to its initial state (§17 figures 5-8); every transition is the machine's own. */
  state: TransactionState;
  /** Number of times the request was retransmitted (Timer A / Timer E). */
  retransmissions = 0;
  /** TCP/TLS connection the request went out on (so a dropped connection fails the transaction). */
  connectionId: string | undefined;
  /** The connection this transaction holds in use (the one its request first went out on) until it terminates. */
  private held: string | undefined;
  /** The request and its bytes: needed for retransmissions (and the non-2xx ACK), released with the final response. */
  protected req: SipRequest | undefined;
  protected raw: Buffer | undefined;
  protected readonly reliable: boolean;

  constructor(
    protected readonly ctx: TransactionContext,
    request: SipRequest,
    readonly destination: Destination,
    readonly branch: string,
    readonly key: string,
    public user: ClientTransactionUser | undefined,
  ) {
    this.req = request;
    this.raw = serialize(request);
    this.reliable = isReliable(destination.transport);
  }

  get request(): SipRequest {
    return this.req ?? requestReleased(this.kind, this.key);
  }

  abstract start(): void;
  abstract receiveResponse(response: SipResponse): void;
  abstract onTimer(kind: number): void;

  /** §17.1.4: a transport failure is reported to the TU and the transaction terminates. */
  onTransportError(error: Error): void {
    if (this.state === 'terminated') return;
    this.user?.onTransportError?.(error, this);
    this.terminateNow();
  }

  terminate(): void {
    this.terminateNow();
  }

  /**
   * Sends the request for the first time (§17.1.1.2, §17.1.2.2). False when there is nothing to send or the
   * send has already moved the transaction on (a synchronous transport error terminates it): then the machine
   * arms no timer.
   */
  protected sendRequest(): boolean {
    if (!this.raw) return false;
    const initial = this.state;
    const id = this.ctx.transport.send(this.raw, this.destination, this);
    this.connectionId = id;
    if (id !== undefined && this.state === initial) {
      this.held = id;
      this.ctx.transport.holdConnection?.(id);
    }
    return this.state === initial;
  }

  /** Timer A / Timer E fired: sends the request's bytes again. */
  protected retransmit(raw: Buffer): void {
    this.retransmissions++;
    this.ctx.transport.send(raw, this.destination, this);
  }

  /** Disarms every timer of this machine and drops what it retained; called once, on entering Terminated. */
  protected abstract release(): void;

  protected terminateNow(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.release();
    this.req = undefined;
    this.raw = undefined;
    if (this.held !== undefined) this.ctx.transport.releaseConnection?.(this.held);
    this.held = undefined;
    this.ctx.transactionTerminated(this);
    this.user?.onTerminated?.(this);
  }
}
