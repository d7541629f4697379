/**
 * TCP/TLS connection management for the SIP transport (RFC 3261 §18.3 framing, §18.2.2 response
 * reuse, RFC 5626 §3.5.1 CRLF keep-alive). Connections are reused by (transport, remote address,
 * port), capped in total and per remote address, closed when idle, and each has an id (flow id) so
 * upper layers can send down one specific connection.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { StreamFramer, createResponse, isRequest, serialize } from '../message/index.js';
import type { ParserLimits, SipMessage } from '../message/index.js';
import type { Destination, MessageSource, TransportErrorSink } from './types.js';
import { applyReceivedRport, normalizeAddress } from './via-received.js';
import { applyKeepAlive, type TcpKeepAliveOptions } from './keepalive.js';
import { setIpTos, socketFd, type SocketOptionResult } from './socket-options.js';
import { tlsIdentityName } from './tls-context.js';

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

export interface ConnectionManagerOptions {
  /** Total open connections (inbound + outbound). Default 10000. */
  maxConnections?: number;
  /** Open connections per remote IP address. Default 1000. */
  maxConnectionsPerAddress?: number;
  /** Close connections without traffic for this long (ms); 0 disables. Default 120000. */
  idleTimeoutMs?: number;
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

let nextConnectionNumber = 1;

function deliverError(sink: TransportErrorSink, error: Error): void {
  sink.onTransportError(error);
}

/** Reports an error to a sink asynchronously, so callers never re-enter from inside `send`. */
export function reportError(sink: TransportErrorSink | undefined, error: Error): void {
  if (sink) process.nextTick(deliverError, sink, error);
}

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

const CRLF = Buffer.from('\r\n');

export class ConnectionManager {
  readonly counters: ConnectionCounters = {
    accepted: 0,
    connected: 0,
    rejectedByLimit: 0,
    idleClosed: 0,
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
  private readonly perAddress = new Map<string, number>();
  private readonly servers: net.Server[] = [];
  private readonly maxConnections: number;
  private readonly maxPerAddress: number;
  private readonly idleTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly maxWriteBuffer: number;
  private sweeper: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly options: ConnectionManagerOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.maxConnections = options.maxConnections ?? 10000;
    this.maxPerAddress = options.maxConnectionsPerAddress ?? 1000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.maxWriteBuffer = options.maxWriteBufferBytes ?? 4 * 1024 * 1024;
    if (this.idleTimeoutMs > 0) {
      // One sweep for all connections instead of a timer reset per packet.
      const every = Math.max(10, Math.min(5000, Math.floor(this.idleTimeoutMs / 4)));
      this.sweeper = setInterval(() => this.sweepIdle(), every);
      this.sweeper.unref();
    }
  }

  /** Starts a TCP listener; `tlsOptions` makes it TLS. Resolves with the bound server. */
  listen(transport: StreamProtocol, address: string, port: number, tlsOptions?: tls.TlsOptions): Promise<net.Server> {
    const server =
      transport === 'tls'
        ? tls.createServer({ handshakeTimeout: this.connectTimeoutMs, ...tlsOptions }, (socket) => this.adopt(socket, 'tls'))
        : net.createServer((socket) => this.adopt(socket, 'tcp'));
    if (transport === 'tls') {
      server.on('tlsClientError', () => {
        this.counters.tlsHandshakeErrors++;
      });
      // Enforce the caps before spending a handshake on a connection we would refuse anyway.
      server.on('connection', (raw: net.Socket) => {
        if (this.admit(normalizeAddress(raw.remoteAddress ?? ''))) {
          this.counters.rejectedByLimit++;
          raw.destroy();
        }
      });
    }
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port, ipv6Only: address.includes(':') }, () => {
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
    return c && c.state !== 'closed' ? c : undefined;
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
   * Sends on the connection named by `dest.connectionId` if open, else reuses one to
   * (transport, host, port), else opens one (unless `requireConnection`).
   */
  send(data: Buffer, dest: Destination, messages: number, sink: TransportErrorSink | undefined): string | undefined {
    const transport = dest.transport as StreamProtocol;
    let conn: Connection | undefined;
    if (dest.connectionId !== undefined) {
      const c = this.byId.get(dest.connectionId);
      if (c && c.state !== 'closed') conn = c;
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
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const c of [...this.byId.values()]) c.socket.destroy();
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
    if (named && named.state !== 'closed') return named;
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
    if (this.byId.size >= this.maxConnections) return new Error('connection limit reached');
    if ((this.perAddress.get(remoteAddress) ?? 0) >= this.maxPerAddress) {
      return new Error(`connection limit for ${remoteAddress} reached`);
    }
    return undefined;
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

  private adopt(socket: net.Socket, transport: StreamProtocol): void {
    const remote = normalizeAddress(socket.remoteAddress ?? '');
    const refused = this.admit(remote);
    if (refused) {
      this.counters.rejectedByLimit++;
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
    this.perAddress.set(conn.remoteAddress, (this.perAddress.get(conn.remoteAddress) ?? 0) + 1);
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
    conn.lastActivity = conn.lastReceived = Date.now();
    const events = conn.framer.push(chunk);
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
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
        if (error.fatal) {
          conn.socket.destroy();
          return;
        }
      }
    }
  }

  private onClose(conn: Connection): void {
    if (conn.state === 'closed') return;
    const wasConnecting = conn.state === 'connecting';
    conn.state = 'closed';
    this.byId.delete(conn.id);
    if (this.byKey.get(conn.key) === conn) this.byKey.delete(conn.key);
    for (const name of conn.tlsVerifiedNames ?? []) {
      if (this.byTlsName.get(`${conn.key}|${name}`) === conn) this.byTlsName.delete(`${conn.key}|${name}`);
    }
    const n = (this.perAddress.get(conn.remoteAddress) ?? 1) - 1;
    if (n <= 0) this.perAddress.delete(conn.remoteAddress);
    else this.perAddress.set(conn.remoteAddress, n);
    this.counters.closed++;
    if (wasConnecting && conn.pendingSinks) {
      const err = conn.closeError ?? new Error(`connection to ${conn.remoteAddress}:${conn.remotePort} failed`);
      for (const sink of conn.pendingSinks) reportError(sink, err);
    }
    conn.pendingSinks = null;
    this.events.close?.(conn.info(), conn.closeError);
  }

  private sweepIdle(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const c of this.byId.values()) {
      // Inbound traffic only (a message or a keep-alive), as connection-idle-timeout says and reSIProcate does: our
      // own writes to a peer that never answers do not keep its connection.
      if (c.lastReceived < cutoff && c.state !== 'closed') {
        this.counters.idleClosed++;
        c.socket.destroy();
      }
    }
  }
}
