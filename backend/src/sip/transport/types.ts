/**
 * Shared transport types (RFC 3261 §18). Kept free of socket code so the transaction layer and
 * its tests can depend on them without opening sockets.
 */
import type { SipMessage, SipResponse } from '../message/index.js';

import type { TransportAddress, TransportProtocol } from '../address.js';

export { defaultPort, type TransportProtocol } from '../address.js';

/** Where to send a message. `host` should be an IP literal (DNS is the caller's job, RFC 3263). */
export interface Destination extends TransportAddress {
  /** Prefer this TCP/TLS connection (flow) if it is still open (§18.2.2 "same connection"). */
  connectionId?: string;
  /** With `connectionId`: fail instead of opening a new connection when that flow is gone (RFC 5626 style). */
  requireConnection?: boolean;
  /**
   * With `connectionId`: the worker group member (process) that holds that connection, when it is not this one. The
   * stack only carries it (from the flow token); the SipTransport the transaction layer was given decides what to do
   * with it (the worker's hands the bytes to that member, which sends them down its connection).
   */
  member?: number;
  /** TLS: the host name that was resolved to `host` (SNI, and the RFC 5922 identity the certificate must carry). */
  tlsServerName?: string;
  /** UDP: send from the socket bound to this local address/port (RFC 3581 §4 symmetric response). */
  localAddress?: string;
  localPort?: number;
}

/** Where a received message came from. */
export interface MessageSource {
  transport: TransportProtocol;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** TCP/TLS: the connection (flow) the message arrived on. */
  connectionId?: string;
}

/**
 * Sees every SIP message the transport delivers (parsed, after received/rport stamping, RFC 3581 §4) and every one
 * it sends (the bytes handed to the socket). The worker's SIP trace is its only user; with no tap set the transport
 * pays one property check per message. A tap must not throw (a throw is counted as a handler error and ignored).
 */
export interface MessageTap {
  received(message: SipMessage, source: MessageSource): void;
  sent(data: Buffer, destination: Destination): void;
}

/** Receives asynchronous send failures. Implemented by transactions, so no closure per send. */
export interface TransportErrorSink {
  onTransportError(error: Error): void;
}

export type MessageHandler = (message: SipMessage, source: MessageSource) => void;

/** The part of the transport the transaction layer needs (implemented by `TransportLayer`). */
export interface SipTransport {
  /** Returns the id of the TCP/TLS connection used (undefined for UDP or on immediate failure). */
  send(message: SipMessage | Buffer, destination: Destination, sink?: TransportErrorSink): string | undefined;
  /** §18.2.2 / RFC 3581: where a response to a request from `source` goes. */
  responseDestination(response: SipResponse, source?: MessageSource): Destination;
  onMessage(handler: MessageHandler): void;
  /** Optional: lets the transaction layer fail client transactions whose connection dropped (§17.1.4). */
  onConnectionClose?(handler: (info: { id: string }, error: Error | undefined) => void): void;
  /**
   * Optional: a transaction in progress uses TCP/TLS connection `id` (hold) and no longer does (release), so a
   * connection the proxy opened lives as long as its transactions when persistence is per transaction.
   */
  holdConnection?(id: string): void;
  releaseConnection?(id: string): void;
}

/** §17.1.1.1/§17.1.2.1: retransmission timers only run over unreliable transports. */
export function isReliable(transport: TransportProtocol): boolean {
  return transport !== 'udp';
}

/** Parses a Via transport token (`UDP`, `TCP`, `TLS`, ...) into ours; undefined if unsupported. */
export function protocolFromVia(token: string): TransportProtocol | undefined {
  const t = token.toLowerCase();
  return t === 'udp' || t === 'tcp' || t === 'tls' ? t : undefined;
}
