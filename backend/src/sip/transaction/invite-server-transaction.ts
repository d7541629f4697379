/**
 * INVITE server transaction: RFC 3261 §17.2.1 (figure 7) as updated by RFC 6026 §7.1
 * (a 2xx moves to Accepted; Timer L keeps the transaction to absorb INVITE retransmissions and
 * hand 2xx-ACKs matching it to the TU).
 */
import { createResponse } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { MessageSource } from '../transport/types.js';
import { arm, disarm, type Timer } from './timer-wheel.js';
import { retainBytes } from './retain.js';
import { ServerTransactionBase } from './server-transaction-base.js';
import { TIMER_100, TIMER_G, TIMER_H, TIMER_I, TIMER_L, type TransactionState } from './transaction-types.js';

export class InviteServerTransaction extends ServerTransactionBase {
  readonly kind = 'ist' as const;
  override state: TransactionState = 'proceeding';
  private intervalG = this.ctx.config.t1;
  private timerG: Timer | undefined;
  private timerH: Timer | undefined;
  private timerI: Timer | undefined;
  private timerL: Timer | undefined;
  private timer100: Timer | undefined;

  /** Called by the layer after creation: §17.2.1 100 Trying policy. */
  override start(): void {
    const delay = this.ctx.config.trying100Delay;
    if (delay === 0 && this.req) this.respond(createResponse(this.req, 100, 'Trying'));
    else if (delay > 0) this.timer100 = arm(this.ctx.timers, this.timer100, this, TIMER_100, delay);
  }

  /** Sends a response from the TU through the transaction (§17.2.1). Ignored if not allowed in this state. */
  override respond(response: SipResponse): void {
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
  override receiveRequest(request: SipRequest, source: MessageSource): void {
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

  override onTimer(kind: number): void {
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

  protected disarmTimers(): void {
    const timers = this.ctx.timers;
    this.timerG = disarm(timers, this.timerG);
    this.timerH = disarm(timers, this.timerH);
    this.timerI = disarm(timers, this.timerI);
    this.timerL = disarm(timers, this.timerL);
    this.timer100 = disarm(timers, this.timer100);
  }
}
