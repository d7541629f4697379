/**
 * Non-INVITE client transaction: RFC 3261 §17.1.2 (figure 6).
 * Timer E retransmits (doubling, capped at T2; T2 once Proceeding), Timer F times out at 64*T1,
 * Timer K (T4 unreliable, 0 reliable) absorbs response retransmissions after the final response.
 */
import type { SipResponse } from '../message/index.js';
import { arm, disarm, type Timer } from './timer-wheel.js';
import { ClientTransactionBase } from './client-transaction-base.js';
import { TIMER_E, TIMER_F, TIMER_K, type TransactionState } from './transaction-types.js';

export class NonInviteClientTransaction extends ClientTransactionBase {
  readonly kind = 'nict' as const;
  override state: TransactionState = 'trying';
  private intervalE = this.ctx.config.t1;
  private timerE: Timer | undefined;
  private timerF: Timer | undefined;
  private timerK: Timer | undefined;

  /** Sends the request and arms Timer E (unreliable only) and Timer F (§17.1.2.2). */
  override start(): void {
    if (!this.sendRequest()) return;
    if (!this.reliable) this.timerE = arm(this.ctx.timers, this.timerE, this, TIMER_E, this.intervalE);
    this.timerF = arm(this.ctx.timers, this.timerF, this, TIMER_F, 64 * this.ctx.config.t1);
  }

  override receiveResponse(response: SipResponse): void {
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

  override onTimer(kind: number): void {
    switch (kind) {
      case TIMER_E: {
        if ((this.state !== 'trying' && this.state !== 'proceeding') || !this.raw) return;
        this.retransmit(this.raw);
        const t2 = this.ctx.config.t2;
        this.intervalE = this.state === 'proceeding' ? t2 : Math.min(2 * this.intervalE, t2);
        if (this.state === 'trying' || this.state === 'proceeding')
          this.timerE = arm(this.ctx.timers, this.timerE, this, TIMER_E, this.intervalE);
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

  protected release(): void {
    this.timerE = disarm(this.ctx.timers, this.timerE);
    this.timerF = disarm(this.ctx.timers, this.timerF);
    this.timerK = disarm(this.ctx.timers, this.timerK);
  }
}
