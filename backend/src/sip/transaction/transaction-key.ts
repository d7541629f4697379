/**
 * Transaction matching keys: RFC 3261 §17.1.3 (client) and §17.2.3 (server, with the RFC 2543
 * fallback for requests whose branch lacks the magic cookie).
 */
import type { SipRequest, SipResponse } from '../message/index.js';

export const MAGIC_COOKIE = 'z9hG4bK';

/**
 * §17.1.3: a response matches the client transaction whose request carried the same top-Via branch
 * and whose method equals the CSeq method. Returns undefined if the response has no branch.
 */
export function clientKeyForResponse(response: SipResponse): string | undefined {
  const branch = response.topVia()?.branch;
  if (!branch) return undefined;
  return clientKey(branch, response.cseq().method);
}

export function clientKey(branch: string, method: string): string {
  return method + ' ' + branch;
}

/**
 * §17.2.3 key of a request. Magic cookie: branch + sent-by + method (ACK -> INVITE). Otherwise the
 * RFC 2543 rule: Request-URI, From tag, Call-ID, CSeq number, method (ACK -> INVITE) and top Via;
 * the To tag is checked separately with {@link legacyToTagMatches} because an ACK carries the tag of
 * the response. `methodOverride` lets CANCEL look up the INVITE it cancels (§9.2).
 */
export function serverKey(request: SipRequest, methodOverride?: string): string | undefined {
  const via = request.topVia();
  if (!via) return undefined;
  let method = methodOverride ?? request.method;
  if (method === 'ACK') method = 'INVITE';
  const sentBy = via.host.toLowerCase() + ':' + (via.port ?? '');
  const branch = via.branch;
  if (branch && branch.startsWith(MAGIC_COOKIE)) {
    return method + ' ' + branch + ' ' + sentBy;
  }
  const cseq = request.cseq();
  return (
    '2543 ' +
    method +
    ' ' +
    request.requestUri +
    ' ' +
    (request.from().tag ?? '') +
    ' ' +
    request.callId +
    ' ' +
    cseq.seq +
    ' ' +
    via.transport.toUpperCase() +
    ' ' +
    sentBy +
    ' ' +
    (branch ?? '')
  );
}

/** True when `key` was built by the RFC 2543 rule. */
export function isLegacyKey(key: string): boolean {
  return key.startsWith('2543 ');
}

/**
 * RFC 2543 To-tag check (§17.2.3): an ACK must carry the To tag of the response the server
 * transaction sent; other requests the To tag of the request that created the transaction.
 * Takes the original request's method kind and To tag rather than the request itself, which a
 * finished transaction no longer keeps.
 */
export function legacyToTagMatches(
  request: SipRequest,
  originalIsInvite: boolean,
  originalToTag: string | undefined,
  responseToTag: string | undefined,
): boolean {
  const tag = request.to().tag;
  if (request.method === 'ACK' && originalIsInvite) return responseToTag === undefined || tag === responseToTag;
  return tag === originalToTag;
}
