/**
 * SIP message model (RFC 3261 §7, §20, §25): parsing, lazily parsed header views, serialization,
 * stream framing. See docs/TEAM-NOTES.md "Shared contract" for the API other layers rely on.
 *
 * Guarantees worth knowing:
 * - parseMessage / StreamFramer never throw. A successfully parsed message has a well-formed
 *   start line, top Via, From, To, Call-ID and CSeq (method matching the request), a numeric
 *   Max-Forwards if present and a consistent Content-Length; other headers are checked only when
 *   read. Views over such headers (`routes()`, `contacts()`, `vias()`, ...) throw SipHeaderError
 *   when malformed; `validateMessage()` checks them all at once without throwing.
 * - A parsed message's body (and raw header text) are views of the input Buffer: do not reuse it.
 * - Unmodified messages serialize as a byte copy; otherwise unchanged header fields are copied as
 *   received and Content-Length is rewritten from the body.
 * - Header objects are cached per Headers version: after changing headers, views reflect it.
 */
export { SipRequest, SipResponse, type SipMessage, type CSeq, isRequest, isResponse, parseCSeq } from './message.js';
export { Headers, HeaderField, type HeadSource, canonicalKey, isListHeader, splitList } from './headers.js';
export { SipUri, NameAddr, type Params, parseUri, parseNameAddr, parseNameAddrList, parseGenericParams, unescapeUriPart } from './uri.js';
export { Via, parseVia, parseViaList } from './via.js';
export { type SipParseErrorCode, SipHeaderError } from './errors.js';
export type { SipParseError } from './parse-error.js';
export { type ParserLimits, type ParseResult, DEFAULT_LIMITS, parseMessage } from './parse.js';
export { StreamFramer, type FramerEvent } from './framer.js';
export { serialize } from './serialize.js';
export { createResponse, generateBranch, generateTag, REASON_PHRASES } from './build.js';
export { validateMessage, type ValidateOptions } from './validate.js';
