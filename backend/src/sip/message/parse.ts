import { isAscii, isUtf8 } from 'node:buffer';
import { TOKEN, WORD, isToken, parseDigits, trimWs } from './chars.js';
import type { SipParseError, SipParseErrorCode } from './errors.js';
import { HeaderField, type HeadSource, Headers, canonicalKey } from './headers.js';
import { type CSeq, type SipMessage, SipRequest, SipResponse, parseCSeq } from './message.js';
import { parseNameAddr, parseUri } from './uri.js';
import { type Via, parseViaList } from './via.js';

/**
 * Parser resource limits (defence against hostile input). Exceeding one fails the message with
 * a specific error code rather than consuming unbounded memory or time.
 */
export interface ParserLimits {
  /** Whole message (start line + headers + body), bytes. 513 Message Too Large beyond it (RFC 3261 §21.5.11). */
  maxMessageBytes: number;
  /** Number of header field lines. */
  maxHeaders: number;
  /** Length of one physical line (start line or header line), bytes. */
  maxLineLength: number;
}

export const DEFAULT_LIMITS: Readonly<ParserLimits> = Object.freeze({
  maxMessageBytes: 65535,
  maxHeaders: 256,
  maxLineLength: 16384,
});

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: SipParseError };

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const LFLF = Buffer.from('\n\n', 'latin1');

/** Resolve partial limits against the defaults (no allocation when none are given). */
export function resolveLimits(l: Partial<ParserLimits> | undefined): Readonly<ParserLimits> {
  if (l === undefined) return DEFAULT_LIMITS;
  return {
    maxMessageBytes: l.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes,
    maxHeaders: l.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    maxLineLength: l.maxLineLength ?? DEFAULT_LIMITS.maxLineLength,
  };
}

function fail(code: SipParseErrorCode, reason: string, status = 400, partial?: SipRequest): ParseResult {
  let canRespond = false;
  if (partial !== undefined) {
    const h = partial.headers;
    canRespond = h.has('via') && h.has('from') && h.has('to') && h.has('call-id') && h.has('cseq');
  }
  const error: SipParseError = { code, reason, status, canRespond };
  if (partial !== undefined) error.partial = partial;
  return { ok: false, error };
}

/** Mandatory headers in check order (RFC 3261 §8.1.1); Max-Forwards is not required (RFC 2543 peers, RFC 4475 §3.4.1). */
const MANDATORY: ReadonlyArray<readonly [string, string]> = [
  ['via', 'Via'],
  ['from', 'From'],
  ['to', 'To'],
  ['call-id', 'Call-ID'],
  ['cseq', 'CSeq'],
];

/**
 * Parse one SIP message from a datagram (RFC 3261 §7, §18.3). Never throws.
 * Body length comes from Content-Length; without it the body is the rest of the datagram;
 * octets beyond Content-Length are discarded (§18.3). The returned body is a view of `buf`.
 */
export function parseMessage(buf: Buffer, limits?: Partial<ParserLimits>): ParseResult {
  try {
    return parseInner(buf, resolveLimits(limits), false);
  } catch (e) {
    // Defensive: a parser bug must not take the worker down; report it as a 400.
    return fail('INTERNAL', 'Unparseable Message');
  }
}

/** @internal Used by the stream framer: `buf` holds exactly one message; missing Content-Length means no body. */
export function parseFramed(buf: Buffer, limits: Readonly<ParserLimits>): ParseResult {
  try {
    return parseInner(buf, limits, true);
  } catch {
    return fail('INTERNAL', 'Unparseable Message');
  }
}

function parseInner(buf: Buffer, lim: Readonly<ParserLimits>, stream: boolean): ParseResult {
  const total = buf.length;
  if (total > lim.maxMessageBytes) return fail('MESSAGE_TOO_LARGE', 'Message Too Large', 513);
  let start = 0;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (start < total && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === total) return fail('EMPTY', 'Empty Message');

  let headEnd = buf.indexOf(CRLFCRLF, start);
  let noEnd = false;
  if (headEnd !== -1) headEnd += 4;
  else {
    headEnd = buf.indexOf(LFLF, start);
    if (headEnd !== -1) headEnd += 2;
    else {
      headEnd = total;
      noEnd = true;
    }
  }

  // Decode the header section once; field names/values are substrings of it. Pure ASCII and
  // invalid UTF-8 decode as latin1 (string index == byte offset); valid non-ASCII UTF-8 as utf8.
  const headBytes = buf.subarray(start, headEnd);
  let s: string;
  let utf8 = false;
  let latin1 = false;
  if (isAscii(headBytes)) s = buf.toString('latin1', start, headEnd);
  else if (isUtf8(headBytes)) {
    s = buf.toString('utf8', start, headEnd);
    utf8 = true;
  } else {
    s = buf.toString('latin1', start, headEnd);
    latin1 = true;
  }
  const src: HeadSource = { text: s, latin1 };
  const sn = s.length;
  const maxLine = lim.maxLineLength;

  // ---- start line
  let nl = s.indexOf('\n');
  if (nl === -1) nl = sn;
  let le = nl > 0 && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  if (le > maxLine) return fail('LINE_TOO_LONG', 'Request-Line Too Long');

  let isReq: boolean;
  let method = '';
  let ruri = '';
  let status = 0;
  let reason = '';
  let firstErr: ParseResult | null = null;
  const c0 = s.charCodeAt(0) | 0x20;
  if (
    c0 === 0x73 &&
    (s.charCodeAt(1) | 0x20) === 0x69 &&
    (s.charCodeAt(2) | 0x20) === 0x70 &&
    s.charCodeAt(3) === 47
  ) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
    isReq = false;
    const sp = s.indexOf(' ');
    if (sp === -1 || sp > le) return fail('BAD_START_LINE', 'Malformed Status-Line');
    const ver = s.slice(0, sp);
    if (ver.length !== 7 || ver.slice(4) !== '2.0') return fail('VERSION_NOT_SUPPORTED', 'Version Not Supported', 505);
    let i = sp + 1;
    let code = 0;
    const cs = i;
    while (i < le) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      code = code * 10 + d;
      i++;
      if (i - cs > 3) break;
    }
    if (i - cs !== 3 || code < 100 || code > 699) return fail('BAD_STATUS_CODE', 'Bad Status-Code');
    if (i < le && s.charCodeAt(i) !== 32) return fail('BAD_STATUS_CODE', 'Bad Status-Code');
    status = code;
    reason = i < le ? s.slice(i + 1, le) : '';
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 §7.1): exactly single SPs.
    isReq = true;
    const line = s.slice(0, le);
    const sp1 = line.indexOf(' ');
    const sp2 = sp1 === -1 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 === -1 || line.indexOf(' ', sp2 + 1) !== -1 || sp2 === sp1 + 1) {
      firstErr = fail('BAD_START_LINE', 'Malformed Request-Line');
      if (sp1 > 0) {
        method = line.slice(0, sp1);
        if (!isToken(method)) method = '';
      }
    } else {
      method = line.slice(0, sp1);
      ruri = line.slice(sp1 + 1, sp2);
      const ver = line.slice(sp2 + 1);
      if (!isToken(method)) {
        firstErr = fail('BAD_METHOD', 'Malformed Method');
        method = '';
      } else if (ver !== 'SIP/2.0' && ver.toUpperCase() !== 'SIP/2.0') {
        firstErr = isSipVersion(ver)
          ? fail('VERSION_NOT_SUPPORTED', 'Version Not Supported', 505)
          : fail('BAD_START_LINE', 'Malformed SIP-Version');
      }
    }
  }

  // ---- header fields: one pass over line boundaries; values are unfolded substrings.
  const fields: HeaderField[] = [];
  const maxHeaders = lim.maxHeaders;
  let pos = nl + 1;
  let bodyStr = -1; // string index just after the empty line
  while (pos < sn) {
    nl = s.indexOf('\n', pos);
    if (nl === -1) nl = sn;
    le = nl > pos && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (le === pos) {
      bodyStr = nl + 1;
      break;
    }
    if (le - pos > maxLine) {
      firstErr ??= fail('LINE_TOO_LONG', 'Header Line Too Long');
      pos = nl + 1;
      continue;
    }
    const lineStart = pos;
    // field-name = token, then optional WSP, then ':'
    let i = pos;
    let c = 0;
    while (i < le) {
      c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] === 0) break;
      i++;
    }
    const nameEnd = i;
    while (i < le && (c === 32 || c === 9)) c = s.charCodeAt(++i);
    if (nameEnd === lineStart || i >= le || c !== 58) {
      firstErr ??= fail('BAD_HEADER_LINE', lineStart === nameEnd && (c === 32 || c === 9) ? 'Unexpected Line Folding' : 'Malformed Header Line');
      pos = nl + 1;
      // skip its continuation lines too
      while (pos < sn && (s.charCodeAt(pos) === 32 || s.charCodeAt(pos) === 9)) {
        const n2 = s.indexOf('\n', pos);
        pos = n2 === -1 ? sn : n2 + 1;
      }
      continue;
    }
    i++;
    while (i < le) {
      c = s.charCodeAt(i);
      if (c !== 32 && c !== 9) break;
      i++;
    }
    let ve = le;
    while (ve > i) {
      c = s.charCodeAt(ve - 1);
      if (c !== 32 && c !== 9) break;
      ve--;
    }
    let value = s.slice(i, ve);
    let rawEnd = le;
    // LWS folding (RFC 3261 §7.3.1): continuation lines start with SP/HTAB.
    let next = nl + 1;
    while (next < sn) {
      const fc = s.charCodeAt(next);
      if (fc !== 32 && fc !== 9) break;
      let n2 = s.indexOf('\n', next);
      if (n2 === -1) n2 = sn;
      const l2 = n2 > next && s.charCodeAt(n2 - 1) === 13 ? n2 - 1 : n2;
      if (l2 - next > maxLine) {
        firstErr ??= fail('LINE_TOO_LONG', 'Header Line Too Long');
      }
      const piece = trimWs(s.slice(next, l2));
      if (piece !== '') value = value === '' ? piece : value + ' ' + piece;
      rawEnd = l2;
      nl = n2;
      next = n2 + 1;
    }
    if (fields.length >= maxHeaders) {
      return fail('TOO_MANY_HEADERS', 'Too Many Headers', 400, isReq ? partialReq(method, ruri, fields) : undefined);
    }
    const name = s.slice(lineStart, nameEnd);
    fields.push(new HeaderField(name, canonicalKey(name), value, src, lineStart, rawEnd));
    pos = nl + 1;
  }

  if (firstErr !== null) return withPartial(firstErr, isReq, method, ruri, fields);
  if (noEnd || bodyStr === -1) {
    return fail('NO_HEADER_END', 'Missing Empty Line After Headers', 400, isReq ? partialReq(method, ruri, fields) : undefined);
  }

  const headers = new Headers(fields);

  // ---- mandatory and single-valued headers (RFC 3261 §8.1.1, §20)
  let viaF: HeaderField | undefined;
  let fromF: HeaderField | undefined;
  let toF: HeaderField | undefined;
  let callF: HeaderField | undefined;
  let cseqF: HeaderField | undefined;
  let mfF: HeaderField | undefined;
  let clF: HeaderField | undefined;
  let dup: string | undefined;
  let clCount = 0;
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k];
    switch (f.key) {
      case 'via':
        viaF ??= f;
        break;
      case 'from':
        if (fromF !== undefined) dup ??= 'From';
        fromF = f;
        break;
      case 'to':
        if (toF !== undefined) dup ??= 'To';
        toF = f;
        break;
      case 'call-id':
        if (callF !== undefined) dup ??= 'Call-ID';
        callF = f;
        break;
      case 'cseq':
        if (cseqF !== undefined) dup ??= 'CSeq';
        cseqF = f;
        break;
      case 'max-forwards':
        if (mfF !== undefined) dup ??= 'Max-Forwards';
        mfF = f;
        break;
      case 'content-length':
        clCount++;
        if (clF !== undefined && trimWs(clF.value) !== trimWs(f.value)) dup ??= 'Content-Length';
        clF ??= f;
        break;
    }
  }
  const mk = (): SipRequest | undefined => (isReq ? mkPartial(method, ruri, headers) : undefined);
  if (viaF === undefined || fromF === undefined || toF === undefined || callF === undefined || cseqF === undefined) {
    const present = [viaF, fromF, toF, callF, cseqF];
    const missing = MANDATORY.filter((_m, idx) => present[idx] === undefined).map((m) => m[1]);
    return fail('MISSING_HEADER', 'Missing ' + missing.join(', ') + ' Header' + (missing.length > 1 ? 's' : ''), 400, mk());
  }
  if (dup !== undefined) return fail('MULTIPLE_VALUES', 'Multiple ' + dup + ' Headers', 400, mk());

  const callId = callF.value;
  if (!isWordAtWord(callId)) return fail('BAD_CALL_ID', 'Malformed Call-ID Header', 400, mk());

  const cseq = parseCSeq(cseqF.value);
  if (cseq === null) return fail('BAD_CSEQ', 'Malformed CSeq Header', 400, mk());
  if (isReq && cseq.method !== method) return fail('CSEQ_METHOD_MISMATCH', 'CSeq Method Does Not Match Request Method', 400, mk());

  const vias: Via[] = [];
  if (!parseViaList(viaF.value, vias, true)) return fail('BAD_VIA', 'Malformed Via Header', 400, mk());
  const from = parseNameAddr(fromF.value);
  if (from === null) return fail('BAD_FROM', 'Malformed From Header', 400, mk());
  const to = parseNameAddr(toF.value);
  if (to === null) return fail('BAD_TO', 'Malformed To Header', 400, mk());

  if (mfF !== undefined && parseDigits(trimWs(mfF.value), Number.MAX_SAFE_INTEGER) < 0) {
    return fail('BAD_MAX_FORWARDS', 'Malformed Max-Forwards Header', 400, mk());
  }

  // ---- body (RFC 3261 §18.3, §20.14)
  let bodyStart: number;
  if (bodyStr === sn) bodyStart = headEnd;
  else bodyStart = start + (utf8 ? Buffer.byteLength(s.slice(0, bodyStr), 'utf8') : bodyStr);
  const avail = total - bodyStart;
  let cl = -1;
  if (clF !== undefined) {
    cl = parseDigits(trimWs(clF.value), 0x7fffffff);
    if (cl < 0) return fail('BAD_CONTENT_LENGTH', 'Malformed Content-Length Header', 400, mk());
    if (cl > avail) return fail('BODY_TRUNCATED', 'Content-Length Exceeds Message Size', 400, mk());
  } else cl = stream ? 0 : avail;
  const body = cl === 0 ? EMPTY_BODY : buf.subarray(bodyStart, bodyStart + cl);

  let msg: SipMessage;
  if (isReq) {
    const uri = parseUri(ruri);
    if (uri === null) return fail('BAD_REQUEST_URI', 'Malformed Request-URI', 400, mk());
    // A SIP Request-URI must not carry URI headers (RFC 3261 §19.1.5 table, RFC 4475 §3.1.2.11).
    if (uri.isSip && uri.headers.size > 0) return fail('BAD_REQUEST_URI', 'Request-URI Must Not Contain Headers', 400, mk());
    msg = new SipRequest(method, ruri, headers, body);
  } else {
    msg = new SipResponse(status, reason, headers, body);
  }
  msg._c = { version: 0, topVia: vias[0], from, to, cseq: cseq as CSeq };
  msg._raw = {
    buf,
    start,
    headEnd: bodyStart,
    startLine0: isReq ? method : '',
    startLine1: isReq ? ruri : reason,
    status,
    body,
    clExact: clF !== undefined && clCount === 1,
  };
  return { ok: true, message: msg };
}

const EMPTY_BODY = Buffer.alloc(0);

function isSipVersion(v: string): boolean {
  if (v.length < 7 || v.slice(0, 4).toUpperCase() !== 'SIP/') return false;
  const dot = v.indexOf('.', 4);
  return dot > 4 && parseDigits(v.slice(4, dot), 1e9) >= 0 && parseDigits(v.slice(dot + 1), 1e9) >= 0;
}

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1). */
function isWordAtWord(v: string): boolean {
  const n = v.length;
  if (n === 0) return false;
  let at = false;
  let seg = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 64) {
      if (at || seg === 0) return false;
      at = true;
      seg = 0;
      continue;
    }
    if (c >= 128 || WORD[c] === 0) return false;
    seg++;
  }
  return seg > 0;
}

function mkPartial(method: string, ruri: string, headers: Headers): SipRequest {
  return new SipRequest(method, ruri, headers);
}

function partialReq(method: string, ruri: string, fields: HeaderField[]): SipRequest {
  return new SipRequest(method, ruri, new Headers(fields));
}

function withPartial(r: ParseResult, isReq: boolean, method: string, ruri: string, fields: HeaderField[]): ParseResult {
  if (r.ok || !isReq) return r;
  const e = r.error;
  return fail(e.code, e.reason, e.status, partialReq(method, ruri, fields));
}
