import { randomFillSync } from 'node:crypto';
import { HeaderField, Headers } from './headers.js';
import { type SipRequest, SipResponse } from './message.js';
import { parseNameAddr } from './uri.js';

/** Default reason phrases (RFC 3261 §21, RFC 3581/3265/4028/5626 additions). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  429: 'Provide Referrer Identity',
  430: 'Flow Failed',
  439: 'First Hop Lacks Outbound Support',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

/**
 * Build a response to a request per RFC 3261 §8.2.6.2: copies every Via (in order), From, To,
 * Call-ID and CSeq; adds `toTag` to To when To has no tag yet (never for 100, §8.2.6.2);
 * copies Timestamp into 100 Trying (§8.2.6.1). Works on partial (unparseable) requests too,
 * since values are copied as received. Content-Length is written by serialize().
 */
export function createResponse(req: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  const out: HeaderField[] = [];
  const f = req.headers.fields;
  for (let i = 0; i < f.length; i++) if (f[i].key === 'via') out.push(f[i]);
  for (const key of ['from', 'to', 'call-id', 'cseq']) {
    for (let i = 0; i < f.length; i++) {
      if (f[i].key !== key) continue;
      let field = f[i];
      if (key === 'to' && toTag !== undefined && status > 100) {
        const na = parseNameAddr(field.value);
        if (na !== null && na.tag === undefined) field = new HeaderField(field.name, 'to', field.value + ';tag=' + toTag);
      }
      out.push(field);
      break;
    }
  }
  if (status === 100) {
    for (let i = 0; i < f.length; i++) if (f[i].key === 'timestamp') out.push(f[i]);
  }
  return new SipResponse(status, reason ?? REASON_PHRASES[status] ?? 'Unknown', new Headers(out));
}

// Random text is made in batches: one randomFillSync + one base64url encode per 4 KiB of
// entropy, then tokens are sliced from the string (a native call per branch was measurable).
const POOL = Buffer.allocUnsafe(4092); // multiple of 3: base64url without padding
let poolText = '';
let poolPos = 0;

function randomToken(chars: number): string {
  if (poolPos + chars > poolText.length) {
    randomFillSync(POOL);
    poolText = POOL.toString('base64url');
    poolPos = 0;
  }
  const s = poolText.slice(poolPos, poolPos + chars);
  poolPos += chars;
  return s;
}

/** New Via branch with the RFC 3261 magic cookie (§8.1.1.7) and 96 random bits (16 base64url chars). */
export function generateBranch(): string {
  return 'z9hG4bK' + randomToken(16);
}

/** Random token for From/To tags (RFC 3261 §19.3: at least 32 bits of randomness; this has 72). */
export function generateTag(): string {
  return randomToken(12);
}
