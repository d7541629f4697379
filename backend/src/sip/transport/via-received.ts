/**
 * Server transport handling of the top Via (RFC 3261 §18.2.1, RFC 3581 §4): add `received` when the
 * sent-by host differs from the packet source (always when `rport` is present) and fill `rport`.
 */
import type { SipRequest, Via } from '../message/index.js';

/** Strips `[]` from IPv6 references and maps IPv4-mapped IPv6 (`::ffff:a.b.c.d`) to IPv4. */
export function normalizeAddress(address: string): string {
  let a = address;
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (a.startsWith('::ffff:') && a.includes('.')) a = a.slice(7);
  return a.toLowerCase();
}

/** Splits a header value on `;` outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === 92 /* \ */ && quoted) i++;
    else if (c === 59 /* ; */ && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/**
 * Rewrites one Via value: drops any `received`/`rport` params and appends the given ones.
 * `rport` undefined keeps the value without rport.
 */
export function rewriteViaValue(value: string, received: string, rport: number | undefined): string {
  const parts = splitParams(value);
  let out = parts[0].trimEnd();
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i].trim();
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (name === 'received' || (name === 'rport' && rport !== undefined) || name === '') continue;
    out += ';' + p;
  }
  out += ';received=' + received;
  if (rport !== undefined) out += ';rport=' + rport;
  return out;
}

/**
 * §18.2.1 / RFC 3581 §4 on a received request. Returns true if the top Via was changed.
 * Never throws on odd input: a request without a usable Via is left alone.
 */
export function applyReceivedRport(request: SipRequest, sourceAddress: string, sourcePort: number): boolean {
  let via: Via | undefined;
  try {
    via = request.topVia();
  } catch {
    return false; // malformed top Via: leave it for the upper layer's validation
  }
  if (!via) return false;
  const src = normalizeAddress(sourceAddress);
  const wantsRport = via.rport !== undefined;
  if (!wantsRport && normalizeAddress(via.host) === src) return false;
  const values = request.headers.getAll('Via');
  const top = values[0];
  if (top === undefined) return false;
  // RFC 3261 §25.1: via-received = IPv4address / IPv6address, so an IPv6 source is written bare. Our parser
  // reads both forms (RFC 5118 §4.5 asks receivers to, since bracketed ones are common in the wild).
  const rewritten = rewriteViaValue(top, src, wantsRport ? sourcePort : undefined);
  request.headers.removeFirstValue('Via');
  request.headers.prepend('Via', rewritten);
  return true;
}
