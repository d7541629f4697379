/**
 * One TCP/TLS connection of the SIP transport (RFC 3261 §18.3): its socket, stream framer, identity (flow id) and
 * traffic counters. The manager owns its life; this file only describes it.
 */
import type * as net from 'node:net';
import { StreamFramer } from '../message/index.js';
import type { ParserLimits } from '../message/index.js';
import type { MessageSource, TransportErrorSink } from './types.js';
import { normalizeAddress } from './via-received.js';

export type StreamProtocol = 'tcp' | 'tls';
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Snapshot of one connection (for the admin UI / diagnostics). */
export interface ConnectionInfo {
  id: string;
  transport: StreamProtocol;
  direction: 'inbound' | 'outbound';
  state: ConnectionState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Epoch ms. */
  since: number;
  lastActivity: number;
  /** Epoch ms of the last bytes received (a message or a keep-alive ping): RFC 5626 flow liveness. */
  lastReceived: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
}

let nextConnectionNumber = 1;

export class Connection {
  readonly id: string;
  state: ConnectionState;
  readonly since = Date.now();
  lastActivity = this.since;
  lastReceived = this.since;
  bytesIn = 0;
  bytesOut = 0;
  messagesIn = 0;
  messagesOut = 0;
  /** When the bytes of the message now buffered (not yet complete) began to arrive; 0 when none (connection-deadlines.ts). */
  partialSince = 0;
  localAddress = '';
  localPort = 0;
  readonly remoteAddress: string;
  readonly key: string;
  /** Sinks that wrote while connecting: told if the connection fails before opening. */
  pendingSinks: TransportErrorSink[] | null = null;
  source: MessageSource;
  readonly framer: StreamFramer;
  closeError: Error | undefined;
  /**
   * TLS names this connection's peer certificate was verified for (RFC 5922 §7.2): the name it was opened for, and
   * every other name it was checked against before being reused. A connection is reused only for these.
   */
  tlsVerifiedNames: string[] | undefined;
  /** Transactions (client or server) in progress on this connection: while any, nothing closes it for being unused. */
  users = 0;
  /** Closed for being unused (persistent-next-hop-connection = false): draining, never picked for a new message. */
  retiring = false;
  /** Queued for the unused check at the end of this turn of the event loop. */
  unusedCheckQueued = false;

  constructor(
    readonly socket: net.Socket,
    readonly transport: StreamProtocol,
    readonly direction: 'inbound' | 'outbound',
    remoteAddress: string,
    readonly remotePort: number,
    limits: Partial<ParserLimits> | undefined,
  ) {
    this.id = `${transport}-${nextConnectionNumber++}`;
    this.remoteAddress = normalizeAddress(remoteAddress);
    this.key = connectionKey(transport, this.remoteAddress, remotePort);
    this.state = direction === 'inbound' ? 'open' : 'connecting';
    this.framer = new StreamFramer(limits);
    this.source = this.makeSource();
  }

  makeSource(): MessageSource {
    return {
      transport: this.transport,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      localAddress: this.localAddress,
      localPort: this.localPort,
      connectionId: this.id,
    };
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      transport: this.transport,
      direction: this.direction,
      state: this.state,
      localAddress: this.localAddress,
      localPort: this.localPort,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      since: this.since,
      lastActivity: this.lastActivity,
      lastReceived: this.lastReceived,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
    };
  }
}

export function connectionKey(transport: StreamProtocol, address: string, port: number): string {
  return transport + ' ' + address + ' ' + port;
}
