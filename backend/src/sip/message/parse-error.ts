import type { SipParseErrorCode } from './errors.js';
import type { SipRequest } from './message.js';

// Apart from errors.ts because it names SipRequest, whose module imports errors.ts (no import cycle).
/**
 * Why a message could not be accepted. `reason` names the fault and is usable as the
 * Reason-Phrase of the error response; `status` is the response code to use (400, 505, 513, 416).
 * `canRespond` is true for requests where Via, From, To, Call-ID and CSeq were found, so an error
 * response can be built from `partial` (RFC 3261 §8.2.6, §16.3 step 1). `fatal` (stream framing only)
 * means the connection's framing is lost and it must be closed.
 */
export interface SipParseError {
  code: SipParseErrorCode;
  reason: string;
  status: number;
  canRespond: boolean;
  partial?: SipRequest;
  fatal?: boolean;
}
