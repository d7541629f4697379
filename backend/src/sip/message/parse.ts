import { isAscii, isUtf8 } from 'node:buffer';
import { TOKEN, WORD, isToken, parseDigits, trimWs } from './chars.js';
import type { SipParseErrorCode } from './errors.js';
import type { SipParseError } from './parse-error.js';
import { HeaderField, type HeadSource, Headers, type KnownName, canonicalKey, knownExact, matchKnownName } from './headers.js';
import { type SipMessage, SipRequest, SipResponse, parseCSeq } from './message.js';
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
const CRLF = Buffer.from('\r\n', 'latin1');
/** Messages up to this size are decoded whole, so the header end is found by a string search. */
const WHOLE_DECODE_MAX = 8192;

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}
// Buffer#latin1Slice skips toString()'s argument normalisation; fall back if a runtime lacks it.
const HAS_LATIN1_SLICE = typeof (Buffer.prototype as unknown as Partial<Latin1Slicer>).latin1Slice === 'function';
function latin1(buf: Buffer, a: number, b: number): string {
  return HAS_LATIN1_SLICE ? (buf as unknown as Latin1Slicer).latin1Slice(a, b) : buf.toString('latin1', a, b);
}

/** Resolve partial limits against the defaults (no allocation when none are given). */
export function resolveLimits(l: Partial<ParserLimits> | undefined): Readonly<ParserLimits> {
  if (l === undefined) return DEFAULT_LIMITS;
  return {
    maxMessageBytes: l.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes,
    maxHeaders: l.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    maxLineLength: l.maxLineLength ?? DEFAULT_LIMITS.maxLineLength,
  };
}

function fail(code: SipParseErrorCode, reason: string, status: number, partial: SipRequest | null): ParseResult {
  let canRespond = false;
  if (partial !== null) {
    const h = partial.headers;
    canRespond = h.has('via') && h.has('from') && h.has('to') && h.has('call-id') && h.has('cseq');
  }
  const error: SipParseError = { code, reason, status, canRespond };
  if (partial !== null) error.partial = partial;
  return { ok: false, error };
}

/**
 * Parse one SIP message from a datagram (RFC 3261 §7, §18.3). Never throws.
 * Body length comes from Content-Length; without it the body is the rest of the datagram;
 * octets beyond Content-Length are discarded (§18.3). The body is a view of `buf`, so the
 * caller must not reuse `buf` while the message is alive.
 */
export function parseMessage(buf: Buffer, limits?: Partial<ParserLimits>): ParseResult {
  try {
    return parseInner(buf, resolveLimits(limits), false);
  } catch {
    // Defensive: a parser bug must not take the worker down; report it as a 400.
    return fail('INTERNAL', 'Unparseable Message', 400, null);
  }
}

/** @internal Used by the stream framer: `buf` holds exactly one message; missing Content-Length means no body. */
export function parseFramed(buf: Buffer, limits: Readonly<ParserLimits>): ParseResult {
  try {
    return parseInner(buf, limits, true);
  } catch {
    return fail('INTERNAL', 'Unparseable Message', 400, null);
  }
}

// Partial-parse state handed to error construction (module-level: parsing is synchronous).
let pMethod = '';
let pRuri = '';
let pIsReq = false;

function partial(fields: HeaderField[] | Headers): SipRequest | null {
  if (!pIsReq) return null;
  return new SipRequest(pMethod, pRuri, fields instanceof Headers ? fields : new Headers(fields));
}

function parseInner(buf: Buffer, lim: Readonly<ParserLimits>, stream: boolean): ParseResult {
  const total = buf.length;
  pIsReq = false;
  pMethod = '';
  pRuri = '';
  if (total > lim.maxMessageBytes) return tooLarge(buf, lim);
  let start = 0;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (start < total && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === total) return fail('EMPTY', 'Empty Message', 400, null);

  // Decode the header section once as a string; header names/values are substrings of it.
  // Pure ASCII (the common case) and invalid UTF-8 decode as latin1 so string index == byte
  // offset; valid non-ASCII UTF-8 decodes as utf8 (then the head is decoded on its own).
  let s: string;
  let p0: number; // string index of the start line
  let sn: number; // string index bounding the header scan (the empty line is found by the line loop)
  let base = 0; // byte offset of string index 0 (latin1 decodes only)
  let utf8 = false;
  let latin1Src = false;
  if (total <= WHOLE_DECODE_MAX) {
    s = latin1(buf, 0, total);
    p0 = start;
    sn = total;
    if (!isAscii(buf)) {
      let he = s.indexOf('\r\n\r\n', start);
      if (he !== -1) he += 4;
      else {
        he = s.indexOf('\n\n', start);
        he = he !== -1 ? he + 2 : total;
      }
      const head = buf.subarray(start, he);
      if (!isAscii(head)) {
        if (isUtf8(head)) {
          s = buf.toString('utf8', start, he);
          p0 = 0;
          sn = s.length;
          utf8 = true;
        } else latin1Src = true;
      }
    }
  } else {
    let he = buf.indexOf(CRLFCRLF, start);
    if (he !== -1) he += 4;
    else {
      he = buf.indexOf(LFLF, start);
      he = he !== -1 ? he + 2 : total;
    }
    const head = buf.subarray(start, he);
    if (isAscii(head)) s = latin1(buf, start, he);
    else if (isUtf8(head)) {
      s = buf.toString('utf8', start, he);
      utf8 = true;
    } else {
      s = latin1(buf, start, he);
      latin1Src = true;
    }
    p0 = 0;
    sn = s.length;
    base = start;
  }
  const src: HeadSource = { text: s, latin1: latin1Src };
  const maxLine = lim.maxLineLength;

  // ---- start line
  let nl = s.indexOf('\n', p0);
  if (nl === -1 || nl > sn) nl = sn;
  let le = nl > p0 && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  if (le - p0 > maxLine) return fail('LINE_TOO_LONG', 'Start Line Too Long', 400, null);

  let isReq: boolean;
  let method = '';
  let ruri = '';
  let status = 0;
  let reason = '';
  let firstErr: ParseResult | null = null;
  if (
    (s.charCodeAt(p0) | 0x20) === 0x73 &&
    (s.charCodeAt(p0 + 1) | 0x20) === 0x69 &&
    (s.charCodeAt(p0 + 2) | 0x20) === 0x70 &&
    s.charCodeAt(p0 + 3) === 47
  ) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
    isReq = false;
    const sp = s.indexOf(' ', p0);
    if (sp === -1 || sp > le) return fail('BAD_START_LINE', 'Malformed Status-Line', 400, null);
    if (sp - p0 !== 7 || s.charCodeAt(p0 + 4) !== 50 || s.charCodeAt(p0 + 5) !== 46 || s.charCodeAt(p0 + 6) !== 48) {
      return fail('VERSION_NOT_SUPPORTED', 'Version Not Supported', 505, null);
    }
    let i = sp + 1;
    let code = 0;
    const cs = i;
    while (i < le && i - cs <= 3) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      code = code * 10 + d;
      i++;
    }
    if (i - cs !== 3 || code < 100 || code > 699 || (i < le && s.charCodeAt(i) !== 32)) {
      return fail('BAD_STATUS_CODE', 'Malformed Status-Code', 400, null);
    }
    status = code;
    reason = i < le ? s.slice(i + 1, le) : '';
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 §7.1): exactly single SPs.
    isReq = true;
    let sp1 = s.indexOf(' ', p0);
    if (sp1 > le) sp1 = -1;
    let sp2 = sp1 === -1 ? -1 : s.indexOf(' ', sp1 + 1);
    if (sp2 > le) sp2 = -1;
    if (sp1 > p0) {
      method = s.slice(p0, sp1);
      if (!isToken(method)) {
        firstErr = fail('BAD_METHOD', 'Malformed Method', 400, null);
        method = '';
      }
    }
    if (firstErr !== null) {
      // already failed
    } else if (sp1 <= p0 || sp2 === -1) {
      firstErr = fail('BAD_START_LINE', sp1 === p0 ? 'Leading Whitespace In Request-Line' : 'Malformed Request-Line', 400, null);
    } else if (sp2 === sp1 + 1 || s.charCodeAt(le - 1) === 32) {
      firstErr = fail('BAD_START_LINE', sp2 === sp1 + 1 ? 'Multiple SP In Request-Line' : 'Trailing Whitespace In Request-Line', 400, null);
    } else {
      ruri = s.slice(sp1 + 1, sp2);
      const vs = sp2 + 1;
      if (s.indexOf(' ', vs) !== -1 && s.indexOf(' ', vs) < le) {
        firstErr = fail('BAD_START_LINE', 'Whitespace In Request-URI', 400, null);
      } else if (!(le - vs === 7 && isSip20(s, vs))) {
        const ver = s.slice(vs, le);
        firstErr = isSipVersion(ver)
          ? fail('VERSION_NOT_SUPPORTED', 'Version Not Supported', 505, null)
          : fail('BAD_START_LINE', 'Malformed SIP-Version', 400, null);
      }
    }
  }
  pIsReq = isReq;
  pMethod = method;
  pRuri = ruri;

  // ---- header fields: one pass over line boundaries; values are unfolded substrings.
  const fields: HeaderField[] = [];
  const maxHeaders = lim.maxHeaders;
  let pos = nl + 1;
  let bodyStr = -1; // string index just after the empty line
  let colonAt = -1; // next ':' at or after the current line (monotonic search cache)
  while (pos < sn) {
    nl = s.indexOf('\n', pos);
    if (nl === -1 || nl > sn) nl = sn;
    le = nl > pos && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (le === pos) {
      bodyStr = nl + 1;
      break;
    }
    if (le - pos > maxLine) {
      firstErr ??= fail('LINE_TOO_LONG', 'Header Line Too Long', 400, null);
      pos = nl + 1;
      continue;
    }
    const lineStart = pos;
    // field-name = token, optional WSP, ':' (HCOLON, RFC 3261 §25.1). The colon search only moves
    // forward (cached), so lines without one cannot make the scan quadratic.
    if (colonAt < pos) {
      colonAt = s.indexOf(':', pos);
      if (colonAt === -1) colonAt = sn;
    }
    let c = s.charCodeAt(pos);
    let i = colonAt;
    let nameEnd = i;
    let known: KnownName | null = null;
    let bad = c === 32 || c === 9 || i >= le;
    if (!bad) {
      while (nameEnd > pos && (s.charCodeAt(nameEnd - 1) === 32 || s.charCodeAt(nameEnd - 1) === 9)) nameEnd--;
      bad = nameEnd === pos;
    }
    if (!bad) {
      known = matchKnownName(s, pos, nameEnd);
      if (known === null) {
        for (let k = pos; k < nameEnd; k++) {
          const ch = s.charCodeAt(k);
          if (ch >= 128 || TOKEN[ch] === 0) {
            bad = true;
            break;
          }
        }
      }
    }
    if (bad) {
      firstErr ??= fail(
        'BAD_HEADER_LINE',
        c === 32 || c === 9 ? 'Unexpected Line Folding' : i >= le ? 'Header Line Without Colon' : 'Malformed Header Name',
        400,
        null,
      );
      pos = nl + 1;
      while (pos < sn && (s.charCodeAt(pos) === 32 || s.charCodeAt(pos) === 9)) {
        const n2 = s.indexOf('\n', pos);
        pos = n2 === -1 || n2 > sn ? sn : n2 + 1;
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
    let value: string | null = null;
    const vs = i;
    let rawEnd = le;
    // LWS folding (RFC 3261 §7.3.1): continuation lines start with SP/HTAB; each fold becomes one SP.
    let next = nl + 1;
    while (next < sn) {
      const fc = s.charCodeAt(next);
      if (fc !== 32 && fc !== 9) break;
      let n2 = s.indexOf('\n', next);
      if (n2 === -1 || n2 > sn) n2 = sn;
      const l2 = n2 > next && s.charCodeAt(n2 - 1) === 13 ? n2 - 1 : n2;
      if (l2 - next > maxLine) firstErr ??= fail('LINE_TOO_LONG', 'Header Line Too Long', 400, null);
      const piece = trimWs(s.slice(next, l2));
      value ??= s.slice(vs, ve);
      if (piece !== '') value = value === '' ? piece : value + ' ' + piece;
      rawEnd = l2;
      nl = n2;
      next = n2 + 1;
    }
    if (fields.length >= maxHeaders) return fail('TOO_MANY_HEADERS', 'Too Many Headers', 400, partial(fields));
    let name: string;
    let key: string;
    if (known !== null) {
      key = known.key;
      name = knownExact ? known.display : s.slice(lineStart, nameEnd);
    } else {
      name = s.slice(lineStart, nameEnd);
      key = canonicalKey(name);
    }
    fields.push(new HeaderField(name, key, value, src, lineStart, rawEnd));
    pos = nl + 1;
  }

  if (firstErr !== null) {
    if (firstErr.ok || !isReq) return firstErr;
    return fail(firstErr.error.code, firstErr.error.reason, firstErr.error.status, partial(fields));
  }
  // The empty line may come before the CRLFCRLF found above (bare-LF line ends): the loop decides.
  if (bodyStr === -1) return fail('NO_HEADER_END', 'Missing Empty Line After Headers', 400, partial(fields));

  const headers = new Headers(fields);

  // ---- mandatory and single-valued headers (RFC 3261 §8.1.1, §20)
  let viaF: HeaderField | null = null;
  let fromF: HeaderField | null = null;
  let toF: HeaderField | null = null;
  let callF: HeaderField | null = null;
  let cseqF: HeaderField | null = null;
  let mfF: HeaderField | null = null;
  let clF: HeaderField | null = null;
  let dup: string | null = null;
  let clCount = 0;
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k];
    switch (f.key) {
      case 'via':
        if (viaF === null) viaF = f;
        break;
      case 'from':
        if (fromF !== null) dup ??= 'From';
        fromF = f;
        break;
      case 'to':
        if (toF !== null) dup ??= 'To';
        toF = f;
        break;
      case 'call-id':
        if (callF !== null) dup ??= 'Call-ID';
        callF = f;
        break;
      case 'cseq':
        if (cseqF !== null) dup ??= 'CSeq';
        cseqF = f;
        break;
      case 'max-forwards':
        if (mfF !== null) dup ??= 'Max-Forwards';
        mfF = f;
        break;
      case 'content-length':
        clCount++;
        if (clF !== null && trimWs(clF.value) !== trimWs(f.value)) dup ??= 'Content-Length';
        if (clF === null) clF = f;
        break;
    }
  }
  if (viaF === null || fromF === null || toF === null || callF === null || cseqF === null) {
    let missing = '';
    let count = 0;
    const add = (present: HeaderField | null, n: string): void => {
      if (present === null) {
        missing += (count++ > 0 ? ', ' : '') + n;
      }
    };
    add(viaF, 'Via');
    add(fromF, 'From');
    add(toF, 'To');
    add(callF, 'Call-ID');
    add(cseqF, 'CSeq');
    return fail('MISSING_HEADER', 'Missing ' + missing + (count > 1 ? ' Headers' : ' Header'), 400, partial(headers));
  }
  if (dup !== null) return fail('MULTIPLE_VALUES', 'Multiple ' + dup + ' Headers', 400, partial(headers));
  if (!isWordAtWord(callF.value)) return fail('BAD_CALL_ID', 'Malformed Call-ID Header', 400, partial(headers));

  const cseq = parseCSeq(cseqF.value);
  if (cseq === null) return fail('BAD_CSEQ', 'Malformed CSeq Header', 400, partial(headers));
  if (isReq && cseq.method !== method)
    return fail('CSEQ_METHOD_MISMATCH', 'CSeq Method Does Not Match Request Method', 400, partial(headers));

  const vias: Via[] = [];
  if (!parseViaList(viaF.value, vias, true)) return fail('BAD_VIA', 'Malformed Via Header', 400, partial(headers));
  const from = parseNameAddr(fromF.value);
  if (from === null) return fail('BAD_FROM', 'Malformed From Header', 400, partial(headers));
  const to = parseNameAddr(toF.value);
  if (to === null) return fail('BAD_TO', 'Malformed To Header', 400, partial(headers));
  if (mfF !== null && parseDigits(trimWs(mfF.value), Number.MAX_SAFE_INTEGER) < 0) {
    return fail('BAD_MAX_FORWARDS', 'Malformed Max-Forwards Header', 400, partial(headers));
  }

  // ---- body (RFC 3261 §18.3, §20.14)
  const bodyStart = utf8 ? start + Buffer.byteLength(s.slice(0, bodyStr), 'utf8') : base + bodyStr;
  const avail = total - bodyStart;
  let cl: number;
  if (clF !== null) {
    cl = parseDigits(trimWs(clF.value), 0x7fffffff);
    if (cl < 0) return fail('BAD_CONTENT_LENGTH', 'Malformed Content-Length Header', 400, partial(headers));
    if (cl > avail) return fail('BODY_TRUNCATED', 'Content-Length Exceeds Message Size', 400, partial(headers));
  } else cl = stream ? 0 : avail;

  let msg: SipMessage;
  if (isReq) {
    const uri = parseUri(ruri);
    if (uri === null) return fail('BAD_REQUEST_URI', 'Malformed Request-URI', 400, partial(headers));
    // A SIP Request-URI must not carry URI headers (RFC 3261 §19.1.5 table, RFC 4475 §3.1.2.11).
    if (uri.isSip && uri.hasHeaders) return fail('BAD_REQUEST_URI', 'Request-URI Must Not Contain Headers', 400, partial(headers));
    const rq = new SipRequest(method, ruri, headers, null);
    rq._uriText = ruri;
    rq._uri = uri;
    msg = rq;
  } else {
    msg = new SipResponse(status, reason, headers, null);
  }
  msg._c = { headers, version: 0, topVia: vias[0], from, to, cseq };
  msg._raw = {
    buf,
    headers,
    start,
    headEnd: bodyStart,
    bodyEnd: bodyStart + cl,
    startLine0: method,
    startLine1: isReq ? ruri : reason,
    status,
    body: null,
    clExact: clCount === 1,
  };
  return { ok: true, message: msg };
}

/**
 * 513 for an oversized message (RFC 3261 §18.1.1/§21.5.11). If the header section fits the limit,
 * it is parsed on its own so the caller still gets a partial request to answer.
 */
export function tooLarge(buf: Buffer, lim: Readonly<ParserLimits>): ParseResult {
  const window = buf.subarray(0, Math.min(buf.length, lim.maxMessageBytes));
  const he = window.indexOf(CRLFCRLF);
  let p: SipRequest | null = null;
  if (he !== -1) {
    const r = parseInner(window.subarray(0, he + 4), lim, true);
    if (r.ok) p = r.message instanceof SipRequest ? r.message : null;
    else p = r.error.partial ?? null;
  }
  return fail('MESSAGE_TOO_LARGE', 'Message Too Large', 513, p);
}

/**
 * @internal Stream framer: a limit was hit before the header section ended. `head` holds the complete lines received
 * (start line first); they are parsed so the caller can still answer (RFC 3261 §8.2.6) when the start line, Via,
 * From, To, Call-ID and CSeq are among them. Always an error result with `code`.
 */
export function limitExceeded(
  head: Buffer,
  lim: Readonly<ParserLimits>,
  code: SipParseErrorCode,
  reason: string,
  status: number,
): ParseResult {
  let p: SipRequest | null = null;
  if (head.length > 0) {
    const r = parseFramed(Buffer.concat([head, CRLF]), lim);
    if (r.ok) p = r.message instanceof SipRequest ? r.message : null;
    else p = r.error.partial ?? null;
  }
  return fail(code, reason, status, p);
}

/** "SIP/2.0" at s[i..i+7), case-insensitive "SIP" (RFC 3261 §7.1). */
function isSip20(s: string, i: number): boolean {
  return (
    (s.charCodeAt(i) | 0x20) === 0x73 &&
    (s.charCodeAt(i + 1) | 0x20) === 0x69 &&
    (s.charCodeAt(i + 2) | 0x20) === 0x70 &&
    s.charCodeAt(i + 3) === 47 &&
    s.charCodeAt(i + 4) === 50 &&
    s.charCodeAt(i + 5) === 46 &&
    s.charCodeAt(i + 6) === 48
  );
}

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
