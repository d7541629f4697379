/**
 * RFC 3261 §16.3 Request Validation, items 1-5: reasonable syntax, URI scheme, Max-Forwards, loop detection,
 * Proxy-Require. (Item 6, Proxy-Authorization, is the SIP Servers' business.) Each check throws the SipError of
 * the final response it calls for.
 */
import type { CSeq, SipRequest, SipUri } from '../message/index.js';
import { BRANCH_PREFIX, hashOfBranch, loopHash } from './loop.js';
import { SipError } from './sip-error.js';

/** The parsed views the rest of the intake relies on (§16.3 item 1: they must parse). */
export interface RequestViews {
  cseq: CSeq;
  fromTag: string | undefined;
  toTag: string | undefined;
  ruri: SipUri;
}

/** Items 1 and 2: the views we rely on parse (they throw on malformed values), and the scheme is sip/sips. */
export function checkSyntax(req: SipRequest): RequestViews {
  const cseq = req.cseq();
  // Only the tags are needed (loop hash, in-dialog test): read them without building name-addr objects.
  const fromTag = headerTag(req, 'from');
  const toTag = headerTag(req, 'to');
  if (!req.callId) throw new SipError('bad-request', 400, 'Missing Call-ID');
  if (cseq.method !== req.method) throw new SipError('bad-request', 400, 'CSeq Method Mismatch');
  const ruri = req.uri();
  if (!ruri) throw new SipError('bad-request', 400, 'Bad Request-URI');
  if (!ruri.isSip) throw new SipError('unsupported-uri-scheme', 416, 'Unsupported URI Scheme');
  return { cseq, fromTag, toTag, ruri };
}

/** Item 3: Max-Forwards 0 is refused (483), except that an OPTIONS is answered by the proxy itself. */
export type MaxForwardsCheck = { kind: 'forward'; maxForwards: number | undefined } | { kind: 'answer-options' };

export function checkMaxForwards(req: SipRequest): MaxForwardsCheck {
  const mf = req.maxForwards();
  if (mf !== 0) return { kind: 'forward', maxForwards: mf };
  if (req.method === 'OPTIONS') return { kind: 'answer-options' };
  throw new SipError('too-many-hops', 483, 'Too Many Hops', undefined, 'tooManyHops');
}

/** Item 5: we implement no extension a proxy must understand, so any Proxy-Require gets 420. */
export function checkProxyRequire(req: SipRequest): string[] {
  const pr = req.proxyRequire();
  if (pr.length) throw new SipError('bad-extension', 420, 'Bad Extension', [['Unsupported', pr.join(', ')]]);
  return pr;
}

/**
 * Item 4 (with RFC 5393's hash in the branch, §16.6 step 8): the request carries one of our Vias whose branch
 * has the hash of the request as it is forwarded (`fwd`, after §16.4) -> 482. Returns the hash for our branch.
 */
export function checkLoop(
  req: SipRequest,
  fwd: SipRequest,
  views: RequestViews,
  proxyRequire: string[],
  isOwnVia: (host: string, port: number | undefined, transport: string) => boolean,
): string {
  const hash = loopHash({
    requestUri: fwd.requestUri,
    routes: fwd.headers.getAll('route'),
    proxyRequire,
    fromTag: views.fromTag,
    toTag: views.toTag,
    callId: req.callId,
    cseq: views.cseq.seq,
  });
  // Cheap text test first; parse the Vias only when one of our branches with this hash is present.
  const needle = BRANCH_PREFIX + hash;
  const fields = req.headers.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.key !== 'via' || f.value.indexOf(needle) < 0) continue;
    for (const v of req.vias()) {
      if (hashOfBranch(v.branch) === hash && isOwnVia(v.host, v.port, v.transport))
        throw new SipError('loop-detected', 482, 'Loop Detected', undefined, 'loops');
    }
  }
  return hash;
}

const TAG_WORD = /tag/i;

/**
 * The `tag` parameter of From/To (RFC 3261 §19.3) from the raw value: the fast path finds `;tag=` after the
 * closing `>` (or anywhere in an addr-spec form, whose parameters are all header parameters, §20.10); unusual
 * spellings (spaces around `=`, upper case) fall back to the full parser, which throws on malformed values
 * (-> 400 Bad Request, §16.3 item 1).
 */
function headerTag(req: SipRequest, name: 'from' | 'to'): string | undefined {
  const v = req.headers.get(name);
  if (v === undefined) return name === 'from' ? req.from().tag : req.to().tag; // throws "Missing From/To"
  const gt = v.lastIndexOf('>');
  const start = gt + 1;
  const i = v.indexOf(';tag=', start);
  if (i < 0) {
    if (TAG_WORD.test(start === 0 ? v : v.slice(start)) || (gt < 0 && v.indexOf('<') >= 0))
      return name === 'from' ? req.from().tag : req.to().tag;
    return undefined;
  }
  let end = i + 5;
  while (end < v.length) {
    const c = v.charCodeAt(end);
    if (c === 59 || c === 44 || c === 32 || c === 9 || c === 13 || c === 10) break;
    end++;
  }
  return end > i + 5 ? v.slice(i + 5, end) : name === 'from' ? req.from().tag : req.to().tag;
}
