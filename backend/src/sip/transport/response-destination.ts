/**
 * Where the server transport sends a response: RFC 3261 §18.2.2 with RFC 3581 §4 (rport).
 */
import type { SipResponse, Via } from '../message/index.js';
import { defaultPort, isReliable, protocolFromVia, type Destination, type MessageSource } from './types.js';
import { normalizeAddress } from './via-received.js';

/**
 * §18.2.2: reliable transports use the connection the request came on (`connectionId`), falling back
 * to `received` (else sent-by host) and the sent-by port; `maddr` sends to that address; otherwise
 * UDP goes to `received` and `rport` (RFC 3581), else the sent-by port (default 5060). UDP
 * responses leave from the socket the request arrived on (`localAddress`/`localPort`).
 */
export function responseDestination(response: SipResponse, source?: MessageSource): Destination {
  let via: Via | undefined;
  try {
    via = response.topVia();
  } catch {
    via = undefined;
  }
  if (!via) {
    if (!source) throw new Error('response has no Via and no source');
    return sourceDestination(source);
  }
  const transport = source?.transport ?? protocolFromVia(via.transport) ?? 'udp';
  const sentByPort = via.port ?? defaultPort(transport);
  if (isReliable(transport)) {
    const dest: Destination = { transport, host: normalizeAddress(via.received ?? via.host), port: sentByPort };
    if (source?.connectionId !== undefined) dest.connectionId = source.connectionId;
    return dest;
  }
  const maddr = via.maddr;
  let dest: Destination;
  if (maddr) {
    dest = { transport, host: normalizeAddress(maddr), port: sentByPort };
  } else {
    const port = typeof via.rport === 'number' ? via.rport : sentByPort;
    dest = { transport, host: normalizeAddress(via.received ?? via.host), port };
  }
  if (source) {
    dest.localAddress = source.localAddress;
    dest.localPort = source.localPort;
  }
  return dest;
}

/** Straight back to where a message came from (used for 400s to unparsable requests). */
export function sourceDestination(source: MessageSource): Destination {
  const dest: Destination = {
    transport: source.transport,
    host: source.remoteAddress,
    port: source.remotePort,
    localAddress: source.localAddress,
    localPort: source.localPort,
  };
  if (source.connectionId !== undefined) dest.connectionId = source.connectionId;
  return dest;
}
