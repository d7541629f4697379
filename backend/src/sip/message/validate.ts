import { isToken, parseDigits, trimWs } from './chars.js';
import { SipHeaderError, type SipParseErrorCode } from './errors.js';
import type { SipParseError } from './parse-error.js';
import { type SipMessage, SipRequest } from './message.js';

/** Options for {@link validateMessage}. */
export interface ValidateOptions {
  /**
   * Request-URI schemes this element can handle; others get 416 (RFC 3261 §8.2.2.1, §16.3 step 2).
   * Default: sip, sips, tel.
   */
  schemes?: readonly string[];
  /**
   * Also check headers only a UAS/registrar interprets (Date, Expires, Contact expires),
   * per RFC 4475 §3.1.2.12 and §3.1.2.4. Proxies forward such requests unchanged (default false).
   */
  uas?: boolean;
}

const DEFAULT_SCHEMES: readonly string[] = ['sip', 'sips', 'tel'];

function err(code: SipParseErrorCode, reason: string, status: number, msg: SipMessage): SipParseError {
  const e: SipParseError = { code, reason, status, canRespond: msg instanceof SipRequest };
  if (msg instanceof SipRequest) e.partial = msg;
  return e;
}

/**
 * Full syntax check of the headers a proxy interprets, beyond what parseMessage checks eagerly
 * (start line, Via/From/To/Call-ID/CSeq, Content-Length): every Via value, Route, Record-Route,
 * Path, Contact, Max-Forwards range, option-tag lists and the Request-URI scheme. Returns null
 * when acceptable, else the error to answer with (status 400 or 416). Never throws.
 */
export function validateMessage(msg: SipMessage, opts?: ValidateOptions): SipParseError | null {
  try {
    msg.vias();
    msg.from();
    msg.to();
    msg.cseq();
    msg.routes();
    msg.recordRoutes();
    msg.paths();
    msg.contacts();
  } catch (e) {
    if (e instanceof SipHeaderError) return err(e.code, e.message, e.status, msg);
    return err('INTERNAL', 'Unparseable Message', 400, msg);
  }
  const h = msg.headers;
  const mf = h.get('max-forwards');
  if (mf !== undefined && parseDigits(trimWs(mf), 255) < 0) {
    return err('BAD_MAX_FORWARDS', 'Max-Forwards Out Of Range', 400, msg);
  }
  for (const name of ['supported', 'require', 'proxy-require', 'unsupported']) {
    for (const t of h.getAll(name)) if (!isToken(t)) return err('BAD_HEADER_VALUE', 'Malformed ' + name + ' Header', 400, msg);
  }
  if (msg instanceof SipRequest) {
    const uri = msg.uri();
    if (uri === null) return err('BAD_REQUEST_URI', 'Malformed Request-URI', 400, msg);
    const schemes = opts?.schemes ?? DEFAULT_SCHEMES;
    if (!schemes.includes(uri.scheme)) return err('UNSUPPORTED_URI_SCHEME', 'Unsupported URI Scheme', 416, msg);
  }
  if (opts?.uas === true) {
    const date = h.get('date');
    if (date !== undefined && !isRfc1123Gmt(date)) return err('BAD_HEADER_VALUE', 'Malformed Date Header', 400, msg);
    const exp = h.get('expires');
    if (exp !== undefined && parseDigits(trimWs(exp), 0xffffffff) < 0) return err('BAD_HEADER_VALUE', 'Malformed Expires Header', 400, msg);
    for (const c of msg.contacts()) {
      const ce = c.params.get('expires');
      if (ce !== undefined && (ce === null || parseDigits(ce, 0xffffffff) < 0)) {
        return err('BAD_HEADER_VALUE', 'Malformed Contact expires Parameter', 400, msg);
      }
    }
    const ct = h.getAll('content-type');
    if (ct.length > 1) return err('MULTIPLE_VALUES', 'Multiple Content-Type Headers', 400, msg);
  }
  return null;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** SIP-date = rfc1123-date, always GMT (RFC 3261 §20.17): `Sat, 13 Nov 2010 23:29:00 GMT`. */
function isRfc1123Gmt(v: string): boolean {
  const p = trimWs(v)
    .split(' ')
    .filter((x) => x !== '');
  if (p.length !== 6) return false;
  if (!p[0].endsWith(',') || !DAYS.includes(p[0].slice(0, -1))) return false;
  if (p[1].length !== 2 || parseDigits(p[1], 31) < 1) return false;
  if (!MONTHS.includes(p[2])) return false;
  if (p[3].length !== 4 || parseDigits(p[3], 9999) < 0) return false;
  const t = p[4].split(':');
  if (
    t.length !== 3 ||
    t.some((x) => x.length !== 2) ||
    parseDigits(t[0], 23) < 0 ||
    parseDigits(t[1], 59) < 0 ||
    parseDigits(t[2], 60) < 0
  ) {
    return false;
  }
  return p[5] === 'GMT';
}
