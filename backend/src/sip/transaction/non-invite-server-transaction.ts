/**
 * Non-INVITE server transaction: RFC 3261 §17.2.2 (figure 8).
 * Request retransmissions are absorbed (Trying) or answered with the last response; Timer J
 * (64*T1 unreliable, 0 reliable) keeps the Completed state.
 */
import { serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliable } from '../transport/types.js';
import type { Destination, MessageSource, TransportErrorSink } from '../transport/types.js';
import type { Timer, TimerTarget } from './timer-wheel.js';
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
  lastResponse: SipResponse | undefined;
  /** Responses resent because the request was retransmitted. */
  retransmissions = 0;
  responseToTag: string | undefined;
  private lastRaw: Buffer | undefined;
  private destination: Destination | undefined;
  private readonly reliable: boolean;
  private readonly timerJ: Timer;

  constructor(
    private readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly source: MessageSource,
    readonly key: string,
  ) {
    this.reliable = isReliable(source.transport);
    this.timerJ = ctx.timers.create(this, TIMER_J);
  }

  start(): void {
    // Nothing to do: the TU responds (§17.2.2; no 100 Trying for non-INVITE from the transaction).
  }

  respond(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.transmit(response);
    // A synchronous transport error may have terminated us inside transmit().
    if ((this.state as TransactionState) === 'terminated') return;
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    if (this.reliable) this.terminateNow();
    else this.ctx.timers.start(this.timerJ, 64 * this.ctx.config.t1);
  }

  receiveRequest(_request: SipRequest, _source: MessageSource): void {
    // Trying absorbs; Proceeding/Completed resend the last response (§17.2.2).
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastRaw && this.destination) {
      this.retransmissions++;
      this.ctx.transport.send(this.lastRaw, this.destination, this);
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

  private transmit(response: SipResponse): void {
    this.lastResponse = response;
    const tag = response.to().tag;
    if (tag) this.responseToTag = tag;
    this.lastRaw = serialize(response);
    this.destination ??= this.ctx.transport.responseDestination(response, this.source);
    this.ctx.transport.send(this.lastRaw, this.destination, this);
  }

  private terminateNow(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.ctx.timers.stop(this.timerJ);
    this.ctx.transactionTerminated(this);
    this.user?.onTerminated?.(this);
  }
}
