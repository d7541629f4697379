import { HNV, IPV6, PARAMCHAR, PASSWORD, SCHEME, TOKEN, URIC, USER, quote, quotedEnd, scanHost, skipWs, trimWs, unquote } from './chars.js';

/** Ordered parameter map; names lower-cased (RFC 3261 §19.1.4: parameter names compare case-insensitively). */
export type Params = Map<string, string | null>;

/**
 * Parameters kept as their validated raw `;name=value...` text until first read (most messages never read them), then
 * an ordered map. Shared by URIs (RFC 3261 §19.1.1 uri-parameters), name-addr header parameters (§20.10) and Via
 * (§20.42 via-params).
 */
export abstract class LazyParams {
  private _params: Params | null;
  private _pr: string;

  /** `params` may be a Map or the validated raw `;name=value...` text (parsed on first use). */
  protected constructor(params: Params | string | undefined) {
    if (typeof params === 'string') {
      this._params = null;
      this._pr = params;
    } else {
      this._params = params ?? null;
      this._pr = '';
    }
  }

  /** How the raw text is read: generic-params here; uri-parameters allow other characters (SipUri overrides). */
  protected parseParams(raw: string, into: Params): void {
    parseGenericParams(raw, 0, into);
  }

  /** The parameters, names lower-cased, valueless ones mapped to null. */
  get params(): Params {
    let p = this._params;
    if (p === null) {
      p = new Map();
      if (this._pr !== '') this.parseParams(this._pr, p);
      this._params = p;
    }
    return p;
  }

  set params(p: Params) {
    this._params = p;
  }

  /** True when there are no parameters at all, without parsing them. */
  protected get paramsEmpty(): boolean {
    return this._params === null ? this._pr === '' : this._params.size === 0;
  }

  /** `;name=value...` as received when never read, else from the map. */
  protected paramsText(): string {
    if (this._params === null) return this._pr;
    let s = '';
    for (const [k, v] of this._params) s += v === null ? ';' + k : ';' + k + '=' + v;
    return s;
  }
}

/**
 * A parsed URI (RFC 3261 §19.1 SIP/SIPS, RFC 3966 tel, anything else kept opaque).
 * For `tel:` the number is in `user` and `host` is ''. For unknown schemes `host` is ''
 * and the text after the colon is in `opaque`. IPv6 references keep their brackets in `host`.
 * Escapes (%HH) are kept as received; compare with {@link unescapeUriPart} if needed.
 */
export class SipUri extends LazyParams {
  scheme: string;
  user: string | undefined;
  password: string | undefined;
  host: string;
  port: number | undefined;
  /** Scheme-specific part of a URI whose scheme this parser does not know. */
  opaque: string | undefined;
  // Headers stay as validated raw text until first asked for (most URIs never are), like the parameters.
  private _headers: Map<string, string> | null;
  private _hr: string;

  constructor(scheme: string, host: string, rawParams = '', rawHeaders = '') {
    super(rawParams);
    this.scheme = scheme;
    this.user = undefined;
    this.password = undefined;
    this.host = host;
    this.port = undefined;
    this.opaque = undefined;
    this._headers = null;
    this._hr = rawHeaders;
  }

  /** uri-parameters (RFC 3261 §19.1.1). */
  protected override parseParams(raw: string, into: Params): void {
    parseUriParams(raw, 0, into);
  }

  /** URI headers (`?name=value&...`), kept escaped. */
  get headers(): Map<string, string> {
    let h = this._headers;
    if (h === null) {
      h = new Map();
      if (this._hr !== '') parseUriHeaders(this._hr, 0, h);
      this._headers = h;
    }
    return h;
  }

  set headers(h: Map<string, string>) {
    this._headers = h;
  }

  /** True when the URI carries `?headers` (without building the map). */
  get hasHeaders(): boolean {
    return this._headers === null ? this._hr !== '' : this._headers.size > 0;
  }

  /** True for sip: and sips: URIs (the ones with a routable host part). */
  get isSip(): boolean {
    return this.scheme === 'sip' || this.scheme === 'sips';
  }

  override toString(): string {
    if (this.opaque !== undefined) return this.scheme + ':' + this.opaque;
    let s = this.scheme + ':';
    if (this.scheme === 'tel') {
      s += this.user ?? '';
    } else {
      if (this.user !== undefined) {
        s += this.user;
        if (this.password !== undefined) s += ':' + this.password;
        s += '@';
      }
      s += this.host;
      if (this.port !== undefined) s += ':' + this.port;
    }
    s += this.paramsText();
    if (this._headers === null) {
      if (this._hr !== '') s += '?' + this._hr;
    } else if (this._headers.size > 0) {
      let first = true;
      for (const [k, v] of this._headers) {
        s += (first ? '?' : '&') + k + '=' + v;
        first = false;
      }
    }
    return s;
  }
}

/** Decode %HH escapes (RFC 3261 §19.1.2); invalid escapes are left as is. */
export function unescapeUriPart(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

function allIn(s: string, a: number, b: number, t: Uint8Array): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    // Non-ASCII (UTF-8 in user parts of received URIs) is tolerated; control chars and SP are not.
    if (c < 128 ? t[c] === 0 : false) return false;
  }
  return true;
}

/**
 * Parse a URI (RFC 3261 §19.1.1, §25.1 `SIP-URI`/`SIPS-URI`/`absoluteURI`). Returns null when
 * the text is not a URI (whitespace, angle brackets, bad host/port, ...). Never throws.
 */
export function parseUri(s: string): SipUri | null {
  const n = s.length;
  // scheme
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return null;
  let i = 1;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || SCHEME[c] === 0) break;
    i++;
  }
  if (i >= n || s.charCodeAt(i) !== 58) return null;
  const rest = i + 1;
  // The common schemes are recognised without allocating a lower-cased copy.
  if (i === 3 && (c0 | 0x20) === 0x73 && (s.charCodeAt(1) | 0x20) === 0x69 && (s.charCodeAt(2) | 0x20) === 0x70)
    return parseSipUri(s, 'sip', rest);
  if (
    i === 4 &&
    (c0 | 0x20) === 0x73 &&
    (s.charCodeAt(1) | 0x20) === 0x69 &&
    (s.charCodeAt(2) | 0x20) === 0x70 &&
    (s.charCodeAt(3) | 0x20) === 0x73
  ) {
    return parseSipUri(s, 'sips', rest);
  }
  const scheme = s.slice(0, i).toLowerCase();
  if (scheme === 'tel') return parseTelUri(s, rest);
  if (rest >= n || !allIn(s, rest, n, URIC)) return null;
  const u = new SipUri(scheme, '');
  u.opaque = s.slice(rest);
  return u;
}

function parseSipUri(s: string, scheme: string, start: number): SipUri | null {
  const n = s.length;
  let i = start;
  let user: string | undefined;
  let password: string | undefined;
  const at = s.indexOf('@', start);
  if (at !== -1) {
    // '@' cannot appear unescaped after the host, so the first one ends the userinfo.
    let colon = -1;
    for (let j = start; j < at; j++) {
      if (s.charCodeAt(j) === 58) {
        colon = j;
        break;
      }
    }
    const userEnd = colon === -1 ? at : colon;
    if (userEnd === start) return null;
    if (!allIn(s, start, userEnd, USER)) return null;
    user = s.slice(start, userEnd);
    if (colon !== -1) {
      if (!allIn(s, colon + 1, at, PASSWORD)) return null;
      password = s.slice(colon + 1, at);
    }
    i = at + 1;
  }
  // host
  const hostEnd = scanHost(s, i, n);
  if (hostEnd === -1) return null;
  const host = s.slice(i, hostEnd);
  i = hostEnd;
  let port: number | undefined;
  if (i < n && s.charCodeAt(i) === 58) {
    i++;
    const ps = i;
    let p = 0;
    while (i < n) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      p = p * 10 + d;
      i++;
    }
    if (i === ps || i - ps > 5 || p > 65535) return null;
    port = p;
  }
  const ps = i;
  i = parseUriParams(s, i, null);
  if (i < 0) return null;
  const pe = i;
  let hr = '';
  if (i < n && s.charCodeAt(i) === 63) {
    i = parseUriHeaders(s, i + 1, null);
    if (i < 0) return null;
    hr = s.slice(pe + 1, i);
  }
  if (i !== n) return null;
  const u = new SipUri(scheme, host, pe > ps ? s.slice(ps, pe) : '', hr);
  u.user = user;
  u.password = password;
  u.port = port;
  return u;
}

function parseUriParams(s: string, i: number, params: Params | null): number {
  const n = s.length;
  while (i < n && s.charCodeAt(i) === 59) {
    i++;
    const ns = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || PARAMCHAR[c] === 0) break;
      i++;
    }
    if (i === ns) return -1;
    const name = params === null ? '' : s.slice(ns, i).toLowerCase();
    let value: string | null = null;
    if (i < n && s.charCodeAt(i) === 61) {
      i++;
      const vs = i;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c >= 128 || PARAMCHAR[c] === 0) break;
        i++;
      }
      if (i === vs) return -1;
      if (params !== null) value = s.slice(vs, i);
    }
    if (params !== null) params.set(name, value);
  }
  return i;
}

function parseUriHeaders(s: string, i: number, headers: Map<string, string> | null): number {
  const n = s.length;
  for (;;) {
    const ns = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || HNV[c] === 0) break;
      i++;
    }
    if (i === ns || i >= n || s.charCodeAt(i) !== 61) return -1;
    const hs = ns;
    const he = i;
    i++;
    const vs = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || HNV[c] === 0) break;
      i++;
    }
    if (headers !== null) headers.set(s.slice(hs, he), s.slice(vs, i));
    if (i < n && s.charCodeAt(i) === 38) {
      i++;
      continue;
    }
    return i;
  }
}

function parseTelUri(s: string, start: number): SipUri | null {
  const n = s.length;
  let i = start;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 59 || c >= 128 || PARAMCHAR[c] === 0) break;
    i++;
  }
  if (i === start) return null;
  const ps = i;
  i = parseUriParams(s, i, null);
  if (i !== n) return null;
  const u = new SipUri('tel', '', s.slice(ps));
  u.user = s.slice(start, ps);
  return u;
}

/**
 * name-addr / addr-spec with header parameters (RFC 3261 §20.10, §25.1 `name-addr`):
 * From, To, Contact, Route, Record-Route, Path, ... `tag` is lifted out of `params` for convenience.
 */
export class NameAddr extends LazyParams {
  displayName: string | undefined;
  uri: SipUri;

  /** `params` (RFC 3261 §20.10 contact-params, §20.20 from-param, ...) may be a Map or the validated raw text. */
  constructor(uri: SipUri, displayName?: string, params?: Params | string) {
    super(params);
    this.uri = uri;
    this.displayName = displayName;
  }

  /** The `tag` header parameter (RFC 3261 §19.3). */
  get tag(): string | undefined {
    if (this.paramsEmpty) return undefined;
    const t = this.params.get('tag');
    return t === null ? undefined : t;
  }

  set tag(v: string | undefined) {
    if (v === undefined) this.params.delete('tag');
    else this.params.set('tag', v);
  }

  /** Always serializes in name-addr form (with angle brackets), which is valid for every use. */
  override toString(): string {
    let s = this.displayName !== undefined && this.displayName !== '' ? quote(this.displayName) + ' <' : '<';
    s += this.uri.toString() + '>';
    return s + this.paramsText();
  }
}

/**
 * Parse generic-param list `*( SEMI generic-param )` starting at i (RFC 3261 §25.1).
 * Values may be token, host or quoted-string (kept with quotes). Returns the index after
 * the last parameter, or -1 on a syntax error.
 */
export function parseGenericParams(s: string, i: number, params: Params | null): number {
  const n = s.length;
  for (;;) {
    i = skipWs(s, i);
    if (i >= n || s.charCodeAt(i) !== 59) return i;
    i = skipWs(s, i + 1);
    const ns = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] === 0) break;
      i++;
    }
    if (i === ns) return -1;
    const ne = i;
    i = skipWs(s, i);
    let value: string | null = null;
    if (i < n && s.charCodeAt(i) === 61) {
      i = skipWs(s, i + 1);
      if (i < n && s.charCodeAt(i) === 34) {
        const e = quotedEnd(s, i);
        if (e === -1) return -1;
        if (params !== null) value = s.slice(i, e);
        i = e;
      } else if (i < n && s.charCodeAt(i) === 91) {
        const e = s.indexOf(']', i);
        if (e === -1 || !allIn(s, i + 1, e, IPV6)) return -1;
        if (params !== null) value = s.slice(i, e + 1);
        i = e + 1;
      } else {
        // token / host; ':' admits the bare IPv6address of Via received (RFC 3261 §20.42).
        const vs = i;
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c !== 58 && (c >= 128 || TOKEN[c] === 0)) break;
          i++;
        }
        if (i === vs) return -1;
        if (params !== null) value = s.slice(vs, i);
      }
    }
    if (params !== null) params.set(s.slice(ns, ne).toLowerCase(), value);
  }
}

/** Result slot for list parsing, to avoid allocating a tuple per element. */
let lastEnd = 0;

/**
 * Parse one name-addr or addr-spec (plus header params) from s at i. In list context
 * (Contact, Route, ...) parsing stops at a top-level comma. Sets the module-level end index.
 */
function parseOneNameAddr(s: string, i: number, inList: boolean): NameAddr | null {
  const n = s.length;
  i = skipWs(s, i);
  if (i >= n) return null;
  let display: string | undefined;
  let c = s.charCodeAt(i);
  let uriStart: number;
  let uriEnd: number;
  let bracketed = false;
  if (c === 34) {
    const e = quotedEnd(s, i);
    if (e === -1) return null;
    display = unquote(s.slice(i, e));
    i = skipWs(s, e);
    if (i >= n || s.charCodeAt(i) !== 60) return null;
    c = 60;
  }
  if (c !== 60) {
    // Either *(token LWS) "<" ... or a bare addr-spec: scan tokens and look at what follows.
    const ts = i;
    let j = i;
    let lastTokEnd = i;
    while (j < n) {
      const ch = s.charCodeAt(j);
      if (ch === 32 || ch === 9) {
        j++;
        continue;
      }
      if (ch >= 128 || TOKEN[ch] === 1) {
        j++;
        lastTokEnd = j;
        continue;
      }
      break;
    }
    if (j < n && s.charCodeAt(j) === 60) {
      if (lastTokEnd > ts) display = s.slice(ts, lastTokEnd);
      i = j;
      c = 60;
    }
  }
  if (c === 60) {
    const gt = s.indexOf('>', i + 1);
    if (gt === -1) return null;
    uriStart = i + 1;
    uriEnd = gt;
    i = gt + 1;
    bracketed = true;
  } else {
    // addr-spec form: the URI cannot contain ';' ',' or '?' here (RFC 3261 §20.10).
    uriStart = i;
    let j = i;
    while (j < n) {
      const ch = s.charCodeAt(j);
      if (ch === 59 || ch === 32 || ch === 9 || (inList && ch === 44)) break;
      j++;
    }
    uriEnd = j;
    i = j;
  }
  const uriText = s.slice(uriStart, uriEnd);
  if (!bracketed && uriText.indexOf('?') !== -1) return null;
  const uri = parseUri(uriText);
  if (uri === null) return null;
  const ps = i;
  i = parseGenericParams(s, i, null);
  if (i < 0) return null;
  const na = new NameAddr(uri, display, i > ps ? trimWs(s.slice(ps, i)) : '');
  i = skipWs(s, i);
  lastEnd = i;
  return na;
}

/** Parse a single name-addr / addr-spec with params (From, To, Refer-To, ...). Null if malformed. */
export function parseNameAddr(s: string): NameAddr | null {
  const na = parseOneNameAddr(s, 0, false);
  if (na === null || lastEnd !== s.length) return null;
  return na;
}

/** Parse a comma-separated list of name-addr values (Contact, Route, Record-Route, Path). Null if malformed. */
export function parseNameAddrList(s: string, out: NameAddr[]): boolean {
  let i = 0;
  const n = s.length;
  for (;;) {
    const na = parseOneNameAddr(s, i, true);
    if (na === null) return false;
    out.push(na);
    i = lastEnd;
    if (i >= n) return true;
    if (s.charCodeAt(i) !== 44) return false;
    i++;
  }
}
