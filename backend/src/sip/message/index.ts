/**
 * SIP message model (RFC 3261 §7, §20, §25): parsing, lazily parsed header views, serialization,
 * stream framing. See docs/TEAM-NOTES.md "Shared contract" for the API other layers rely on.
 */
export { SipRequest, SipResponse, type SipMessage, type CSeq, isRequest, isResponse, parseCSeq } from './message.js';
export { Headers, HeaderField, type HeadSource, canonicalKey, isListHeader, splitList } from './headers.js';
export { SipUri, NameAddr, type Params, parseUri, parseNameAddr, parseNameAddrList, parseGenericParams, unescapeUriPart } from './uri.js';
export { Via, parseVia, parseViaList } from './via.js';
export { type SipParseError, type SipParseErrorCode, SipHeaderError } from './errors.js';
export { type ParserLimits, type ParseResult, DEFAULT_LIMITS, parseMessage } from './parse.js';
export { StreamFramer, type FramerEvent } from './framer.js';
export { serialize } from './serialize.js';
export { createResponse, generateBranch, generateTag, REASON_PHRASES } from './build.js';
export { validateMessage, type ValidateOptions } from './validate.js';
