/**
 * What the SIP trace hides before it keeps a message (`sip-trace-mask-secrets`, `sip-trace-mask-bodies`).
 *
 * - secrets: the credentials of Authorization and Proxy-Authorization (RFC 3261 §22.4, RFC 7616 §3.4): the Digest
 *   `response` (enough, with the challenge, for an offline dictionary attack on the password) and a Basic token
 *   (the password itself). The scheme, username, realm and nonce stay: they are what an operator debugs with.
 * - bodies: the body is dropped (SDP carries media addresses and crypto keys, RFC 4568 §6.1); Content-Length says 0
 *   and Content-Type stays, so the ladder still shows that there was an offer.
 *
 * The message the proxy works on is never touched: a copy is masked, and only when something is to be hidden.
 */
import { parseMessage, serialize } from '../../sip/index.js';
import type { SipMessage } from '../../sip/index.js';

export interface TraceMask {
  readonly secrets: boolean;
  readonly bodies: boolean;
}

const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization'] as const;
export const MASKED = '<masked>';

/** An Authorization / Proxy-Authorization value with its secret parts replaced by `<masked>`. */
export function maskCredentials(value: string): string {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*/.exec(value);
  if (!scheme) return MASKED;
  if (scheme[1].toLowerCase() !== 'digest') return `${scheme[1]} ${MASKED}`;
  // response = "32LHEX" (quoted, or unquoted from sloppy clients); cnonce and the rest are not secret.
  return value.replace(/(\bresponse\s*=\s*)("(?:[^"\\]|\\.)*"|[^\s,]+)/gi, `$1"${MASKED}"`);
}

/** "uthorization" in a header name: Authorization, Proxy-Authorization, any case (a byte scan, no parse). */
const mayCarryCredentials = (raw: Buffer): boolean => raw.indexOf('uthorization') >= 0 || raw.indexOf('UTHORIZATION') >= 0;

/**
 * The bytes to keep for a message serialized as `raw` (`message` when the parsed form is at hand). Parses only
 * when something may have to be hidden: credentials (a byte scan says whether there can be any) or a body.
 */
export function maskBytes(message: SipMessage | undefined, raw: Buffer, mask: TraceMask): Buffer {
  const secrets = mask.secrets && (message ? CREDENTIAL_HEADERS.some((h) => message.headers.has(h)) : mayCarryCredentials(raw));
  const body = mask.bodies && (message ? message.body.length > 0 : true);
  if (!secrets && !body) return raw;
  const copy = parseMessage(raw);
  if (!copy.ok) return Buffer.from(`${MASKED}\r\n`);
  const m = copy.message;
  if (secrets) {
    for (const h of CREDENTIAL_HEADERS) {
      const values = m.headers.getAll(h);
      if (values.length === 0) continue;
      m.headers.remove(h);
      for (const v of values) m.headers.append(h === 'authorization' ? 'Authorization' : 'Proxy-Authorization', maskCredentials(v));
    }
  }
  const hasSecrets = secrets && CREDENTIAL_HEADERS.some((h) => m.headers.has(h));
  if (!hasSecrets && !(body && m.body.length > 0)) return raw;
  if (body) m.body = Buffer.alloc(0);
  return serialize(m);
}
