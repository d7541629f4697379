import { SipHeaderError } from './errors.js';
import { Headers } from './headers.js';
import { isToken, parseDigits, skipWs, trimWs } from './chars.js';
import { type NameAddr, type SipUri, parseNameAddr, parseNameAddrList, parseUri } from './uri.js';
import { type Via, parseViaList } from './via.js';
import { splitList } from './headers.js';

/** CSeq header value (RFC 3261 §20.16). */
export interface CSeq {
  seq: number;
  method: string;
}

/** @internal Received bytes kept for byte-exact serialization of unmodified messages. */
export interface RawSource {
  buf: Buffer;
  /** The Headers object parsed from `buf` (a replaced Headers object disables the byte copy). */
  headers: Headers;
  /** Byte offset where the message starts (after any leading CRLFs). */
  start: number;
  /** Byte offset just past the empty line ending the header section (= body start). */
  headEnd: number;
  /** Byte offset of the end of the body. */
  bodyEnd: number;
  startLine0: string;
  startLine1: string;
  status: number;
  /** The body view once materialized by the `body` getter. */
  body: Buffer | null;
  /** True when the received Content-Length equals the body length and occurs once. */
  clExact: boolean;
}

interface ViewCache {
  /** The Headers object and its version the cached views were parsed from. */
  headers: Headers;
  version: number;
  vias?: Via[];
  topVia?: Via | null;
  from?: NameAddr;
  to?: NameAddr;
  cseq?: CSeq;
  routes?: NameAddr[];
  recordRoutes?: NameAddr[];
  contacts?: NameAddr[];
  paths?: NameAddr[];
}

/** Parse a CSeq value `1*DIGIT LWS Method` (RFC 3261 §20.16); seq must be < 2**31 per §8.1.1.5. */
export function parseCSeq(v: string): CSeq | null {
  const n = v.length;
  let i = skipWs(v, 0);
  const ds = i;
  let seq = 0;
  while (i < n) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    seq = seq * 10 + d;
    if (seq > 0xffffffff) return null;
    i++;
  }
  if (i === ds) return null;
  const ws = skipWs(v, i);
  if (ws === i) return null;
  const method = trimWs(v.slice(ws));
  if (!isToken(method)) return null;
  return { seq, method };
}

function parseNameAddrs(h: Headers, name: string, code: 'BAD_HEADER_VALUE'): NameAddr[] {
  const out: NameAddr[] = [];
  const key = name.toLowerCase();
  for (const f of h.fields) {
    if (f.key !== key) continue;
    if (!parseNameAddrList(f.value, out)) throw new SipHeaderError(code, 'Malformed ' + f.name + ' Header');
  }
  return out;
}

export const EMPTY: Buffer = Buffer.alloc(0);

/** Common part of requests and responses: headers, body and lazily parsed, cached header views. */
abstract class SipMessageBase {
  headers: Headers;
  /** @internal Body, or null while it is still only a byte range of the received buffer. */
  _body: Buffer | null;
  /** @internal */
  _raw: RawSource | null;
  /** @internal */
  _c: ViewCache | null;

  constructor(headers: Headers, body: Buffer | null) {
    this.headers = headers;
    this._body = body;
    this._raw = null;
    this._c = null;
  }

  /** Message body (RFC 3261 §7.4), opaque bytes; for received messages a view of the received buffer. */
  get body(): Buffer {
    let b = this._body;
    if (b === null) {
      const r = this._raw;
      if (r === null) b = EMPTY;
      else {
        b = r.bodyEnd > r.headEnd ? r.buf.subarray(r.headEnd, r.bodyEnd) : EMPTY;
        r.body = b;
      }
      this._body = b;
    }
    return b;
  }

  set body(b: Buffer) {
    this._body = b;
  }

  protected cache(): ViewCache {
    const c = this._c;
    const h = this.headers;
    if (c !== null && c.version === h.version && c.headers === h) return c;
    const nc: ViewCache = { headers: h, version: h.version };
    this._c = nc;
    return nc;
  }

  /** All Via values, topmost first (RFC 3261 §20.42). Throws SipHeaderError if any is malformed. */
  vias(): Via[] {
    const c = this.cache();
    if (c.vias !== undefined) return c.vias;
    const out: Via[] = [];
    for (const f of this.headers.fields) {
      if (f.key === 'via' && !parseViaList(f.value, out)) throw new SipHeaderError('BAD_VIA', 'Malformed Via Header');
    }
    c.vias = out;
    c.topVia = out.length > 0 ? out[0] : null;
    return out;
  }

  /** The topmost Via value without parsing the rest; undefined if there is no Via. Throws if malformed. */
  topVia(): Via | undefined {
    const c = this.cache();
    if (c.topVia !== undefined) return c.topVia ?? undefined;
    const fields = this.headers.fields;
    for (let i = 0; i < fields.length; i++) {
      if (fields[i].key !== 'via') continue;
      const out: Via[] = [];
      if (!parseViaList(fields[i].value, out, true)) throw new SipHeaderError('BAD_VIA', 'Malformed Via Header');
      c.topVia = out[0];
      return out[0];
    }
    c.topVia = null;
    return undefined;
  }

  /** Call-ID (RFC 3261 §20.8); '' if absent. */
  get callId(): string {
    return this.headers.get('call-id') ?? '';
  }

  /** CSeq (RFC 3261 §20.16). Throws SipHeaderError if missing or malformed. */
  cseq(): CSeq {
    const c = this.cache();
    if (c.cseq !== undefined) return c.cseq;
    const v = this.headers.get('cseq');
    const cs = v === undefined ? null : parseCSeq(v);
    if (cs === null) throw new SipHeaderError('BAD_CSEQ', v === undefined ? 'Missing CSeq Header' : 'Malformed CSeq Header');
    c.cseq = cs;
    return cs;
  }

  /** From (RFC 3261 §20.20). Throws SipHeaderError if missing or malformed. */
  from(): NameAddr {
    const c = this.cache();
    if (c.from !== undefined) return c.from;
    const v = this.headers.get('from');
    const na = v === undefined ? null : parseNameAddr(v);
    if (na === null) throw new SipHeaderError('BAD_FROM', v === undefined ? 'Missing From Header' : 'Malformed From Header');
    c.from = na;
    return na;
  }

  /** To (RFC 3261 §20.39). Throws SipHeaderError if missing or malformed. */
  to(): NameAddr {
    const c = this.cache();
    if (c.to !== undefined) return c.to;
    const v = this.headers.get('to');
    const na = v === undefined ? null : parseNameAddr(v);
    if (na === null) throw new SipHeaderError('BAD_TO', v === undefined ? 'Missing To Header' : 'Malformed To Header');
    c.to = na;
    return na;
  }

  /**
   * Max-Forwards (RFC 3261 §20.22). Undefined when absent or out of the 0-255 range
   * (RFC 4475 §3.1.2.4 allows treating an out-of-range value as absent).
   */
  maxForwards(): number | undefined {
    const v = this.headers.get('max-forwards');
    if (v === undefined) return undefined;
    const n = parseDigits(trimWs(v), 255);
    return n < 0 ? undefined : n;
  }

  /** Route values, topmost first (RFC 3261 §20.34). Throws SipHeaderError if malformed. */
  routes(): NameAddr[] {
    const c = this.cache();
    return (c.routes ??= parseNameAddrs(this.headers, 'route', 'BAD_HEADER_VALUE'));
  }

  /** Record-Route values, topmost first (RFC 3261 §20.30). */
  recordRoutes(): NameAddr[] {
    const c = this.cache();
    return (c.recordRoutes ??= parseNameAddrs(this.headers, 'record-route', 'BAD_HEADER_VALUE'));
  }

  /** Path values (RFC 3327). */
  paths(): NameAddr[] {
    const c = this.cache();
    return (c.paths ??= parseNameAddrs(this.headers, 'path', 'BAD_HEADER_VALUE'));
  }

  /**
   * Contact values (RFC 3261 §20.10). The wildcard `Contact: *` (REGISTER removal) yields []
   * and {@link contactWildcard} is true.
   */
  contacts(): NameAddr[] {
    const c = this.cache();
    if (c.contacts !== undefined) return c.contacts;
    if (this.contactWildcard()) return (c.contacts = []);
    return (c.contacts = parseNameAddrs(this.headers, 'contact', 'BAD_HEADER_VALUE'));
  }

  /** True when the only Contact value is `*` (RFC 3261 §10.2.2). */
  contactWildcard(): boolean {
    const v = this.headers.get('contact');
    return v !== undefined && v.length <= 3 && trimWs(v) === '*';
  }

  /** Option tags of Supported (RFC 3261 §20.37). */
  supported(): string[] {
    return this.headers.getAll('supported');
  }

  /** Option tags of Require (RFC 3261 §20.32). */
  require(): string[] {
    return this.headers.getAll('require');
  }

  /** Option tags of Proxy-Require (RFC 3261 §20.29). */
  proxyRequire(): string[] {
    return this.headers.getAll('proxy-require');
  }

  /** Length of the body; serialize() writes this as Content-Length (RFC 3261 §20.14). */
  get contentLength(): number {
    const r = this._raw;
    return this._body === null && r !== null ? r.bodyEnd - r.headEnd : this.body.length;
  }
}

/** A SIP request (RFC 3261 §7.1). */
export class SipRequest extends SipMessageBase {
  method: string;
  requestUri: string;
  /** @internal Request-URI text the cached parse belongs to. */
  _uriText: string | null;
  /** @internal */
  _uri: SipUri | null;

  constructor(method: string, requestUri: string, headers?: Headers, body?: Buffer | null) {
    super(headers ?? new Headers(), body === undefined ? EMPTY : body);
    this.method = method;
    this.requestUri = requestUri;
    this._uriText = null;
    this._uri = null;
  }

  /** The parsed Request-URI (cached against `requestUri`); null if it is not a valid URI. */
  uri(): SipUri | null {
    if (this._uriText !== this.requestUri) {
      this._uriText = this.requestUri;
      this._uri = parseUri(this.requestUri);
    }
    return this._uri;
  }

  /** A modifiable copy (headers array copied; fields are immutable and shared; body shared). */
  clone(): SipRequest {
    return new SipRequest(this.method, this.requestUri, this.headers.clone(), this.body);
  }
}

/** A SIP response (RFC 3261 §7.2). */
export class SipResponse extends SipMessageBase {
  status: number;
  reason: string;

  constructor(status: number, reason: string, headers?: Headers, body?: Buffer | null) {
    super(headers ?? new Headers(), body === undefined ? EMPTY : body);
    this.status = status;
    this.reason = reason;
  }

  clone(): SipResponse {
    return new SipResponse(this.status, this.reason, this.headers.clone(), this.body);
  }
}

export type SipMessage = SipRequest | SipResponse;

export function isRequest(m: SipMessage): m is SipRequest {
  return m instanceof SipRequest;
}

export function isResponse(m: SipMessage): m is SipResponse {
  return m instanceof SipResponse;
}

export { splitList };
