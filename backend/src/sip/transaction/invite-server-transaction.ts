/**
 * INVITE server transaction: RFC 3261 §17.2.1 (figure 7) as updated by RFC 6026 §7.1
 * (a 2xx moves to Accepted; Timer L keeps the transaction to absorb INVITE retransmissions and
 * hand 2xx-ACKs matching it to the TU).
 */
import { createResponse, serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliable } from '../transport/types.js';
import type { Destination, MessageSource, TransportErrorSink } from '../transport/types.js';
import type { Timer, TimerTarget } from './timer-wheel.js';
import {
  TIMER_100,
  TIMER_G,
  TIMER_H,
  TIMER_I,
  TIMER_L,
  type ServerTransactionBase,
  type ServerTransactionUser,
  type TransactionContext,
  type TransactionState,
} from './transaction-types.js';

export class InviteServerTransaction implements ServerTransactionBase, TimerTarget, TransportErrorSink {
  readonly kind = 'ist' as const;
  state: TransactionState = 'proceeding';
  user: ServerTransactionUser | undefined;
  lastResponse: SipResponse | undefined;
  /** Final-response retransmissions sent on Timer G. */
  retransmissions = 0;
  /** To tag of the last response sent (RFC 2543 ACK matching, §17.2.3). */
  responseToTag: string | undefined;
  private lastRaw: Buffer | undefined;
  private destination: Destination | undefined;
  private intervalG: number;
  private readonly reliable: boolean;
  private readonly timerG: Timer;
  private readonly timerH: Timer;
  private readonly timerI: Timer;
  private readonly timerL: Timer;
  private readonly timer100: Timer;

  constructor(
    private readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly source: MessageSource,
    readonly key: string,
  ) {
    this.reliable = isReliable(source.transport);
    this.intervalG = ctx.config.t1;
    const timers = ctx.timers;
    this.timerG = timers.create(this, TIMER_G);
    this.timerH = timers.create(this, TIMER_H);
    this.timerI = timers.create(this, TIMER_I);
    this.timerL = timers.create(this, TIMER_L);
    this.timer100 = timers.create(this, TIMER_100);
  }

  /** Called by the layer after creation: §17.2.1 100 Trying policy. */
  start(): void {
    const delay = this.ctx.config.trying100Delay;
    if (delay === 0) this.respond(createResponse(this.request, 100, 'Trying'));
    else if (delay > 0) this.ctx.timers.start(this.timer100, delay);
  }

  /** Sends a response from the TU through the transaction (§17.2.1). Ignored if not allowed in this state. */
  respond(response: SipResponse): void {
    const status = response.status;
    if (this.state === 'proceeding') {
      this.ctx.timers.stop(this.timer100);
      this.transmit(response);
      if (status < 200 || this.state !== 'proceeding') return;
      if (status < 300) {
        this.state = 'accepted';
        this.ctx.timers.start(this.timerL, 64 * this.ctx.config.t1);
      } else {
        this.state = 'completed';
        if (!this.reliable) this.ctx.timers.start(this.timerG, this.intervalG);
        this.ctx.timers.start(this.timerH, 64 * this.ctx.config.t1);
      }
    } else if (this.state === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §7.1: the TU retransmits its 2xx through the Accepted transaction.
      this.transmit(response);
    }
  }

  /** A request matched this transaction (§17.2.3): an INVITE retransmission or an ACK. */
  receiveRequest(request: SipRequest, source: MessageSource): void {
    if (request.method === 'ACK') {
      if (this.state === 'completed') {
        this.state = 'confirmed';
        this.ctx.timers.stop(this.timerG);
        this.ctx.timers.stop(this.timerH);
        if (this.reliable) this.terminateNow();
        else this.ctx.timers.start(this.timerI, this.ctx.config.t4);
      } else if (this.state === 'accepted') {
        this.user?.onAck?.(request, source, this);
      }
      // Confirmed: absorbed.
      return;
    }
    // INVITE retransmission: Proceeding/Completed resend the last response; Accepted absorbs it.
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastRaw && this.destination) {
      this.ctx.transport.send(this.lastRaw, this.destination, this);
    }
  }

  onTimer(kind: number): void {
    switch (kind) {
      case TIMER_100:
        if (this.state === 'proceeding' && !this.lastResponse) this.respond(createResponse(this.request, 100, 'Trying'));
        return;
      case TIMER_G:
        if (this.state !== 'completed' || !this.lastRaw || !this.destination) return;
        this.retransmissions++;
        this.ctx.transport.send(this.lastRaw, this.destination, this);
        this.intervalG = Math.min(2 * this.intervalG, this.ctx.config.t2);
        if (this.state === 'completed') this.ctx.timers.start(this.timerG, this.intervalG);
        return;
      case TIMER_H:
        if (this.state !== 'completed') return;
        this.user?.onTimeout?.(this);
        this.terminateNow();
        return;
      case TIMER_I:
      case TIMER_L:
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
    const timers = this.ctx.timers;
    timers.stop(this.timerG);
    timers.stop(this.timerH);
    timers.stop(this.timerI);
    timers.stop(this.timerL);
    timers.stop(this.timer100);
    this.ctx.transactionTerminated(this);
    this.user?.onTerminated?.(this);
  }
}
