/**
 * The SIP transport layer (RFC 3261 §18, RFC 3581): UDP, TCP and TLS listeners on IPv4/IPv6,
 * received/rport stamping of requests, §18.2.2 response routing, and a connection manager for
 * the stream transports. Malformed input never throws past this layer: answerable requests get a
 * 400 with the parser's reason phrase, everything else is dropped and counted.
 */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';
import { createResponse, isRequest, parseMessage, serialize } from '../message/index.js';
import type { ParserLimits, SipMessage, SipResponse } from '../message/index.js';
import {
  ConnectionManager,
  reportError,
  type ConnectionCounters,
  type ConnectionInfo,
  type ConnectionManagerOptions,
} from './connection-manager.js';
import type { AdmissionLimits } from './connection-admission.js';
import type { ConnectionDeadlines } from './connection-deadlines.js';
import { responseDestination, sourceDestination } from './response-destination.js';
import type {
  Destination,
  MessageHandler,
  MessageSource,
  MessageTap,
  SipTransport,
  TransportErrorSink,
  TransportProtocol,
} from './types.js';
import { applyReceivedRport, normalizeAddress } from './via-received.js';
import { isStun, stunBindingResponse } from './stun.js';
import { getIpTos, reusePortSocket, setIpTos } from './socket-options.js';
import type { SipTlsOptions } from './tls-context.js';

export interface ListenerSpec {
  transport: TransportProtocol;
  /** IP literal to bind; `0.0.0.0` / `::` bind all addresses of that family. */
  address: string;
  /** 0 picks a free port. */
  port: number;
  /** Required for `tls`. */
  tls?: SipTlsOptions;
  /**
   * SO_REUSEPORT (a worker group: every process of the application binds this port; the kernel hashes a UDP
   * source's datagrams, and each TCP connection, to one of them). Needs the socket-options addon.
   */
  reusePort?: boolean;
}

export interface BoundListener {
  transport: TransportProtocol;
  address: string;
  port: number;
  family: 4 | 6;
  /** UDP: the kernel's actual SO_RCVBUF / SO_SNDBUF (Linux reports double the request, capped by rmem_max/wmem_max). */
  recvBufferSize?: number;
  sendBufferSize?: number;
  /** UDP: the TOS byte / traffic class the kernel reports for the socket (when the socket-options addon is present). */
  tos?: number;
}

export interface TransportLayerOptions {
  listeners: ListenerSpec[];
  /** SO_RCVBUF / SO_SNDBUF for UDP sockets (kernel may cap, see net.core.rmem_max). Default 4 MiB. */
  udpBufferSize?: number;
  limits?: Partial<ParserLimits>;
  connections?: ConnectionManagerOptions;
  /** TOS/DSCP byte of every packet sent, UDP and TCP/TLS (sip-ip-tos, RFC 2474); undefined or 256 leaves the OS value. */
  ipTos?: number;
}

export interface UdpCounters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  keepalives: number;
  parseErrors: number;
  badRequestsSent: number;
  dropped: number;
  sendErrors: number;
}

export interface TransportStats {
  udp: UdpCounters;
  stream: ConnectionCounters;
  openConnections: number;
  /** Inbound TLS connections still in their handshake (they count against the connection caps). */
  pendingHandshakes: number;
  handlerErrors: number;
}

/**
 * Is this `sip-address` value "every interface"? Unset / empty / `*` / `0.0.0.0` / `::` (guide, "SIP Address
 * Binding": "If this option is not set, SIP Proxy binds the SIP port on all network interfaces").
 */
export function isAllInterfaces(sipAddress: string | undefined): boolean {
  const a = sipAddress?.trim() ?? '';
  return a === '' || a === '*' || a === '0.0.0.0' || a === '::' || a === '[::]';
}

/**
 * Expands the product option `sip-address` into listeners: a specific IP binds that address only; every interface
 * (see isAllInterfaces) binds all IPv4 addresses and, unless `ipv6` is false (a host without IPv6), all IPv6 ones
 * (the IPv6 socket is IPv6-only, so both share the port).
 */
export function listenersFromSipAddress(options: {
  sipAddress?: string;
  /** With every interface: also bind `::` (default true). */
  ipv6?: boolean;
  udpPort?: number;
  tcpPort?: number;
  tlsPort?: number;
  tls?: SipTlsOptions;
}): ListenerSpec[] {
  const addresses = isAllInterfaces(options.sipAddress)
    ? options.ipv6 === false
      ? ['0.0.0.0']
      : ['0.0.0.0', '::']
    : [normalizeAddress(options.sipAddress!.trim())];
  const out: ListenerSpec[] = [];
  for (const address of addresses) {
    if (options.udpPort !== undefined) out.push({ transport: 'udp', address, port: options.udpPort });
    if (options.tcpPort !== undefined) out.push({ transport: 'tcp', address, port: options.tcpPort });
    if (options.tlsPort !== undefined && options.tls) {
      out.push({ transport: 'tls', address, port: options.tlsPort, tls: options.tls });
    }
  }
  return out;
}

interface UdpEndpoint {
  socket: dgram.Socket;
  address: string;
  port: number;
  family: 4 | 6;
}

const MAX_UDP_PAYLOAD = 65507;

function isKeepalive(buf: Buffer): boolean {
  // RFC 5626 §4.4.1 / common practice: CRLF (or CRLFCRLF) datagrams are keep-alives; ignore them.
  if (buf.length === 0 || buf.length > 4) return false;
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 13 && buf[i] !== 10) return false;
  return true;
}

export class TransportLayer implements SipTransport {
  readonly udpCounters: UdpCounters = {
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    keepalives: 0,
    parseErrors: 0,
    badRequestsSent: 0,
    dropped: 0,
    sendErrors: 0,
  };
  private handlerErrors = 0;
  private handler: MessageHandler | undefined;
  private tap: MessageTap | undefined;
  private readonly udp: UdpEndpoint[] = [];
  private readonly bound: BoundListener[] = [];
  private readonly connections: ConnectionManager;
  private readonly limits: Partial<ParserLimits> | undefined;
  private readonly openHandlers: ((info: ConnectionInfo) => void)[] = [];
  private readonly closeHandlers: ((info: ConnectionInfo, error: Error | undefined) => void)[] = [];
  private readonly errorHandlers: ((info: ConnectionInfo, error: Error) => void)[] = [];
  private readonly udpOptionFailures: Record<string, string> = {};
  private readonly udpSendDone = (err: Error | null): void => {
    if (err) this.udpCounters.sendErrors++;
  };

  private constructor(private readonly options: TransportLayerOptions) {
    this.limits = options.limits;
    this.connections = new ConnectionManager(
      { ...options.connections, limits: options.limits ?? options.connections?.limits, ipTos: options.connections?.ipTos ?? options.ipTos },
      {
        message: (m, s) => this.deliver(m, s),
        // Listener bugs must not escape into socket callbacks: count them instead.
        open: (info) => this.emit(this.openHandlers, info, undefined),
        close: (info, err) => this.emit(this.closeHandlers, info, err),
        error: (info, err) => this.emit(this.errorHandlers, info, err),
      },
    );
  }

  /** Binds every listener; rejects (after closing what was bound) if any bind fails. */
  static async create(options: TransportLayerOptions): Promise<TransportLayer> {
    const layer = new TransportLayer(options);
    try {
      for (const spec of options.listeners) await layer.bind(spec);
    } catch (err) {
      await layer.close();
      throw err;
    }
    return layer;
  }

  /** The bound listeners with their actual ports. */
  listeners(): BoundListener[] {
    return this.bound.map((b) => ({ ...b }));
  }

  /** Receives every valid message with its source. One handler (the transaction layer). */
  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  /** Sets (or with undefined removes) the tap that sees every message in and out: the SIP trace. */
  setMessageTap(tap: MessageTap | undefined): void {
    this.tap = tap;
  }

  onConnectionOpen(handler: (info: ConnectionInfo) => void): void {
    this.openHandlers.push(handler);
  }

  /** A TCP/TLS connection closed (`error` set when it failed); e.g. a registrar drops the flow. */
  onConnectionClose(handler: (info: ConnectionInfo, error: Error | undefined) => void): void {
    this.closeHandlers.push(handler);
  }

  onConnectionError(handler: (info: ConnectionInfo, error: Error) => void): void {
    this.errorHandlers.push(handler);
  }

  /** State of every TCP/TLS connection. */
  connectionList(): ConnectionInfo[] {
    return this.connections.list();
  }

  /** One page of the TCP/TLS connections (see ConnectionManager.page). */
  connectionPage(limit: number, after?: string): { total: number; items: ConnectionInfo[]; next?: string } {
    return this.connections.page(limit, after);
  }

  /** The TLS peer certificate of a connection (the connection inspector). */
  peerCertificate(id: string): ReturnType<ConnectionManager['peerCertificate']> {
    return this.connections.peerCertificate(id);
  }

  closeConnection(id: string): boolean {
    return this.connections.closeConnection(id);
  }

  /** Connection caps and deadlines, in force at once (live options); the next sweep applies them to open connections. */
  setConnectionPolicy(policy: Partial<AdmissionLimits & ConnectionDeadlines>): void {
    const { maxConnections, maxPerAddress, maxPerIpv6Prefix, ...deadlines } = policy;
    const limits: Partial<AdmissionLimits> = {};
    if (maxConnections !== undefined) limits.maxConnections = maxConnections;
    if (maxPerAddress !== undefined) limits.maxPerAddress = maxPerAddress;
    if (maxPerIpv6Prefix !== undefined) limits.maxPerIpv6Prefix = maxPerIpv6Prefix;
    this.connections.setLimits(limits);
    this.connections.setDeadlines(deadlines);
  }

  /** The caps and deadlines in force (ms), and whether outbound connections live per transaction. */
  connectionPolicy(): AdmissionLimits & ConnectionDeadlines & { perTransaction: boolean } {
    return this.connections.policy();
  }

  /** A transaction uses TCP/TLS connection `id` until `releaseConnection` (see connection-use.ts). */
  holdConnection(id: string): void {
    this.connections.hold(id);
  }

  releaseConnection(id: string): void {
    this.connections.release(id);
  }

  /** Which connections carry a registered flow: they keep connection-idle-timeout (RFC 5626 §5.2). */
  setFlowCheck(isFlow: ((connectionId: string) => boolean) | undefined): void {
    this.connections.setFlowCheck(isFlow);
  }

  /** Epoch ms a TCP/TLS connection last received bytes (undefined once closed): RFC 5626 §4.4 flow liveness, no allocation. */
  connectionLastReceived(id: string): number | undefined {
    const c = this.connections.get(id);
    return c && c.state !== 'closed' ? c.lastReceived : undefined;
  }

  /** Socket options that could not be applied (first failure per option): UDP listeners and connections. */
  socketOptionFailures(): Record<string, string> {
    return { ...this.udpOptionFailures, ...this.connections.socketOptionFailures() };
  }

  stats(): TransportStats {
    return {
      udp: { ...this.udpCounters },
      stream: { ...this.connections.counters },
      openConnections: this.connections.size,
      pendingHandshakes: this.connections.pendingHandshakes,
      handlerErrors: this.handlerErrors,
    };
  }

  /** §18.2.2 destination for a response to a request received from `source`. */
  responseDestination(response: SipResponse, source?: MessageSource): Destination {
    return responseDestination(response, source);
  }

  /**
   * Sends a message (serialized here if not already a Buffer). Failures are reported to `sink`
   * asynchronously, never thrown.
   */
  send(message: SipMessage | Buffer, destination: Destination, sink?: TransportErrorSink): string | undefined {
    let data: Buffer;
    try {
      data = Buffer.isBuffer(message) ? message : serialize(message);
    } catch (err) {
      reportError(sink, err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
    if (this.tap) this.tapSent(data, destination);
    if (destination.transport === 'udp') {
      this.sendUdp(data, destination, sink);
      return undefined;
    }
    return this.connections.send(data, destination, 1, sink);
  }

  /** Promise form of `send` for tests and non-hot paths; resolves once handed to the socket. */
  sendAsync(message: SipMessage | Buffer, destination: Destination): Promise<void> {
    return new Promise((resolve, reject) => {
      let failed = false;
      this.send(message, destination, {
        onTransportError: (e) => {
          failed = true;
          reject(e);
        },
      });
      setImmediate(() => {
        if (!failed) resolve();
      });
    });
  }

  /** Sends a response per §18.2.2 to the sender of the request received from `source`. */
  sendResponse(response: SipResponse, source: MessageSource | undefined, sink?: TransportErrorSink): void {
    this.send(response, responseDestination(response, source), sink);
  }

  /** The address:port a listener of `transport` is bound to, for building Via/Contact (§18.1.1). */
  localEndpoint(transport: TransportProtocol, family: 4 | 6 = 4): BoundListener | undefined {
    return this.bound.find((b) => b.transport === transport && b.family === family) ?? this.bound.find((b) => b.transport === transport);
  }

  async close(): Promise<void> {
    await this.connections.close();
    await Promise.all(
      this.udp.map(
        (u) =>
          new Promise<void>((resolve) => {
            try {
              u.socket.close(() => resolve());
            } catch {
              resolve();
            }
          }),
      ),
    );
    this.udp.length = 0;
  }

  private async bind(spec: ListenerSpec): Promise<void> {
    const address = normalizeAddress(spec.address);
    const family: 4 | 6 = net.isIPv6(address) ? 6 : 4;
    if (spec.transport === 'udp') {
      const size = this.options.udpBufferSize ?? 4 * 1024 * 1024;
      const socket = dgram.createSocket({
        type: family === 6 ? 'udp6' : 'udp4',
        ipv6Only: family === 6,
        recvBufferSize: size,
        sendBufferSize: size,
      });
      // SO_REUSEPORT: the addon creates and binds the socket, dgram adopts its descriptor (Node 20 cannot set it).
      const fd = spec.reusePort ? reusePortSocket('udp', family, address, spec.port) : undefined;
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(fd !== undefined ? { fd } : { address, port: spec.port, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      const port = socket.address().port;
      const tos = this.options.ipTos;
      if (tos !== undefined && tos >= 0 && tos <= 255) {
        const r = setIpTos(socket, family, tos);
        if (!r.ok) this.udpOptionFailures['sip-ip-tos'] ??= `${r.code}: ${r.message}`;
      }
      const endpoint: UdpEndpoint = { socket, address, port, family };
      socket.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.onDatagram(endpoint, msg, rinfo));
      socket.on('error', () => {
        this.udpCounters.sendErrors++;
      });
      this.udp.push(endpoint);
      this.bound.push({
        transport: 'udp',
        address,
        port,
        family,
        recvBufferSize: socket.getRecvBufferSize(),
        sendBufferSize: socket.getSendBufferSize(),
        tos: getIpTos(socket, family),
      });
      return;
    }
    if (spec.transport === 'tls' && !spec.tls) throw new Error('TLS listener needs tls options (key/cert)');
    const fd = spec.reusePort ? reusePortSocket('tcp', family, address, spec.port) : undefined;
    const server = await this.connections.listen(spec.transport, address, spec.port, spec.tls, fd);
    const info = server.address() as net.AddressInfo;
    this.bound.push({ transport: spec.transport, address, port: info.port, family });
  }

  private onDatagram(endpoint: UdpEndpoint, buf: Buffer, rinfo: dgram.RemoteInfo): void {
    try {
      this.handleDatagram(endpoint, buf, rinfo);
    } catch {
      // Nothing may escape a socket callback (it would crash the process): count and drop.
      this.udpCounters.dropped++;
    }
  }

  private handleDatagram(endpoint: UdpEndpoint, buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const c = this.udpCounters;
    c.bytesIn += buf.length;
    if (isKeepalive(buf)) {
      c.keepalives++;
      return;
    }
    if (buf[0] < 0x20 && isStun(buf)) {
      // RFC 5626 §4.4.2: a STUN Binding keep-alive on a UDP flow; answered from the socket it arrived on.
      c.keepalives++;
      const res = stunBindingResponse(buf, normalizeAddress(rinfo.address), rinfo.port);
      if (res) endpoint.socket.send(res, rinfo.port, rinfo.address, this.udpSendDone);
      return;
    }
    const source: MessageSource = {
      transport: 'udp',
      remoteAddress: normalizeAddress(rinfo.address),
      remotePort: rinfo.port,
      localAddress: endpoint.address,
      localPort: endpoint.port,
    };
    const result = parseMessage(buf, this.limits);
    if (!result.ok) {
      c.parseErrors++;
      const error = result.error;
      const partial = error.partial;
      if (error.canRespond && partial && partial.method !== 'ACK') {
        try {
          // Straight back to the packet source: the Via may be exactly what was malformed.
          const res = createResponse(partial, error.status || 400, error.reason);
          this.sendUdp(serialize(res), sourceDestination(source), undefined);
          c.badRequestsSent++;
          return;
        } catch {
          // fall through: drop
        }
      }
      c.dropped++;
      return;
    }
    const message = result.message;
    if (!message.topVia()) {
      // §8.1.1 / §18.1.2: without a Via there is nowhere to send a response; drop.
      c.dropped++;
      return;
    }
    if (isRequest(message)) applyReceivedRport(message, source.remoteAddress, source.remotePort);
    c.messagesIn++;
    this.deliver(message, source);
  }

  private emit<E>(handlers: ((info: ConnectionInfo, error: E) => void)[], info: ConnectionInfo, error: E): void {
    for (const h of handlers) {
      try {
        h(info, error);
      } catch {
        this.handlerErrors++;
      }
    }
  }

  private tapSent(data: Buffer, destination: Destination): void {
    try {
      this.tap?.sent(data, destination);
    } catch {
      this.handlerErrors++;
    }
  }

  private deliver(message: SipMessage, source: MessageSource): void {
    if (this.tap) {
      try {
        this.tap.received(message, source);
      } catch {
        this.handlerErrors++;
      }
    }
    const h = this.handler;
    if (!h) return;
    try {
      h(message, source);
    } catch {
      this.handlerErrors++;
    }
  }

  private pickUdp(dest: Destination, family: 4 | 6): UdpEndpoint | undefined {
    let fallback: UdpEndpoint | undefined;
    for (const u of this.udp) {
      if (u.family !== family) continue;
      if (
        dest.localPort === undefined ||
        (u.port === dest.localPort && (dest.localAddress === undefined || u.address === dest.localAddress))
      ) {
        return u;
      }
      fallback ??= u;
    }
    return fallback;
  }

  private sendUdp(data: Buffer, dest: Destination, sink: TransportErrorSink | undefined): void {
    if (data.length > MAX_UDP_PAYLOAD) {
      this.udpCounters.sendErrors++;
      reportError(sink, new Error(`message of ${data.length} bytes is too large for UDP`));
      return;
    }
    const host = normalizeAddress(dest.host);
    const ipFamily = net.isIP(host);
    if (ipFamily === 0) {
      // Not an IP literal: resolve (RFC 3263 is the caller's job; this is the plain A/AAAA fallback).
      dns.lookup(host, (err, address) => {
        if (err) {
          this.udpCounters.sendErrors++;
          reportError(sink, err);
          return;
        }
        this.sendUdp(data, { ...dest, host: address }, sink);
      });
      return;
    }
    const endpoint = this.pickUdp(dest, ipFamily === 6 ? 6 : 4);
    if (!endpoint) {
      this.udpCounters.sendErrors++;
      reportError(sink, new Error(`no UDP listener for IPv${ipFamily}`));
      return;
    }
    this.udpCounters.messagesOut++;
    this.udpCounters.bytesOut += data.length;
    // A closure only when someone wants the error; dgram reports send failures asynchronously.
    endpoint.socket.send(
      data,
      dest.port,
      host,
      sink
        ? (err: Error | null) => {
            if (!err) return;
            this.udpCounters.sendErrors++;
            sink.onTransportError(err);
          }
        : this.udpSendDone,
    );
  }
}
