/**
 * Non-INVITE server transaction: RFC 3261 §17.2.2 (figure 8).
 * Request retransmissions are absorbed (Trying) or answered with the last response; Timer J
 * (64*T1 unreliable, 0 reliable) keeps the Completed state.
 */
import { serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliable } from '../transport/types.js';
import type { Destination, MessageSource, TransportErrorSink } from '../transport/types.js';
import { arm, disarm, type Timer, type TimerTarget } from './timer-wheel.js';
import { isLegacyKey } from './transaction-key.js';
import { detach, retainBytes, retainedBuffer } from './retain.js';
import {
  TIMER_J,
  type ServerTransactionBase,
  type ServerTransactionUser,
  type TransactionContext,
  type TransactionState,
} from './transaction-types.js';

export class NonInviteServerTransaction implements ServerTransactionBase, TimerTarget, TransportErrorSink {
  readonly kind = 'nist' as const;
  state: TransactionState = 'trying';
  user: ServerTransactionUser | undefined;
  lastStatus = 0;
  /** Responses resent because the request was retransmitted. */
  retransmissions = 0;
  /** RFC 2543 keys only (§17.2.3): To tag of the last response sent, and of the request itself. */
  responseToTag: string | undefined;
  readonly requestToTag: string | undefined;
  private readonly legacy: boolean;
  /** Until the final response; afterwards only `lastRaw`, resent to retransmitted requests (Timer J). */
  private req: SipRequest | undefined;
  /** Last response sent: bytes while Proceeding, a retained one-byte string once final (see retainBytes). */
  private lastRaw: Buffer | string | undefined;
  private destination: Destination | undefined;
  private readonly reliable: boolean;
  private timerJ: Timer | undefined;

  constructor(
    private readonly ctx: TransactionContext,
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
  }

  get request(): SipRequest {
    if (!this.req) throw new Error(`non-INVITE server transaction ${this.key}: request released after the final response`);
    return this.req;
  }

  start(): void {
    // Nothing to do: the TU responds (§17.2.2; no 100 Trying for non-INVITE from the transaction).
  }

  respond(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    const raw = this.transmit(response);
    // A synchronous transport error may have terminated us inside transmit().
    if ((this.state as TransactionState) === 'terminated') return;
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    if (this.reliable) {
      this.terminateNow();
      return;
    }
    // Completed keeps only the bytes to resend to retransmitted requests (§17.2.2).
    this.req = undefined;
    this.lastRaw = retainBytes(raw);
    this.timerJ = arm(this.ctx.timers, this.timerJ, this, TIMER_J, 64 * this.ctx.config.t1);
  }

  receiveRequest(_request: SipRequest, _source: MessageSource): void {
    // Trying absorbs; Proceeding/Completed resend the last response (§17.2.2).
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastRaw && this.destination) {
      this.retransmissions++;
      this.resend(this.lastRaw, this.destination);
    }
  }

  onTimer(kind: number): void {
    if (kind === TIMER_J) this.terminateNow();
  }

  onTransportError(error: Error): void {
    if (this.state === 'terminated') return;
    this.user?.onTransportError?.(error, this);
    this.terminateNow();
  }

  terminate(): void {
    this.terminateNow();
  }

  private resend(raw: Buffer | string, destination: Destination): void {
    this.ctx.transport.send(typeof raw === 'string' ? retainedBuffer(raw) : raw, destination, this);
  }

  private transmit(response: SipResponse): Buffer {
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

  private terminateNow(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timerJ = disarm(this.ctx.timers, this.timerJ);
    this.req = undefined;
    this.lastRaw = undefined;
    this.ctx.transactionTerminated(this);
    const user = this.user;
    // No callback follows Terminated: whoever still holds this transaction does not keep its user alive.
    this.user = undefined;
    user?.onTerminated?.(this);
  }
}
