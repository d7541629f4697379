import type { SipRequest } from './message.js';

/** Machine-readable parse fault codes. */
export type SipParseErrorCode =
  | 'EMPTY'
  | 'MESSAGE_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'LINE_TOO_LONG'
  | 'NO_HEADER_END'
  | 'BAD_START_LINE'
  | 'BAD_METHOD'
  | 'BAD_REQUEST_URI'
  | 'VERSION_NOT_SUPPORTED'
  | 'BAD_STATUS_CODE'
  | 'BAD_HEADER_LINE'
  | 'MISSING_HEADER'
  | 'MULTIPLE_VALUES'
  | 'BAD_VIA'
  | 'BAD_FROM'
  | 'BAD_TO'
  | 'BAD_CALL_ID'
  | 'BAD_CSEQ'
  | 'CSEQ_METHOD_MISMATCH'
  | 'BAD_MAX_FORWARDS'
  | 'BAD_CONTENT_LENGTH'
  | 'BODY_TRUNCATED'
  | 'BAD_HEADER_VALUE'
  | 'UNSUPPORTED_URI_SCHEME'
  | 'INTERNAL';

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

/** Thrown by parsed views (`msg.from()`, `msg.routes()`, ...) when the header is missing or malformed. */
export class SipHeaderError extends Error {
  readonly code: SipParseErrorCode;
  readonly status: number;
  constructor(code: SipParseErrorCode, reason: string, status = 400) {
    super(reason);
    this.name = 'SipHeaderError';
    this.code = code;
    this.status = status;
  }
}
