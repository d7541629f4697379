/**
 * ACK for a non-2xx final response, built by the INVITE client transaction (RFC 3261 §17.1.1.3).
 * Serialized directly: the transaction only ever (re)sends it, so no message object is needed.
 */
import type { SipRequest, SipResponse } from '../message/index.js';

/**
 * §17.1.1.3: Request-URI, Call-ID, From, CSeq number and the single top Via of the INVITE; To from the
 * response (with its tag); the INVITE's Route headers; method ACK.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): Buffer {
  const h = invite.headers;
  const topVia = h.getAll('Via')[0] ?? '';
  let s = `ACK ${invite.requestUri} SIP/2.0\r\nVia: ${topVia}\r\n`;
  for (const route of h.getAll('Route')) s += `Route: ${route}\r\n`;
  s +=
    `From: ${h.get('From') ?? ''}\r\n` +
    `To: ${response.headers.get('To') ?? h.get('To') ?? ''}\r\n` +
    `Call-ID: ${h.get('Call-ID') ?? ''}\r\n` +
    `CSeq: ${invite.cseq().seq} ACK\r\n` +
    `Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  return Buffer.from(s, 'utf8');
}
