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
