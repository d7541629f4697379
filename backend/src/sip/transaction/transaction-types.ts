/**
 * Types shared by the four RFC 3261 §17 transaction state machines and the TransactionLayer.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Destination, MessageSource, SipTransport } from '../transport/types.js';
import type { TimerScheduler } from './timer-wheel.js';

/** §17.1.1.1 timer values (ms). Defaults: T1 = 500, T2 = 4000, T4 = 5000. */
export interface TransactionTimerConfig {
  t1: number;
  t2: number;
  t4: number;
  /** Timer D over unreliable transports: "at least 32 s" (§17.1.1.2). Default 32000. */
  timerD: number;
  /** §17.2.1: a server INVITE transaction sends 100 Trying if the TU has not sent a provisional
   * response within this delay. 0 = immediately, negative = never (TU's job). Default 200. */
  trying100Delay: number;
}

export const DEFAULT_TIMER_CONFIG: TransactionTimerConfig = {
  t1: 500,
  t2: 4000,
  t4: 5000,
  timerD: 32000,
  trying100Delay: 200,
};

/** Timer kinds, passed to `TimerTarget.onTimer`. Names from §17 / RFC 6026. */
export const TIMER_A = 1;
export const TIMER_B = 2;
export const TIMER_D = 3;
export const TIMER_E = 4;
export const TIMER_F = 5;
export const TIMER_G = 6;
export const TIMER_H = 7;
export const TIMER_I = 8;
export const TIMER_J = 9;
export const TIMER_K = 10;
export const TIMER_L = 11;
export const TIMER_M = 12;
export const TIMER_100 = 13;

/** Transaction states (§17 figures 5-8, RFC 6026 "Accepted"). */
export type TransactionState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

const MACHINE_NAMES = {
  ict: 'INVITE client',
  nict: 'non-INVITE client',
  ist: 'INVITE server',
  nist: 'non-INVITE server',
} as const;

/** Why the transaction layer refused a call from its user (a programming error in the TU, not a network fault). */
export type TransactionErrorCode = 'REQUEST_RELEASED' | 'ACK_IN_TRANSACTION' | 'NO_BRANCH' | 'DUPLICATE_TRANSACTION';

/** Thrown by the transaction layer (RFC 3261 §17) when its user asks for something §17 does not allow. */
export class TransactionError extends Error {
  constructor(
    readonly code: TransactionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransactionError';
  }
}

/**
 * Thrown when `request` is read after the transaction released it: §17.1 / §17.2 keep only what retransmissions
 * need once the final response has passed (see ClientTransaction / ServerTransaction `request`).
 */
export function requestReleased(kind: keyof typeof MACHINE_NAMES, key: string): never {
  throw new TransactionError('REQUEST_RELEASED', `${MACHINE_NAMES[kind]} transaction ${key}: request released after the final response`);
}

/** What a transaction needs from its layer. Implemented by `TransactionLayer`. */
export interface TransactionContext {
  readonly transport: SipTransport;
  readonly timers: TimerScheduler;
  readonly config: TransactionTimerConfig;
  /** Called exactly once when the transaction enters Terminated; removes it from the table. */
  transactionTerminated(tx: ClientTransaction | ServerTransaction): void;
}

/**
 * Client transaction user callbacks (SIP.js style). Implement on a long-lived object (e.g. the proxy's
 * per-branch state) rather than passing fresh closures per request.
 */
export interface ClientTransactionUser {
  /** 1xx received (§17.1.1.2 / §17.1.2.2: passed to the TU). */
  onProvisional?(response: SipResponse, tx: ClientTransaction): void;
  /** Final response. For INVITE, every 2xx (also retransmissions/forks while Accepted, RFC 6026 §8.4). */
  onFinal?(response: SipResponse, tx: ClientTransaction): void;
  /** Timer B / Timer F fired (§17.1.1.2, §17.1.2.2): treat as 408. */
  onTimeout?(tx: ClientTransaction): void;
  /** The transport failed to send (§17.1.4). */
  onTransportError?(error: Error, tx: ClientTransaction): void;
  onTerminated?(tx: ClientTransaction): void;
}

/** Server transaction user callbacks. */
export interface ServerTransactionUser {
  /** INVITE server transaction: an ACK matched while Accepted (RFC 6026 §7.1), passed to the TU. */
  onAck?(ack: SipRequest, source: MessageSource, tx: ServerTransaction): void;
  /** INVITE: Timer H fired without an ACK for the final response (§17.2.1). */
  onTimeout?(tx: ServerTransaction): void;
  /** Sending a response failed (§17.2.4). */
  onTransportError?(error: Error, tx: ServerTransaction): void;
  onTerminated?(tx: ServerTransaction): void;
}

/**
 * A client transaction (§17.1), INVITE or not, as its user and the layer see it: the one name for the idea. The two
 * machines share their implementation through the abstract `ClientTransactionBase` (client-transaction-base.ts).
 */
export interface ClientTransaction {
  readonly kind: 'ict' | 'nict';
  /**
   * The request as sent. Released once a final response arrives (or the transaction ends): from then on §17.1
   * needs only the key, the destination and (non-2xx INVITE) the serialized ACK. Reading it afterwards throws.
   */
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly branch: string;
  readonly key: string;
  readonly state: TransactionState;
  readonly connectionId: string | undefined;
  user: ClientTransactionUser | undefined;
  /** Reports a transport failure to the TU and terminates (§17.1.4). */
  onTransportError(error: Error): void;
  /** Stops retransmitting and terminates silently (e.g. the TU gives up). */
  terminate(): void;
}

/**
 * A server transaction (§17.2), INVITE or not, as its user and the layer see it. The two machines share their
 * implementation through the abstract `ServerTransactionBase` (server-transaction-base.ts).
 */
export interface ServerTransaction {
  readonly kind: 'ist' | 'nist';
  /**
   * The received request. Released once a final response is sent (or the transaction ends): from then on §17.2
   * needs only the key and the serialized last response to resend. Reading it afterwards throws; check `state`
   * (Trying/Proceeding) first.
   */
  readonly request: SipRequest;
  readonly source: MessageSource;
  readonly key: string;
  readonly state: TransactionState;
  /** Status of the last response sent; 0 before any. */
  readonly lastStatus: number;
  user: ServerTransactionUser | undefined;
  /** Sends a response through the transaction (§17.2.1 / §17.2.2). */
  respond(response: SipResponse): void;
  terminate(): void;
}
