/**
 * INVITE client transaction: RFC 3261 §17.1.1 (figure 5) as updated by RFC 6026 §7.2
 * (2xx moves to Accepted; Timer M absorbs/passes further 2xx instead of terminating at once).
 */
import type { SipResponse } from '../message/index.js';
import { arm, disarm, type Timer } from './timer-wheel.js';
import { buildNon2xxAck } from './ack.js';
import { retainBytes, retainedBuffer } from './retain.js';
import { ClientTransactionBase } from './client-transaction-base.js';
import { TIMER_A, TIMER_B, TIMER_D, TIMER_M, type TransactionState } from './transaction-types.js';

export class InviteClientTransaction extends ClientTransactionBase {
  readonly kind = 'ict' as const;
  override state: TransactionState = 'calling';
  /** The non-2xx ACK, retained as a one-byte string (see retainBytes). */
  private ack: string | undefined;
  private intervalA = this.ctx.config.t1;
  private timerA: Timer | undefined;
  private timerB: Timer | undefined;
  private timerD: Timer | undefined;
  private timerM: Timer | undefined;

  /** Sends the INVITE and arms Timer A (unreliable only) and Timer B (§17.1.1.2). */
  override start(): void {
    if (!this.sendRequest()) return;
    if (!this.reliable) this.timerA = arm(this.ctx.timers, this.timerA, this, TIMER_A, this.intervalA);
    this.timerB = arm(this.ctx.timers, this.timerB, this, TIMER_B, 64 * this.ctx.config.t1);
  }

  /** A response matched this transaction (§17.1.3). */
  override receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          if (this.state === 'calling') {
            this.state = 'proceeding';
            // Figure 5: retransmissions and Timer B belong to Calling only; Timer C is the proxy's.
            this.raw = undefined;
            this.timerA = disarm(this.ctx.timers, this.timerA);
            this.timerB = disarm(this.ctx.timers, this.timerB);
          }
          this.user?.onProvisional?.(response, this);
        } else if (status < 300) {
          // RFC 6026 §7.2: Accepted, so 2xx retransmissions still reach the TU until Timer M.
          this.state = 'accepted';
          // Accepted only passes further 2xx up (no ACK of ours, no retransmission): keep nothing.
          this.req = undefined;
          this.raw = undefined;
          this.timerA = disarm(this.ctx.timers, this.timerA);
          this.timerB = disarm(this.ctx.timers, this.timerB);
          this.timerM = arm(this.ctx.timers, this.timerM, this, TIMER_M, 64 * this.ctx.config.t1);
          this.user?.onFinal?.(response, this);
        } else {
          this.state = 'completed';
          this.timerA = disarm(this.ctx.timers, this.timerA);
          this.timerB = disarm(this.ctx.timers, this.timerB);
          // Completed keeps only the ACK, resent for each retransmitted final response (§17.1.1.3).
          const ack = this.req ? buildNon2xxAck(this.req, response) : undefined;
          this.ack = ack && retainBytes(ack);
          this.req = undefined;
          this.raw = undefined;
          if (ack) this.ctx.transport.send(ack, this.destination, this);
          this.user?.onFinal?.(response, this);
          if (this.state !== 'completed') return;
          if (this.reliable) this.terminateNow();
          else this.timerD = arm(this.ctx.timers, this.timerD, this, TIMER_D, this.ctx.config.timerD);
        }
        return;
      case 'completed':
        // §17.1.1.2: retransmitted final response -> resend the ACK, do not pass it up.
        if (status >= 300 && this.ack) this.ctx.transport.send(retainedBuffer(this.ack), this.destination, this);
        return;
      case 'accepted':
        if (status >= 200 && status < 300) this.user?.onFinal?.(response, this);
        return;
      default:
        return;
    }
  }

  override onTimer(kind: number): void {
    switch (kind) {
      case TIMER_A:
        if (this.state !== 'calling' || !this.raw) return;
        this.retransmit(this.raw);
        this.intervalA *= 2;
        if (this.state === 'calling') this.timerA = arm(this.ctx.timers, this.timerA, this, TIMER_A, this.intervalA);
        return;
      case TIMER_B:
        if (this.state !== 'calling') return;
        this.user?.onTimeout?.(this);
        this.terminateNow();
        return;
      case TIMER_D:
      case TIMER_M:
        this.terminateNow();
        return;
    }
  }

  protected release(): void {
    const timers = this.ctx.timers;
    this.timerA = disarm(timers, this.timerA);
    this.timerB = disarm(timers, this.timerB);
    this.timerD = disarm(timers, this.timerD);
    this.timerM = disarm(timers, this.timerM);
    this.ack = undefined;
  }
}
