/**
 * What the two server transaction machines (RFC 3261 §17.2.1 INVITE, §17.2.2 non-INVITE) do alike: send a
 * response and keep its bytes for retransmissions, resend them, report a transport error (§17.2.4) and terminate.
 * Each subclass owns its states and timers.
 */
import { serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliable } from '../transport/types.js';
import type { Destination, MessageSource, TransportErrorSink } from '../transport/types.js';
import type { TimerTarget } from './timer-wheel.js';
import { isLegacyKey } from './transaction-key.js';
import { detach, retainedBuffer } from './retain.js';
import {
  requestReleased,
  type ServerTransaction,
  type ServerTransactionUser,
  type TransactionContext,
  type TransactionState,
} from './transaction-types.js';

export abstract class ServerTransactionBase implements ServerTransaction, TimerTarget, TransportErrorSink {
  abstract readonly kind: 'ist' | 'nist';
  /** Set by each machine to its initial state (§17 figures 5-8); every transition is the machine's own. */
  state: TransactionState;
  user: ServerTransactionUser | undefined;
  lastStatus = 0;
  /** Final responses resent (Timer G, or to a retransmitted request). */
  retransmissions = 0;
  /** RFC 2543 keys only (§17.2.3): To tag of the last response sent, and of the request itself. */
  responseToTag: string | undefined;
  readonly requestToTag: string | undefined;
  protected readonly legacy: boolean;
  /** Until the final response; afterwards only `lastRaw`, resent to retransmitted requests. */
  protected req: SipRequest | undefined;
  /** Last response sent: bytes while Trying/Proceeding, a retained one-byte string once final (see retainBytes). */
  protected lastRaw: Buffer | string | undefined;
  protected destination: Destination | undefined;
  protected readonly reliable: boolean;

  constructor(
    protected readonly ctx: TransactionContext,
    request: SipRequest,
    readonly source: MessageSource,
    readonly key: string,
  ) {
    this.req = request;
    this.legacy = isLegacyKey(key);
    if (this.legacy) {
      const tag = request.to().tag;
      this.requestToTag = tag === undefined ? undefined : detach(tag);
    }
    this.reliable = isReliable(source.transport);
    // The connection the request came on is in use until this transaction ends (the response goes back on it).
    if (source.connectionId !== undefined) ctx.transport.holdConnection?.(source.connectionId);
  }

  get request(): SipRequest {
    return this.req ?? requestReleased(this.kind, this.key);
  }

  abstract start(): void;
  abstract respond(response: SipResponse): void;
  abstract receiveRequest(request: SipRequest, source: MessageSource): void;
  abstract onTimer(kind: number): void;

  /** §17.2.4: a failure to send a response is reported to the TU and the transaction terminates. */
  onTransportError(error: Error): void {
    if (this.state === 'terminated') return;
    this.user?.onTransportError?.(error, this);
    this.terminateNow();
  }

  terminate(): void {
    this.terminateNow();
  }

  /** Disarms every timer of this machine; called once, on entering Terminated. */
  protected abstract disarmTimers(): void;

  /** Resends the last response (bytes or a retained string) to where the first one went (§18.2.2). */
  protected resend(raw: Buffer | string, destination: Destination): void {
    this.ctx.transport.send(typeof raw === 'string' ? retainedBuffer(raw) : raw, destination, this);
  }

  /** Serializes and sends a response from the TU, keeping its bytes as `lastRaw` (§17.2.1, §17.2.2). */
  protected transmit(response: SipResponse): Buffer {
    this.lastStatus = response.status;
    if (this.legacy) {
      const tag = response.to().tag;
      if (tag) this.responseToTag = detach(tag);
    }
    const raw = serialize(response);
    this.lastRaw = raw;
    this.destination ??= this.ctx.transport.responseDestination(response, this.source);
    this.ctx.transport.send(raw, this.destination, this);
    return raw;
  }

  protected terminateNow(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.disarmTimers();
    this.req = undefined;
    this.lastRaw = undefined;
    if (this.source.connectionId !== undefined) this.ctx.transport.releaseConnection?.(this.source.connectionId);
    this.ctx.transactionTerminated(this);
    const user = this.user;
    // No callback follows Terminated: whoever still holds this transaction does not keep its user alive.
    this.user = undefined;
    user?.onTerminated?.(this);
  }
}
