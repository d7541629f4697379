/**
 * Non-INVITE server transaction: RFC 3261 §17.2.2 (figure 8).
 * Request retransmissions are absorbed (Trying) or answered with the last response; Timer J
 * (64*T1 unreliable, 0 reliable) keeps the Completed state.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { MessageSource } from '../transport/types.js';
import { arm, disarm, type Timer } from './timer-wheel.js';
import { retainBytes } from './retain.js';
import { ServerTransactionBase } from './server-transaction-base.js';
import { TIMER_J, type TransactionState } from './transaction-types.js';

export class NonInviteServerTransaction extends ServerTransactionBase {
  readonly kind = 'nist' as const;
  override state: TransactionState = 'trying';
  private timerJ: Timer | undefined;

  override start(): void {
    // Nothing to do: the TU responds (§17.2.2; no 100 Trying for non-INVITE from the transaction).
  }

  override respond(response: SipResponse): void {
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

  override receiveRequest(_request: SipRequest, _source: MessageSource): void {
    // Trying absorbs; Proceeding/Completed resend the last response (§17.2.2).
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastRaw && this.destination) {
      this.retransmissions++;
      this.resend(this.lastRaw, this.destination);
    }
  }

  override onTimer(kind: number): void {
    if (kind === TIMER_J) this.terminateNow();
  }

  protected disarmTimers(): void {
    this.timerJ = disarm(this.ctx.timers, this.timerJ);
  }
}
