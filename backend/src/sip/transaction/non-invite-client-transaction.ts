/**
 * Non-INVITE client transaction: RFC 3261 §17.1.2 (figure 6).
 * Timer E retransmits (doubling, capped at T2; T2 once Proceeding), Timer F times out at 64*T1,
 * Timer K (T4 unreliable, 0 reliable) absorbs response retransmissions after the final response.
 */
import { serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliable } from '../transport/types.js';
import type { Destination, TransportErrorSink } from '../transport/types.js';
import { arm, disarm, type Timer, type TimerTarget } from './timer-wheel.js';
import {
  TIMER_E,
  TIMER_F,
  TIMER_K,
  type ClientTransactionBase,
  type ClientTransactionUser,
  type TransactionContext,
  type TransactionState,
} from './transaction-types.js';

export class NonInviteClientTransaction implements ClientTransactionBase, TimerTarget, TransportErrorSink {
  readonly kind = 'nict' as const;
  state: TransactionState = 'trying';
  retransmissions = 0;
  /** TCP/TLS connection the request went out on (so a dropped connection fails the transaction). */
  connectionId: string | undefined;
  /** The request and its bytes, for Timer E retransmissions; released with the final response. */
  private req: SipRequest | undefined;
  private raw: Buffer | undefined;
  private intervalE: number;
  private readonly reliable: boolean;
  private timerE: Timer | undefined;
  private timerF: Timer | undefined;
  private timerK: Timer | undefined;

  constructor(
    private readonly ctx: TransactionContext,
    request: SipRequest,
    readonly destination: Destination,
    readonly branch: string,
    readonly key: string,
    public user: ClientTransactionUser | undefined,
  ) {
    this.req = request;
    this.raw = serialize(request);
    this.reliable = isReliable(destination.transport);
    this.intervalE = ctx.config.t1;
  }

  get request(): SipRequest {
    if (!this.req) throw new Error(`non-INVITE client transaction ${this.key}: request released after the final response`);
    return this.req;
  }

  start(): void {
    if (!this.raw) return;
    this.connectionId = this.ctx.transport.send(this.raw, this.destination, this);
    if (this.state !== 'trying') return;
    if (!this.reliable) this.timerE = arm(this.ctx.timers, this.timerE, this, TIMER_E, this.intervalE);
    this.timerF = arm(this.ctx.timers, this.timerF, this, TIMER_F, 64 * this.ctx.config.t1);
  }

  receiveResponse(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return; // Completed absorbs
    if (response.status < 200) {
      this.state = 'proceeding';
      this.user?.onProvisional?.(response, this);
      return;
    }
    this.state = 'completed';
    // Completed only absorbs response retransmissions (Timer K): nothing of the request is needed.
    this.req = undefined;
    this.raw = undefined;
    this.timerE = disarm(this.ctx.timers, this.timerE);
    this.timerF = disarm(this.ctx.timers, this.timerF);
    this.user?.onFinal?.(response, this);
    if (this.state !== 'completed') return;
    if (this.reliable) this.terminateNow();
    else this.timerK = arm(this.ctx.timers, this.timerK, this, TIMER_K, this.ctx.config.t4);
  }

  onTimer(kind: number): void {
    switch (kind) {
      case TIMER_E: {
        if ((this.state !== 'trying' && this.state !== 'proceeding') || !this.raw) return;
        this.retransmissions++;
        this.ctx.transport.send(this.raw, this.destination, this);
        const t2 = this.ctx.config.t2;
        this.intervalE = this.state === 'proceeding' ? t2 : Math.min(2 * this.intervalE, t2);
        if (this.state === 'trying' || this.state === 'proceeding') this.timerE = arm(this.ctx.timers, this.timerE, this, TIMER_E, this.intervalE);
        return;
      }
      case TIMER_F:
        if (this.state !== 'trying' && this.state !== 'proceeding') return;
        this.user?.onTimeout?.(this);
        this.terminateNow();
        return;
      case TIMER_K:
        this.terminateNow();
        return;
    }
  }

  onTransportError(error: Error): void {
    if (this.state === 'terminated') return;
    this.user?.onTransportError?.(error, this);
    this.terminateNow();
  }

  terminate(): void {
    this.terminateNow();
  }

  private terminateNow(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timerE = disarm(this.ctx.timers, this.timerE);
    this.timerF = disarm(this.ctx.timers, this.timerF);
    this.timerK = disarm(this.ctx.timers, this.timerK);
    this.req = undefined;
    this.raw = undefined;
    this.ctx.transactionTerminated(this);
    this.user?.onTerminated?.(this);
  }
}
