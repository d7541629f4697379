/**
 * SIP transaction layer (RFC 3261 §17, RFC 6026). See transaction-layer.ts.
 */
export {
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
  type RequestHandler,
  type StrayAckHandler,
  type StrayResponseHandler,
  type TransactionLayerOptions,
  type TransactionLayerStats,
} from './transaction-layer.js';
export { InviteClientTransaction } from './invite-client-transaction.js';
export { NonInviteClientTransaction } from './non-invite-client-transaction.js';
export { InviteServerTransaction } from './invite-server-transaction.js';
export { NonInviteServerTransaction } from './non-invite-server-transaction.js';
export { FakeTimers, Timer, TimerWheel, type TimerScheduler, type TimerTarget, type TimerWheelOptions } from './timer-wheel.js';
export { MAGIC_COOKIE, clientKey, serverKey } from './transaction-key.js';
export {
  DEFAULT_TIMER_CONFIG,
  TransactionError,
  type TransactionErrorCode,
  type ClientTransactionBase,
  type ClientTransactionUser,
  type ServerTransactionBase,
  type ServerTransactionUser,
  type TransactionState,
  type TransactionTimerConfig,
} from './transaction-types.js';
