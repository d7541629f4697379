/**
 * INVITE server transaction: RFC 3261 §17.2.1 (figure 7) as updated by RFC 6026 §7.1
 * (a 2xx moves to Accepted; Timer L keeps the transaction to absorb INVITE retransmissions and
 * hand 2xx-ACKs matching it to the TU).
 */
import { createResponse, serialize } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliable } from '../transport/types.js';
import type { Destination, MessageSource, TransportErrorSink } from '../transport/types.js';
import { arm, disarm, type Timer, type TimerTarget } from './timer-wheel.js';
import { isLegacyKey } from './transaction-key.js';
import { detach, retainBytes, retainedBuffer } from './retain.js';
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
  lastStatus = 0;
  /** Final-response retransmissions sent on Timer G. */
  retransmissions = 0;
  /** RFC 2543 keys only (§17.2.3): To tag of the last response sent, and of the INVITE itself. */
  responseToTag: string | undefined;
  readonly requestToTag: string | undefined;
  private readonly legacy: boolean;
  /** Until the final response; afterwards only `lastRaw` (non-2xx, for Timer G and retransmitted INVITEs). */
  private req: SipRequest | undefined;
  /** Last response sent: bytes while Proceeding, a retained one-byte string once final (see retainBytes). */
  private lastRaw: Buffer | string | undefined;
  private destination: Destination | undefined;
  private intervalG: number;
  private readonly reliable: boolean;
  private timerG: Timer | undefined;
  private timerH: Timer | undefined;
  private timerI: Timer | undefined;
  private timerL: Timer | undefined;
  private timer100: Timer | undefined;

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
    this.intervalG = ctx.config.t1;
  }

  get request(): SipRequest {
    if (!this.req) throw new Error(`INVITE server transaction ${this.key}: request released after the final response`);
    return this.req;
  }

  /** Called by the layer after creation: §17.2.1 100 Trying policy. */
  start(): void {
    const delay = this.ctx.config.trying100Delay;
    if (delay === 0 && this.req) this.respond(createResponse(this.req, 100, 'Trying'));
    else if (delay > 0) this.timer100 = arm(this.ctx.timers, this.timer100, this, TIMER_100, delay);
  }

  /** Sends a response from the TU through the transaction (§17.2.1). Ignored if not allowed in this state. */
  respond(response: SipResponse): void {
    const status = response.status;
    if (this.state === 'proceeding') {
      this.timer100 = disarm(this.ctx.timers, this.timer100);
      const raw = this.transmit(response);
      if (status < 200 || this.state !== 'proceeding') return;
      // Final: the request is no longer needed by the transaction (§17.2.1, RFC 6026 §7.1).
      this.req = undefined;
      if (status < 300) {
        // Accepted absorbs INVITE retransmissions; the TU resends its 2xx itself: nothing to keep.
        this.state = 'accepted';
        this.lastRaw = undefined;
        this.timerL = arm(this.ctx.timers, this.timerL, this, TIMER_L, 64 * this.ctx.config.t1);
      } else {
        // Completed resends this response (Timer G, retransmitted INVITEs) until the ACK or Timer H.
        this.state = 'completed';
        this.lastRaw = retainBytes(raw);
        if (!this.reliable) this.timerG = arm(this.ctx.timers, this.timerG, this, TIMER_G, this.intervalG);
        this.timerH = arm(this.ctx.timers, this.timerH, this, TIMER_H, 64 * this.ctx.config.t1);
      }
    } else if (this.state === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §7.1: the TU retransmits its 2xx through the Accepted transaction.
      this.transmit(response);
      this.lastRaw = undefined;
    }
  }

  /** A request matched this transaction (§17.2.3): an INVITE retransmission or an ACK. */
  receiveRequest(request: SipRequest, source: MessageSource): void {
    if (request.method === 'ACK') {
      if (this.state === 'completed') {
        this.state = 'confirmed';
        // Confirmed only absorbs ACK retransmissions (Timer I): the response is not sent again.
        this.lastRaw = undefined;
        this.timerG = disarm(this.ctx.timers, this.timerG);
        this.timerH = disarm(this.ctx.timers, this.timerH);
        if (this.reliable) this.terminateNow();
        else this.timerI = arm(this.ctx.timers, this.timerI, this, TIMER_I, this.ctx.config.t4);
      } else if (this.state === 'accepted') {
        this.user?.onAck?.(request, source, this);
      }
      // Confirmed: absorbed.
      return;
    }
    // INVITE retransmission: Proceeding/Completed resend the last response; Accepted absorbs it.
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastRaw && this.destination) {
      this.resend(this.lastRaw, this.destination);
    }
  }

  onTimer(kind: number): void {
    switch (kind) {
      case TIMER_100:
        if (this.state === 'proceeding' && this.lastStatus === 0 && this.req) this.respond(createResponse(this.req, 100, 'Trying'));
        return;
      case TIMER_G:
        if (this.state !== 'completed' || !this.lastRaw || !this.destination) return;
        this.retransmissions++;
        this.resend(this.lastRaw, this.destination);
        this.intervalG = Math.min(2 * this.intervalG, this.ctx.config.t2);
        if (this.state === 'completed') this.timerG = arm(this.ctx.timers, this.timerG, this, TIMER_G, this.intervalG);
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
    const timers = this.ctx.timers;
    this.timerG = disarm(timers, this.timerG);
    this.timerH = disarm(timers, this.timerH);
    this.timerI = disarm(timers, this.timerI);
    this.timerL = disarm(timers, this.timerL);
    this.timer100 = disarm(timers, this.timer100);
    this.req = undefined;
    this.lastRaw = undefined;
    this.ctx.transactionTerminated(this);
    const user = this.user;
    // No callback follows Terminated: whoever still holds this transaction does not keep its user alive.
    this.user = undefined;
    user?.onTerminated?.(this);
  }
}
