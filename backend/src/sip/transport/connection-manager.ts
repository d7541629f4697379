/**
 * TCP/TLS connection management for the SIP transport (RFC 3261 §18.3 framing, §18.2.2 response
 * reuse, RFC 5626 §3.5.1 CRLF keep-alive). Connections are reused by (transport, remote address,
 * port), admitted under caps (connection-admission.ts), closed at their deadlines (connection-deadlines.ts),
 * and each has an id (flow id) so upper layers can send down one specific connection.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { createResponse, isRequest, serialize } from '../message/index.js';
import type { ParserLimits, SipMessage, SipParseError } from '../message/index.js';
import type { Destination, MessageSource, TransportErrorSink } from './types.js';
import { applyReceivedRport, normalizeAddress } from './via-received.js';
import { Connection, connectionKey, type ConnectionInfo, type StreamProtocol } from './connection.js';
import { ConnectionAdmission, DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from './connection-admission.js';
import { deadlinePassed, sweepIntervalMs, type ConnectionDeadlines } from './connection-deadlines.js';
import { applyKeepAlive, type TcpKeepAliveOptions } from './keepalive.js';
import { UnusedCheck, unusedOutbound } from './connection-use.js';
import { setIpTos, socketFd, type SocketOptionResult } from './socket-options.js';
import { tlsIdentityName } from './tls-context.js';

export { Connection, connectionKey, type ConnectionInfo, type ConnectionState, type StreamProtocol } from './connection.js';

export interface ConnectionManagerOptions {
  /** Total open connections (inbound + outbound + TLS handshakes in progress). Default 10000. */
  maxConnections?: number;
  /** Open connections per remote IP address. Default 1000. */
  maxConnectionsPerAddress?: number;
  /** Open connections per remote IPv6 /64. Default 1000. */
  maxConnectionsPerIpv6Prefix?: number;
  /** Close connections without inbound traffic for this long (ms); 0 disables. Default 120000. */
  idleTimeoutMs?: number;
  /** Inbound connections that carry no registered flow (see `isFlow`): a shorter idle timeout (ms); 0 = idleTimeoutMs. */
  inboundIdleTimeoutMs?: number;
  /** Close an inbound connection that has not delivered one complete SIP message this long after accept (ms); 0 = never. */
  firstMessageTimeoutMs?: number;
  /** Destroy an inbound TLS connection whose handshake has not completed this long after accept (ms). Default connectTimeoutMs. */
  handshakeTimeoutMs?: number;
  /** Whether a connection carries a registered flow (RFC 5626 §5.2, registration stickiness): it keeps idleTimeoutMs. */
  isFlow?: (connectionId: string) => boolean;
  /**
   * persistent-next-hop-connection = false (Dialogic's per-transaction persistence, seeds/000): a connection the proxy
   * opened is closed as soon as no transaction uses it (see connection-use.ts). Default false: kept and reused until
   * the idle timeout.
   */
  perTransaction?: boolean;
  /** Give up connecting after this long (ms). Default 10000. */
  connectTimeoutMs?: number;
  /** A peer that does not read: close its connection once this much output is queued. Default 4 MiB. */
  maxWriteBufferBytes?: number;
  /** Options for outbound TLS connections (CA, client cert, servername...). */
  tlsClient?: tls.ConnectionOptions;
  /** TCP keep-alive on every connection (sip-enable-tcp-keep-alive), see keepalive.ts. */
  keepAlive?: TcpKeepAliveOptions;
  /** TOS/DSCP byte for every connection (sip-ip-tos, RFC 2474); undefined or 256 leaves the OS value. */
  ipTos?: number;
  limits?: Partial<ParserLimits>;
}

export interface ConnectionCounters {
  accepted: number;
  connected: number;
  rejectedByLimit: number;
  idleClosed: number;
  /** Outbound connections closed because their last transaction ended (per-transaction persistence). */
  unusedClosed: number;
  /** Inbound connections closed for not delivering a SIP message within the first-message deadline. */
  firstMessageTimeouts: number;
  /** Inbound connections closed for not completing a message they began within the first-message deadline. */
  incompleteMessageTimeouts: number;
  /** Inbound TLS connections destroyed for not finishing their handshake in time. */
  handshakeTimeouts: number;
  /** Connections closed after a message over max-message-size / max-line-length / max-header-count (answered when possible). */
  limitClosed: number;
  closed: number;
  errors: number;
  tlsHandshakeErrors: number;
  /** Connections closed because the peer stopped reading (write buffer over the cap). */
  slowConsumersClosed: number;
  parseErrors: number;
  badRequestsSent: number;
  keepalivesAnswered: number;
  messagesIn: number;
  messagesOut: number;
  /** Socket options (TOS, keep-alive timings) the kernel or a missing addon refused; see socketOptionFailures(). */
  socketOptionErrors: number;
}

/** Callbacks from the manager to the transport layer. */
export interface ConnectionEvents {
  message(message: SipMessage, source: MessageSource): void;
  open?(info: ConnectionInfo): void;
  close?(info: ConnectionInfo, error: Error | undefined): void;
  error?(info: ConnectionInfo, error: Error): void;
}

function deliverError(sink: TransportErrorSink, error: Error): void {
  sink.onTransportError(error);
}

/** Reports an error to a sink asynchronously, so callers never re-enter from inside `send`. */
export function reportError(sink: TransportErrorSink | undefined, error: Error): void {
  if (sink) process.nextTick(deliverError, sink, error);
}

const CRLF = Buffer.from('\r\n');

export class ConnectionManager {
  readonly counters: ConnectionCounters = {
    accepted: 0,
    connected: 0,
    rejectedByLimit: 0,
    idleClosed: 0,
    unusedClosed: 0,
    firstMessageTimeouts: 0,
    incompleteMessageTimeouts: 0,
    handshakeTimeouts: 0,
    limitClosed: 0,
    closed: 0,
    errors: 0,
    tlsHandshakeErrors: 0,
    slowConsumersClosed: 0,
    parseErrors: 0,
    badRequestsSent: 0,
    keepalivesAnswered: 0,
    messagesIn: 0,
    messagesOut: 0,
    socketOptionErrors: 0,
  };
  /** First failure per socket option (option name -> errno and message), for the worker's status and log. */
  private readonly optionFailures = new Map<string, string>();
  private readonly byId = new Map<string, Connection>();
  private readonly byKey = new Map<string, Connection>();
  /** Outbound TLS connections by key and the server name they were verified for (RFC 5922 §7.2 on reuse). */
  private readonly byTlsName = new Map<string, Connection>();
  /** Every socket from accept or connect to close, pending TLS handshakes included. */
  private readonly admission: ConnectionAdmission;
  /** Inbound TLS sockets still in their handshake: remote address and port -> socket and accept time. */
  private readonly handshakes = new Map<string, { socket: net.Socket; at: number }>();
  private readonly servers: net.Server[] = [];
  private readonly deadlines: ConnectionDeadlines;
  private readonly connectTimeoutMs: number;
  private readonly maxWriteBuffer: number;
  private isFlow: ((connectionId: string) => boolean) | undefined;
  private sweeper: NodeJS.Timeout | null = null;
  private sweepEvery = 0;
  private closing = false;
  private readonly perTransaction: boolean;
  private readonly unused: UnusedCheck;

  constructor(
    private readonly options: ConnectionManagerOptions,
    private readonly events: ConnectionEvents,
  ) {
    const perAddress = options.maxConnectionsPerAddress ?? DEFAULT_ADMISSION_LIMITS.maxPerAddress;
    this.admission = new ConnectionAdmission({
      maxConnections: options.maxConnections ?? DEFAULT_ADMISSION_LIMITS.maxConnections,
      maxPerAddress: perAddress,
      maxPerIpv6Prefix: options.maxConnectionsPerIpv6Prefix ?? DEFAULT_ADMISSION_LIMITS.maxPerIpv6Prefix,
    });
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.maxWriteBuffer = options.maxWriteBufferBytes ?? 4 * 1024 * 1024;
    this.isFlow = options.isFlow;
    this.perTransaction = options.perTransaction === true;
    this.unused = new UnusedCheck(
      (c) => unusedOutbound(c, this.isFlow),
      (c) => this.retire(c),
    );
    this.deadlines = {
      idleMs: options.idleTimeoutMs ?? 120_000,
      inboundIdleMs: options.inboundIdleTimeoutMs ?? 0,
      firstMessageMs: options.firstMessageTimeoutMs ?? 0,
      handshakeMs: options.handshakeTimeoutMs ?? this.connectTimeoutMs,
    };
    this.scheduleSweep();
  }

  /** Changes the caps at once (connections over a lowered cap stay; new ones are refused until under it). */
  setLimits(limits: Partial<AdmissionLimits>): void {
    this.admission.limits = { ...this.admission.limits, ...limits };
  }

  /** Changes the deadlines at once; the next sweep applies them to every connection, old ones included. */
  setDeadlines(deadlines: Partial<ConnectionDeadlines>): void {
    for (const [k, v] of Object.entries(deadlines) as [keyof ConnectionDeadlines, number | undefined][]) {
      if (v !== undefined) this.deadlines[k] = v;
    }
    this.scheduleSweep();
  }

  /** Tells which connections carry a registered flow (they keep the longer idle timeout). */
  setFlowCheck(isFlow: ((connectionId: string) => boolean) | undefined): void {
    this.isFlow = isFlow;
  }

  /** The caps and deadlines in force, and whether outbound connections live per transaction. */
  policy(): AdmissionLimits & ConnectionDeadlines & { perTransaction: boolean } {
    return { ...this.admission.limits, ...this.deadlines, perTransaction: this.perTransaction };
  }

  /**
   * A transaction starts using connection `id` (RFC 3261 §17): it is not closed for being unused, nor as idle,
   * until the matching `release`. Unknown or closed ids are ignored.
   */
  hold(id: string): void {
    const c = this.byId.get(id);
    if (c && c.state !== 'closed') c.users++;
  }

  /** The transaction that held `id` ended: per transaction, the connection goes once nothing else uses it. */
  release(id: string): void {
    const c = this.byId.get(id);
    if (!c || c.users === 0) return;
    c.users--;
    if (c.users === 0 && this.perTransaction) this.unused.soon(c);
  }

  /** TLS handshakes in progress on the listeners. */
  get pendingHandshakes(): number {
    return this.handshakes.size;
  }

  /** Sockets counted against the caps (connections + pending handshakes). */
  get admitted(): number {
    return this.admission.size;
  }

  private scheduleSweep(): void {
    // One sweep for all connections instead of a timer reset per packet.
    const every = this.closing ? 0 : sweepIntervalMs(this.deadlines);
    if (every === this.sweepEvery && (every === 0) === (this.sweeper === null)) return;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.sweepEvery = every;
    if (every > 0) {
      this.sweeper = setInterval(() => this.sweep(), every);
      this.sweeper.unref();
    }
  }

  /**
   * Starts a TCP listener; `tlsOptions` makes it TLS. Resolves with the bound server. `fd`: a socket already bound
   * (SO_REUSEPORT, a worker group) that this server listens on instead of binding address:port itself.
   */
  listen(transport: StreamProtocol, address: string, port: number, tlsOptions?: tls.TlsOptions, fd?: number): Promise<net.Server> {
    const server =
      transport === 'tls'
        ? tls.createServer({ handshakeTimeout: this.connectTimeoutMs, ...tlsOptions }, (socket) => this.adopt(socket, 'tls'))
        : net.createServer((socket) => {
            if (this.admitSocket(socket)) this.adopt(socket, 'tcp');
          });
    if (transport === 'tls') {
      server.on('tlsClientError', (_err: Error, socket: tls.TLSSocket) => {
        this.counters.tlsHandshakeErrors++;
        // Node leaves the socket open once a tlsClientError listener exists: without this a failed or timed-out
        // handshake would hold its descriptor for ever.
        socket.destroy();
      });
      // Count the socket from accept and enforce the caps before spending a handshake on it: half-open TLS
      // connections are bounded like open ones.
      server.on('connection', (raw: net.Socket) => {
        if (!this.admitSocket(raw)) return;
        const key = handshakeKey(raw);
        this.handshakes.set(key, { socket: raw, at: Date.now() });
        raw.once('close', () => {
          if (this.handshakes.get(key)?.socket === raw) this.handshakes.delete(key);
        });
      });
    }
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(fd !== undefined ? { fd, exclusive: true } : { host: address, port, ipv6Only: address.includes(':') }, () => {
        server.off('error', reject);
        server.on('error', () => {
          this.counters.errors++;
        });
        this.servers.push(server);
        resolve(server);
      });
    });
  }

  get(id: string): Connection | undefined {
    return this.byId.get(id);
  }

  find(transport: StreamProtocol, host: string, port: number): Connection | undefined {
    const c = this.byKey.get(connectionKey(transport, normalizeAddress(host), port));
    return c && c.state !== 'closed' && !c.retiring ? c : undefined;
  }

  list(): ConnectionInfo[] {
    const out: ConnectionInfo[] = [];
    for (const c of this.byId.values()) out.push(c.info());
    return out;
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The TLS peer's certificate on connection `id` (node's detailed form, issuer chain included): undefined for TCP,
   * a closed connection, or a peer that sent none.
   */
  peerCertificate(id: string): tls.DetailedPeerCertificate | undefined {
    const c = this.byId.get(id);
    if (!c || c.transport !== 'tls') return undefined;
    const cert = (c.socket as tls.TLSSocket).getPeerCertificate(true);
    return cert && cert.raw ? cert : undefined;
  }

  /**
   * One page of the connections, oldest first: up to `limit` after the connection `after` (a cursor that stays valid
   * while others open and close). Only the page is copied, so paging 10,000 connections stays cheap.
   */
  page(limit: number, after?: string): { total: number; items: ConnectionInfo[]; next?: string } {
    const items: ConnectionInfo[] = [];
    let skipping = after !== undefined && this.byId.has(after);
    let last: Connection | undefined;
    let more = false;
    for (const c of this.byId.values()) {
      if (skipping) {
        if (c.id === after) skipping = false;
        continue;
      }
      if (items.length >= limit) {
        more = true;
        break;
      }
      items.push(c.info());
      last = c;
    }
    return more && last ? { total: this.byId.size, items, next: last.id } : { total: this.byId.size, items };
  }

  /**
   * Sends on the connection named by `dest.connectionId` if open, else reuses one to
   * (transport, host, port), else opens one (unless `requireConnection`).
   */
  send(data: Buffer, dest: Destination, messages: number, sink: TransportErrorSink | undefined): string | undefined {
    const transport = dest.transport as StreamProtocol;
    let conn: Connection | undefined;
    if (dest.connectionId !== undefined) {
      const c = this.byId.get(dest.connectionId);
      if (c && c.state !== 'closed' && !c.retiring) conn = c;
      else if (dest.requireConnection) {
        reportError(sink, new Error(`connection ${dest.connectionId} is closed`));
        return undefined;
      }
    }
    conn ??= transport === 'tls' ? this.findTls(dest) : this.find(transport, dest.host, dest.port);
    if (!conn) {
      const opened = this.connect(transport, normalizeAddress(dest.host), dest.port, dest.tlsServerName);
      if (opened instanceof Error) {
        reportError(sink, opened);
        return undefined;
      }
      conn = opened;
    }
    this.write(conn, data, messages, sink);
    // Per transaction, a message no transaction holds (a 2xx ACK, a ping) does not keep an outbound connection: a
    // transaction that sends in this same turn holds it before the check runs.
    if (this.perTransaction && conn.direction === 'outbound' && conn.users === 0) this.unused.soon(conn);
    return conn.id;
  }

  /** Closes one connection (e.g. the admin UI or a flow failure). */
  closeConnection(id: string): boolean {
    const c = this.byId.get(id);
    if (!c) return false;
    c.socket.destroy();
    return true;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.unused.cancel();
    this.scheduleSweep();
    for (const c of [...this.byId.values()]) c.socket.destroy();
    for (const h of [...this.handshakes.values()]) h.socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.servers.length = 0;
  }

  /**
   * RFC 5922 §7.2 on reuse: a TLS connection to the right address is reused for a next hop only if its peer's
   * certificate was (or now is) verified for the name that hop was resolved from; otherwise two names sharing an
   * address would let a connection checked for one carry requests meant for the other.
   */
  private findTls(dest: Destination): Connection | undefined {
    const name = tlsIdentityName(dest.tlsServerName ?? dest.host);
    const key = connectionKey('tls', normalizeAddress(dest.host), dest.port);
    const named = this.byTlsName.get(`${key}|${name}`);
    if (named && named.state !== 'closed' && !named.retiring) return named;
    const c = this.find('tls', dest.host, dest.port);
    return c && this.tlsIdentityFits(c, name) ? c : undefined;
  }

  private tlsIdentityFits(conn: Connection, name: string): boolean {
    const client = this.options.tlsClient;
    const check = client?.checkServerIdentity;
    if (!check || client?.rejectUnauthorized === false) return true;
    if (conn.tlsVerifiedNames?.includes(name)) return true;
    // An inbound connection's peer presented a chain only under mutual TLS, and it must have verified.
    const socket = conn.socket as tls.TLSSocket;
    if (conn.state !== 'open' || socket.authorized !== true) return false;
    const cert = socket.getPeerCertificate();
    if (!cert || !cert.raw) return false;
    if (check(name, cert) !== undefined) return false;
    (conn.tlsVerifiedNames ??= []).push(name);
    this.byTlsName.set(`${conn.key}|${name}`, conn);
    return true;
  }

  private write(conn: Connection, data: Buffer, messages: number, sink: TransportErrorSink | undefined): void {
    if (conn.state === 'closed' || conn.socket.destroyed) {
      reportError(sink, conn.closeError ?? new Error(`connection ${conn.id} is closed`));
      return;
    }
    if (conn.socket.writableLength + data.length > this.maxWriteBuffer) {
      // Unbounded queuing to a peer that does not read would exhaust memory: drop the connection.
      this.counters.slowConsumersClosed++;
      const err = new Error(`connection ${conn.id}: peer is not reading (write buffer full)`);
      conn.closeError = err;
      conn.socket.destroy();
      reportError(sink, err);
      return;
    }
    if (conn.state === 'connecting' && sink) (conn.pendingSinks ??= []).push(sink);
    conn.socket.write(data);
    conn.bytesOut += data.length;
    conn.messagesOut += messages;
    this.counters.messagesOut += messages;
    conn.lastActivity = Date.now();
  }

  private admit(remoteAddress: string): Error | undefined {
    if (this.closing) return new Error('transport is closing');
    const refused = this.admission.refuse(remoteAddress);
    return refused === undefined ? undefined : new Error(refused);
  }

  /** An accepted socket: counted until it closes, or destroyed at once when over a cap. */
  private admitSocket(socket: net.Socket): boolean {
    const remote = normalizeAddress(socket.remoteAddress ?? '');
    if (this.admit(remote)) {
      this.counters.rejectedByLimit++;
      socket.destroy();
      return false;
    }
    this.admission.acquire(remote, socket);
    return true;
  }

  private connect(transport: StreamProtocol, host: string, port: number, serverName?: string): Connection | Error {
    const refused = this.admit(host);
    if (refused) {
      this.counters.rejectedByLimit++;
      return refused;
    }
    const socket =
      transport === 'tls'
        ? tls.connect({ ...this.options.tlsClient, host, port, servername: serverName ?? (net.isIP(host) ? undefined : host) })
        : net.connect({ host, port });
    this.admission.acquire(host, socket);
    const conn = new Connection(socket, transport, 'outbound', host, port, this.options.limits);
    // tls.connect verifies the certificate against this name before 'secureConnect' (or fails the socket).
    this.register(conn);
    if (transport === 'tls') {
      const name = tlsIdentityName(serverName ?? host);
      conn.tlsVerifiedNames = [name];
      this.byTlsName.set(`${conn.key}|${name}`, conn);
    }
    socket.setTimeout(this.connectTimeoutMs, () => {
      if (conn.state === 'connecting') socket.destroy(new Error(`connect to ${host}:${port} timed out`));
    });
    socket.once(transport === 'tls' ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(0);
      conn.state = 'open';
      conn.pendingSinks = null;
      conn.localAddress = normalizeAddress(socket.localAddress ?? '');
      conn.localPort = socket.localPort ?? 0;
      conn.source = conn.makeSource();
      this.counters.connected++;
      this.events.open?.(conn.info());
    });
    this.wire(conn);
    return conn;
  }

  /** An inbound connection: a TCP socket just admitted, or a TLS socket whose handshake completed (admitted at accept). */
  private adopt(socket: net.Socket, transport: StreamProtocol): void {
    const remote = normalizeAddress(socket.remoteAddress ?? '');
    if (transport === 'tls') this.handshakes.delete(handshakeKey(socket));
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.counters.accepted++;
    const conn = new Connection(socket, transport, 'inbound', remote, socket.remotePort ?? 0, this.options.limits);
    conn.localAddress = normalizeAddress(socket.localAddress ?? '');
    conn.localPort = socket.localPort ?? 0;
    conn.source = conn.makeSource();
    this.register(conn);
    this.wire(conn);
    this.events.open?.(conn.info());
  }

  private register(conn: Connection): void {
    this.byId.set(conn.id, conn);
    // Newest wins: an inbound connection from a peer's listening port is the best reuse target.
    this.byKey.set(conn.key, conn);
  }

  private wire(conn: Connection): void {
    const socket = conn.socket;
    socket.setNoDelay(true);
    this.applySocketOptions(socket);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.onData(conn, chunk);
      } catch {
        // Nothing may escape a socket callback; framing state is unknown now, so drop the connection.
        this.counters.errors++;
        socket.destroy();
      }
    });
    socket.on('error', (err: Error) => {
      conn.closeError = err;
      this.counters.errors++;
      this.events.error?.(conn.info(), err);
    });
    socket.on('close', () => this.onClose(conn));
  }

  /** Keep-alive timings and the TOS byte; outbound sockets get them once connected (they have no descriptor before). */
  private applySocketOptions(socket: net.Socket): void {
    applyKeepAlive(socket, this.options.keepAlive, (r) => this.noteOption('tcp-keep-alive-interval/-count', r));
    const tos = this.options.ipTos;
    if (tos === undefined || tos < 0 || tos > 255) return;
    const set = (): void => this.noteOption('sip-ip-tos', setIpTos(socket, socket.remoteFamily === 'IPv6' ? 6 : 4, tos));
    if (socketFd(socket) >= 0) set();
    else socket.once('connect', set);
  }

  private noteOption(option: string, r: SocketOptionResult): void {
    if (r.ok) return;
    this.counters.socketOptionErrors++;
    if (!this.optionFailures.has(option)) this.optionFailures.set(option, `${r.code}: ${r.message}`);
  }

  /** Socket options that could not be applied (first failure per option), e.g. `{ 'sip-ip-tos': 'EPERM: ...' }`. */
  socketOptionFailures(): Record<string, string> {
    return Object.fromEntries(this.optionFailures);
  }

  private onData(conn: Connection, chunk: Buffer): void {
    conn.bytesIn += chunk.length;
    const now = Date.now();
    conn.lastActivity = conn.lastReceived = now;
    const events = conn.framer.push(chunk);
    // The incomplete-message deadline runs from the first byte of the message still buffered: a chunk that
    // completes a message restarts it for whatever follows (connection-deadlines.ts).
    if (conn.framer.buffered === 0) conn.partialSince = 0;
    else if (conn.partialSince === 0 || events.length > 0) conn.partialSince = now;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      if (ev.type === 'message') {
        conn.messagesIn++;
        this.counters.messagesIn++;
        const message = ev.message;
        if (isRequest(message)) {
          if (!message.topVia()) {
            this.counters.parseErrors++;
            continue;
          }
          applyReceivedRport(message, conn.remoteAddress, conn.remotePort);
        } else if (!message.topVia()) {
          this.counters.parseErrors++;
          continue;
        }
        try {
          this.events.message(message, conn.source);
        } catch {
          // A handler bug must not take the connection down (never throw past the transport).
          this.counters.errors++;
        }
      } else if (ev.type === 'keepalive') {
        if (ev.pong && !conn.socket.destroyed) {
          // RFC 5626 §3.5.1: answer a CRLFCRLF ping with a CRLF pong.
          conn.socket.write(CRLF);
          conn.bytesOut += 2;
          this.counters.keepalivesAnswered++;
        }
      } else {
        this.counters.parseErrors++;
        const error = ev.error;
        const partial = error.partial;
        if (error.canRespond && partial && partial.method !== 'ACK') {
          try {
            const res = createResponse(partial, error.status || 400, error.reason);
            this.write(conn, serialize(res), 1, undefined);
            this.counters.badRequestsSent++;
          } catch {
            // Not even enough of a request to answer; fall through to the framing decision.
          }
        }
        if (overLimit(error)) {
          this.closeAfterAnswer(conn);
          return;
        }
        if (error.fatal) {
          conn.socket.destroy();
          return;
        }
      }
    }
  }

  /** Takes `conn` out of the reuse maps, so no new message picks it. */
  private unlist(conn: Connection): void {
    if (this.byKey.get(conn.key) === conn) this.byKey.delete(conn.key);
    for (const name of conn.tlsVerifiedNames ?? []) {
      if (this.byTlsName.get(`${conn.key}|${name}`) === conn) this.byTlsName.delete(`${conn.key}|${name}`);
    }
  }

  /**
   * Closes an outbound connection nothing uses (per-transaction persistence): what was written still goes out
   * (end(), not destroy(): the last ACK must reach the peer), then FIN; the timer bounds a peer that does not read.
   */
  private retire(conn: Connection): void {
    conn.retiring = true;
    this.unlist(conn);
    this.counters.unusedClosed++;
    conn.socket.end();
    setTimeout(() => conn.socket.destroy(), 2000).unref();
  }

  private onClose(conn: Connection): void {
    if (conn.state === 'closed') return;
    const wasConnecting = conn.state === 'connecting';
    conn.state = 'closed';
    this.byId.delete(conn.id);
    this.unlist(conn);
    this.counters.closed++;
    if (wasConnecting && conn.pendingSinks) {
      const err = conn.closeError ?? new Error(`connection to ${conn.remoteAddress}:${conn.remotePort} failed`);
      for (const sink of conn.pendingSinks) reportError(sink, err);
    }
    conn.pendingSinks = null;
    this.events.close?.(conn.info(), conn.closeError);
  }

  private sweep(): void {
    const now = Date.now();
    const d = this.deadlines;
    if (d.handshakeMs > 0) {
      for (const h of this.handshakes.values()) {
        if (now - h.at < d.handshakeMs) continue;
        this.counters.handshakeTimeouts++;
        h.socket.destroy();
      }
    }
    const isFlow = this.isFlow;
    for (const c of this.byId.values()) {
      if (c.state === 'closed') continue;
      const kept = c.direction === 'inbound' && isFlow !== undefined && c.messagesIn > 0 && isFlow(c.id);
      const why = deadlinePassed(c, now, d, kept);
      // A connection the proxy opened is idle only when unused: a transaction in progress on it (an INVITE ringing
      // longer than the idle timeout) keeps it; its own timers (B, F, C) bound how long.
      if (why === 'idle' && c.direction === 'outbound' && c.users > 0) continue;
      if (why === undefined) continue;
      if (why === 'first-message') this.counters.firstMessageTimeouts++;
      else if (why === 'incomplete-message') this.counters.incompleteMessageTimeouts++;
      else this.counters.idleClosed++;
      c.socket.destroy();
    }
  }

  /**
   * After an answer to a message over a limit: stop reading, let the answer drain, then close. destroy() would drop
   * what is still queued (TLS especially); the timer bounds a peer that does not read.
   */
  private closeAfterAnswer(conn: Connection): void {
    const socket = conn.socket;
    this.counters.limitClosed++;
    socket.pause();
    socket.end();
    setTimeout(() => socket.destroy(), 2000).unref();
  }
}

/** A socket in its TLS handshake, found again by the TLS socket wrapping it (same addresses and ports). */
function handshakeKey(socket: net.Socket): string {
  return `${normalizeAddress(socket.remoteAddress ?? '')} ${socket.remotePort ?? 0} ${socket.localPort ?? 0}`;
}

/** Errors of a resource limit (RFC 3261 §21.4.1 400, §21.5.14 513): the peer is answered, then its connection closed. */
function overLimit(error: SipParseError): boolean {
  return error.code === 'MESSAGE_TOO_LARGE' || error.code === 'LINE_TOO_LONG' || error.code === 'TOO_MANY_HEADERS';
}
