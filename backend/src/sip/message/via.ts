import { TOKEN, scanHost, skipWs, trimWs } from './chars.js';
import { LazyParams, type Params, parseGenericParams } from './uri.js';

/**
 * One Via header value (RFC 3261 §20.42, §18.2.1 received, RFC 3581 rport).
 * `transport` is upper-cased; `host` keeps IPv6 brackets; `params` has every parameter
 * (lower-case names) including branch/received/rport.
 */
export class Via extends LazyParams {
  protocol: string;
  transport: string;
  host: string;
  port: number | undefined;

  /** `params`, every via-param (RFC 3261 §20.42), may be a Map or the validated raw `;name=value...` text. */
  constructor(transport: string, host: string, port?: number, params?: Params | string, protocol = 'SIP/2.0') {
    super(params);
    this.protocol = protocol;
    this.transport = transport;
    this.host = host;
    this.port = port;
  }

  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }

  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }

  /** `true` when rport is present without a value (request), the port number when filled in. */
  get rport(): number | true | undefined {
    if (!this.params.has('rport')) return undefined;
    const v = this.params.get('rport');
    if (v === null || v === undefined) return true;
    const p = Number(v);
    return Number.isInteger(p) ? p : true;
  }

  get maddr(): string | undefined {
    return this.params.get('maddr') ?? undefined;
  }

  override toString(): string {
    let s = this.protocol + '/' + this.transport + ' ' + this.host;
    if (this.port !== undefined) s += ':' + this.port;
    return s + this.paramsText();
  }
}

let viaEnd = 0;

function token(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) break;
    i++;
  }
  return i;
}

function parseOneVia(s: string, i: number): Via | null {
  const n = s.length;
  i = skipWs(s, i);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport (SLASH = SWS "/" SWS)
  let e = token(s, i);
  if (e === i) return null;
  const name = s.slice(i, e);
  i = skipWs(s, e);
  if (s.charCodeAt(i) !== 47) return null;
  i = skipWs(s, i + 1);
  e = token(s, i);
  if (e === i) return null;
  const version = s.slice(i, e);
  i = skipWs(s, e);
  if (s.charCodeAt(i) !== 47) return null;
  i = skipWs(s, i + 1);
  e = token(s, i);
  if (e === i) return null;
  const transport = s.slice(i, e).toUpperCase();
  i = e;
  const ws = skipWs(s, i);
  if (ws === i) return null; // LWS required before sent-by
  i = ws;
  // sent-by = host [ COLON port ]
  const hostEnd = scanHost(s, i, n);
  if (hostEnd === -1) return null;
  const host = s.slice(i, hostEnd);
  i = hostEnd;
  let port: number | undefined;
  let j = skipWs(s, i);
  if (j < n && s.charCodeAt(j) === 58) {
    j = skipWs(s, j + 1);
    const ps = j;
    let p = 0;
    while (j < n) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      p = p * 10 + d;
      j++;
    }
    if (j === ps || j - ps > 5 || p > 65535) return null;
    port = p;
    i = j;
  }
  const protocol = name === 'SIP' && version === '2.0' ? 'SIP/2.0' : name + '/' + version;
  const ps = i;
  i = parseGenericParams(s, i, null);
  if (i < 0) return null;
  const pr = i > ps ? trimWs(s.slice(ps, i)) : '';
  const via = new Via(transport, host, port, pr, protocol);
  viaEnd = skipWs(s, i);
  return via;
}

/**
 * Parse a Via header field value, which may hold several comma-separated via-parms
 * (RFC 3261 §20.42, §25.1 `Via`). Appends to `out`; false if any value is malformed.
 * With `firstOnly`, stops after the first value (cheap top-Via access).
 */
export function parseViaList(s: string, out: Via[], firstOnly = false): boolean {
  const n = s.length;
  let i = 0;
  for (;;) {
    const v = parseOneVia(s, i);
    if (v === null) return false;
    out.push(v);
    i = viaEnd;
    if (i >= n) return true;
    if (s.charCodeAt(i) !== 44) return false;
    if (firstOnly) return true;
    i++;
  }
}

/** Parse a single Via value; null if malformed. */
export function parseVia(s: string): Via | null {
  const out: Via[] = [];
  if (!parseViaList(s, out) || out.length !== 1) return null;
  return out[0];
}
